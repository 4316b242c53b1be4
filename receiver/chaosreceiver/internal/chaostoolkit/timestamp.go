package chaostoolkit

import (
	"encoding/json"
	"math"
	"time"
)

// CTK stamps a journal with Python's datetime.utcnow().isoformat(): UTC but
// with no zone ("2024-05-02T09:14:07.481939", and no fraction at all when
// the microseconds are 0). Some versions and wrappers write an aware time
// instead ("…+00:00", "…Z"). Both are read; a time without a zone is UTC,
// since that is what utcnow means.
var (
	layoutZoned = "2006-01-02T15:04:05Z07:00" // a fraction after the seconds is accepted when parsing
	layoutNaive = "2006-01-02T15:04:05"
)

// OTLP times are int64 nanoseconds since the epoch, 0 meaning unset.
var (
	minTime = time.Unix(0, 1).UTC()
	maxTime = time.Unix(0, math.MaxInt64).UTC()
)

// timestamp reads a required time field as Unix nanoseconds.
func timestamp(raw json.RawMessage, field string) (int64, *fieldError) {
	s, ok, err := str(raw, field)
	if err != nil {
		return 0, expected(field, "an ISO 8601 time string", raw)
	}
	if !ok || s == "" {
		return 0, expected(field, "an ISO 8601 time string", raw)
	}
	return parseTime(s, field)
}

func parseTime(s, field string) (int64, *fieldError) {
	t, err := time.Parse(layoutZoned, s)
	if err != nil {
		t, err = time.Parse(layoutNaive, s)
	}
	if err != nil {
		return 0, errAt(field, "%q is not an ISO 8601 time: want YYYY-MM-DDTHH:MM:SS[.ffffff] with an optional zone (Z or ±HH:MM; none means UTC, as `chaos run` writes it)", s)
	}
	if t.Before(minTime) || t.After(maxTime) {
		return 0, errAt(field, "%q is out of range: a time must lie between 1970-01-01T00:00:00Z and 2262-04-11T23:47:16Z", s)
	}
	return t.UnixNano(), nil
}

// formatTime writes a Unix-nanosecond time back as RFC 3339 UTC, the form
// our metadata values use whatever form the journal had.
func formatTime(ns int64) string {
	return time.Unix(0, ns).UTC().Format(time.RFC3339Nano)
}
