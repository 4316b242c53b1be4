package chaosmetricsconnector

import "github.com/otelcol-chaos/otelcol-chaos/internal/chaosconv"

// metricID indexes descriptors.
type metricID uint8

const (
	mEvents metricID = iota
	mFaults
	mRateLimitViolations
	mTrafficEvents
	mTrafficBytes
	mProtocolEvents
	mProbes
	mInjectedLatency
	mProbeDuration
	mImpactSeverity
	mImpactDegradation
	mImpactFactor
	mImpactMeasured
	mAnomaliesOpened
	mAnomaliesOpen
	mHealthScore
	mHealthComponent
	mTrendSlope
	mForecastValue
	mForecastLow
	mForecastHigh
	mScenarioTransitions
	mExperimentPhases
	metricCount
)

// metricType is the OTel data type of a metric.
type metricType uint8

const (
	typeCounter   metricType = iota // monotonic cumulative Sum (int)
	typeGauge                       // Gauge (double)
	typeHistogram                   // cumulative explicit-bounds Histogram (seconds)
)

// label is one label a metric carries beside the scope labels.
type label struct {
	key string
	// enumerated: the values come from a fixed set the connector itself
	// writes (kinds, outcomes, factors), so they need no limit.
	enumerated bool
}

// descriptor is everything the output needs to know of a metric; the
// README's metric table is checked against this list.
type descriptor struct {
	name, unit, description string
	typ                     metricType
	// scoped metrics carry chaos.scope and, for the service and endpoint
	// scopes, service.name or chaos.endpoint.
	scoped bool
	labels []label
	source string // the record kind it comes from
}

var (
	kindLabel      = label{key: chaosconv.AttrEventKind, enumerated: true}
	outcomeLabel   = label{key: chaosconv.AttrProbeOutcome, enumerated: true}
	factorLabel    = label{key: chaosconv.AttrImpactFactor, enumerated: true}
	faultLabel     = label{key: chaosconv.AttrFaultType}
	protocolLabel  = label{key: chaosconv.AttrProtocolName}
	anomalyLabel   = label{key: chaosconv.AttrAnomalyType}
	severityLabel  = label{key: chaosconv.AttrAnomalySeverity}
	componentLabel = label{key: chaosconv.AttrHealthComponent}
	trendLabel     = label{key: chaosconv.AttrTrendMetric}
	forecastLabel  = label{key: chaosconv.AttrForecastMetric}
	fromLabel      = label{key: chaosconv.AttrScenarioFrom}
	toLabel        = label{key: chaosconv.AttrScenarioTo}
	experimentLbl  = label{key: chaosconv.AttrExperimentName}
	phaseLabel     = label{key: chaosconv.AttrExperimentPhase}
)

