package alertexporter

import (
	"context"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/exporter/exportertest"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	"github.com/otelcol-chaos/otelcol-chaos/exporter/alertexporter/config"
	"github.com/otelcol-chaos/otelcol-chaos/exporter/alertexporter/internal/dispatch"
	"github.com/otelcol-chaos/otelcol-chaos/exporter/alertexporter/internal/metadata"
	"github.com/otelcol-chaos/otelcol-chaos/exporter/alertexporter/internal/rules"
)

func TestTelemetry(t *testing.T) {
	sink := &webhookSink{}
	srv := httptest.NewServer(sink)
	defer srv.Close()
	tel := componenttest.NewTelemetry()
	defer func() { require.NoError(t, tel.Shutdown(context.Background())) }()
	set := exportertest.NewNopSettings(metadata.Type)
	set.TelemetrySettings = tel.NewTelemetrySettings()

	cfg := createDefaultConfig().(*Config)
	cfg.EvaluationInterval = 50 * time.Millisecond
	cfg.Rules = []rules.Config{{Name: "Storm", Preset: "fault_rate", Threshold: f64(0.3), Window: 2 * time.Minute}}
	cfg.Route = dispatch.Config{GroupBy: []string{"alertname"}, GroupWait: 10 * time.Millisecond,
		GroupInterval: 100 * time.Millisecond, RepeatInterval: time.Hour}
	wh := config.NewDefaultWebhookConfig()
	wh.ClientConfig.Endpoint = srv.URL
	cfg.Handlers = []HandlerConfig{{Name: "hook", Webhook: &wh}}
	exp, err := NewFactory().CreateLogs(context.Background(), set, cfg)
	require.NoError(t, err)
	require.NoError(t, exp.Start(context.Background(), componenttest.NewNopHost()))
	for _, name := range []string{"sent", "failed", "dropped"} {
		m, err := tel.GetMetric("otelcol_exporter_alert_notifications_" + name)
		require.NoError(t, err, "%s exists from the start, at 0", name)
		dp := m.Data.(metricdata.Sum[int64]).DataPoints
		require.Len(t, dp, 1)
		require.Zero(t, dp[0].Value)
	}
	start := time.Now().Add(-4 * time.Minute)
	require.NoError(t, exp.ConsumeLogs(context.Background(), bucketLogs(start, storm())))
	require.Eventually(t, func() bool { return len(sink.byStatus("firing")) == 1 }, 5*time.Second, 10*time.Millisecond)
	require.Eventually(t, func() bool {
		m, err := tel.GetMetric("otelcol_exporter_alert_notifications_sent")
		if err != nil {
			return false
		}
		dp := m.Data.(metricdata.Sum[int64]).DataPoints
		return len(dp) == 1 && dp[0].Value == 1
	}, 5*time.Second, 10*time.Millisecond)
	m, err := tel.GetMetric("otelcol_exporter_alert_notifications_sent")
	require.NoError(t, err)
	h, _ := m.Data.(metricdata.Sum[int64]).DataPoints[0].Attributes.Value("handler")
	require.Equal(t, "hook", h.AsString())

	m, err = tel.GetMetric("otelcol_exporter_alert_alerts")
	require.NoError(t, err)
	firing := int64(-1)
	for _, dp := range m.Data.(metricdata.Gauge[int64]).DataPoints {
		if v, _ := dp.Attributes.Value(attribute.Key("state")); v.AsString() == "firing" {
			firing = dp.Value
		}
	}
	require.Equal(t, int64(1), firing)
	m, err = tel.GetMetric("otelcol_exporter_alert_evaluation_duration")
	require.NoError(t, err)
	require.Positive(t, m.Data.(metricdata.Histogram[float64]).DataPoints[0].Count)
	require.NoError(t, exp.Shutdown(context.Background()))
}
