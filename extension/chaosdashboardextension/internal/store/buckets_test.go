package store

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/otelcol-chaos/otelcol-chaos/extension/chaosdashboardextension/internal/stream"
	"github.com/otelcol-chaos/otelcol-chaos/internal/chaosconv"
)

func starts(bs []Bucket) []time.Time {
	out := make([]time.Time, len(bs))
	for i, b := range bs {
		out[i] = b.Start
	}
	return out
}

func TestBucketsOrderedAndReplaced(t *testing.T) {
	s, c := newStore(t, Config{})
	// Out of order, and minute 1 twice: the second replaces the first.
	s.Ingest(logs(spec{start: minute(2), events: 3}, spec{start: minute(0), events: 1}), nil)
	s.Ingest(logs(spec{start: minute(1), events: 2}, spec{start: minute(1), events: 7, faults: 2}), nil)

	got := s.Buckets(Query{Scope: chaosconv.ScopeGlobal, From: t0, To: minute(3)})
	require.Equal(t, []time.Time{minute(0), minute(1), minute(2)}, starts(got))
	require.Equal(t, uint64(7), got[1].Events, "the republished bucket replaces the stored one")
	require.Equal(t, uint64(2), got[1].Faults)
	require.Equal(t, minute(2), got[1].End)
	require.Equal(t, Width(time.Minute), got[1].Width)
	require.Equal(t, "global", got[1].Scope)
	require.Equal(t, int64(4), c.stored[KindBucket])
	require.Equal(t, int64(1), c.series)
	require.Equal(t, 1, s.Series())

	// The window is [from, to) by start.
	require.Equal(t, []time.Time{minute(1)}, starts(s.Buckets(Query{Scope: chaosconv.ScopeGlobal, From: minute(1), To: minute(2)})))
	require.Empty(t, s.Buckets(Query{Scope: chaosconv.ScopeGlobal, From: minute(3), To: minute(9)}))
	require.NotNil(t, s.Buckets(Query{Scope: chaosconv.ScopeService, Key: "x", From: t0, To: minute(9)}))
}

func TestBucketsWidthsAndScopes(t *testing.T) {
	s, _ := newStore(t, Config{})
	s.Ingest(logs(
		spec{start: t0, width: 5 * time.Minute, events: 50},
		spec{start: t0, events: 10},
		spec{scope: chaosconv.ScopeService, key: "checkout", start: t0, events: 4},
		spec{scope: chaosconv.ScopeEndpoint, key: "/pay", start: t0, width: 5 * time.Minute, events: 2},
	), nil)
	require.Equal(t, []time.Duration{time.Minute, 5 * time.Minute}, s.Widths(chaosconv.ScopeGlobal, ""))

	q := Query{Scope: chaosconv.ScopeGlobal, From: t0, To: minute(5)}
	require.Equal(t, uint64(10), s.Buckets(q)[0].Events, "width 0 is the finest held")
	q.Width = 5 * time.Minute
	require.Equal(t, uint64(50), s.Buckets(q)[0].Events)
	q.Width = time.Hour
	require.Empty(t, s.Buckets(q), "a width not held has no buckets")

	svc := s.Buckets(Query{Scope: chaosconv.ScopeService, Key: "checkout", From: t0, To: minute(5)})
	require.Len(t, svc, 1)
	require.Equal(t, "checkout", svc[0].Key)
	ep := s.Buckets(Query{Scope: chaosconv.ScopeEndpoint, Key: "/pay", From: t0, To: minute(5)})
	require.Len(t, ep, 1)
	require.Equal(t, Width(5*time.Minute), ep[0].Width, "the endpoint's finest width is its own")
}

