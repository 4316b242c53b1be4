package chaosanalyticsprocessor

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pipeline"
	"go.opentelemetry.io/collector/processor/processortest"

	"github.com/otelcol-chaos/otelcol-chaos/internal/chaosconv"
	"github.com/otelcol-chaos/otelcol-chaos/processor/chaosanalyticsprocessor/internal/metadata"
)

// The shape of contrib's generated component tests: type and stability,
// the default configuration, create → shutdown, create → start → consume
// → shutdown (goleak in TestMain checks nothing is left running).
func TestComponentLifecycle(t *testing.T) {
	f := NewFactory()
	require.Equal(t, metadata.Type, f.Type())
	require.Equal(t, metadata.LogsStability, f.LogsStability())
	ctx := context.Background()
	set := processortest.NewNopSettings(metadata.Type)

	t.Run("default config", func(t *testing.T) {
		cfg := f.CreateDefaultConfig()
		require.NoError(t, componenttest.CheckConfigStruct(cfg))
		require.NoError(t, cfg.(*Config).Validate())
	})
	t.Run("create-shutdown", func(t *testing.T) {
		p, err := f.CreateLogs(ctx, set, f.CreateDefaultConfig(), consumertest.NewNop())
		require.NoError(t, err)
		require.NoError(t, p.Shutdown(ctx))
	})
	t.Run("start-consume-shutdown", func(t *testing.T) {
		sink := new(consumertest.LogsSink)
		p, err := f.CreateLogs(ctx, set, f.CreateDefaultConfig(), sink)
		require.NoError(t, err)
		require.NoError(t, p.Start(ctx, componenttest.NewNopHost()))
		// One event of now (the processor runs on the wall clock here).
		e := chaosconv.Event{TimeUnixNano: time.Now().UnixNano(), Kind: chaosconv.KindLatencyInjection,
			DelayMs: 500, Endpoint: "/api/users", Fields: chaosconv.FieldDelayMs}
		require.NoError(t, p.ConsumeLogs(ctx, eventLogs("checkout", e)))
		require.NoError(t, p.Shutdown(ctx))
		events, buckets := summaries(t, sink)
		require.Equal(t, 1, events, "the event passes through")
		// Shutdown emits the open buckets: global, service and endpoint,
		// at each default width.
		require.Len(t, buckets, 3*len(f.CreateDefaultConfig().(*Config).Widths))
		for _, b := range buckets {
			require.Equal(t, uint64(1), b.Events, "%v %q %v", b.Scope, b.Key, b.Width)
		}
	})
	t.Run("other signals are refused", func(t *testing.T) {
		_, err := f.CreateTraces(ctx, set, f.CreateDefaultConfig(), consumertest.NewNop())
		require.ErrorIs(t, err, pipeline.ErrSignalNotSupported)
		_, err = f.CreateMetrics(ctx, set, f.CreateDefaultConfig(), consumertest.NewNop())
		require.ErrorIs(t, err, pipeline.ErrSignalNotSupported)
	})
}
