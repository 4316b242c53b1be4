package alertexporter

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/confmap/confmaptest"
	"go.opentelemetry.io/collector/exporter/exportertest"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	"github.com/otelcol-chaos/otelcol-chaos/exporter/alertexporter/internal/dispatch"
	"github.com/otelcol-chaos/otelcol-chaos/exporter/alertexporter/internal/metadata"
	"github.com/otelcol-chaos/otelcol-chaos/exporter/alertexporter/internal/notify"
	"github.com/otelcol-chaos/otelcol-chaos/exporter/alertexporter/internal/rules"
	"github.com/otelcol-chaos/otelcol-chaos/internal/chaosconv"
)

// TestMetadata checks the hand-kept internal/metadata package and the
// README against metadata.yaml, the single source mdatagen would generate
// them from.
func TestMetadata(t *testing.T) {
	conf, err := confmaptest.LoadConf("metadata.yaml")
	require.NoError(t, err)
	md := conf.ToStringMap()
	b, err := os.ReadFile("README.md")
	require.NoError(t, err)
	readme := string(b)

	require.Equal(t, metadata.Type.String(), md["type"])
	status := md["status"].(map[string]any)
	require.Equal(t, "exporter", status["class"])
	stability := status["stability"].(map[string]any)
	level := strings.ToLower(metadata.LogsStability.String())
	require.Equal(t, []any{"logs"}, stability[level])
	require.Len(t, stability, 1)
	require.Equal(t, []any{"otelcol-chaos"}, status["distributions"])
	require.Contains(t, readme, "| Stability     | ["+level+"]: logs |")
	require.Contains(t, readme, "| Distributions | otelcol-chaos |")
	require.Contains(t, readme, "| Type          | `"+metadata.Type.String()+"` |")

	// Exercise every instrument (the notification counters of each handler
	// start at 0; dropped stays there), then compare each with its declaration.
	tel := componenttest.NewTelemetry()
	defer func() { require.NoError(t, tel.Shutdown(context.Background())) }()
	exp, sink := startStormExporter(t, tel)
	defer func() { require.NoError(t, exp.Shutdown(context.Background())) }() // the alerts gauge is observed until then
	require.NoError(t, exp.ConsumeLogs(context.Background(), bucketLogs(time.Now().Add(-4*time.Minute), storm())))
	bad := plog.NewLogs()
	bad.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty().LogRecords().AppendEmpty().SetEventName(chaosconv.RecordHealth)
	require.NoError(t, exp.ConsumeLogs(context.Background(), bad))
	require.Eventually(t, func() bool {
		return len(sink.byStatus("firing")) == 1 && counter(tel, "otelcol_exporter_alert_notifications_failed", "refuser") == 1
	}, 10*time.Second, 10*time.Millisecond)
	require.Equal(t, int64(1), counter(tel, "otelcol_exporter_alert_notifications_sent", "hook"))
	require.Equal(t, int64(1), counter(tel, "otelcol_exporter_alert_bad_records", ""))

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
		var attrSets []attribute.Set
		switch {
		case decl["sum"] != nil:
			typ = "counter"
			sum := decl["sum"].(map[string]any)
			require.Equal(t, "int", sum["value_type"], name)
			data, ok := got.Data.(metricdata.Sum[int64])
			require.True(t, ok, "%s is an int64 sum, not %T", name, got.Data)
			require.Equal(t, sum["monotonic"], data.IsMonotonic, name)
			for _, dp := range data.DataPoints {
				attrSets = append(attrSets, dp.Attributes)
			}
		case decl["gauge"] != nil:
			typ = "gauge"
			require.Equal(t, "int", decl["gauge"].(map[string]any)["value_type"], name)
			data, ok := got.Data.(metricdata.Gauge[int64])
			require.True(t, ok, "%s is an int64 gauge, not %T", name, got.Data)
			for _, dp := range data.DataPoints {
				attrSets = append(attrSets, dp.Attributes)
			}
		case decl["histogram"] != nil:
			typ = "histogram"
			hist := decl["histogram"].(map[string]any)
			require.Equal(t, "double", hist["value_type"], name)
			data, ok := got.Data.(metricdata.Histogram[float64])
			require.True(t, ok, "%s is a float64 histogram, not %T", name, got.Data)
			var bounds []float64
			for _, b := range hist["bucket_boundaries"].([]any) {
				switch b := b.(type) {
				case float64:
					bounds = append(bounds, b)
				case int:
					bounds = append(bounds, float64(b))
				}
			}
			for _, dp := range data.DataPoints {
				require.Equal(t, bounds, dp.Bounds, name)
				require.Positive(t, dp.Count, name)
				attrSets = append(attrSets, dp.Attributes)
			}
		default:
			t.Fatalf("%s: neither sum, gauge nor histogram", name)
		}

		declared, _ := decl["attributes"].([]any)
		var cells []string
		for _, a := range declared {
			cells = append(cells, "`"+a.(string)+"`")
		}
		require.NotEmpty(t, attrSets, name)
		for _, set := range attrSets {
			require.Equal(t, len(declared), set.Len(), name)
			for _, a := range declared {
				val, ok := set.Value(attribute.Key(a.(string)))
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
}

// startStormExporter starts an exporter with a fault_rate rule, a webhook
// handler "hook" on a loopback sink and a handler "refuser" whose server
// answers 400 (a permanent failure), fast timings, telemetry on tel.
func startStormExporter(t *testing.T, tel *componenttest.Telemetry) (*exporterWithAPI, *webhookSink) {
	t.Helper()
	sink := &webhookSink{}
	srv := httptest.NewServer(sink)
	t.Cleanup(srv.Close)
	refuser := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		http.Error(w, "no", http.StatusBadRequest)
	}))
	t.Cleanup(refuser.Close)

	cfg := createDefaultConfig().(*Config)
	cfg.EvaluationInterval = 50 * time.Millisecond
	cfg.Rules = []rules.Config{{Name: "Storm", Preset: "fault_rate", Threshold: f64(0.3), Window: 2 * time.Minute}}
	cfg.Route = dispatch.Config{GroupBy: []string{"alertname"}, GroupWait: 10 * time.Millisecond,
		GroupInterval: 100 * time.Millisecond, RepeatInterval: time.Hour}
	hook, refused := notify.NewDefaultWebhookConfig(), notify.NewDefaultWebhookConfig()
	hook.ClientConfig.Endpoint, refused.ClientConfig.Endpoint = srv.URL, refuser.URL
	cfg.Handlers = []HandlerConfig{{Name: "hook", Webhook: &hook}, {Name: "refuser", Webhook: &refused}}
	cfg.API.Enabled = true
	cfg.API.ServerConfig.NetAddr.Endpoint = freeLoopbackAddr(t)
	require.NoError(t, cfg.Validate())

	set := exportertest.NewNopSettings(metadata.Type)
	if tel != nil {
		set.TelemetrySettings = tel.NewTelemetrySettings()
	}
	exp, err := NewFactory().CreateLogs(context.Background(), set, cfg)
	require.NoError(t, err)
	require.NoError(t, exp.Start(context.Background(), componenttest.NewNopHost()))
	return &exporterWithAPI{Logs: exp, api: "http://" + cfg.API.ServerConfig.NetAddr.Endpoint}, sink
}

// counter is the value of the int64 counter name for handler (all points
// when handler is empty), 0 when it has none.
func counter(tel *componenttest.Telemetry, name, handler string) int64 {
	m, err := tel.GetMetric(name)
	if err != nil {
		return 0
	}
	var n int64
	for _, dp := range m.Data.(metricdata.Sum[int64]).DataPoints {
		if h, _ := dp.Attributes.Value("handler"); handler == "" || h.AsString() == handler {
			n += dp.Value
		}
	}
	return n
}
