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

// observedFailing is one chaos.observed record of the global scope with
// spans requests of durMs, failed of them failed.
func observedFailing(start time.Time, spans, failed int, durMs float64) plog.Logs {
	o := chaosconv.NewObserved(chaosconv.ScopeGlobal, "", start.UnixNano(), time.Minute)
	for i := range spans {
		o.AddSpan(durMs, i < failed, 1)
	}
	ld := plog.NewLogs()
	chaosconv.EncodeObserved(o, ld.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty().LogRecords().AppendEmpty())
	return ld
}

// TestImpactMeasuredFromSpans: calm minutes (requests, no injected chaos)
// make the scope's baseline; a minute with chaos carries it, and its impact
// is measured from the spans against it.
func TestImpactMeasuredFromSpans(t *testing.T) {
	sink := new(consumertest.LogsSink)
	p := newTestProcessor(t, sink, nil)
	ctx := context.Background()
	for m := range 3 {
		require.NoError(t, p.ConsumeLogs(ctx, observedFailing(t0.Add(time.Duration(m)*time.Minute), 50, 1, 20)))
	}
	chaos := t0.Add(3 * time.Minute)
	require.NoError(t, p.ConsumeLogs(ctx, eventLogs("", flt(3*time.Minute+time.Second, "/api/users"))))
	require.NoError(t, p.ConsumeLogs(ctx, observedFailing(chaos, 50, 10, 100)))
	require.NoError(t, p.ConsumeLogs(ctx, eventLogs("", lat(6*time.Minute, 1, "")))) // closes minute 3

	_, buckets := summaries(t, sink)
	var b *chaosconv.Bucket
	for _, x := range buckets {
		if x.Scope == chaosconv.ScopeGlobal && x.StartUnixNano == chaos.UnixNano() && x.Width == time.Minute {
			b = x
		}
	}
	require.NotNil(t, b)
	require.Equal(t, chaosconv.Baseline{Requests: 150, ErrorRatio: 0.02, P95Ms: b.ObservedBaseline.P95Ms}, b.ObservedBaseline)
	require.InDelta(t, 20, b.ObservedBaseline.P95Ms, 0.2)
	cfg := chaosconv.DefaultImpactConfig()
	im := b.Impact(&cfg)
	require.Equal(t, chaosconv.ImpactSourceSpans, im.Source)
	require.InDelta(t, 0.18, im.ObservedErrorIncrease, 1e-9)
	require.Equal(t, 1.0, im.ObservedLatencyFactor, "p95 100 ms against 20 ms: capped at 1")
	require.InDelta(t, 100*(1-0.82*0.5), im.DegradationPct, 1e-6)

	// The calm minutes have no baseline attached: their impact is not
	// measured from spans (no chaos to compare).
	for _, x := range buckets {
		if x.Scope == chaosconv.ScopeGlobal && x.StartUnixNano < chaos.UnixNano() && x.Width == time.Minute {
			require.Zero(t, x.ObservedBaseline.Requests)
		}
	}
}

// TestObservedBatchInAnyOrder: one request's observed partials, of several
// minutes in any order, are all merged: a later minute's partial does not
// close (and make late) an earlier one of the same request, and a partial
// moves the watermark only to its bucket's start.
func TestObservedBatchInAnyOrder(t *testing.T) {
	sink := new(consumertest.LogsSink)
	p := newTestProcessor(t, sink, nil)
	ld := observedLogs(t0.Add(3*time.Minute), time.Minute, 5, 10)
	observedLogs(t0, time.Minute, 5, 10).ResourceLogs().MoveAndAppendTo(ld.ResourceLogs())
	observedLogs(t0.Add(time.Minute), time.Minute, 5, 10).ResourceLogs().MoveAndAppendTo(ld.ResourceLogs())
	require.NoError(t, p.ConsumeLogs(context.Background(), ld))
	// Minute 3's partial vouches only for minute 3's start: minute 3 stays
	// open for its other spans.
	require.NoError(t, p.ConsumeLogs(context.Background(), observedLogs(t0.Add(3*time.Minute), time.Minute, 5, 10)))

	m, err := p.tel.GetMetric("otelcol_processor_chaos_analytics_observed")
	require.NoError(t, err)
	points := m.Data.(metricdata.Sum[int64]).DataPoints
	require.Equal(t, int64(4), valueFor(t, points, "outcome", "merged"))
	require.Len(t, points, 1, "merged only: none late")
}

// TestBaselineBeforeTheStart: with chaos events in every minute (no calm
// bucket), the baseline is the scope's minutes that ended by the newest
// start — here a scenario transition —, and the minute holding the start
// is measured against them.
func TestBaselineBeforeTheStart(t *testing.T) {
	sink := new(consumertest.LogsSink)
	p := newTestProcessor(t, sink, nil)
	ctx := context.Background()
	for m := range 3 {
		at := time.Duration(m) * time.Minute
		require.NoError(t, p.ConsumeLogs(ctx, eventLogs("", lat(at+time.Second, 5, ""))))
		require.NoError(t, p.ConsumeLogs(ctx, observedFailing(t0.Add(at), 50, 1, 20)))
	}
	transition := chaosconv.Event{TimeUnixNano: t0.Add(3*time.Minute + time.Second).UnixNano(),
		Kind: chaosconv.KindScenarioTransition, ScenarioTo: "fault-storm", Fields: chaosconv.FieldScenarioTo}
	require.NoError(t, p.ConsumeLogs(ctx, eventLogs("", transition, flt(3*time.Minute+2*time.Second, ""))))
	require.NoError(t, p.ConsumeLogs(ctx, observedFailing(t0.Add(3*time.Minute), 50, 10, 100)))
	require.NoError(t, p.ConsumeLogs(ctx, eventLogs("", lat(6*time.Minute, 1, ""))))

	_, buckets := summaries(t, sink)
	cfg := chaosconv.DefaultImpactConfig()
	checked := 0
	for _, b := range buckets {
		if b.Scope != chaosconv.ScopeGlobal || b.Width != time.Minute || b.StartUnixNano > t0.Add(3*time.Minute).UnixNano() {
			continue
		}
		im := b.Impact(&cfg)
		if b.StartUnixNano < t0.Add(3*time.Minute).UnixNano() {
			require.Equal(t, chaosconv.ImpactSourceEstimated, im.Source, "no start before them, and no calm minute")
			continue
		}
		require.InDelta(t, 150, b.ObservedBaseline.Requests, 1e-9, "the three minutes before the transition")
		require.Equal(t, chaosconv.ImpactSourceSpans, im.Source)
		require.InDelta(t, 0.18, im.ObservedErrorIncrease, 1e-9)
		checked++
	}
	require.Equal(t, 1, checked, "the minute holding the start")
}
