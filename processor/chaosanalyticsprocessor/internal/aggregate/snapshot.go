package aggregate

import (
	"maps"
	"slices"
	"time"

	"github.com/otelcol-chaos/otelcol-chaos/internal/chaosconv"
)

// State is what a checkpoint must keep besides the open buckets.
type State struct {
	MaxEventTime  int64
	ClosedThrough int64
	// Producers is how far each upstream producer had sent its partials:
	// restored as just heard from, so a restarted gateway waits for them.
	Producers map[string]int64
}

// Snapshot returns every open bucket (all scopes and widths), then the
// partials kept for them (their Producer set), and the watermark state. The
// buckets stay owned by the aggregator: encode them before the next call
// that changes it.
func (a *Aggregator) Snapshot() ([]*chaosconv.Bucket, State) {
	var out []*chaosconv.Bucket
	for _, s := range a.scopes {
		for _, list := range s.open {
			out = append(out, list...)
		}
	}
	for _, s := range a.scopes {
		for _, b := range s.open[0] {
			ps := a.partials[b]
			for _, producer := range slices.Sorted(maps.Keys(ps)) {
				out = append(out, ps[producer])
			}
		}
	}
	return out, State{MaxEventTime: a.maxEventTime, ClosedThrough: a.closedThrough, Producers: a.prod.marks()}
}

// Restore puts a checkpoint back: the open buckets of a previous run, the
// partials kept for them (buckets with a Producer), and its watermark. Call it on a new aggregator, before any Add. now is taken
// as the newest event's arrival, so the wall clock goes on closing buckets.
func (a *Aggregator) Restore(buckets []*chaosconv.Bucket, st State, now time.Time) error {
	for _, b := range buckets {
		w := -1
		for i, width := range a.cfg.Widths {
			if width == b.Width {
				w = i
			}
		}
		if w < 0 {
			return ErrWidth
		}
		target := a.openBucket(a.scopeOf(b), w, floor(b.StartUnixNano, int64(b.Width)))
		if b.Producer != "" && w == 0 {
			a.keepPartial(target, b)
			continue
		}
		target.Merge(b, &a.cfg.Limits)
	}
	a.maxEventTime = st.MaxEventTime
	a.closedThrough = st.ClosedThrough
	for id, through := range st.Producers {
		a.prod.saw(id, through, now)
	}
	if st.MaxEventTime != 0 {
		a.lastArrival = now
	}
	a.nextClose = a.earliestEnd()
	return nil
}
