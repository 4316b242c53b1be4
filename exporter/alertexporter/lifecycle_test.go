package alertexporter

import (
	"context"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/exporter"
	"go.opentelemetry.io/collector/exporter/exportertest"

	"github.com/otelcol-chaos/otelcol-chaos/exporter/alertexporter/internal/metadata"
)

// The shape of contrib's generated component tests: type and stability,
// the default configuration, create → shutdown, create → start → consume
// → shutdown (goleak in TestMain checks nothing is left running).
func TestComponentLifecycle(t *testing.T) {
	f := NewFactory()
	require.Equal(t, metadata.Type, f.Type())
	require.Equal(t, metadata.LogsStability, f.LogsStability())
	ctx := context.Background()

	t.Run("default config", func(t *testing.T) {
		cfg := f.CreateDefaultConfig()
		require.NoError(t, componenttest.CheckConfigStruct(cfg))
		// No rule and no handler by default: the user must name them.
		err := cfg.(*Config).Validate()
		require.ErrorIs(t, err, errNoRules)
		require.ErrorIs(t, err, errNoHandlers)
	})
	t.Run("create-shutdown", func(t *testing.T) {
		exp, err := f.CreateLogs(ctx, exportertest.NewNopSettings(metadata.Type), f.CreateDefaultConfig())
		require.NoError(t, err)
		require.NoError(t, exp.Shutdown(ctx))
	})
	t.Run("start-consume-shutdown", func(t *testing.T) {
		exp, sink := startStormExporter(t, nil)
		require.NoError(t, exp.ConsumeLogs(ctx, bucketLogs(time.Now().Add(-4*time.Minute), storm())))
		require.Eventually(t, func() bool { return len(sink.byStatus("firing")) == 1 },
			10*time.Second, 10*time.Millisecond, "the storm's alert is notified at the loopback webhook")
		var alerts struct{ Alerts []apiAlert }
		require.Equal(t, http.StatusOK, getJSON(t, exp.api+"/v1/alerts?state=firing", &alerts))
		require.Len(t, alerts.Alerts, 1)
		require.Equal(t, "Storm", alerts.Alerts[0].Labels["alertname"])
		require.NoError(t, exp.Shutdown(ctx))
		_, err := http.Get(exp.api + "/v1/alerts")
		require.Error(t, err, "the API stops with the exporter")
	})
}

// exporterWithAPI is a started exporter and the base URL of its alerts API.
type exporterWithAPI struct {
	exporter.Logs
	api string
}

func freeLoopbackAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	return addr
}