func TestBucketJSONFields(t *testing.T) {
	s, _ := newStore(t, Config{})
	s.Ingest(logs(spec{start: t0, events: 10, faults: 2, latencies: []float64{100, 200, 300, 400},
		probesOK: 3, probesBad: 1}), nil)
	b := s.Buckets(Query{Scope: chaosconv.ScopeGlobal, From: t0, To: minute(1)})[0]
	require.NotNil(t, b.LatencyMs)
	require.Equal(t, uint64(4), b.LatencyMs.Count)
	require.InDelta(t, 250, float64(b.LatencyMs.Avg), 1e-9)
	var want chaosconv.Stats
	for _, ms := range []float64{100, 200, 300, 400} {
		want.Add(ms)
	}
	for q, got := range map[float64]Float{0.50: b.LatencyMs.P50, 0.95: b.LatencyMs.P95, 0.99: b.LatencyMs.P99} {
		v, ok := want.Quantile(q)
		require.True(t, ok)
		require.Equal(t, Float(v), got, "quantile %v from the sketch", q)
	}
	require.Equal(t, uint64(3), b.ProbeSuccesses)
	require.Equal(t, uint64(1), b.ProbeFailures)
	require.True(t, b.Impact.Measured, "probes ran: degradation is measured")
	require.InDelta(t, 25, float64(b.Impact.DegradationPct), 1e-9)

	s.Ingest(logs(spec{start: minute(1), events: 1}), nil)
	b = s.Buckets(Query{Scope: chaosconv.ScopeGlobal, From: minute(1), To: minute(2)})[0]
	require.Nil(t, b.LatencyMs, "no latency recorded: null")
	require.False(t, b.Impact.Measured)
}

// TestBucketRecordedImpact: the impact shown is the one the producer
// recorded (under its own latency budget), not one computed again here.
func TestBucketRecordedImpact(t *testing.T) {
	s, _ := newStore(t, Config{})
	ld := logs(spec{start: t0, events: 10, faults: 5})
	lr := ld.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords().At(0)
	lr.Attributes().PutDouble(chaosconv.AttrImpactSeverity, 0.875)
	lr.Attributes().PutDouble(chaosconv.AttrImpactDegradationPct, 42.5)
	s.Ingest(ld, nil)
	b := s.Buckets(Query{Scope: chaosconv.ScopeGlobal, From: t0, To: minute(1)})[0]
	require.Equal(t, Impact{Severity: 0.875, DegradationPct: 42.5, Source: chaosconv.ImpactSourceEstimated}, b.Impact)
}

func TestRetentionByDataTime(t *testing.T) {
	s, c := newStore(t, Config{Retention: 2 * time.Hour, ScopeRetention: time.Hour})
	svc := func(start time.Time) spec {
		return spec{scope: chaosconv.ScopeService, key: "checkout", start: start, events: 1}
	}
	s.Ingest(logs(spec{start: t0, events: 1}, svc(t0)), nil)
	// 90 minutes of data later: the service bucket (1h) is gone, the
	// global one (2h) stays.
	s.Ingest(logs(spec{start: minute(90), events: 1}, svc(minute(90))), nil)
	all := Query{From: t0.Add(-time.Hour), To: t0.Add(5 * time.Hour)}
	g, sv := all, all
	g.Scope = chaosconv.ScopeGlobal
	sv.Scope, sv.Key = chaosconv.ScopeService, "checkout"
	require.Equal(t, []time.Time{t0, minute(90)}, starts(s.Buckets(g)))
	require.Equal(t, []time.Time{minute(90)}, starts(s.Buckets(sv)))
	require.Equal(t, int64(1), c.evicted[KindBucket])

	// A bucket behind the retention window is refused, not stored.
	s.Ingest(logs(svc(minute(10))), nil)
	require.Equal(t, int64(1), c.refused[ReasonTooOld])
	require.Equal(t, []time.Time{minute(90)}, starts(s.Buckets(sv)))

	// Once every bucket of a series has left, the series goes too.
	s.Ingest(logs(spec{start: minute(300), events: 1}), nil)
	s.Ingest(logs(svc(minute(300))), nil)
	require.Equal(t, 2, s.Series())
	require.Equal(t, int64(2), c.series)
	require.Equal(t, int64(4), c.evicted[KindBucket])
	asOf, ok := s.AsOf()
	require.True(t, ok)
	require.Equal(t, minute(301), asOf)
	require.Equal(t, 2*time.Hour, s.Retention(chaosconv.ScopeGlobal))
	require.Equal(t, time.Hour, s.Retention(chaosconv.ScopeEndpoint))
}

