package chaosconv

// Record kinds. Every record the components exchange is a log record whose
// EventName names its kind; consumers dispatch on it before looking at any
// attribute.
const (
	// RecordEvent is one chaos event (a fault, a delay, a probe result…).
	RecordEvent = "chaos.event"
	// RecordBucket is a time-bucket summary emitted by chaos_analytics.
	RecordBucket = "chaos.bucket"
	// RecordAnomaly is an anomaly opened, updated or closed by the anomaly processor.
	RecordAnomaly = "chaos.anomaly"
	// RecordTrend is a trend estimate for one metric of one scope.
	RecordTrend = "chaos.trend"
	// RecordForecast is a forecast with a prediction interval.
	RecordForecast = "chaos.forecast"
	// RecordHealth is a health score with its component scores and factors.
	RecordHealth = "chaos.health"
	// RecordObserved is what a scope's own server spans showed in one
	// bucket (requests, errors, latency), from the chaos_spans connector.
	RecordObserved = "chaos.observed"
)

// RecordKinds lists every reserved record kind, in documentation order.
var RecordKinds = []string{RecordEvent, RecordBucket, RecordAnomaly, RecordTrend, RecordForecast, RecordHealth,
	RecordObserved}

// IsRecordKind reports whether name is one of the reserved record kinds.
func IsRecordKind(name string) bool {
	switch name {
	case RecordEvent, RecordBucket, RecordAnomaly, RecordTrend, RecordForecast, RecordHealth, RecordObserved:
		return true
	}
	return false
}
