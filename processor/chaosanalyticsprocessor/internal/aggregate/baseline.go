package aggregate

import (
	"slices"

	"github.com/otelcol-chaos/otelcol-chaos/internal/chaosconv"
)

const (
	// baselineBuckets is how many finest buckets a scope's observed
	// baseline rests on.
	baselineBuckets = 10
	// baselineHistory is how many recent finest buckets with requests a
	// scope remembers to choose them from.
	baselineHistory = 30
)

// baselineEntry is what a scope's spans showed in one finest bucket. Three
// numbers, not a sketch, so that the history costs the same for every
// scope; the baseline p95 is the median of the chosen buckets' p95s.
type baselineEntry struct {
	end            int64
	req, errs, p95 float64
	calm           bool // no chaos injected in the bucket
}

// baselineRing is a scope's recent finest buckets that had requests.
type baselineRing struct {
	n, next int
	e       [baselineHistory]baselineEntry
}

func (r *baselineRing) add(e baselineEntry) {
	r.e[r.next] = e
	r.next = (r.next + 1) % baselineHistory
	r.n = min(r.n+1, baselineHistory)
}

// summary is the baseline of a bucket with chaos that ends at end,
// lastStart being the newest chaos start seen (an experiment started or a
// scenario transition; 0: none): when the bucket ends after it (it holds
// or follows the start), the newest buckets that ended by that start —
// what the scope did before the chaos began —, else the newest calm
// buckets. Requests 0 when none fits.
func (r *baselineRing) summary(end, lastStart int64) chaosconv.Baseline {
	byStart := lastStart > 0 && end > lastStart
	var b chaosconv.Baseline
	var errs float64
	p95s := make([]float64, 0, baselineBuckets)
	taken := 0
	for i := 0; i < r.n && taken < baselineBuckets; i++ {
		e := &r.e[(r.next-1-i+baselineHistory)%baselineHistory] // newest first
		if (byStart && e.end > lastStart) || (!byStart && !e.calm) {
			continue
		}
		taken++
		b.Requests += e.req
		errs += e.errs
		if e.p95 > 0 {
			p95s = append(p95s, e.p95)
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

// observeBaseline is called as a finest bucket closes. A bucket with
// chaos and requests carries its scope's baseline, for its impact (and
// every coarser bucket it rolls up into takes it); every bucket with
// requests joins the history.
func (s *Scope) observeBaseline(b *chaosconv.Bucket, lastStart int64) {
	if b.Observed.Spans == 0 {
		return
	}
	injected := b.Injected() > 0
	if injected {
		b.ObservedBaseline = s.baseline.summary(b.EndUnixNano(), lastStart)
	}
	p95, _ := b.Observed.Latency.Quantile(0.95)
	s.baseline.add(baselineEntry{end: b.EndUnixNano(), req: b.Observed.Requests, errs: b.Observed.Errors, p95: p95,
		calm: !injected})
}

// isStart reports whether e starts chaos: an experiment started, or a
// scenario transition (the steady_state rules' notion of a start).
func isStart(e *chaosconv.Event) bool {
	return e.Kind == chaosconv.KindScenarioTransition ||
		e.Kind == chaosconv.KindExperiment && e.ExperimentPhase == chaosconv.PhaseStarted
}
