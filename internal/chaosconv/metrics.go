package chaosconv

// Metric names, units and the label values of the metrics the chaos_metrics
// connector derives from the records above. The names are OTel metric names;
// the collector's prometheus exporter adds the unit and `_total` suffixes
// (chaos.events → chaos_events_total, chaos.injected_latency →
// chaos_injected_latency_seconds, chaos.impact.severity →
// chaos_impact_severity_ratio). docs/semantic-conventions.md lists them with
// the name Prometheus shows; a test checks every one is there.
const (
	// From chaos.bucket records (one point per record, per series).
	MetricEvents              = "chaos.events"                // counter, by chaos.event.kind
	MetricFaults              = "chaos.faults"                // counter, by chaos.fault.type
	MetricRateLimitViolations = "chaos.rate_limit.violations" // counter
	MetricTrafficEvents       = "chaos.traffic.events"        // counter
	MetricTrafficBytes        = "chaos.traffic"               // counter, bytes
	MetricProtocolEvents      = "chaos.protocol.events"       // counter, by chaos.protocol.name
	MetricProbes              = "chaos.probes"                // counter, by chaos.probe.outcome
	MetricInjectedLatency     = "chaos.injected_latency"      // histogram, seconds
	MetricProbeDuration       = "chaos.probe.duration"        // histogram, seconds
	MetricImpactSeverity      = "chaos.impact.severity"       // gauge, 0..1
	MetricImpactDegradation   = "chaos.impact.degradation"    // gauge, percent
	MetricImpactFactor        = "chaos.impact.factor"         // gauge, 0..1, by chaos.impact.factor
	MetricImpactMeasured      = "chaos.impact.measured"       // gauge, 1 when degradation came from probes

	// From chaos.anomaly records.
	MetricAnomaliesOpened = "chaos.anomalies.opened" // counter, by type and severity
	MetricAnomaliesOpen   = "chaos.anomalies.open"   // gauge, by type
	// From chaos.health records.
	MetricHealthScore     = "chaos.health.score"           // gauge, 0..100
	MetricHealthComponent = "chaos.health.component_score" // gauge, 0..100, by chaos.health.component
	// From chaos.trend and chaos.forecast records.
	MetricTrendSlope    = "chaos.trend.slope"    // gauge, per bucket, by chaos.trend.metric
	MetricForecastValue = "chaos.forecast.value" // gauge, by chaos.forecast.metric
	MetricForecastLow   = "chaos.forecast.low"   // gauge, lower bound of the interval
	MetricForecastHigh  = "chaos.forecast.high"  // gauge, upper bound of the interval
	// From chaos.event records of kinds scenario_transition and experiment.
	MetricScenarioTransitions = "chaos.scenario.transitions" // counter, by from and to
	MetricExperimentPhases    = "chaos.experiment.phases"    // counter, by experiment and phase
)

// MetricNames lists every metric name above, in documentation order.
var MetricNames = []string{
	MetricEvents, MetricFaults, MetricRateLimitViolations, MetricTrafficEvents, MetricTrafficBytes,
	MetricProtocolEvents, MetricProbes, MetricInjectedLatency, MetricProbeDuration,
	MetricImpactSeverity, MetricImpactDegradation, MetricImpactFactor, MetricImpactMeasured,
	MetricAnomaliesOpened, MetricAnomaliesOpen, MetricHealthScore, MetricHealthComponent,
	MetricTrendSlope, MetricForecastValue, MetricForecastLow, MetricForecastHigh,
	MetricScenarioTransitions, MetricExperimentPhases,
}

// Label keys of the metrics that no record carries as such (the others are
// record attribute keys: AttrScope, AttrServiceName, AttrEndpoint,
// AttrEventKind, AttrFaultType, AttrProtocolName, AttrAnomalyType,
// AttrAnomalySeverity, AttrTrendMetric, AttrForecastMetric,
// AttrScenarioFrom, AttrScenarioTo, AttrExperimentName, AttrExperimentPhase).
const (
	AttrProbeOutcome    = "chaos.probe.outcome"    // passed | slow | failed
	AttrImpactFactor    = "chaos.impact.factor"    // fault | rate_limit | latency | probe_failure
	AttrHealthComponent = "chaos.health.component" // availability | latency | capacity | stability | steady_state
)

// MetricLabelKeys lists the label keys above, in documentation order.
var MetricLabelKeys = []string{AttrProbeOutcome, AttrImpactFactor, AttrHealthComponent}

// Probe outcomes: every probe is exactly one of them. A slow probe succeeded
// but took longer than the producer's probe latency SLO.
const (
	ProbePassed = "passed"
	ProbeSlow   = "slow"
	ProbeFailed = "failed"
)

// Impact factors: the inputs of the impact formula (see Impact).
const (
	FactorFault        = "fault"
	FactorRateLimit    = "rate_limit"
	FactorLatency      = "latency"
	FactorProbeFailure = "probe_failure"
)
