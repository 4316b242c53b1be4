package chaosanalyticsprocessor

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	"github.com/otelcol-chaos/otelcol-chaos/internal/chaosconv"
)

// observedLogs is one chaos.observed record of the global scope: spans
// requests of durMs each, a tenth of them failed.
func observedLogs(start time.Time, width time.Duration, spans int, durMs float64) plog.Logs {
	return observedScopeLogs(chaosconv.ScopeGlobal, "", start, width, spans, durMs)
}

func observedScopeLogs(scope chaosconv.ScopeKind, key string, start time.Time, width time.Duration, spans int, durMs float64) plog.Logs {
	o := chaosconv.NewObserved(scope, key, start.UnixNano(), width)
	for i := range spans {
		o.AddSpan(durMs, i%10 == 0, 1)
	}
	ld := plog.NewLogs()
	chaosconv.EncodeObserved(o, ld.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty().LogRecords().AppendEmpty())
	return ld
}

// TestObservedMergedIntoBuckets: chaos.observed partials of a bucket add
// up into the bucket of their scope (with the chaos events of that
// minute), roll up into the coarser width, and are not passed on; one of
// another width passes on, counted unmergeable; one for a closed bucket is
// late.
func TestObservedMergedIntoBuckets(t *testing.T) {
	sink := new(consumertest.LogsSink)
	p := newTestProcessor(t, sink, nil)
	ctx := context.Background()
	m1 := t0.Add(time.Minute)
	require.NoError(t, p.ConsumeLogs(ctx, eventLogs("checkout", lat(70*time.Second, 100, "/api/users"))))
	require.NoError(t, p.ConsumeLogs(ctx, observedLogs(m1, time.Minute, 10, 50)))
	require.NoError(t, p.ConsumeLogs(ctx, observedLogs(m1, time.Minute, 10, 150))) // a second partial
	require.NoError(t, p.ConsumeLogs(ctx, observedScopeLogs(chaosconv.ScopeService, "checkout", m1, time.Minute, 5, 80)))
	require.NoError(t, p.ConsumeLogs(ctx, observedLogs(m1, 5*time.Minute, 3, 10)))                       // not the finest width
	require.NoError(t, p.ConsumeLogs(ctx, eventLogs("checkout", lat(7*time.Minute, 100, "/api/users")))) // closes minute 1 and the first 5 minutes
	require.NoError(t, p.ConsumeLogs(ctx, observedLogs(m1, time.Minute, 1, 10)))                         // late

	passed := 0
	for _, ld := range sink.AllLogs() {
		for _, rl := range ld.ResourceLogs().All() {
			for _, sl := range rl.ScopeLogs().All() {
				for _, lr := range sl.LogRecords().All() {
					if lr.EventName() == chaosconv.RecordObserved {
						passed++
					}
				}
			}
		}
	}
	require.Equal(t, 1, passed, "only the record of another width passes on")

	_, buckets := summaries(t, sink)
	find := func(scope chaosconv.ScopeKind, key string, start time.Time, width time.Duration) *chaosconv.Bucket {
		for _, b := range buckets {
			if b.Scope == scope && b.Key == key && b.StartUnixNano == start.UnixNano() && b.Width == width {
				return b
			}
		}
		t.Fatalf("no %s %q bucket of %s at %s", scope, key, width, start)
		return nil
	}
	g := find(chaosconv.ScopeGlobal, "", m1, time.Minute)
	require.Equal(t, uint64(1), g.Events, "the chaos event is there too")
	require.Equal(t, uint64(20), g.Observed.Spans, "both partials")
	require.InDelta(t, 20, g.Observed.Requests, 1e-9)
	require.InDelta(t, 2, g.Observed.Errors, 1e-9)
	p50, _ := g.Observed.Latency.Quantile(0.5)
	require.InDelta(t, 50, p50, 1)
	require.Equal(t, uint64(5), find(chaosconv.ScopeService, "checkout", m1, time.Minute).Observed.Spans)
	require.Equal(t, uint64(20), find(chaosconv.ScopeGlobal, "", t0, 5*time.Minute).Observed.Spans, "rolled up")

	m, err := p.tel.GetMetric("otelcol_processor_chaos_analytics_observed")
	require.NoError(t, err)
	points := m.Data.(metricdata.Sum[int64]).DataPoints
	require.Equal(t, int64(3), valueFor(t, points, "outcome", "merged"))
	require.Equal(t, int64(1), valueFor(t, points, "outcome", "unmergeable"))
	require.Equal(t, int64(1), valueFor(t, points, "outcome", "late"))
}
