package aggregate

import (
	"math"
	"strings"
	"time"
)

// producers tracks, in a merging collector, how far each upstream
// producer has sent its partial summaries. Buckets close only once every
// live producer has sent a later one: the watermark is the minimum over
// the producers, as a stream processor's over several inputs. So the
// partials of a slow agent, or of one whose queue is catching up after a
// gateway came back, are never late because another agent ran ahead. A
// producer not heard from for the timeout stops holding buckets open.
type producers struct {
	timeout time.Duration
	m       map[string]*producerMark
	// min is the least through among the producers, held by count of them
	// (0 when there are none); it is recomputed only when the last holder
	// moves on or goes, so an update costs O(1) and a minute O(producers).
	min   int64
	count int
}

type producerMark struct {
	through int64     // end of the latest bucket it sent a partial of
	heard   time.Time // wall time of its latest partial
}

func newProducers(timeout time.Duration) *producers {
	return &producers{timeout: timeout, m: map[string]*producerMark{}}
}

// saw records a partial of producer id for the bucket ending at through.
func (ps *producers) saw(id string, through int64, now time.Time) {
	p := ps.m[id]
	if p == nil {
		p = &producerMark{through: through}
		ps.m[strings.Clone(id)] = p
		ps.include(through)
	} else if through > p.through {
		old := p.through
		p.through = through
		if old == ps.min {
			ps.count--
			if ps.count == 0 {
				ps.recompute()
			}
		}
	}
	p.heard = now
}

// include accounts for a producer at through in min and count.
func (ps *producers) include(through int64) {
	switch {
	case ps.count == 0 || through < ps.min:
		ps.min, ps.count = through, 1
	case through == ps.min:
		ps.count++
	}
}

func (ps *producers) recompute() {
	ps.min, ps.count = 0, 0
	for _, p := range ps.m {
		ps.include(p.through)
	}
}

// expire forgets the producers not heard from for the timeout.
func (ps *producers) expire(now time.Time) {
	removed := false
	for id, p := range ps.m {
		if now.Sub(p.heard) > ps.timeout {
			delete(ps.m, id)
			removed = true
		}
	}
	if removed {
		ps.recompute()
	}
}

// watermark is the time through which every live producer has sent its
// partials; false when no producer is live.
func (ps *producers) watermark() (int64, bool) {
	if ps.count == 0 {
		return math.MaxInt64, false
	}
	return ps.min, true
}

// marks returns each producer's through, for a checkpoint.
func (ps *producers) marks() map[string]int64 {
	if len(ps.m) == 0 {
		return nil
	}
	out := make(map[string]int64, len(ps.m))
	for id, p := range ps.m {
		out[id] = p.through
	}
	return out
}
