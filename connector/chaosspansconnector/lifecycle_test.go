package chaosspansconnector

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/connector/connectortest"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pipeline"

	"github.com/otelcol-chaos/otelcol-chaos/connector/chaosspansconnector/internal/metadata"
	"github.com/otelcol-chaos/otelcol-chaos/internal/chaosconv"
)

// The shape of contrib's generated component tests: type and stability,
// create → shutdown, create → start → consume → shutdown (goleak in
// TestMain checks nothing is left running).
func TestComponentLifecycle(t *testing.T) {
	f := NewFactory()
	require.Equal(t, metadata.Type, f.Type())
	require.Equal(t, metadata.TracesToLogsStability, f.TracesToLogsStability())
	ctx := context.Background()
	set := connectortest.NewNopSettings(metadata.Type)

	t.Run("create-shutdown", func(t *testing.T) {
		c, err := f.CreateTracesToLogs(ctx, set, f.CreateDefaultConfig(), consumertest.NewNop())
		require.NoError(t, err)
		require.NoError(t, c.Shutdown(ctx))
	})
	t.Run("start-consume-shutdown", func(t *testing.T) {
		sink := new(consumertest.LogsSink)
		c, err := f.CreateTracesToLogs(ctx, set, f.CreateDefaultConfig(), sink)
		require.NoError(t, err)
		require.NoError(t, c.Start(ctx, componenttest.NewNopHost()))
		require.NoError(t, c.ConsumeTraces(ctx, traces(span{service: "a", route: "/x", durMs: 3})))
		require.NoError(t, c.Shutdown(ctx))
		require.Len(t, sink.AllLogs(), 1, "Shutdown flushes what is pending")
		require.Equal(t, 3, sink.LogRecordCount())
	})
	t.Run("other pipelines are refused", func(t *testing.T) {
		_, err := f.CreateTracesToMetrics(ctx, set, f.CreateDefaultConfig(), consumertest.NewNop())
		require.ErrorIs(t, err, pipeline.ErrSignalNotSupported)
	})
}

// The flush clock is injected: a tick emits what arrived since the last.
func TestFlushOnTick(t *testing.T) {
	ctx := context.Background()
	ticks := make(chan time.Time)
	stopped := make(chan struct{})
	ticker := func(d time.Duration) (<-chan time.Time, func()) {
		require.Equal(t, 2*time.Second, d)
		return ticks, func() { close(stopped) }
	}
	sink := new(consumertest.LogsSink)
	set := connectortest.NewNopSettings(metadata.Type)
	set.Resource = pcommon.NewResource()
	set.Resource.Attributes().PutStr(chaosconv.AttrServiceInstanceID, "instance-7")
	c, err := newConnector(defaultConfig(), set, sink, ticker)
	require.NoError(t, err)
	require.NoError(t, c.Start(ctx, componenttest.NewNopHost()))
	require.NoError(t, c.ConsumeTraces(ctx, traces(span{service: "a", durMs: 3})))
	require.Empty(t, sink.AllLogs())
	ticks <- time.Now()
	require.Eventually(t, func() bool { return len(sink.AllLogs()) == 1 }, 5*time.Second, time.Millisecond)
	o := observed(t, sink.AllLogs()...)["service|a|10:00"]
	require.Equal(t, "instance-7", o.Producer, "service.instance.id by default")
	ticks <- time.Now() // nothing pending: nothing emitted
	require.NoError(t, c.Shutdown(ctx))
	<-stopped
	require.Len(t, sink.AllLogs(), 1)
}

// flaky refuses the first n batches.
type flaky struct {
	consumertest.LogsSink
	n int
}

func (f *flaky) ConsumeLogs(ctx context.Context, ld plog.Logs) error {
	if f.n > 0 {
		f.n--
		return errors.New("refused")
	}
	return f.LogsSink.ConsumeLogs(ctx, ld)
}

var _ consumer.Logs = (*flaky)(nil)

// Records refused downstream are retried at the next flush.
func TestRefusedRecordsAreRetried(t *testing.T) {
	next := &flaky{n: 1}
	c := newTestConnector(t, defaultConfig(), next)
	ctx := context.Background()
	require.NoError(t, c.ConsumeTraces(ctx, traces(span{service: "a", durMs: 3})))
	c.flush(ctx)
	require.Empty(t, next.AllLogs())
	require.EqualValues(t, 2, c.sum(t, "otelcol_connector_chaos_spans_records", attributeOutcome("refused")))
	c.flush(ctx)
	require.Len(t, next.AllLogs(), 1)
	require.EqualValues(t, 2, c.sum(t, "otelcol_connector_chaos_spans_records", attributeOutcome("emitted")))
}
