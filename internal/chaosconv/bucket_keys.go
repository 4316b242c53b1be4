package chaosconv

// Attribute keys of a chaos.bucket record. The record's Timestamp is the
// bucket's start, its ObservedTimestamp when it was emitted.
const (
	AttrBucketScope        = "chaos.bucket.scope"          // global | service | endpoint
	AttrBucketKey          = "chaos.bucket.key"            // "" (global), the service or the endpoint
	AttrBucketWidth        = "chaos.bucket.width_s"        // bucket width in seconds
	AttrBucketProducer     = "chaos.bucket.producer"       // the collector that emitted it (merging dedups by it)
	AttrBucketEvents       = "chaos.bucket.events"         // events in the bucket
	AttrBucketEventsByKind = "chaos.bucket.events_by_kind" // map kind → events

	AttrBucketLatencyCount  = "chaos.bucket.latency.count"  // latency_injection events
	AttrBucketLatencySumUs  = "chaos.bucket.latency.sum_us" // exact sum of delays, µs
	AttrBucketLatencyMin    = "chaos.bucket.latency.min_ms" // absent when count is 0
	AttrBucketLatencyMax    = "chaos.bucket.latency.max_ms"
	AttrBucketLatencyAvg    = "chaos.bucket.latency.avg_ms"
	AttrBucketLatencyP50    = "chaos.bucket.latency.p50_ms"
	AttrBucketLatencyP95    = "chaos.bucket.latency.p95_ms"
	AttrBucketLatencyP99    = "chaos.bucket.latency.p99_ms"
	AttrBucketLatencySketch = "chaos.bucket.latency.sketch" // bytes: mergeable sketch

	AttrBucketFaults       = "chaos.bucket.faults"
	AttrBucketFaultsByType = "chaos.bucket.faults_by_type" // map fault type → count

	AttrBucketRateLimitViolations = "chaos.bucket.rate_limit_violations"
	AttrBucketTrafficEvents       = "chaos.bucket.traffic.events"
	AttrBucketTrafficBytes        = "chaos.bucket.traffic.bytes"
	AttrBucketProtocolEvents      = "chaos.bucket.protocol_events" // map protocol → count
	AttrBucketEndpoints           = "chaos.bucket.endpoints"       // map endpoint → events

	AttrBucketProbeSuccesses     = "chaos.bucket.probe.successes"
	AttrBucketProbeFailures      = "chaos.bucket.probe.failures"
	AttrBucketProbeSlow          = "chaos.bucket.probe.slow"
	AttrBucketProbeLatencyCount  = "chaos.bucket.probe.latency.count"
	AttrBucketProbeLatencySumUs  = "chaos.bucket.probe.latency.sum_us"
	AttrBucketProbeLatencyMin    = "chaos.bucket.probe.latency.min_ms"
	AttrBucketProbeLatencyMax    = "chaos.bucket.probe.latency.max_ms"
	AttrBucketProbeLatencyAvg    = "chaos.bucket.probe.latency.avg_ms"
	AttrBucketProbeLatencyP50    = "chaos.bucket.probe.latency.p50_ms"
	AttrBucketProbeLatencyP95    = "chaos.bucket.probe.latency.p95_ms"
	AttrBucketProbeLatencyP99    = "chaos.bucket.probe.latency.p99_ms"
	AttrBucketProbeLatencySketch = "chaos.bucket.probe.latency.sketch"

	// What the scope's own server spans showed (chaos.observed records
	// merged into the bucket); absent when none was.
	AttrBucketObservedSpans         = "chaos.bucket.observed.spans"
	AttrBucketObservedRequests      = "chaos.bucket.observed.requests"
	AttrBucketObservedErrors        = "chaos.bucket.observed.errors"
	AttrBucketObservedErrorRatio    = "chaos.bucket.observed.error_ratio"
	AttrBucketObservedLatencyCount  = "chaos.bucket.observed.latency.count"
	AttrBucketObservedLatencySumUs  = "chaos.bucket.observed.latency.sum_us"
	AttrBucketObservedLatencyMin    = "chaos.bucket.observed.latency.min_ms"
	AttrBucketObservedLatencyMax    = "chaos.bucket.observed.latency.max_ms"
	AttrBucketObservedLatencyAvg    = "chaos.bucket.observed.latency.avg_ms"
	AttrBucketObservedLatencyP50    = "chaos.bucket.observed.latency.p50_ms"
	AttrBucketObservedLatencyP95    = "chaos.bucket.observed.latency.p95_ms"
	AttrBucketObservedLatencyP99    = "chaos.bucket.observed.latency.p99_ms"
	AttrBucketObservedLatencySketch = "chaos.bucket.observed.latency.sketch"
	// The scope's spans before the chaos, that the impact compares with.
	AttrBucketObservedBaselineRequests   = "chaos.bucket.observed.baseline.requests"
	AttrBucketObservedBaselineErrorRatio = "chaos.bucket.observed.baseline.error_ratio"
	AttrBucketObservedBaselineP95        = "chaos.bucket.observed.baseline.p95_ms"

	AttrBucketPeakStart  = "chaos.bucket.peak.start_unix_nano" // busiest finest bucket
	AttrBucketPeakEvents = "chaos.bucket.peak.events"

	AttrImpactSeverity          = "chaos.impact.severity"        // 0..1
	AttrImpactDegradationPct    = "chaos.impact.degradation_pct" // 0..100
	AttrImpactMeasured          = "chaos.impact.measured"        // degradation from probes
	AttrImpactFaultRatio        = "chaos.impact.fault_ratio"
	AttrImpactRateLimitRatio    = "chaos.impact.rate_limit_ratio"
	AttrImpactLatencyFactor     = "chaos.impact.latency_factor"
	AttrImpactProbeFailureRatio = "chaos.impact.probe_failure_ratio"
	AttrImpactTopEndpoints      = "chaos.impact.top_endpoints" // slice of endpoints, most affected first
	AttrImpactSource            = "chaos.impact.source"        // spans, probes or estimated: what the degradation comes from
	// What the scope's spans showed against their baseline (with source spans).
	AttrImpactObservedErrorIncrease = "chaos.impact.observed.error_increase"
	AttrImpactObservedLatencyFactor = "chaos.impact.observed.latency_factor"
)

