package chaosmetricsconnector

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/confmap/confmaptest"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	"github.com/otelcol-chaos/otelcol-chaos/connector/chaosmetricsconnector/internal/metadata"
	"github.com/otelcol-chaos/otelcol-chaos/internal/chaosconv"
)

// TestMetadata checks the hand-written internal/metadata package and the
// README against metadata.yaml, the single source mdatagen would generate
// them from.
func TestMetadata(t *testing.T) {
	conf, err := confmaptest.LoadConf("metadata.yaml")
	require.NoError(t, err)
	md := conf.ToStringMap()
	readme, err := os.ReadFile("README.md")
	require.NoError(t, err)

	require.Equal(t, metadata.Type.String(), md["type"])
	status := md["status"].(map[string]any)
	require.Equal(t, "connector", status["class"])
	stability := status["stability"].(map[string]any)
	require.Equal(t, []any{"logs_to_metrics"}, stability[strings.ToLower(metadata.LogsToMetricsStability.String())])
	require.Contains(t, string(readme), "| Stability     | ["+strings.ToLower(metadata.LogsToMetricsStability.String())+"]: logs_to_metrics |")
	require.Contains(t, string(readme), "| Type          | `"+metadata.Type.String()+"` |")

	// Exercise every instrument, then compare each with its declaration.
	cfg := defaultConfig()
	cfg.MaxLabelValues = 1
	c := newTestConnector(t, cfg, new(consumertest.MetricsSink))
	r := newRecords().
		bucket(chaosBucket(chaosconv.ScopeService, "a", minute(0), time.Minute, 20)).
		bucket(chaosBucket(chaosconv.ScopeService, "b", minute(0), time.Minute, 20))
	r.raw().SetEventName(chaosconv.RecordHealth) // malformed
	require.NoError(t, c.ConsumeLogs(context.Background(), r.ld))

	telemetry := md["telemetry"].(map[string]any)["metrics"].(map[string]any)
	require.Len(t, telemetry, 4)
	for key, v := range telemetry {
		decl := v.(map[string]any)
		name := "otelcol_" + key
		got, err := c.tel.GetMetric(name)
		require.NoError(t, err, name)
		require.Equal(t, decl["description"].(string)+" [development]", got.Description, name)
		require.Equal(t, decl["unit"], got.Unit, name)
		var typ string
		var attrs []string
		for _, a := range asSlice(decl["attributes"]) {
			attrs = append(attrs, "`"+a.(string)+"`")
		}
		switch {
		case decl["sum"] != nil:
			typ = "counter"
			require.IsType(t, metricdata.Sum[int64]{}, got.Data, name)
		case decl["gauge"] != nil:
			typ = "gauge"
			require.IsType(t, metricdata.Gauge[int64]{}, got.Data, name)
		}
		attrText := strings.Join(attrs, ", ")
		if attrText == "" {
			attrText = "—"
		}
		require.Contains(t, string(readme), "| `"+name+"` | "+typ+" | "+attrText+" |", "README telemetry row of %s", name)
	}
}

func asSlice(v any) []any {
	s, _ := v.([]any)
	return s
}
