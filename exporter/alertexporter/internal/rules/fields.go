package rules

import (
	"math"

	"github.com/otelcol-chaos/otelcol-chaos/internal/chaosconv"
	"github.com/otelcol-chaos/otelcol-chaos/internal/sketch"
)

// Point is what a threshold rule can read of one finest-width bucket of
// one scope. Counts are kept as numerators and denominators so a ratio
// over a window is the ratio of the sums, not a mean of ratios.
type Point struct {
	StartUnixNano, EndUnixNano int64

	Events, Faults, RateLimitViolations float64
	LatencySumMs, LatencyCount          float64
	LatencyMaxMs, LatencyP95Ms          float64
	Probes, ProbeFailures               float64
	ImpactSeverity, DegradationPct      float64
	// What the scope's own server spans showed (chaos_spans): adjusted
	// counts of requests and errors, and the requests' p95 latency.
	ObservedRequests, ObservedErrors, ObservedP95Ms float64

	// ProbeLatency is the bucket's probe latencies (nil when none), for
	// steady_state rules: a window's p95 is that of the merged sketches.
	// It is never modified once the point is made (snapshots share it),
	// kept only by a store with a steady_state rule, and not checkpointed.
	ProbeLatency *sketch.Sketch `json:"-"`
}

// PointOf reads a bucket (and its impact) into a Point.
func PointOf(b *chaosconv.Bucket, im *chaosconv.Impact) Point {
	p := Point{StartUnixNano: b.StartUnixNano, EndUnixNano: b.EndUnixNano(),
		Events: float64(b.Events), Faults: float64(b.Faults), RateLimitViolations: float64(b.RateLimitViolations),
		LatencySumMs: float64(b.Latency.SumMicros) / 1000, LatencyCount: float64(b.Latency.Count),
		Probes:         float64(b.ProbeSuccesses + b.ProbeFailures),
		ProbeFailures:  float64(b.ProbeFailures),
		ImpactSeverity: im.Severity, DegradationPct: im.DegradationPct}
	if b.ProbeLatency.Count > 0 {
		// A copy: the decoder reuses the bucket.
		p.ProbeLatency = b.ProbeLatency.Sketch.Clone()
	}
	if o := &b.Observed; o.Spans > 0 {
		p.ObservedRequests, p.ObservedErrors = o.Requests, o.Errors
		if q, ok := o.Latency.Quantile(0.95); ok {
			p.ObservedP95Ms = q
		}
	}
	if b.Latency.Count > 0 {
		p.LatencyMaxMs = b.Latency.Max
		if q, ok := b.Latency.Quantile(0.95); ok {
			p.LatencyP95Ms = q
		}
	}
	return p
}

// field is a value of a Point: num alone, or num/den for a ratio (a point
// with den 0 has no value).
type field struct {
	num, den func(*Point) float64
}

// fields are the names a threshold rule's `field` can take.
var fields = map[string]field{
	"events":                {num: func(p *Point) float64 { return p.Events }},
	"faults":                {num: func(p *Point) float64 { return p.Faults }},
	"rate_limit_violations": {num: func(p *Point) float64 { return p.RateLimitViolations }},
	"fault_ratio": {num: func(p *Point) float64 { return p.Faults },
		den: func(p *Point) float64 { return p.Events }},
	"rate_limit_ratio": {num: func(p *Point) float64 { return p.RateLimitViolations },
		den: func(p *Point) float64 { return p.Events }},
	"latency_avg_ms": {num: func(p *Point) float64 { return p.LatencySumMs },
		den: func(p *Point) float64 { return p.LatencyCount }},
	"latency_max_ms": {num: func(p *Point) float64 { return p.LatencyMaxMs },
		den: func(p *Point) float64 { return p.LatencyCount }},
	"latency_p95_ms": {num: func(p *Point) float64 { return p.LatencyP95Ms },
		den: func(p *Point) float64 { return p.LatencyCount }},
	"probe_failure_ratio": {num: func(p *Point) float64 { return p.ProbeFailures },
		den: func(p *Point) float64 { return p.Probes }},
	"impact_severity": {num: func(p *Point) float64 { return p.ImpactSeverity },
		den: func(p *Point) float64 { return p.Events }},
	"degradation_pct": {num: func(p *Point) float64 { return p.DegradationPct },
		den: func(p *Point) float64 { return p.Events + p.Probes }},
	"observed_requests": {num: func(p *Point) float64 { return p.ObservedRequests },
		den: func(p *Point) float64 { return p.ObservedRequests }},
	"observed_error_ratio": {num: func(p *Point) float64 { return p.ObservedErrors },
		den: func(p *Point) float64 { return p.ObservedRequests }},
	"observed_latency_p95_ms": {num: func(p *Point) float64 { return p.ObservedP95Ms },
		den: func(p *Point) float64 { return p.ObservedRequests }},
}

// isRatio reports whether the field is a true ratio (num and den add up
// across buckets), as opposed to a per-bucket gauge that needs a den only
// to know the bucket had data.
func isRatio(name string) bool {
	switch name {
	case "fault_ratio", "rate_limit_ratio", "latency_avg_ms", "probe_failure_ratio", "observed_error_ratio":
		return true
	}
	return false
}

// Aggregations over a window.
const (
	AggSum   = "sum"   // Σ value
	AggRate  = "rate"  // Σ value per minute of window
	AggAvg   = "avg"   // mean of the buckets' values (ratio fields: Σnum / Σden)
	AggMax   = "max"   // largest bucket value
	AggMin   = "min"   // smallest bucket value
	AggLast  = "last"  // the newest bucket's value
	AggCount = "count" // buckets with data
)

var aggregations = []string{AggSum, AggRate, AggAvg, AggMax, AggMin, AggLast, AggCount}

// aggregate reduces the points (oldest first) of a window of the given
// length in minutes; ok is false when no bucket had a value.
func aggregate(f field, ratio bool, agg string, pts []Point, windowMinutes float64) (float64, bool) {
	var sumNum, sumDen, acc float64
	n := 0
	for i := range pts {
		p := &pts[i]
		num := f.num(p)
		v := num
		if f.den != nil {
			d := f.den(p)
			if d <= 0 {
				continue
			}
			sumDen += d
			if ratio {
				v = num / d
			}
		}
		sumNum += num
		switch {
		case n == 0:
			acc = v
		case agg == AggMax:
			acc = math.Max(acc, v)
		case agg == AggMin:
			acc = math.Min(acc, v)
		case agg == AggLast:
			acc = v
		case agg == AggAvg && !ratio:
			acc += v
		}
		n++
	}
	if n == 0 {
		if agg == AggSum || agg == AggRate || agg == AggCount {
			return 0, f.den == nil || agg == AggCount // an empty window sums to 0
		}
		return 0, false
	}
	switch agg {
	case AggSum:
		return sumNum, true
	case AggRate:
		return sumNum / windowMinutes, true
	case AggCount:
		return float64(n), true
	case AggAvg:
		if ratio {
			return sumNum / sumDen, true
		}
		return acc / float64(n), true
	}
	return acc, true
}
