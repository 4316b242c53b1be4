package alertexporter

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/exporter/exportertest"

	"github.com/otelcol-chaos/otelcol-chaos/exporter/alertexporter/config"
	"github.com/otelcol-chaos/otelcol-chaos/exporter/alertexporter/internal/dispatch"
	"github.com/otelcol-chaos/otelcol-chaos/exporter/alertexporter/internal/metadata"
	"github.com/otelcol-chaos/otelcol-chaos/exporter/alertexporter/internal/rules"
)

// TestShutdownDrainsWhatIsOwed: a notification on its way when the
// collector shuts down is delivered, not cut off (the receiver here
// counts a notification only if the sender waits for its answer).
func TestShutdownDrainsWhatIsOwed(t *testing.T) {
	for _, tt := range []struct {
		name      string
		drain     time.Duration
		delivered int
	}{
		{"drained", 2 * time.Second, 1},
		{"no drain: cut off", 0, 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			sink := &webhookSink{}
			arrived := make(chan struct{}, 1)
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				arrived <- struct{}{}
				select {
				case <-time.After(300 * time.Millisecond):
					sink.ServeHTTP(w, r)
				case <-r.Context().Done():
				}
			}))
			defer srv.Close()
			cfg := createDefaultConfig().(*Config)
			cfg.DrainTimeout = tt.drain
			cfg.EvaluationInterval = 50 * time.Millisecond
			cfg.Rules = []rules.Config{{Name: "Storm", Preset: "fault_rate", Threshold: f64(0.3), Window: 2 * time.Minute}}
			cfg.Route = dispatch.Config{GroupBy: []string{"alertname"}, GroupWait: 0, GroupInterval: time.Second,
				RepeatInterval: time.Hour}
			wh := config.NewDefaultWebhookConfig()
			wh.ClientConfig.Endpoint = srv.URL
			cfg.Handlers = []HandlerConfig{{Name: "hook", Webhook: &wh}}
			exp, err := NewFactory().CreateLogs(context.Background(), exportertest.NewNopSettings(metadata.Type), cfg)
			require.NoError(t, err)
			require.NoError(t, exp.Start(context.Background(), componenttest.NewNopHost()))
			start := time.Now().Add(-4 * time.Minute)
			require.NoError(t, exp.ConsumeLogs(context.Background(), bucketLogs(start, storm())))
			select {
			case <-arrived:
			case <-time.After(5 * time.Second):
				t.Fatal("the notification never left")
			}
			require.NoError(t, exp.Shutdown(context.Background()))
			require.Len(t, sink.byStatus("firing"), tt.delivered)
		})
	}
}