// BucketKeys lists every chaos.bucket attribute key, in documentation order.
var BucketKeys = []string{
	AttrBucketScope, AttrBucketKey, AttrBucketWidth, AttrBucketProducer, AttrBucketEvents, AttrBucketEventsByKind,
	AttrBucketLatencyCount, AttrBucketLatencySumUs, AttrBucketLatencyMin, AttrBucketLatencyMax,
	AttrBucketLatencyAvg, AttrBucketLatencyP50, AttrBucketLatencyP95, AttrBucketLatencyP99, AttrBucketLatencySketch,
	AttrBucketFaults, AttrBucketFaultsByType,
	AttrBucketRateLimitViolations, AttrBucketTrafficEvents, AttrBucketTrafficBytes,
	AttrBucketProtocolEvents, AttrBucketEndpoints,
	AttrBucketProbeSuccesses, AttrBucketProbeFailures, AttrBucketProbeSlow,
	AttrBucketProbeLatencyCount, AttrBucketProbeLatencySumUs, AttrBucketProbeLatencyMin, AttrBucketProbeLatencyMax,
	AttrBucketProbeLatencyAvg, AttrBucketProbeLatencyP50, AttrBucketProbeLatencyP95, AttrBucketProbeLatencyP99,
	AttrBucketProbeLatencySketch,
	AttrBucketObservedSpans, AttrBucketObservedRequests, AttrBucketObservedErrors, AttrBucketObservedErrorRatio,
	AttrBucketObservedLatencyCount, AttrBucketObservedLatencySumUs, AttrBucketObservedLatencyMin,
	AttrBucketObservedLatencyMax, AttrBucketObservedLatencyAvg, AttrBucketObservedLatencyP50,
	AttrBucketObservedLatencyP95, AttrBucketObservedLatencyP99, AttrBucketObservedLatencySketch,
	AttrBucketObservedBaselineRequests, AttrBucketObservedBaselineErrorRatio, AttrBucketObservedBaselineP95,
	AttrBucketPeakStart, AttrBucketPeakEvents,
	AttrImpactSeverity, AttrImpactDegradationPct, AttrImpactMeasured, AttrImpactFaultRatio,
	AttrImpactRateLimitRatio, AttrImpactLatencyFactor, AttrImpactProbeFailureRatio, AttrImpactTopEndpoints,
	AttrImpactSource, AttrImpactObservedErrorIncrease, AttrImpactObservedLatencyFactor,
}

// Resource attributes of the chaos_analytics checkpoint (a plog.Logs of
// open chaos.bucket records stored through a storage extension).
const (
	// AttrCheckpointVersion is the checkpoint's format version (the
	// processor's internal/checkpointv1 declares it).
	AttrCheckpointVersion       = "chaos.checkpoint.version"
	AttrCheckpointMaxEventTime  = "chaos.checkpoint.max_event_time"
	AttrCheckpointClosedThrough = "chaos.checkpoint.closed_through"
	// AttrCheckpointProducers maps each upstream producer to the end of the
	// latest bucket it had sent a partial of.
	AttrCheckpointProducers = "chaos.checkpoint.producers"
)
