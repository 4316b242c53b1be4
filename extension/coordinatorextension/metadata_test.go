package coordinatorextension

import (
	"context"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/confmap/confmaptest"
	"go.opentelemetry.io/collector/extension/extensiontest"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	"github.com/otelcol-chaos/otelcol-chaos/extension/coordinatorextension/internal/metadata"
	"github.com/otelcol-chaos/otelcol-chaos/internal/etcdtest"
)

// TestMetadata checks the hand-kept internal/metadata package and the
// README against metadata.yaml, the single source mdatagen would generate
// them from: identity and stability here, the telemetry in
// TestMetadataTelemetry.
func TestMetadata(t *testing.T) {
	md, readme := loadMetadata(t)
	require.Equal(t, metadata.Type.String(), md["type"])
	status := md["status"].(map[string]any)
	require.Equal(t, "extension", status["class"])
	stability := status["stability"].(map[string]any)
	level := strings.ToLower(metadata.ExtensionStability.String())
	require.Equal(t, []any{"extension"}, stability[level])
	require.Len(t, stability, 1)
	require.Equal(t, []any{"otelcol-chaos"}, status["distributions"])
	// mdatagen's README header names no signal for an extension.
	require.Contains(t, readme, "| Stability     | ["+level+"] |")
	require.Contains(t, readme, "| Distributions | otelcol-chaos |")
	require.Contains(t, readme, "| Type          | `"+metadata.Type.String()+"` |")
	require.Contains(t, readme, "["+level+"]: https://github.com/open-telemetry/opentelemetry-collector/blob/main/docs/component-stability.md#"+level)
}

// TestMetadataTelemetry runs a coordinator on a real etcd member until it
// leads and has heartbeated, then compares every instrument it exports
// (name "otelcol_"+key, description with its " [stability]" suffix, unit,
// kind, attributes) with its declaration, and the README's telemetry table
// with both.
func TestMetadataTelemetry(t *testing.T) {
	if testing.Short() {
		t.Skip("starts an etcd member")
	}
	md, readme := loadMetadata(t)
	cluster := etcdtest.Start(t, 1)
	defer cluster.Close()
	tel := componenttest.NewTelemetry()
	defer func() { require.NoError(t, tel.Shutdown(context.Background())) }()
	set := extensiontest.NewNopSettings(metadata.Type)
	set.TelemetrySettings = tel.NewTelemetrySettings()
	ext, err := NewFactory().Create(context.Background(), set, etcdTestConfig(cluster.Endpoints, "solo", 2*time.Second))
	require.NoError(t, err)
	require.NoError(t, ext.Start(context.Background(), componenttest.NewNopHost()))
	defer func() { require.NoError(t, ext.Shutdown(context.Background())) }()
	c := ext.(*coordinator)
	require.Eventually(t, func() bool {
		return c.IsLeader() && memberStatus(c, "solo") == StatusActive && c.hb.sent.Load() > 0
	}, 10*time.Second, 10*time.Millisecond)

	attributes := md["attributes"].(map[string]any)
	metrics := md["telemetry"].(map[string]any)["metrics"].(map[string]any)
	require.Len(t, metrics, 6)
	for key, v := range metrics {
		decl := v.(map[string]any)
		name := "otelcol_" + key
		got, err := tel.GetMetric(name)
		require.NoError(t, err, name)
		level := decl["stability"].(map[string]any)["level"].(string)
		require.Equal(t, decl["description"].(string)+" ["+level+"]", got.Description, name)
		require.Equal(t, decl["unit"], got.Unit, name)

		var typ string
		var points []metricdata.DataPoint[int64]
		switch {
		case decl["sum"] != nil:
			typ = "counter"
			sum := decl["sum"].(map[string]any)
			require.Equal(t, "int", sum["value_type"], name)
			require.Equal(t, true, sum["async"], name)
			data, ok := got.Data.(metricdata.Sum[int64])
			require.True(t, ok, "%s is an int64 sum, not %T", name, got.Data)
			require.Equal(t, sum["monotonic"], data.IsMonotonic, name)
			points = data.DataPoints
		case decl["gauge"] != nil:
			typ = "gauge"
			gauge := decl["gauge"].(map[string]any)
			require.Equal(t, "int", gauge["value_type"], name)
			require.Equal(t, true, gauge["async"], name)
			data, ok := got.Data.(metricdata.Gauge[int64])
			require.True(t, ok, "%s is an int64 gauge, not %T", name, got.Data)
			points = data.DataPoints
		default:
			t.Fatalf("%s: neither sum nor gauge", name)
		}

		// Every point carries exactly the declared attributes, with declared values.
		declared, _ := decl["attributes"].([]any)
		var cells []string
		for _, a := range declared {
			cells = append(cells, "`"+a.(string)+"`")
		}
		require.NotEmpty(t, points, name)
		for _, dp := range points {
			require.Equal(t, len(declared), dp.Attributes.Len(), name)
			for _, a := range declared {
				val, ok := dp.Attributes.Value(attribute.Key(a.(string)))
				require.True(t, ok, "%s has %s", name, a)
				if enum, ok := attributes[a.(string)].(map[string]any)["enum"].([]any); ok {
					require.True(t, slices.Contains(enum, any(val.AsString())), "%s: %s=%s is declared", name, a, val.AsString())
				}
			}
		}
		attrText := strings.Join(cells, ", ")
		if attrText == "" {
			attrText = "—"
		}
		require.Contains(t, readme, "| `"+name+"` | "+typ+" | "+attrText+" |", "README telemetry row of %s", name)
	}
	require.Equal(t, int64(1), gaugeValue(t, tel, "otelcol_extension_coordinator_is_leader"))
	require.Equal(t, int64(c.Term()), gaugeValue(t, tel, "otelcol_extension_coordinator_term"))
}

func loadMetadata(t *testing.T) (md map[string]any, readme string) {
	t.Helper()
	conf, err := confmaptest.LoadConf("metadata.yaml")
	require.NoError(t, err)
	b, err := os.ReadFile("README.md")
	require.NoError(t, err)
	return conf.ToStringMap(), string(b)
}

func gaugeValue(t *testing.T, tel *componenttest.Telemetry, name string) int64 {
	t.Helper()
	m, err := tel.GetMetric(name)
	require.NoError(t, err)
	return m.Data.(metricdata.Gauge[int64]).DataPoints[0].Value
}
