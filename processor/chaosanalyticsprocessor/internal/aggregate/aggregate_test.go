package aggregate

import (
	"cmp"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/otelcol-chaos/otelcol-chaos/internal/chaosconv"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

var t0 = time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)

func testConfig() Config {
	return Config{
		Widths:          []time.Duration{time.Minute, 5 * time.Minute, time.Hour},
		AllowedLateness: 30 * time.Second,
		MaxFutureSkew:   5 * time.Minute,
		MaxServices:     100,
		MaxEndpoints:    100,
		MaxOpenBuckets:  10_000,
		ProducerTimeout: 2 * time.Minute,
		Limits:          chaosconv.Limits{MapEntries: 100, ProbeLatencySLO: 500 * time.Millisecond},
	}
}

func latency(at time.Time, ms int64, endpoint string) *chaosconv.Event {
	return &chaosconv.Event{TimeUnixNano: at.UnixNano(), Kind: chaosconv.KindLatencyInjection, DelayMs: ms,
		Endpoint: endpoint, Fields: chaosconv.FieldDelayMs}
}

func fault(at time.Time, typ, endpoint string) *chaosconv.Event {
	return &chaosconv.Event{TimeUnixNano: at.UnixNano(), Kind: chaosconv.KindFaultInjection, FaultType: typ,
		Endpoint: endpoint, Fields: chaosconv.FieldFaultType}
}

// closedBy indexes closed buckets by scope, key, width and start.
type bucketID struct {
	scope chaosconv.ScopeKind
	key   string
	width time.Duration
	start int64
}

func index(bs []*chaosconv.Bucket) map[bucketID]*chaosconv.Bucket {
	m := map[bucketID]*chaosconv.Bucket{}
	for _, b := range bs {
		m[bucketID{b.Scope, b.Key, b.Width, b.StartUnixNano}] = b
	}
	return m
}

func TestBucketBoundariesAndScopes(t *testing.T) {
	a := New(testConfig())
	svc := a.Service("checkout")
	now := t0.Add(time.Hour)
	require.Equal(t, Aggregated, a.Add(latency(t0.Add(59*time.Second+999*time.Millisecond), 100, "/a"), svc, now))
	require.Equal(t, Aggregated, a.Add(latency(t0.Add(time.Minute), 200, "/b"), svc, now))
	require.Equal(t, Aggregated, a.Add(fault(t0.Add(30*time.Second), "http_503", "/a"), nil, now))
	require.Empty(t, a.Closed(), "nothing closes before the watermark passes a bucket's end")

	// An event 5 minutes + lateness later closes every 1m bucket and the 5m one.
	require.Equal(t, Aggregated, a.Add(latency(t0.Add(5*time.Minute+30*time.Second), 1, ""), nil, now))
	got := index(a.Closed())

	g0 := got[bucketID{chaosconv.ScopeGlobal, "", time.Minute, t0.UnixNano()}]
	require.NotNil(t, g0)
	require.Equal(t, uint64(2), g0.Events, "10:00:59.999 is in [10:00, 10:01)")
	g1 := got[bucketID{chaosconv.ScopeGlobal, "", time.Minute, t0.Add(time.Minute).UnixNano()}]
	require.Equal(t, uint64(1), g1.Events, "10:01:00.000 starts the next bucket")
	g5 := got[bucketID{chaosconv.ScopeGlobal, "", 5 * time.Minute, t0.UnixNano()}]
	require.Equal(t, uint64(3), g5.Events)
	require.Equal(t, uint64(1), g5.Faults)
	require.Equal(t, uint64(2), g5.Latency.Count)
	require.Equal(t, 100.0, g5.Latency.Min)
	require.Equal(t, 200.0, g5.Latency.Max)
	require.Equal(t, t0.UnixNano(), g5.PeakStartUnixNano, "peak: the busiest minute")
	require.Equal(t, uint64(2), g5.PeakEvents)

	s5 := got[bucketID{chaosconv.ScopeService, "checkout", 5 * time.Minute, t0.UnixNano()}]
	require.Equal(t, uint64(2), s5.Events, "the fault had no service")
	ea := got[bucketID{chaosconv.ScopeEndpoint, "/a", 5 * time.Minute, t0.UnixNano()}]
	require.Equal(t, uint64(2), ea.Events)
	require.Nil(t, got[bucketID{chaosconv.ScopeGlobal, "", time.Hour, t0.UnixNano()}], "the hour is still open")
}

