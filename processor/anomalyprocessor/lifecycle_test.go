package anomalyprocessor

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pipeline"
	"go.opentelemetry.io/collector/processor/processortest"

	"github.com/otelcol-chaos/otelcol-chaos/internal/chaosconv"
	"github.com/otelcol-chaos/otelcol-chaos/processor/anomalyprocessor/internal/metadata"
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
		// Two consecutive 1-minute summaries: the first is complete once
		// the second arrives, and gets its health record.
		require.NoError(t, p.ConsumeLogs(ctx, bucketLogs(0, 100)))
		require.NoError(t, p.ConsumeLogs(ctx, bucketLogs(1, 100)))
		require.NoError(t, p.Shutdown(ctx))
		require.Equal(t, 2, count(sink, chaosconv.RecordBucket), "summaries pass through")
		require.Positive(t, count(sink, chaosconv.RecordHealth))
	})
	t.Run("other signals are refused", func(t *testing.T) {
		_, err := f.CreateTraces(ctx, set, f.CreateDefaultConfig(), consumertest.NewNop())
		require.ErrorIs(t, err, pipeline.ErrSignalNotSupported)
		_, err = f.CreateMetrics(ctx, set, f.CreateDefaultConfig(), consumertest.NewNop())
		require.ErrorIs(t, err, pipeline.ErrSignalNotSupported)
	})
}
