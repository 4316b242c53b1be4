package chaosconv

// Attribute keys shared by the records the anomaly processor derives from
// bucket summaries (chaos.anomaly, chaos.trend, chaos.forecast,
// chaos.health): which scope a record is about.
const (
	AttrScope    = "chaos.scope"     // global | service | endpoint
	AttrScopeKey = "chaos.scope.key" // "" (global), the service or the endpoint
)

// Attribute keys of a chaos.anomaly record. The record's Timestamp is the
// bucket in which the anomaly was opened, updated or closed.
const (
	AttrAnomalyID          = "chaos.anomaly.id"    // stable for the anomaly's whole life
	AttrAnomalyType        = "chaos.anomaly.type"  // see AnomalyType
	AttrAnomalyState       = "chaos.anomaly.state" // open | update | closed
	AttrAnomalyMetric      = "chaos.anomaly.metric"
	AttrAnomalyStart       = "chaos.anomaly.start_unix_nano"
	AttrAnomalyEnd         = "chaos.anomaly.end_unix_nano" // closed anomalies only
	AttrAnomalyPeakTime    = "chaos.anomaly.peak_unix_nano"
	AttrAnomalyPeakValue   = "chaos.anomaly.peak_value"
	AttrAnomalyObserved    = "chaos.anomaly.observed"
	AttrAnomalyExpected    = "chaos.anomaly.expected"
	AttrAnomalyBandLow     = "chaos.anomaly.band_low"
	AttrAnomalyBandHigh    = "chaos.anomaly.band_high"
	AttrAnomalyScore       = "chaos.anomaly.score"    // how far outside the band, in robust σ
	AttrAnomalySeverity    = "chaos.anomaly.severity" // info | warning | critical
	AttrAnomalyDescription = "chaos.anomaly.description"
	AttrAnomalyActions     = "chaos.anomaly.actions"      // slice of suggested actions
	AttrAnomalyCloseReason = "chaos.anomaly.close_reason" // closed anomalies only: see CloseReason
)

// Attribute keys of a chaos.trend record.
const (
	AttrTrendMetric     = "chaos.trend.metric"
	AttrTrendDirection  = "chaos.trend.direction" // increasing | decreasing | stable | volatile
	AttrTrendSlope      = "chaos.trend.slope"     // per bucket, OLS
	AttrTrendR2         = "chaos.trend.r2"
	AttrTrendPValue     = "chaos.trend.p_value" // Mann-Kendall, two-sided
	AttrTrendTau        = "chaos.trend.tau"     // Kendall's tau
	AttrTrendConfidence = "chaos.trend.confidence"
	AttrTrendWindow     = "chaos.trend.window" // points the trend was computed over
)

// Attribute keys of a chaos.forecast record.
const (
	AttrForecastMetric     = "chaos.forecast.metric"
	AttrForecastTarget     = "chaos.forecast.target_unix_nano" // the bucket forecast
	AttrForecastHorizon    = "chaos.forecast.horizon"          // buckets ahead
	AttrForecastValue      = "chaos.forecast.value"
	AttrForecastLow        = "chaos.forecast.low"
	AttrForecastHigh       = "chaos.forecast.high"
	AttrForecastConfidence = "chaos.forecast.confidence" // of the interval, e.g. 0.95
)

// Attribute keys of a chaos.health record.
const (
	AttrHealthScore      = "chaos.health.score"      // 0..100
	AttrHealthStatus     = "chaos.health.status"     // healthy | degraded | critical
	AttrHealthComponents = "chaos.health.components" // map component → 0..100
	AttrHealthFactors    = "chaos.health.factors"    // slice of named factors lowering the score
)

// AnalysisKeys lists every key above, in documentation order.
var AnalysisKeys = []string{
	AttrScope, AttrScopeKey,
	AttrAnomalyID, AttrAnomalyType, AttrAnomalyState, AttrAnomalyMetric, AttrAnomalyStart, AttrAnomalyEnd,
	AttrAnomalyPeakTime, AttrAnomalyPeakValue, AttrAnomalyObserved, AttrAnomalyExpected, AttrAnomalyBandLow,
	AttrAnomalyBandHigh, AttrAnomalyScore, AttrAnomalySeverity, AttrAnomalyDescription, AttrAnomalyActions,
	AttrAnomalyCloseReason,
	AttrTrendMetric, AttrTrendDirection, AttrTrendSlope, AttrTrendR2, AttrTrendPValue, AttrTrendTau,
	AttrTrendConfidence, AttrTrendWindow,
	AttrForecastMetric, AttrForecastTarget, AttrForecastHorizon, AttrForecastValue, AttrForecastLow,
	AttrForecastHigh, AttrForecastConfidence,
	AttrHealthScore, AttrHealthStatus, AttrHealthComponents, AttrHealthFactors,
}

// AnomalyType is one of the six anomaly types.
type AnomalyType string

// Anomaly types.
const (
	AnomalyEventSpike         AnomalyType = "event_spike"
	AnomalyLatency            AnomalyType = "latency_anomaly"
	AnomalyHighErrorRate      AnomalyType = "high_error_rate"
	AnomalyResourceExhaustion AnomalyType = "resource_exhaustion"
	AnomalyCascadingFailure   AnomalyType = "cascading_failure"
	AnomalyUnexpectedQuiet    AnomalyType = "unexpected_quiet"
)

// AnomalyTypes lists the types in documentation order.
var AnomalyTypes = []AnomalyType{AnomalyEventSpike, AnomalyLatency, AnomalyHighErrorRate,
	AnomalyResourceExhaustion, AnomalyCascadingFailure, AnomalyUnexpectedQuiet}

// AnomalyState is where an anomaly is in its life.
type AnomalyState string

// Anomaly states: one record on open, one per new peak, one on close.
const (
	AnomalyOpen   AnomalyState = "open"
	AnomalyUpdate AnomalyState = "update"
	AnomalyClosed AnomalyState = "closed"
)

// CloseReason says why an anomaly closed.
type CloseReason string

// Close reasons.
const (
	// CloseNormal: its series was judged normal for the detector's clear
	// buckets.
	CloseNormal CloseReason = "normal"
	// CloseInsufficientData: its series could not be judged any more (too
	// few events for a ratio) for the detector's clear buckets: nothing
	// says it is still anomalous.
	CloseInsufficientData CloseReason = "insufficient_data"
)

// Severity of anomalies (and alerts).
type Severity string

// Severities.
const (
	SeverityInfo     Severity = "info"
	SeverityWarning  Severity = "warning"
	SeverityCritical Severity = "critical"
)

// TrendDirection classifies a trend.
type TrendDirection string

// Trend directions.
const (
	TrendIncreasing TrendDirection = "increasing"
	TrendDecreasing TrendDirection = "decreasing"
	TrendStable     TrendDirection = "stable"
	TrendVolatile   TrendDirection = "volatile"
)

// HealthStatus summarises a health score.
type HealthStatus string

// Health statuses: healthy ≥ 80, degraded ≥ 50, critical below.
const (
	HealthHealthy  HealthStatus = "healthy"
	HealthDegraded HealthStatus = "degraded"
	HealthCritical HealthStatus = "critical"
)

// HealthStatusOf maps a score to its status.
func HealthStatusOf(score float64) HealthStatus {
	switch {
	case score >= 80:
		return HealthHealthy
	case score >= 50:
		return HealthDegraded
	}
	return HealthCritical
}
