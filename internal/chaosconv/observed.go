package chaosconv

import (
	"math"
	"time"
)

// Traffic is what a scope's own server spans showed: the requests the
// application served, the failed ones and their latency. Counts are
// adjusted counts: a span sampled with probability p stands for 1/p
// requests, so ratios and rates stay right under sampling. A chaos.observed
// record carries one bucket's; a chaos.bucket carries the sum of the
// records merged into it.
type Traffic struct {
	// Spans is how many server spans were read (as received, unweighted).
	Spans uint64
	// Requests and Errors are adjusted counts (fractional under
	// non-power-of-two sampling).
	Requests float64
	Errors   float64
	// Latency is the spans' durations (ms), each weighted by its adjusted
	// count rounded to a whole number (the sketch counts in integers).
	Latency Stats
}

// Observed is one chaos.observed record: the Traffic of one scope in one
// time bucket. The chaos_spans connector produces it from traces; the
// analytics processor merges it into the bucket of the same scope, key,
// start and width, beside what was injected.
type Observed struct {
	Scope         ScopeKind
	Key           string // "" (global), the service or the endpoint
	StartUnixNano int64
	Width         time.Duration
	// Producer is the collector that emitted it. Unlike a chaos.bucket
	// partial, which a merger keeps one of per producer, the records of one
	// producer for one bucket add up: each holds what arrived since the
	// producer's previous flush.
	Producer string
	Traffic
}

// NewObserved returns an empty record of one scope and bucket.
func NewObserved(scope ScopeKind, key string, start int64, width time.Duration) *Observed {
	return &Observed{Scope: scope, Key: key, StartUnixNano: start, Width: width}
}

// Reinit empties o for another scope and bucket, keeping its sketch's
// memory.
func (o *Observed) Reinit(scope ScopeKind, key string, start int64, width time.Duration) {
	sk := o.Latency.Sketch
	sk.Reset()
	*o = Observed{Scope: scope, Key: key, StartUnixNano: start, Width: width}
	o.Latency.Sketch = sk
}

// EndUnixNano is the bucket's end.
func (o *Observed) EndUnixNano() int64 { return o.StartUnixNano + int64(o.Width) }

// AddSpan counts one server span of durationMs, weighted by adjusted (the
// number of requests it stands for: 1 unsampled, 1/p sampled with
// probability p). It reports false, counting nothing, for a negative, NaN
// or infinite duration or weight.
func (o *Traffic) AddSpan(durationMs float64, failed bool, adjusted float64) bool {
	if !(adjusted > 0) || math.IsInf(adjusted, 1) || !(durationMs >= 0) || math.IsInf(durationMs, 1) {
		return false
	}
	w := uint64(math.Max(1, math.Round(adjusted)))
	if !o.Latency.AddN(durationMs, w) {
		return false
	}
	o.Spans++
	o.Requests += adjusted
	if failed {
		o.Errors += adjusted
	}
	return true
}

// Merge adds p into o (the same scope and bucket).
func (o *Observed) Merge(p *Observed) { o.Traffic.Merge(&p.Traffic) }

// Merge adds p into t.
func (t *Traffic) Merge(p *Traffic) {
	t.Spans += p.Spans
	t.Requests += p.Requests
	t.Errors += p.Errors
	t.Latency.Merge(&p.Latency)
}

// ErrorRatio is Errors/Requests (0 without requests).
func (o *Traffic) ErrorRatio() float64 {
	if o.Requests <= 0 {
		return 0
	}
	return o.Errors / o.Requests
}
