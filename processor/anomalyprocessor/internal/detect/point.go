// Package detect is the anomaly processor's engine: per scope, it turns the
// series of closed bucket summaries into anomalies (six detectors with
// robust baselines, warm-up, persistence and hysteresis), trends,
// forecasts and a health score. No I/O, no clock: deterministic under test.
package detect // import "github.com/otelcol-chaos/otelcol-chaos/processor/anomalyprocessor/internal/detect"

import (
	"math"

	"github.com/otelcol-chaos/otelcol-chaos/internal/chaosconv"
)

// Metric names: the series each scope keeps, one point per bucket.
const (
	MetricEvents     = "events"
	MetricLatencyP95 = "latency_p95_ms"
	MetricErrorRate  = "error_rate"
	MetricSaturation = "saturation"
	// What the scope's own requests showed (its server spans, through the
	// chaos_spans connector): no value in a bucket without them.
	MetricRequests          = "requests"
	MetricRequestErrorRatio = "request_error_ratio"
	MetricRequestLatencyP95 = "request_latency_p95_ms"
)

// Metrics lists the series in a fixed order (index = metric id).
var Metrics = []string{MetricEvents, MetricLatencyP95, MetricErrorRate, MetricSaturation, MetricRequests,
	MetricRequestErrorRatio, MetricRequestLatencyP95}

const (
	mEvents = iota
	mLatency
	mErrors
	mSaturation
	mRequests
	mReqErrors
	mReqLatency
	metricCount
)

// Point is one bucket's values of every metric. NaN means "no value" (a
// latency percentile of a bucket without delays): it neither updates the
// baseline nor triggers anything.
type Point struct {
	At     int64
	Values [metricCount]float64
	// ProbeSuccessRatio is NaN without probes (health only).
	ProbeSuccessRatio float64
	// LatencyFactor is the producer's recorded chaos.impact.latency_factor
	// (health only): NaN when the record carries none.
	LatencyFactor float64
	// ObservedErrorRatio is the error ratio of the scope's own requests
	// (its server spans, from chaos_spans): NaN without any (health only).
	ObservedErrorRatio float64
}

// PointOf extracts the metrics of a bucket:
//
//	events      = events in the bucket
//	latency_p95 = p95 injected delay (NaN without latency events)
//	error_rate  = (faults + failed probes) / events
//	saturation  = (rate-limit violations + traffic-shaping events) / events
//	requests, request_error_ratio, request_latency_p95_ms = the scope's
//	    own requests (adjusted count), their error ratio and p95 latency
//	    (NaN without observed traffic)
func PointOf(b *chaosconv.Bucket) Point {
	p := Point{At: b.StartUnixNano}
	p.Values[mEvents] = float64(b.Events)
	p.Values[mLatency] = math.NaN()
	if v, ok := b.Latency.Quantile(0.95); ok {
		p.Values[mLatency] = v
	}
	if b.Events > 0 {
		n := float64(b.Events)
		p.Values[mErrors] = float64(b.Faults+b.ProbeFailures) / n
		p.Values[mSaturation] = float64(b.RateLimitViolations+b.TrafficEvents) / n
	}
	p.ProbeSuccessRatio, p.LatencyFactor, p.ObservedErrorRatio = math.NaN(), math.NaN(), math.NaN()
	p.Values[mRequests], p.Values[mReqErrors], p.Values[mReqLatency] = math.NaN(), math.NaN(), math.NaN()
	if o := &b.Observed; o.Requests > 0 {
		p.ObservedErrorRatio = o.ErrorRatio()
		p.Values[mRequests], p.Values[mReqErrors] = o.Requests, o.ErrorRatio()
		if v, ok := o.Latency.Quantile(0.95); ok {
			p.Values[mReqLatency] = v
		}
	}
	if probes := b.ProbeSuccesses + b.ProbeFailures; probes > 0 {
		p.ProbeSuccessRatio = float64(b.ProbeSuccesses) / float64(probes)
	}
	return p
}

// ZeroPoint is a bucket in which the scope had no event at all (the
// analytics processor emits nothing for it): what unexpected_quiet is about.
func ZeroPoint(at int64) Point {
	p := Point{At: at, ProbeSuccessRatio: math.NaN(), LatencyFactor: math.NaN(), ObservedErrorRatio: math.NaN()}
	// No bucket: no chaos events, and nothing known of the requests (the
	// spans' records make a bucket of their own when there are any).
	p.Values[mLatency], p.Values[mRequests], p.Values[mReqErrors], p.Values[mReqLatency] =
		math.NaN(), math.NaN(), math.NaN(), math.NaN()
	return p
}
