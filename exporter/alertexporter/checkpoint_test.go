package alertexporter

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/open-telemetry/opentelemetry-collector-contrib/extension/storage/filestorage"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/exporter"
	"go.opentelemetry.io/collector/exporter/exportertest"
	"go.opentelemetry.io/collector/extension"
	"go.opentelemetry.io/collector/extension/extensiontest"
	"go.uber.org/zap/zaptest"

	"github.com/otelcol-chaos/otelcol-chaos/exporter/alertexporter/config"
	"github.com/otelcol-chaos/otelcol-chaos/exporter/alertexporter/internal/dispatch"
	"github.com/otelcol-chaos/otelcol-chaos/exporter/alertexporter/internal/metadata"
	"github.com/otelcol-chaos/otelcol-chaos/exporter/alertexporter/internal/rules"
)

// restartable runs alert exporters one after another on one file_storage
// directory, notifying one webhook.
type restartable struct {
	dir, hook string
	groupWait time.Duration
}

func (r *restartable) start(t *testing.T) (exporter.Logs, extension.Extension) {
	t.Helper()
	f := filestorage.NewFactory()
	fcfg := f.CreateDefaultConfig().(*filestorage.Config)
	fcfg.Directory = r.dir
	ext, err := f.Create(context.Background(), extensiontest.NewNopSettings(f.Type()), fcfg)
	require.NoError(t, err)
	require.NoError(t, ext.Start(context.Background(), componenttest.NewNopHost()))
	storageID := component.MustNewID("file_storage")

	cfg := createDefaultConfig().(*Config)
	cfg.Storage = &storageID
	cfg.DrainTimeout = 200 * time.Millisecond
	cfg.EvaluationInterval = 50 * time.Millisecond
	cfg.Rules = []rules.Config{{Name: "Storm", Preset: "fault_rate", Threshold: f64(0.3), Window: 2 * time.Minute}}
	cfg.Route = dispatch.Config{GroupBy: []string{"alertname"}, GroupWait: r.groupWait,
		GroupInterval: 100 * time.Millisecond, RepeatInterval: time.Hour}
	cfg.Delivery.Retry.InitialInterval = 20 * time.Millisecond
	cfg.Delivery.Retry.MaxInterval = 50 * time.Millisecond
	wh := config.NewDefaultWebhookConfig()
	wh.ClientConfig.Endpoint = r.hook
	cfg.Handlers = []HandlerConfig{{Name: "hook", Webhook: &wh}}
	require.NoError(t, cfg.Validate())
	set := exportertest.NewNopSettings(metadata.Type)
	set.Logger = zaptest.NewLogger(t)
	set.ID = component.NewID(metadata.Type) // the same component across restarts (the nop settings' name is random)
	exp, err := NewFactory().CreateLogs(context.Background(), set, cfg)
	require.NoError(t, err)
	require.NoError(t, exp.Start(context.Background(), hostWith{storageID: ext}))
	return exp, ext
}

func stopBoth(t *testing.T, exp exporter.Logs, ext extension.Extension) {
	require.NoError(t, exp.Shutdown(context.Background()))
	require.NoError(t, ext.Shutdown(context.Background()))
}

func TestRestartNeitherRepeatsNorLoses(t *testing.T) {
	sink := &webhookSink{}
	var down atomic.Bool
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if down.Load() {
			w.Header().Set("Retry-After", "1")
			http.Error(w, "down", http.StatusServiceUnavailable)
			return
		}
		sink.ServeHTTP(w, r)
	}))
	defer srv.Close()
	ctx := context.Background()
	start := time.Now().Add(-4 * time.Minute)

	// 1. Sent before a restart: not sent again after it.
	r := &restartable{dir: t.TempDir(), hook: srv.URL, groupWait: 50 * time.Millisecond}
	exp, ext := r.start(t)
	require.NoError(t, exp.ConsumeLogs(ctx, bucketLogs(start, storm())))
	require.Eventually(t, func() bool { return len(sink.byStatus("firing")) == 1 }, 5*time.Second, 10*time.Millisecond)
	stopBoth(t, exp, ext)
	exp, ext = r.start(t)
	time.Sleep(500 * time.Millisecond) // several group intervals
	require.Len(t, sink.byStatus("firing"), 1, "a restart does not repeat a sent notification")
	// The restored windows still hold the storm: nothing resolves for lack
	// of data. Calm data resolves it, once.
	require.Empty(t, sink.byStatus("resolved"))
	require.NoError(t, exp.ConsumeLogs(ctx, bucketLogs(start.Add(4*time.Minute), [][2]uint64{{100, 0}, {100, 0}, {100, 0}})))
	require.Eventually(t, func() bool { return len(sink.byStatus("resolved")) == 1 }, 5*time.Second, 10*time.Millisecond,
		"%+v", sink.got)
	stopBoth(t, exp, ext)

	// 2. Undelivered at shutdown (the receiver was down): delivered after it.
	sink2 := &webhookSink{}
	srv2 := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if down.Load() {
			http.Error(w, "down", http.StatusServiceUnavailable)
			return
		}
		sink2.ServeHTTP(w, r)
	}))
	defer srv2.Close()
	down.Store(true)
	r2 := &restartable{dir: t.TempDir(), hook: srv2.URL, groupWait: 50 * time.Millisecond}
	exp, ext = r2.start(t)
	require.NoError(t, exp.ConsumeLogs(ctx, bucketLogs(start, storm())))
	time.Sleep(300 * time.Millisecond) // due, tried, failing
	stopBoth(t, exp, ext)
	require.Empty(t, sink2.byStatus("firing"))
	down.Store(false)
	exp, ext = r2.start(t)
	require.Eventually(t, func() bool { return len(sink2.byStatus("firing")) == 1 }, 5*time.Second, 10*time.Millisecond,
		"a notification undelivered at shutdown is delivered after the restart")
	time.Sleep(300 * time.Millisecond)
	require.Len(t, sink2.byStatus("firing"), 1)
	stopBoth(t, exp, ext)

	// 3. Pending in its group (group_wait not over) at shutdown: sent after.
	sink3 := &webhookSink{}
	srv3 := httptest.NewServer(sink3)
	defer srv3.Close()
	r3 := &restartable{dir: t.TempDir(), hook: srv3.URL, groupWait: 700 * time.Millisecond}
	exp, ext = r3.start(t)
	require.NoError(t, exp.ConsumeLogs(ctx, bucketLogs(start, storm())))
	time.Sleep(100 * time.Millisecond)
	stopBoth(t, exp, ext)
	require.Empty(t, sink3.byStatus("firing"))
	exp, ext = r3.start(t)
	require.Eventually(t, func() bool { return len(sink3.byStatus("firing")) == 1 }, 5*time.Second, 10*time.Millisecond,
		"a group waiting at shutdown is notified after the restart")
	stopBoth(t, exp, ext)
}
