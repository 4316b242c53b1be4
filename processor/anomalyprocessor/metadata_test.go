package anomalyprocessor

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/confmap/confmaptest"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/processor/processortest"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	"github.com/otelcol-chaos/otelcol-chaos/processor/anomalyprocessor/internal/metadata"
)

// TestMetadata checks the hand-kept internal/metadata package and the
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
	require.Equal(t, "processor", status["class"])
	require.Equal(t, []any{"otelcol-chaos"}, status["distributions"])
	level := strings.ToLower(metadata.LogsStability.String())
	require.Equal(t, map[string]any{level: []any{"logs"}}, status["stability"])
	require.Contains(t, string(readme), "| Stability     | ["+level+"]: logs |")
	require.Contains(t, string(readme), "| Distributions | otelcol-chaos |")
	require.Contains(t, string(readme), "| Type          | `"+metadata.Type.String()+"` |")

	// Exercise every instrument: a steady series, a spike (an anomaly
	// opens, records are emitted), a duplicate (ignored) and two missing
	// minutes (empty buckets).
	tel := componenttest.NewTelemetry()
	defer func() { require.NoError(t, tel.Shutdown(context.Background())) }()
	set := processortest.NewNopSettings(metadata.Type)
	set.TelemetrySettings = tel.NewTelemetrySettings()
	p, err := newProcessor(createDefaultConfig().(*Config), set, consumertest.NewNop())
	require.NoError(t, err)
	ctx := context.Background()
	for i := range 20 {
		require.NoError(t, p.ConsumeLogs(ctx, bucketLogs(i, 100)))
	}
	require.NoError(t, p.ConsumeLogs(ctx, bucketLogs(20, 5000)))
	require.NoError(t, p.ConsumeLogs(ctx, bucketLogs(20, 100)))  // duplicate: ignored
	require.NoError(t, p.ConsumeLogs(ctx, bucketLogs(23, 5000))) // minutes 21 and 22 are empty

	attributes := md["attributes"].(map[string]any)
	telemetry := md["telemetry"].(map[string]any)["metrics"].(map[string]any)
	require.Len(t, telemetry, 5)
	for key, v := range telemetry {
		decl := v.(map[string]any)
		name := "otelcol_" + key
		got, err := tel.GetMetric(name)
		require.NoError(t, err, name)
		checkInstrument(t, name, decl, attributes, got, string(readme))
	}

	// Shutdown unregisters the gauges' callback.
	require.NoError(t, p.Shutdown(ctx))
	_, err = tel.GetMetric("otelcol_processor_anomaly_open")
	require.Error(t, err, "observed after Shutdown")
}

// checkInstrument compares one recorded metric with its declaration in
// metadata.yaml (description with its " [level]" suffix, unit, kind,
// attributes and their enums) and finds its row in the README's telemetry
// table.
func checkInstrument(t *testing.T, name string, decl, attributes map[string]any, got metricdata.Metrics, readme string) {
	t.Helper()
	level := decl["stability"].(map[string]any)["level"].(string)
	require.Equal(t, decl["description"].(string)+" ["+level+"]", got.Description, name)
	require.Equal(t, decl["unit"], got.Unit, name)

	declared := map[attribute.Key][]any{}
	var attrs []string
	for _, a := range asSlice(decl["attributes"]) {
		def := attributes[a.(string)].(map[string]any)
		key := a.(string)
		if o, ok := def["name_override"].(string); ok {
			key = o
		}
		declared[attribute.Key(key)] = asSlice(def["enum"])
		attrs = append(attrs, "`"+key+"`")
	}
	checkAttrs := func(set attribute.Set) {
		for _, kv := range set.ToSlice() {
			enum, ok := declared[kv.Key]
			require.True(t, ok, "%s: undeclared attribute %s", name, kv.Key)
			if enum != nil {
				require.Contains(t, enum, kv.Value.AsString(), "%s: %s value not in its enum", name, kv.Key)
			}
		}
	}

	var typ string
	switch {
	case decl["sum"] != nil:
		typ = "counter"
		require.IsType(t, metricdata.Sum[int64]{}, got.Data, name)
		sum := got.Data.(metricdata.Sum[int64])
		require.Equal(t, decl["sum"].(map[string]any)["monotonic"], sum.IsMonotonic, name)
		require.NotEmpty(t, sum.DataPoints, name)
		for _, dp := range sum.DataPoints {
			checkAttrs(dp.Attributes)
		}
	case decl["gauge"] != nil:
		typ = "gauge"
		require.IsType(t, metricdata.Gauge[int64]{}, got.Data, name)
		require.NotEmpty(t, got.Data.(metricdata.Gauge[int64]).DataPoints, name)
		for _, dp := range got.Data.(metricdata.Gauge[int64]).DataPoints {
			checkAttrs(dp.Attributes)
		}
	case decl["histogram"] != nil:
		typ = "histogram"
		require.IsType(t, metricdata.Histogram[int64]{}, got.Data, name)
		h := got.Data.(metricdata.Histogram[int64])
		require.NotEmpty(t, h.DataPoints, name)
		var want []float64
		for _, b := range asSlice(decl["histogram"].(map[string]any)["bucket_boundaries"]) {
			var f float64
			_, err := fmt.Sscan(fmt.Sprint(b), &f)
			require.NoError(t, err)
			want = append(want, f)
		}
		for _, dp := range h.DataPoints {
			require.True(t, slices.Equal(want, dp.Bounds), "%s: bounds %v, declared %v", name, dp.Bounds, want)
			checkAttrs(dp.Attributes)
		}
	default:
		t.Fatalf("%s: no sum, gauge or histogram declared", name)
	}
	attrText := strings.Join(attrs, ", ")
	if attrText == "" {
		attrText = "—"
	}
	require.Contains(t, readme, "| `"+name+"` | "+typ+" | "+attrText+" |", "README telemetry row of %s", name)
}

func asSlice(v any) []any {
	s, _ := v.([]any)
	return s
}
