package chaosmetricsconnector

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/connector/connectortest"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pipeline"

	"github.com/otelcol-chaos/otelcol-chaos/connector/chaosmetricsconnector/internal/metadata"
	"github.com/otelcol-chaos/otelcol-chaos/internal/chaosconv"
)

// The shape of contrib's generated component tests: type and stability,
// create → shutdown, create → start → consume → shutdown (goleak in
// TestMain checks nothing is left running).
func TestComponentLifecycle(t *testing.T) {
	f := NewFactory()
	require.Equal(t, metadata.Type, f.Type())
	require.Equal(t, metadata.LogsToMetricsStability, f.LogsToMetricsStability())
	ctx := context.Background()
	set := connectortest.NewNopSettings(metadata.Type)

	t.Run("create-shutdown", func(t *testing.T) {
		c, err := f.CreateLogsToMetrics(ctx, set, f.CreateDefaultConfig(), consumertest.NewNop())
		require.NoError(t, err)
		require.NoError(t, c.Shutdown(ctx))
	})
	t.Run("start-consume-shutdown", func(t *testing.T) {
		sink := new(consumertest.MetricsSink)
		c, err := f.CreateLogsToMetrics(ctx, set, f.CreateDefaultConfig(), sink)
		require.NoError(t, err)
		require.NoError(t, c.Start(ctx, componenttest.NewNopHost()))
		require.NoError(t, c.ConsumeLogs(ctx, newRecords().bucket(chaosBucket(chaosconv.ScopeGlobal, "", minute(0), time.Minute, 10)).ld))
		require.NoError(t, c.Shutdown(ctx))
		require.Equal(t, 1, len(sink.AllMetrics()))
		require.Positive(t, sink.DataPointCount())
	})
	t.Run("other pipelines are refused", func(t *testing.T) {
		_, err := f.CreateTracesToMetrics(ctx, set, f.CreateDefaultConfig(), consumertest.NewNop())
		require.ErrorIs(t, err, pipeline.ErrSignalNotSupported)
	})
}