func TestLatenessAndFuture(t *testing.T) {
	a := New(testConfig())
	now := t0.Add(10 * time.Minute)
	a.Add(latency(t0.Add(10*time.Second), 1, ""), nil, now)
	a.Add(latency(t0.Add(89*time.Second), 1, ""), nil, now) // watermark 10:00:59: [10:00,10:01) still open
	require.Equal(t, Aggregated, a.Add(latency(t0.Add(30*time.Second), 1, ""), nil, now), "within allowed lateness")
	a.Add(latency(t0.Add(90*time.Second), 1, ""), nil, now) // watermark 10:01:00 closes it
	require.Len(t, a.Closed(), 1)
	require.Equal(t, Late, a.Add(latency(t0.Add(59*time.Second), 1, ""), nil, now))
	require.Equal(t, uint64(1), a.Stats().Late)
	require.Equal(t, Future, a.Add(latency(now.Add(6*time.Minute), 1, ""), nil, now))
	require.Equal(t, uint64(1), a.Stats().Future)
}

func TestWallClockClosesWhenEventsStop(t *testing.T) {
	a := New(testConfig())
	arrival := t0.Add(20 * time.Second)
	a.Add(latency(t0.Add(20*time.Second), 1, ""), nil, arrival)
	a.Tick(arrival.Add(69*time.Second), 0) // watermark 10:00:59
	require.Empty(t, a.Closed())
	a.Tick(arrival.Add(70*time.Second), 0) // watermark 10:01:00
	require.Len(t, a.Closed(), 1)
}

func TestIdleFlushClosesEverything(t *testing.T) {
	a := New(testConfig())
	arrival := time.Now()
	// A replay: event times an hour in the past.
	for i := range 90 {
		a.Add(latency(t0.Add(time.Duration(i)*time.Minute), 5, ""), nil, arrival)
	}
	before := a.Closed()
	require.NotEmpty(t, before, "the replay's own event times close its early buckets")
	a.Tick(arrival.Add(10*time.Second), 10*time.Second)
	var hours int
	for _, b := range append(before, a.Closed()...) {
		if b.Width == time.Hour {
			hours++
		}
	}
	require.Equal(t, 2, hours, "both hours the replay touched are emitted")
	require.Zero(t, a.OpenBuckets())
}

func TestCardinalityOverflow(t *testing.T) {
	cfg := testConfig()
	cfg.MaxEndpoints = 2
	cfg.MaxServices = 1
	a := New(cfg)
	now := t0.Add(time.Hour)
	require.Equal(t, "checkout", a.Service("checkout").Key)
	require.Equal(t, chaosconv.OverflowKey, a.Service("payments").Key)
	for _, ep := range []string{"/a", "/b", "/c", "/d"} {
		a.Add(latency(t0, 1, ep), nil, now)
	}
	a.Tick(now.Add(time.Hour), time.Nanosecond)
	got := index(a.Closed())
	require.Equal(t, uint64(2), got[bucketID{chaosconv.ScopeEndpoint, chaosconv.OverflowKey, time.Minute, t0.UnixNano()}].Events)
	require.Equal(t, uint64(1), got[bucketID{chaosconv.ScopeEndpoint, "/a", time.Minute, t0.UnixNano()}].Events)
	st := a.Stats()
	require.Equal(t, uint64(2), st.ScopeOverflows[chaosconv.ScopeEndpoint])
	require.Equal(t, uint64(1), st.ScopeOverflows[chaosconv.ScopeService])
}

func TestMaxOpenBucketsClosesOldestEarly(t *testing.T) {
	cfg := testConfig()
	cfg.Widths = []time.Duration{time.Minute}
	cfg.AllowedLateness = time.Hour
	cfg.MaxOpenBuckets = 3
	a := New(cfg)
	now := t0.Add(time.Hour)
	for i := range 5 {
		a.Add(latency(t0.Add(time.Duration(i)*time.Minute), 1, ""), nil, now)
	}
	require.LessOrEqual(t, a.OpenBuckets(), 3)
	require.Len(t, a.Closed(), 2, "the two oldest were emitted early, not lost")
	require.Equal(t, uint64(2), a.Stats().ForcedCloses)
}