var descriptors = [metricCount]descriptor{
	mEvents: {chaosconv.MetricEvents, "{event}", "Chaos events, by kind.",
		typeCounter, true, []label{kindLabel}, chaosconv.RecordBucket},
	mFaults: {chaosconv.MetricFaults, "{fault}", "Faults injected, by fault type.",
		typeCounter, true, []label{faultLabel}, chaosconv.RecordBucket},
	mRateLimitViolations: {chaosconv.MetricRateLimitViolations, "{violation}", "Rate limits exceeded.",
		typeCounter, true, nil, chaosconv.RecordBucket},
	mTrafficEvents: {chaosconv.MetricTrafficEvents, "{event}", "Traffic-shaping events.",
		typeCounter, true, nil, chaosconv.RecordBucket},
	mTrafficBytes: {chaosconv.MetricTrafficBytes, "By", "Bytes the traffic-shaping events concerned.",
		typeCounter, true, nil, chaosconv.RecordBucket},
	mProtocolEvents: {chaosconv.MetricProtocolEvents, "{event}", "Protocol-level chaos events, by protocol.",
		typeCounter, true, []label{protocolLabel}, chaosconv.RecordBucket},
	mProbes: {chaosconv.MetricProbes, "{probe}", "Steady-state probe results, by outcome (passed, slow, failed).",
		typeCounter, true, []label{outcomeLabel}, chaosconv.RecordBucket},
	mInjectedLatency: {chaosconv.MetricInjectedLatency, "s", "Delays injected.",
		typeHistogram, true, nil, chaosconv.RecordBucket},
	mProbeDuration: {chaosconv.MetricProbeDuration, "s", "Steady-state probe durations.",
		typeHistogram, true, nil, chaosconv.RecordBucket},
	mImpactSeverity: {chaosconv.MetricImpactSeverity, "1", "Impact severity of the last bucket, 0 to 1.",
		typeGauge, true, nil, chaosconv.RecordBucket},
	mImpactDegradation: {chaosconv.MetricImpactDegradation, "%", "Degradation of the last bucket, measured by probes or estimated.",
		typeGauge, true, nil, chaosconv.RecordBucket},
	mImpactFactor: {chaosconv.MetricImpactFactor, "1", "Inputs of the impact formula (fault, rate_limit, latency, probe_failure), 0 to 1.",
		typeGauge, true, []label{factorLabel}, chaosconv.RecordBucket},
	mImpactMeasured: {chaosconv.MetricImpactMeasured, "", "1 when the degradation was measured by probes, 0 when estimated.",
		typeGauge, true, nil, chaosconv.RecordBucket},
	mAnomaliesOpened: {chaosconv.MetricAnomaliesOpened, "{anomaly}", "Anomalies opened, by type and severity.",
		typeCounter, true, []label{anomalyLabel, severityLabel}, chaosconv.RecordAnomaly},
	mAnomaliesOpen: {chaosconv.MetricAnomaliesOpen, "{anomaly}", "Anomalies open now, by type.",
		typeGauge, false, []label{anomalyLabel}, chaosconv.RecordAnomaly},
	mHealthScore: {chaosconv.MetricHealthScore, "", "Health score, 0 to 100.",
		typeGauge, true, nil, chaosconv.RecordHealth},
	mHealthComponent: {chaosconv.MetricHealthComponent, "", "Health component scores, 0 to 100.",
		typeGauge, true, []label{componentLabel}, chaosconv.RecordHealth},
	mTrendSlope: {chaosconv.MetricTrendSlope, "", "Trend slope per bucket of a series (events, latency_p95_ms, error_rate, saturation).",
		typeGauge, true, []label{trendLabel}, chaosconv.RecordTrend},
	mForecastValue: {chaosconv.MetricForecastValue, "", "Forecast of a series, horizon buckets ahead.",
		typeGauge, true, []label{forecastLabel}, chaosconv.RecordForecast},
	mForecastLow: {chaosconv.MetricForecastLow, "", "Lower bound of the forecast's prediction interval.",
		typeGauge, true, []label{forecastLabel}, chaosconv.RecordForecast},
	mForecastHigh: {chaosconv.MetricForecastHigh, "", "Upper bound of the forecast's prediction interval.",
		typeGauge, true, []label{forecastLabel}, chaosconv.RecordForecast},
	mScenarioTransitions: {chaosconv.MetricScenarioTransitions, "{transition}", "Scenario transitions, by scenario left and entered.",
		typeCounter, false, []label{fromLabel, toLabel}, chaosconv.RecordEvent},
	mExperimentPhases: {chaosconv.MetricExperimentPhases, "{event}", "Experiment lifecycle events, by experiment and phase.",
		typeCounter, false, []label{experimentLbl, phaseLabel}, chaosconv.RecordEvent},
}

// Impact factors in the order of the impact formula, with their values.
var impactFactors = [4]string{chaosconv.FactorFault, chaosconv.FactorRateLimit, chaosconv.FactorLatency, chaosconv.FactorProbeFailure}
