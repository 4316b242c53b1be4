package chaosconv

// Attribute keys of a chaos.observed record (besides the bucket identity it
// shares with chaos.bucket: AttrBucketScope, AttrBucketKey,
// AttrBucketWidth, AttrBucketProducer). The record's Timestamp is the
// bucket's start.
const (
	AttrObservedSpans    = "chaos.observed.spans"    // server spans read (unweighted)
	AttrObservedRequests = "chaos.observed.requests" // adjusted count of requests
	AttrObservedErrors   = "chaos.observed.errors"   // adjusted count of failed requests

	AttrObservedLatencyCount  = "chaos.observed.latency.count"  // weighted count of durations
	AttrObservedLatencySumUs  = "chaos.observed.latency.sum_us" // exact weighted sum, µs
	AttrObservedLatencyMin    = "chaos.observed.latency.min_ms" // absent when count is 0
	AttrObservedLatencyMax    = "chaos.observed.latency.max_ms"
	AttrObservedLatencyAvg    = "chaos.observed.latency.avg_ms"
	AttrObservedLatencyP50    = "chaos.observed.latency.p50_ms"
	AttrObservedLatencyP95    = "chaos.observed.latency.p95_ms"
	AttrObservedLatencyP99    = "chaos.observed.latency.p99_ms"
	AttrObservedLatencySketch = "chaos.observed.latency.sketch" // bytes: mergeable sketch
	AttrObservedErrorRatio    = "chaos.observed.error_ratio"    // errors / requests, for readers
)

// ObservedKeys lists every chaos.observed attribute key of its own, in
// documentation order.
var ObservedKeys = []string{
	AttrObservedSpans, AttrObservedRequests, AttrObservedErrors, AttrObservedErrorRatio,
	AttrObservedLatencyCount, AttrObservedLatencySumUs, AttrObservedLatencyMin, AttrObservedLatencyMax,
	AttrObservedLatencyAvg, AttrObservedLatencyP50, AttrObservedLatencyP95, AttrObservedLatencyP99,
	AttrObservedLatencySketch,
}

var observedLatencyKeys = statsKeys{AttrObservedLatencyCount, AttrObservedLatencySumUs, AttrObservedLatencyMin,
	AttrObservedLatencyMax, AttrObservedLatencyAvg, AttrObservedLatencyP50, AttrObservedLatencyP95,
	AttrObservedLatencyP99, AttrObservedLatencySketch}
