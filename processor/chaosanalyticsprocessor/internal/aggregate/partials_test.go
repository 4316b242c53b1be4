package aggregate

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/otelcol-chaos/otelcol-chaos/internal/chaosconv"
)

// agentPartials splits events across n agents (finest width only) and
// returns the whole aggregation and every agent's closed partials, each
// stamped with its agent's producer id, in time order.
func agentPartials(t *testing.T, r *rand.Rand, events []*chaosconv.Event, n int, now time.Time) (*Aggregator, []*chaosconv.Bucket) {
	t.Helper()
	whole := New(testConfig())
	agentCfg := testConfig()
	agentCfg.Widths = agentCfg.Widths[:1]
	agents := make([]*Aggregator, n)
	for i := range agents {
		agents[i] = New(agentCfg)
	}
	for _, e := range events {
		whole.Add(e, nil, now)
		agents[r.IntN(n)].Add(e, nil, now)
	}
	var partials []*chaosconv.Bucket
	for i, ag := range agents {
		ag.Tick(now.Add(time.Second), time.Nanosecond)
		for _, b := range ag.Closed() {
			b.Producer = fmt.Sprintf("agent-%d", i)
			partials = append(partials, b)
		}
	}
	slices.SortStableFunc(partials, func(a, b *chaosconv.Bucket) int { return cmp.Compare(a.StartUnixNano, b.StartUnixNano) })
	whole.Tick(now.Add(time.Second), time.Nanosecond)
	return whole, partials
}

func requireSameClosed(t *testing.T, want, got []*chaosconv.Bucket) {
	t.Helper()
	w, g := index(want), index(got)
	require.Equal(t, len(w), len(g))
	for id, b := range w {
		other, ok := g[id]
		require.True(t, ok, "missing %+v", id)
		requireSameBucket(t, b, other)
	}
}

// Every partial delivered twice, and the partials of each minute in a
// random order: the gateway's buckets equal one aggregator's over all the
// events, and each repeat is counted as a duplicate.
func TestDuplicatedAndReorderedPartialsCountOnce(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	now := t0.Add(2 * time.Hour)
	whole, partials := agentPartials(t, r, randomEvents(r, 6000, 90*time.Minute), 3, now)

	var deliveries []*chaosconv.Bucket
	for start := 0; start < len(partials); {
		end := start
		for end < len(partials) && partials[end].StartUnixNano == partials[start].StartUnixNano {
			end++
		}
		minute := slices.Clone(partials[start:end])
		minute = append(minute, minute...) // every partial twice
		r.Shuffle(len(minute), func(i, j int) { minute[i], minute[j] = minute[j], minute[i] })
		deliveries = append(deliveries, minute...)
		start = end
	}
	gateway := New(testConfig())
	counts := map[Outcome]int{}
	for _, b := range deliveries {
		counts[gateway.Merge(b, now)]++
	}
	require.Equal(t, map[Outcome]int{Aggregated: len(partials), Duplicate: len(partials)}, counts)
	require.Equal(t, uint64(len(partials)), gateway.Stats().Duplicates)
	gateway.Tick(now.Add(time.Second), time.Nanosecond)
	requireSameClosed(t, whole.Closed(), gateway.Closed())
	require.Zero(t, gateway.Partials(), "every partial was merged and freed at close")
}

// A producer that re-emits a bucket with late events sends a larger
// partial: it replaces the earlier one, in either arrival order.
func TestLaterLargerPartialReplacesTheEarlierOne(t *testing.T) {
	minute := t0.Add(10 * time.Minute)
	now := minute.Add(time.Hour)
	partial := func(n int) *chaosconv.Bucket {
		b := chaosconv.NewBucket(chaosconv.ScopeGlobal, "", minute.UnixNano(), time.Minute)
		for i := range n {
			b.AddEvent(latency(minute.Add(time.Duration(i)*time.Second), int64(10*i), "/api/users"), &chaosconv.Limits{})
		}
		b.Producer = "agent-1"
		return b
	}
	small, large := partial(5), partial(8)
	for name, order := range map[string][]*chaosconv.Bucket{
		"in order":       {small, large, small},
		"reordered":      {large, small},
		"large repeated": {small, large, large},
	} {
		t.Run(name, func(t *testing.T) {
			a := New(testConfig())
			for _, b := range order {
				a.Merge(b, now)
			}
			a.Tick(now.Add(time.Second), time.Nanosecond)
			got := index(a.Closed())[bucketID{chaosconv.ScopeGlobal, "", time.Minute, minute.UnixNano()}]
			require.NotNil(t, got)
			requireSameBucket(t, large, got)
			require.Equal(t, uint64(1), a.Stats().Duplicates, "the smaller, or the repeat")
		})
	}
	a := New(testConfig())
	require.Equal(t, Aggregated, a.Merge(small, now))
	require.Equal(t, Replaced, a.Merge(large, now))
	require.Equal(t, Duplicate, a.Merge(small, now))
	require.Equal(t, uint64(1), a.Stats().Replaced)
}

