package toxiproxyreceiver

import (
	"context"
	"testing"
	"time"

	toxiclient "github.com/Shopify/toxiproxy/v2/client"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pipeline"
	"go.opentelemetry.io/collector/receiver/receivertest"

	"github.com/otelcol-chaos/otelcol-chaos/receiver/toxiproxyreceiver/internal/metadata"
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
	t.Run("create-shutdown", func(t *testing.T) {
		r, err := f.CreateLogs(ctx, set, f.CreateDefaultConfig(), consumertest.NewNop())
		require.NoError(t, err)
		require.NoError(t, r.Shutdown(ctx))
	})
	t.Run("start-consume-shutdown", func(t *testing.T) {
		srv := startToxiproxy(t)
		p := srv.proxy(t, "payments")
		addToxic(t, p, "lag", "latency", "downstream", 1, toxiclient.Attributes{"latency": 300})

		cfg := f.CreateDefaultConfig().(*Config)
		cfg.ClientConfig.Endpoint = srv.url
		cfg.PollInterval = 10 * time.Millisecond
		sink := new(consumertest.LogsSink)
		r, err := f.CreateLogs(ctx, set, cfg, sink)
		require.NoError(t, err)
		require.NoError(t, r.Start(ctx, componenttest.NewNopHost()))
		// The first poll reports the toxic: its injection and its start.
		require.Eventually(t, func() bool { return sink.LogRecordCount() >= 2 }, 10*time.Second, 5*time.Millisecond)
		// Its removal, at a later tick: the experiment completes.
		require.NoError(t, p.RemoveToxic("lag"))
		require.Eventually(t, func() bool { return sink.LogRecordCount() >= 3 }, 10*time.Second, 5*time.Millisecond)
		require.NoError(t, r.Shutdown(ctx))
		require.Equal(t, 3, sink.LogRecordCount(), "nothing more than the three events")
	})
	t.Run("start-shutdown with the server unreachable", func(t *testing.T) {
		cfg := f.CreateDefaultConfig().(*Config)
		cfg.ClientConfig.Endpoint = "http://127.0.0.1:1"
		cfg.PollInterval = 10 * time.Millisecond
		sink := new(consumertest.LogsSink)
		r, err := f.CreateLogs(ctx, set, cfg, sink)
		require.NoError(t, err)
		require.NoError(t, r.Start(ctx, componenttest.NewNopHost()))
		require.NoError(t, r.Shutdown(ctx))
		require.Zero(t, sink.LogRecordCount())
	})
	t.Run("other signals are refused", func(t *testing.T) {
		_, err := f.CreateTraces(ctx, set, f.CreateDefaultConfig(), consumertest.NewNop())
		require.ErrorIs(t, err, pipeline.ErrSignalNotSupported)
		_, err = f.CreateMetrics(ctx, set, f.CreateDefaultConfig(), consumertest.NewNop())
		require.ErrorIs(t, err, pipeline.ErrSignalNotSupported)
	})
}