// randomEvents is a deterministic mix of every kind over the window.
func randomEvents(r *rand.Rand, n int, window time.Duration) []*chaosconv.Event {
	eps := []string{"/api/users", "/api/orders", "/api/pay", ""}
	out := make([]*chaosconv.Event, n)
	for i := range out {
		at := t0.Add(time.Duration(r.Int64N(int64(window))))
		e := &chaosconv.Event{TimeUnixNano: at.UnixNano(), Endpoint: eps[r.IntN(len(eps))]}
		switch r.IntN(6) {
		case 0:
			e.Kind, e.DelayMs, e.Fields = chaosconv.KindLatencyInjection, r.Int64N(3000), chaosconv.FieldDelayMs
		case 1:
			e.Kind, e.FaultType, e.Fields = chaosconv.KindFaultInjection, []string{"http_500", "timeout"}[r.IntN(2)], chaosconv.FieldFaultType
		case 2:
			e.Kind = chaosconv.KindRateLimitExceeded
		case 3:
			e.Kind, e.TrafficAction, e.TrafficBytes = chaosconv.KindTrafficShaping, "throttle", r.Int64N(1<<20)
		case 4:
			e.Kind, e.Protocol, e.ProtocolEvent = chaosconv.KindProtocolEvent, "grpc", "reset"
		case 5:
			e.Kind, e.ProbeTarget, e.ProbeSuccess = chaosconv.KindProbe, "t", r.IntN(3) > 0
			e.ProbeLatencyMs, e.HasProbeLatency = float64(r.Int64N(2_000_000))/1000, true
		}
		out[i] = e
	}
	// In time order, as a live source sends them (lateness is tested apart).
	slices.SortFunc(out, func(a, b *chaosconv.Event) int { return cmp.Compare(a.TimeUnixNano, b.TimeUnixNano) })
	return out
}

func requireSameBucket(t *testing.T, want, got *chaosconv.Bucket) {
	t.Helper()
	require.Equal(t, want.Events, got.Events)
	require.Equal(t, want.EventsByKind, got.EventsByKind)
	require.Equal(t, want.Faults, got.Faults)
	require.Equal(t, want.FaultsByType, got.FaultsByType)
	require.Equal(t, want.RateLimitViolations, got.RateLimitViolations)
	require.Equal(t, want.TrafficEvents, got.TrafficEvents)
	require.Equal(t, want.TrafficBytes, got.TrafficBytes)
	require.Equal(t, want.ProtocolEvents, got.ProtocolEvents)
	require.Equal(t, want.Endpoints, got.Endpoints)
	require.Equal(t, want.ProbeSuccesses, got.ProbeSuccesses)
	require.Equal(t, want.ProbeFailures, got.ProbeFailures)
	require.Equal(t, want.ProbeSlow, got.ProbeSlow)
	require.Equal(t, want.PeakStartUnixNano, got.PeakStartUnixNano)
	require.Equal(t, want.PeakEvents, got.PeakEvents)
	for _, s := range [][2]*chaosconv.Stats{{&want.Latency, &got.Latency}, {&want.ProbeLatency, &got.ProbeLatency}} {
		require.Equal(t, s[0].Count, s[1].Count)
		require.Equal(t, s[0].SumMicros, s[1].SumMicros)
		require.Equal(t, s[0].Min, s[1].Min)
		require.Equal(t, s[0].Max, s[1].Max)
		require.True(t, s[0].Sketch.Equal(&s[1].Sketch), "sketches differ")
	}
}

