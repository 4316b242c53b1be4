package alertexporter

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/exporter/exportertest"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	"github.com/otelcol-chaos/otelcol-chaos/exporter/alertexporter/config"
	"github.com/otelcol-chaos/otelcol-chaos/exporter/alertexporter/internal/dispatch"
	"github.com/otelcol-chaos/otelcol-chaos/exporter/alertexporter/internal/metadata"
	"github.com/otelcol-chaos/otelcol-chaos/exporter/alertexporter/internal/rules"
	"github.com/otelcol-chaos/otelcol-chaos/internal/chaosconv"
	"github.com/otelcol-chaos/otelcol-chaos/internal/metadatatest"
)

// TestMetadata checks the hand-kept internal/metadata package, the
// instruments and the README against metadata.yaml, the single source
// mdatagen would generate them from.
func TestMetadata(t *testing.T) {
	md := metadatatest.Load(t, ".")
	metadatatest.CheckStatus(t, md, "exporter", metadata.Type,
		map[string]component.StabilityLevel{"logs": metadata.LogsStability})

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
	require.Eventually(t, func() bool { return counter(tel, "otelcol_exporter_alert_aborts", "") == 1 },
		10*time.Second, 10*time.Millisecond, "the dry-run abort handler counted once")

	require.Len(t, md.Metrics(), 7)
	metadatatest.CheckTelemetry(t, md, tel, metadata.ScopeName)
}

// startStormExporter starts an exporter with a fault_rate rule, a webhook
// handler "hook" on a loopback sink, a handler "refuser" whose server
// answers 400 (a permanent failure) and a dry-run abort handler "guard",
// fast timings, telemetry on tel.
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
	hook, refused := config.NewDefaultWebhookConfig(), config.NewDefaultWebhookConfig()
	hook.ClientConfig.Endpoint, refused.ClientConfig.Endpoint = srv.URL, refuser.URL
	guard := config.NewDefaultAbortConfig()
	guard.Rules, guard.DryRun = []string{"Storm"}, true
	guard.Feedback.ClientConfig.Endpoint = "" // no chaos receiver here
	stop := config.NewDefaultHTTPTargetConfig()
	stop.ClientConfig.Endpoint = refuser.URL // dry run: never called
	guard.Target.HTTP = &stop
	cfg.Handlers = []HandlerConfig{{Name: "hook", Webhook: &hook}, {Name: "refuser", Webhook: &refused}, {Name: "guard", Abort: &guard}}
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