// TestCoarseBucketClosedEarly: the analytics processor's idle_flush closes
// the open 1h and 1d buckets when data stops, and their ends lie hours
// ahead of the data. They must not move the data's clock: neither the
// day of 1-minute buckets (retention 24h) is evicted nor does as_of (and
// with it the stats' last hour) jump to the day bucket's end.
func TestCoarseBucketClosedEarly(t *testing.T) {
	s, c := newStore(t, Config{Retention: 24 * time.Hour, ScopeRetention: time.Hour})
	// 23:00 to 00:30, across midnight, as a replayed game day may be.
	first := 13 * 60
	for m := first; m < first+90; m++ {
		s.Ingest(logs(spec{start: minute(m), events: 1}), nil)
	}
	today := t0.Truncate(24 * time.Hour)
	day := 24 * time.Hour
	s.Ingest(logs(spec{start: today, width: day, events: 60}, spec{start: today.Add(day), width: day, events: 30},
		spec{start: minute(first + 60), width: time.Hour, events: 30}), nil)
	require.Zero(t, c.evicted[KindBucket], "tomorrow's day bucket ends 24 h after its data: nothing is out of retention")
	require.Zero(t, c.refused[ReasonTooOld])
	require.Len(t, s.Buckets(Query{Scope: chaosconv.ScopeGlobal, Width: time.Minute, From: minute(first),
		To: minute(first + 90)}), 90)
	asOf, ok := s.AsOf()
	require.True(t, ok)
	require.Equal(t, minute(first+90), asOf, "the end of the newest finest-width bucket")
	require.Equal(t, uint64(60), s.Stats().EventsLastHour)
}

func TestSeriesLimit(t *testing.T) {
	s, c := newStore(t, Config{MaxSeries: 2})
	ep := func(key string, start time.Time) spec {
		return spec{scope: chaosconv.ScopeEndpoint, key: key, start: start, events: 1}
	}
	s.Ingest(logs(ep("/a", t0), ep("/b", t0), ep("/c", t0), ep("/a", minute(1))), nil)
	require.Equal(t, 2, s.Series())
	require.Equal(t, int64(1), c.refused[ReasonSeriesLimit])
	require.Equal(t, int64(3), c.stored[KindBucket], "an existing series still takes buckets")
	require.Empty(t, s.Buckets(Query{Scope: chaosconv.ScopeEndpoint, Key: "/c", From: t0, To: minute(5)}))
}

// TestIngestRefusals: records of other kinds and malformed ones are
// counted and skipped; the rest of the batch is stored.
func TestIngestRefusals(t *testing.T) {
	s, c := newStore(t, Config{})
	ld := logs(spec{start: t0, events: 1})
	ev := chaosconv.Event{Kind: chaosconv.KindFaultInjection, TimeUnixNano: t0.UnixNano(), FaultType: "http_500"}
	chaosconv.EncodeEvent(&ev, newRecord(ld))
	bad := newRecord(ld) // a chaos.bucket without scope nor width
	bad.SetEventName(chaosconv.RecordBucket)
	badAnomaly := newRecord(ld)
	badAnomaly.SetEventName(chaosconv.RecordAnomaly)
	other := newRecord(ld)
	other.Body().SetStr("just a log")
	anomalyLogs(chaosconv.Anomaly{ID: "a1", Type: chaosconv.AnomalyEventSpike, State: chaosconv.AnomalyOpen,
		Scope: global(), AtUnixNano: t0.UnixNano()}).ResourceLogs().MoveAndAppendTo(ld.ResourceLogs())
	s.Ingest(ld, nil)

	require.Equal(t, map[string]int64{ReasonUnknownRecord: 2, ReasonDecodeError: 2}, c.refused)
	require.Equal(t, map[string]int64{KindBucket: 1, KindAnomaly: 1}, c.stored)
	require.Len(t, s.Buckets(Query{Scope: chaosconv.ScopeGlobal, From: t0, To: minute(1)}), 1)
	require.Len(t, s.Anomalies(time.Time{}, StateAll), 1)
	s.Ingest(plog.NewLogs(), nil) // nothing: no call, no panic
}