// TestRollUpsAgreeExactly: every coarser bucket equals the merge of the
// finest buckets inside it, for every scope.
func TestRollUpsAgreeExactly(t *testing.T) {
	a := New(testConfig())
	r := rand.New(rand.NewPCG(1, 2))
	now := t0.Add(3 * time.Hour)
	for _, e := range randomEvents(r, 5000, 2*time.Hour) {
		a.Add(e, nil, now)
	}
	a.Tick(now.Add(time.Second), time.Nanosecond)
	closed := a.Closed()
	lim := testConfig().Limits
	byID := index(closed)
	checked := 0
	for id, coarse := range byID {
		if id.width == time.Minute {
			continue
		}
		sum := chaosconv.NewBucket(id.scope, id.key, id.start, id.width)
		for s := id.start; s < id.start+int64(id.width); s += int64(time.Minute) {
			if fine, ok := byID[bucketID{id.scope, id.key, time.Minute, s}]; ok {
				sum.Merge(fine, &lim)
			}
		}
		requireSameBucket(t, sum, coarse)
		checked++
	}
	require.Greater(t, checked, 20)
}

// TestMergedPartialsEqualOneAggregator: events split across three agents
// (finest width only), their summaries merged at a gateway, give exactly
// the buckets one aggregator computes from all events, at every width.
func TestMergedPartialsEqualOneAggregator(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	events := randomEvents(r, 6000, 90*time.Minute)
	now := t0.Add(2 * time.Hour)

	whole := New(testConfig())
	agentCfg := testConfig()
	agentCfg.Widths = agentCfg.Widths[:1]
	agents := []*Aggregator{New(agentCfg), New(agentCfg), New(agentCfg)}
	for _, e := range events {
		whole.Add(e, nil, now)
		agents[r.IntN(len(agents))].Add(e, nil, now)
	}
	gateway := New(testConfig())
	var partials []*chaosconv.Bucket
	for _, ag := range agents {
		ag.Tick(now.Add(time.Second), time.Nanosecond)
		partials = append(partials, ag.Closed()...)
	}
	// Agents emit each minute as it closes: the gateway sees them in time order.
	slices.SortStableFunc(partials, func(a, b *chaosconv.Bucket) int { return cmp.Compare(a.StartUnixNano, b.StartUnixNano) })
	for _, b := range partials {
		require.Equal(t, Aggregated, gateway.Merge(b, now))
	}
	whole.Tick(now.Add(time.Second), time.Nanosecond)
	gateway.Tick(now.Add(time.Second), time.Nanosecond)
	want, got := index(whole.Closed()), index(gateway.Closed())
	require.Equal(t, len(want), len(got))
	for id, w := range want {
		g, ok := got[id]
		require.True(t, ok, "missing %+v", id)
		requireSameBucket(t, w, g)
	}
}

func TestMergeRefusesCoarserSummaries(t *testing.T) {
	a := New(testConfig())
	b := chaosconv.NewBucket(chaosconv.ScopeGlobal, "", t0.UnixNano(), 5*time.Minute)
	require.Equal(t, Unmergeable, a.Merge(b, t0))
	require.Equal(t, uint64(1), a.Stats().Unmergeable)
}

func TestSnapshotRestore(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	events := randomEvents(r, 2000, 30*time.Minute)
	now := t0.Add(time.Hour)

	uninterrupted := New(testConfig())
	first := New(testConfig())
	for _, e := range events[:1000] {
		uninterrupted.Add(e, nil, now)
		first.Add(e, nil, now)
	}
	emittedBefore := first.Closed()
	open, st := first.Snapshot()
	second := New(testConfig())
	require.NoError(t, second.Restore(open, st, now))
	for _, e := range events[1000:] {
		uninterrupted.Add(e, nil, now)
		second.Add(e, nil, now)
	}
	uninterrupted.Tick(now.Add(time.Second), time.Nanosecond)
	second.Tick(now.Add(time.Second), time.Nanosecond)
	want := index(uninterrupted.Closed())
	got := index(append(emittedBefore, second.Closed()...))
	require.Equal(t, len(want), len(got))
	for id, w := range want {
		requireSameBucket(t, w, got[id])
	}
	require.Equal(t, uninterrupted.Stats().Late, first.Stats().Late+second.Stats().Late)
}

func TestRestoreRejectsUnknownWidth(t *testing.T) {
	a := New(testConfig())
	b := chaosconv.NewBucket(chaosconv.ScopeGlobal, "", t0.UnixNano(), 2*time.Minute)
	require.ErrorIs(t, a.Restore([]*chaosconv.Bucket{b}, State{}, t0), ErrWidth)
}
