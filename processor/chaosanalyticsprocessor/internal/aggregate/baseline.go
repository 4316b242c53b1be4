package aggregate

import (
	"slices"

	"github.com/otelcol-chaos/otelcol-chaos/internal/chaosconv"
)

// baselineBuckets is how many calm finest buckets a scope's observed
// baseline rests on.
const baselineBuckets = 10

// baselineRing is a scope's last calm finest buckets that had requests:
// what its own server spans showed before the chaos. It keeps three numbers
// per bucket, not sketches, so that it costs the same for every scope; the
// baseline p95 is the median of the buckets' p95s.
type baselineRing struct {
	n, next        int
	req, errs, p95 [baselineBuckets]float64
}

func (r *baselineRing) add(t *chaosconv.Traffic) {
	p95, _ := t.Latency.Quantile(0.95)
	r.req[r.next], r.errs[r.next], r.p95[r.next] = t.Requests, t.Errors, p95
	r.next = (r.next + 1) % baselineBuckets
	r.n = min(r.n+1, baselineBuckets)
}

// summary is the baseline (Requests 0 before any calm bucket).
func (r *baselineRing) summary() chaosconv.Baseline {
	var b chaosconv.Baseline
	var errs float64
	p95s := make([]float64, 0, baselineBuckets)
	for i := range r.n {
		b.Requests += r.req[i]
		errs += r.errs[i]
		if r.p95[i] > 0 {
			p95s = append(p95s, r.p95[i])
		}
	}
	if b.Requests > 0 {
		b.ErrorRatio = errs / b.Requests
	}
	if len(p95s) > 0 {
		slices.Sort(p95s)
		if m := len(p95s); m%2 == 1 {
			b.P95Ms = p95s[m/2]
		} else {
			b.P95Ms = (p95s[m/2-1] + p95s[m/2]) / 2
		}
	}
	return b
}

// observeBaseline is called as a finest bucket closes: a calm bucket with
// requests feeds its scope's baseline; a bucket with chaos and requests
// carries the baseline, for its impact (and every coarser bucket it rolls
// up into takes it).
func (s *Scope) observeBaseline(b *chaosconv.Bucket) {
	if b.Observed.Spans == 0 {
		return
	}
	if b.Injected() == 0 {
		s.baseline.add(&b.Observed)
		return
	}
	b.ObservedBaseline = s.baseline.summary()
}
