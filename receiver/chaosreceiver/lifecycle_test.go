package chaosreceiver

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pipeline"
	"go.opentelemetry.io/collector/receiver/receivertest"

	"github.com/otelcol-chaos/otelcol-chaos/receiver/chaosreceiver/internal/metadata"
)

// The shape of contrib's generated component tests: type and stability,
// the default configuration, create → shutdown, create → start → consume
// → shutdown (goleak in TestMain checks nothing is left running).
func TestComponentLifecycle(t *testing.T) {
	f := NewFactory()
	require.Equal(t, metadata.Type, f.Type())
	require.Equal(t, metadata.LogsStability, f.LogsStability())
	ctx := context.Background()
	set := receivertest.NewNopSettings(metadata.Type)

	t.Run("default config", func(t *testing.T) {
		cfg := f.CreateDefaultConfig()
		require.NoError(t, componenttest.CheckConfigStruct(cfg))
		require.NoError(t, cfg.(*Config).Validate())
	})
	// A free loopback port, so the test runs beside a collector on 4320.
	config := func() *Config {
		cfg := f.CreateDefaultConfig().(*Config)
		cfg.ServerConfig.NetAddr.Endpoint = "127.0.0.1:0"
		return cfg
	}
	t.Run("create-shutdown", func(t *testing.T) {
		r, err := f.CreateLogs(ctx, set, config(), consumertest.NewNop())
		require.NoError(t, err)
		require.NoError(t, r.Shutdown(ctx))
	})
	t.Run("start-consume-shutdown", func(t *testing.T) {
		sink := new(consumertest.LogsSink)
		r, err := f.CreateLogs(ctx, set, config(), sink)
		require.NoError(t, err)
		require.NoError(t, r.Start(ctx, componenttest.NewNopHost()))
		url := "http://" + r.(*chaosReceiver).server.Addr().String() + defaultEventsPath
		resp, err := http.Post(url, "application/json", strings.NewReader(latencyEvent("500")))
		require.NoError(t, err)
		body, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		require.NoError(t, resp.Body.Close())
		require.Equal(t, http.StatusOK, resp.StatusCode, string(body))
		require.JSONEq(t, `{"accepted":1}`, string(body))
		http.DefaultClient.CloseIdleConnections()
		require.NoError(t, r.Shutdown(ctx))
		require.Equal(t, 1, sink.LogRecordCount())
	})
	t.Run("other signals are refused", func(t *testing.T) {
		_, err := f.CreateTraces(ctx, set, config(), consumertest.NewNop())
		require.ErrorIs(t, err, pipeline.ErrSignalNotSupported)
		_, err = f.CreateMetrics(ctx, set, config(), consumertest.NewNop())
		require.ErrorIs(t, err, pipeline.ErrSignalNotSupported)
	})
}