func TestBucketMessages(t *testing.T) {
	s, _ := newStore(t, Config{})
	out := newSink(t, true)
	s.Ingest(logs(
		spec{start: t0, events: 10, faults: 1},
		spec{start: t0, width: 5 * time.Minute, events: 10},
		spec{scope: chaosconv.ScopeService, key: "checkout", start: t0, events: 3},
	), out)
	msgs := out.take()
	require.Equal(t, []string{stream.TypeBucket, stream.TypeImpact, stream.TypeBucket, stream.TypeBucket}, types(msgs),
		"impact only for the global finest-width bucket")
	require.Equal(t, minute(1), msgs[0].At, "a bucket's message is at its end")
	require.Equal(t, "global", msgs[0].Scope)
	require.Equal(t, uint64(10), msgs[0].Data.(Bucket).Events)
	require.IsType(t, Impact{}, msgs[1].Data)
	require.Equal(t, "service", msgs[3].Scope)
	require.Equal(t, "checkout", msgs[3].Key)

	// A republished older bucket: its bucket message, no impact (it is
	// not the newest).
	s.Ingest(logs(spec{start: minute(1), events: 1}), out)
	s.Ingest(logs(spec{start: t0, events: 11}), out)
	require.Equal(t, []string{stream.TypeBucket, stream.TypeImpact, stream.TypeBucket}, types(out.take()))

	// No client: nothing is built nor published (the sink fails on it).
	s.Ingest(logs(spec{start: minute(2), events: 1}), newSink(t, false))
}

// TestBucketObserved: a bucket's observed traffic (a scope's own server
// spans) is in the bucket view and merged in the impact window; a bucket
// without any shows null.
func TestBucketObserved(t *testing.T) {
	s, _ := newStore(t, Config{})
	cfg := chaosconv.DefaultImpactConfig()
	ld := plog.NewLogs()
	for m, failed := range []bool{false, true} {
		b := spec{start: minute(m), events: 1}.bucket()
		for range 10 {
			b.Observed.AddSpan(120, failed, 1)
		}
		chaosconv.EncodeBucket(b, &cfg, newRecord(ld))
	}
	chaosconv.EncodeBucket(spec{start: minute(2), events: 1}.bucket(), &cfg, newRecord(ld))
	s.Ingest(ld, nil)

	bs := s.Buckets(Query{Scope: chaosconv.ScopeGlobal, From: t0, To: minute(3)})
	require.Len(t, bs, 3)
	require.NotNil(t, bs[0].Observed)
	require.Equal(t, Float(10), bs[0].Observed.Requests)
	require.Equal(t, Float(0), bs[0].Observed.ErrorRatio)
	require.Equal(t, Float(1), bs[1].Observed.ErrorRatio)
	require.InDelta(t, 120, float64(bs[1].Observed.LatencyMs.P95), 1.2)
	require.Nil(t, bs[2].Observed)

	w := s.Impact(Query{Scope: chaosconv.ScopeGlobal, From: t0, To: minute(3)})
	require.NotNil(t, w.Observed)
	require.Equal(t, Float(20), w.Observed.Requests)
	require.Equal(t, Float(0.5), w.Observed.ErrorRatio)
}
