package store

// Kinds of record, as passed to Counters.Stored and Counters.Evicted.
const (
	KindBucket   = "bucket"
	KindAnomaly  = "anomaly"
	KindHealth   = "health"
	KindTrend    = "trend"
	KindForecast = "forecast"
	KindAlert    = "alert"
	KindScenario = "scenario"
)

// Reasons a record is refused, as passed to Counters.Refused.
const (
	// ReasonDecodeError: the record is of a stored kind but malformed.
	ReasonDecodeError = "decode_error"
	// ReasonSeriesLimit: its bucket would open a series, or its health
	// record a scope's history, beyond MaxSeries.
	ReasonSeriesLimit = "series_limit"
	// ReasonUnknownRecord: the record is of no kind the store keeps.
	ReasonUnknownRecord = "unknown_record"
	// ReasonTooOld: the bucket ended, or the health record is, before the
	// retention window, or the record is older than the state already
	// stored for its identity.
	ReasonTooOld = "too_old"
)

// Counters receives the store's counts; the extension backs them with its
// telemetry. A nil func is not called. They are called outside the store's
// lock, from the publishing goroutines, so they must be safe for
// concurrent use.
type Counters struct {
	// Stored: n records of kind were stored.
	Stored func(kind string, n int64)
	// Evicted: n records of kind were dropped by retention or a limit.
	Evicted func(kind string, n int64)
	// Refused: n records were not stored, for reason.
	Refused func(reason string, n int64)
	// Series: the number of bucket rings held changed by delta.
	Series func(delta int64)
}

// kind indexes a tally's arrays.
type kind uint8

const (
	kBucket kind = iota
	kAnomaly
	kHealth
	kTrend
	kForecast
	kAlert
	kScenario
	kindsCount
)

var kindNames = [kindsCount]string{KindBucket, KindAnomaly, KindHealth, KindTrend, KindForecast, KindAlert, KindScenario}

type reason uint8

const (
	rDecode reason = iota
	rSeriesLimit
	rUnknown
	rTooOld
	reasonsCount
)

var reasonNames = [reasonsCount]string{ReasonDecodeError, ReasonSeriesLimit, ReasonUnknownRecord, ReasonTooOld}

// tally gathers one call's counts so that each counter is called once per
// call, after the lock is released.
type tally struct {
	stored, evicted [kindsCount]int64
	refused         [reasonsCount]int64
	series          int64
}

func (t *tally) flush(c *Counters) {
	for k := range kindsCount {
		if n := t.stored[k]; n > 0 && c.Stored != nil {
			c.Stored(kindNames[k], n)
		}
		if n := t.evicted[k]; n > 0 && c.Evicted != nil {
			c.Evicted(kindNames[k], n)
		}
	}
	for r := range reasonsCount {
		if n := t.refused[r]; n > 0 && c.Refused != nil {
			c.Refused(reasonNames[r], n)
		}
	}
	if t.series != 0 && c.Series != nil {
		c.Series(t.series)
	}
}
