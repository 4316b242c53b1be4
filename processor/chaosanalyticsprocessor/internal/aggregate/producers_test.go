package aggregate

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/otelcol-chaos/otelcol-chaos/internal/chaosconv"
)

// gatewayConfig merges producer partials with a lateness of one second:
// a minute closes once every live producer has sent a later one (with no
// lateness at all, the first producer to send a minute would close it
// before the others are even known).
func gatewayConfig() Config {
	cfg := testConfig()
	cfg.Widths = cfg.Widths[:1]
	cfg.AllowedLateness = time.Second
	return cfg
}

func producerPartial(producer string, minute, events int) *chaosconv.Bucket {
	start := t0.Add(time.Duration(minute) * time.Minute)
	b := chaosconv.NewBucket(chaosconv.ScopeGlobal, "", start.UnixNano(), time.Minute)
	for i := range events {
		b.AddEvent(latency(start.Add(time.Duration(i)*time.Millisecond), 10, ""), &chaosconv.Limits{})
	}
	b.Producer = producer
	return b
}

func closedMinutes(a *Aggregator) map[int]uint64 {
	out := map[int]uint64{}
	for _, b := range a.Closed() {
		out[int((b.StartUnixNano-t0.UnixNano())/int64(time.Minute))] = b.Events
	}
	return out
}

// An agent that runs ahead does not make a slower one's partials late: a
// minute closes once every live producer has sent it.
func TestSlowProducerHoldsBucketsOpen(t *testing.T) {
	a := New(gatewayConfig())
	now := t0.Add(time.Hour)
	require.Equal(t, Aggregated, a.Merge(producerPartial("b", 0, 1), now))
	for m := range 6 {
		require.Equal(t, Aggregated, a.Merge(producerPartial("a", m, 10), now))
	}
	require.Empty(t, closedMinutes(a), "b has sent nothing after minute 0")
	for m := 1; m < 6; m++ {
		require.Equal(t, Aggregated, a.Merge(producerPartial("b", m, 1), now), "minute %d is not late", m)
	}
	require.Equal(t, map[int]uint64{0: 11, 1: 11, 2: 11, 3: 11, 4: 11}, closedMinutes(a), "minute 5 waits for minute 6")
	require.Zero(t, a.Stats().Late)
}

// A producer silent for the timeout stops holding buckets open.
func TestSilentProducerExpires(t *testing.T) {
	a := New(gatewayConfig())
	now := t0.Add(time.Hour)
	a.Merge(producerPartial("b", 0, 1), now)
	for m := range 4 {
		a.Merge(producerPartial("a", m, 10), now.Add(time.Duration(m)*time.Second))
	}
	require.Empty(t, closedMinutes(a))
	a.Tick(now.Add(time.Minute), 0)
	require.Empty(t, closedMinutes(a), "b is slow, not gone")
	a.Tick(now.Add(2*time.Minute+time.Second), 0)
	require.Equal(t, map[int]uint64{0: 11, 1: 10, 2: 10}, closedMinutes(a), "b is gone: a's minutes close")
	// b comes back: its partial of a closed minute is late, a later one is not.
	require.Equal(t, Late, a.Merge(producerPartial("b", 2, 1), now.Add(3*time.Minute)))
	require.Equal(t, Aggregated, a.Merge(producerPartial("b", 4, 1), now.Add(3*time.Minute)))
}

// A restarted gateway still waits for the producers of its checkpoint.
func TestRestoredProducersHoldBucketsOpen(t *testing.T) {
	now := t0.Add(time.Hour)
	first := New(gatewayConfig())
	first.Merge(producerPartial("a", 0, 10), now)
	first.Merge(producerPartial("b", 0, 1), now)
	require.Empty(t, closedMinutes(first))
	open, st := first.Snapshot()
	require.Equal(t, map[string]int64{"a": t0.Add(time.Minute).UnixNano(), "b": t0.Add(time.Minute).UnixNano()}, st.Producers)

	second := New(gatewayConfig())
	require.NoError(t, second.Restore(open, st, now))
	second.Merge(producerPartial("a", 1, 10), now)
	second.Merge(producerPartial("a", 2, 10), now)
	require.Empty(t, closedMinutes(second), "b, from the checkpoint, has not sent minute 1")
	second.Merge(producerPartial("b", 1, 1), now)
	second.Merge(producerPartial("b", 2, 1), now)
	require.Equal(t, map[int]uint64{0: 11, 1: 11}, closedMinutes(second))
}

// Local events and anonymous partials still close by their own lateness,
// but never beyond what live producers have sent.
func TestLocalEventsAndProducers(t *testing.T) {
	cfg := gatewayConfig()
	cfg.AllowedLateness = 10 * time.Second
	a := New(cfg)
	now := t0.Add(time.Hour)
	a.Merge(producerPartial("a", 0, 5), now)
	for m := range 5 {
		a.Add(latency(t0.Add(time.Duration(m)*time.Minute+30*time.Second), 10, ""), nil, now)
	}
	require.Empty(t, closedMinutes(a), "a has sent minute 0 only, less the lateness")
	a.Merge(producerPartial("a", 3, 5), now)
	require.Equal(t, map[int]uint64{0: 6, 1: 1, 2: 1}, closedMinutes(a))
}

// One request of a producer may hold its next minute of one scope before
// this minute of another (an agent emits scope by scope): the watermark
// moves after the whole request, so none of it is late.
func TestBatchOfSeveralMinutesSettlesOnce(t *testing.T) {
	a := New(gatewayConfig())
	now := t0.Add(time.Hour)
	endpoint := func(producer string, minute int) chaosconv.Bucket {
		b := producerPartial(producer, minute, 3)
		b.Scope, b.Key = chaosconv.ScopeEndpoint, "/api/users"
		return *b
	}
	var counts [OutcomeCount]int
	count := func(oc Outcome) { counts[oc]++ }
	a.MergeBatch([]chaosconv.Bucket{*producerPartial("b", 0, 1), endpoint("b", 0)}, now, count)
	// a's request: its global minutes 0 and 1, then its endpoint minutes.
	a.MergeBatch([]chaosconv.Bucket{*producerPartial("a", 0, 10), *producerPartial("a", 1, 10),
		endpoint("a", 0), endpoint("a", 1)}, now, count)
	a.MergeBatch([]chaosconv.Bucket{*producerPartial("b", 1, 1), endpoint("b", 1)}, now, count)
	require.Equal(t, 8, counts[Aggregated])
	require.Zero(t, a.Stats().Late)
	closed := a.Closed()
	require.Len(t, closed, 2, "minute 0 of both scopes (minute 1 waits for minute 2)")
	for _, b := range closed {
		require.Equal(t, t0.UnixNano(), b.StartUnixNano)
		want := uint64(11)
		if b.Scope == chaosconv.ScopeEndpoint {
			want = 6
		}
		require.Equal(t, want, b.Events, "%s", b.Scope)
	}
}
