package alertexporter

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/exporter/exportertest"
	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/otelcol-chaos/otelcol-chaos/exporter/alertexporter/config"
	"github.com/otelcol-chaos/otelcol-chaos/exporter/alertexporter/internal/dispatch"
	"github.com/otelcol-chaos/otelcol-chaos/exporter/alertexporter/internal/metadata"
	"github.com/otelcol-chaos/otelcol-chaos/exporter/alertexporter/internal/rules"
	"github.com/otelcol-chaos/otelcol-chaos/internal/chaosconv"
)

// serviceBucket is one breaching 1-minute bucket of one service, ending now.
func serviceBucket(service string, end time.Time) plog.Logs {
	ld := plog.NewLogs()
	lr := ld.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty().LogRecords().AppendEmpty()
	b := chaosconv.NewBucket(chaosconv.ScopeService, service, end.Add(-time.Minute).UnixNano(), time.Minute)
	b.Events, b.Faults = 100, 80
	cfg := chaosconv.DefaultImpactConfig()
	chaosconv.EncodeBucket(b, &cfg, lr)
	return ld
}

// BenchmarkNotificationLatency measures, per alert, the wall time from the
// breaching summary entering the exporter to the webhook receiving the
// notification, through the real evaluation loop, group timer, delivery
// queue and HTTP handler. Target: within group_wait + 100 ms. Each
// iteration raises a new alert in a new group (group_by scope_key).
// Run: go test -run '^$' -bench NotificationLatency -benchtime 30x ./exporter/alertexporter/
func BenchmarkNotificationLatency(b *testing.B) {
	const groupWait = 200 * time.Millisecond
	got := make(chan time.Time, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { got <- time.Now() }))
	defer srv.Close()
	cfg := createDefaultConfig().(*Config)
	cfg.Rules = []rules.Config{{Name: "Storm", Preset: "fault_rate", Scope: "service", Window: 2 * time.Minute}}
	cfg.Route = dispatch.Config{GroupBy: []string{"alertname", "scope_key"}, GroupWait: groupWait,
		GroupInterval: time.Minute, RepeatInterval: time.Hour}
	wh := config.NewDefaultWebhookConfig()
	wh.ClientConfig.Endpoint = srv.URL
	cfg.Handlers = []HandlerConfig{{Name: "hook", Webhook: &wh}}
	exp, err := NewFactory().CreateLogs(context.Background(), exportertest.NewNopSettings(metadata.Type), cfg)
	require.NoError(b, err)
	require.NoError(b, exp.Start(context.Background(), componenttest.NewNopHost()))
	defer func() { require.NoError(b, exp.Shutdown(context.Background())) }()

	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := range b.N {
		sent := time.Now()
		require.NoError(b, exp.ConsumeLogs(context.Background(), serviceBucket(fmt.Sprintf("svc-%d", i), sent)))
		select {
		case at := <-got:
			lat = append(lat, at.Sub(sent))
		case <-time.After(groupWait + 5*time.Second):
			b.Fatal("no notification")
		}
	}
	b.StopTimer()
	slices.Sort(lat)
	over := func(q float64) float64 {
		return float64(lat[int(q*float64(len(lat)-1))]-groupWait) / float64(time.Millisecond)
	}
	b.ReportMetric(over(0.5), "ms-over-group_wait-p50")
	b.ReportMetric(over(0.99), "ms-over-group_wait-p99")
	b.ReportMetric(over(1), "ms-over-group_wait-max")
}