// A partial arriving after its bucket closed is late, counted, not merged.
func TestPartialAfterCloseIsLate(t *testing.T) {
	a := New(testConfig())
	now := t0.Add(time.Hour)
	b := chaosconv.NewBucket(chaosconv.ScopeGlobal, "", t0.UnixNano(), time.Minute)
	b.AddEvent(latency(t0, 5, ""), &chaosconv.Limits{})
	b.Producer = "agent-1"
	require.Equal(t, Aggregated, a.Merge(b, now))
	a.Tick(now.Add(time.Second), time.Nanosecond)
	require.Len(t, a.Closed(), 3, "the minute, and its 5m and 1h roll-ups")
	require.Equal(t, Late, a.Merge(b, now.Add(2*time.Second)))
}

// Partials that name no producer merge as they come: two copies count
// twice (the behaviour of collectors that do not send a producer).
func TestPartialsWithoutProducerMergeAtOnce(t *testing.T) {
	a := New(testConfig())
	now := t0.Add(time.Hour)
	b := chaosconv.NewBucket(chaosconv.ScopeGlobal, "", t0.UnixNano(), time.Minute)
	b.AddEvent(latency(t0, 5, ""), &chaosconv.Limits{})
	require.Equal(t, Aggregated, a.Merge(b, now))
	require.Equal(t, Aggregated, a.Merge(b, now))
	require.Zero(t, a.Partials())
	a.Tick(now.Add(time.Second), time.Nanosecond)
	require.Equal(t, uint64(2), index(a.Closed())[bucketID{chaosconv.ScopeGlobal, "", time.Minute, t0.UnixNano()}].Events)
}

// Past MaxPartials a new producer's partial merges at once: the result is
// still exact, only a repeat of it would not be caught.
func TestMaxPartials(t *testing.T) {
	cfg := testConfig()
	cfg.MaxPartials = 2
	r := rand.New(rand.NewPCG(9, 10))
	now := t0.Add(time.Hour)
	whole, partials := agentPartials(t, r, randomEvents(r, 300, time.Minute), 3, now)
	a := New(cfg)
	for i, b := range partials {
		want := Aggregated
		if i >= 2 {
			want = Undeduplicated
		}
		require.Equal(t, want, a.Merge(b, now))
	}
	require.Equal(t, uint64(len(partials)-2), a.Stats().Undeduplicated)
	require.Equal(t, 2, a.Partials())
	a.Tick(now.Add(time.Second), time.Nanosecond)
	requireSameClosed(t, whole.Closed(), a.Closed())
}

// The partials kept for open buckets survive a checkpoint: after a
// restore, a repeat of one is still a duplicate, and the buckets close
// right.
func TestSnapshotRestoreKeepsPartials(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	now := t0.Add(time.Hour)
	whole, partials := agentPartials(t, r, randomEvents(r, 600, time.Minute), 3, now)
	first := New(testConfig())
	for _, b := range partials {
		first.Merge(b, now)
	}
	open, st := first.Snapshot()
	require.Len(t, open, first.OpenBuckets()+len(partials), "the open buckets, then every partial")
	second := New(testConfig())
	require.NoError(t, second.Restore(open, st, now))
	require.Equal(t, len(partials), second.Partials())
	require.Equal(t, Duplicate, second.Merge(partials[0], now))
	second.Tick(now.Add(time.Second), time.Nanosecond)
	requireSameClosed(t, whole.Closed(), second.Closed())
}
