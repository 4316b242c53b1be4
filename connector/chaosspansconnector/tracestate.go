package chaosspansconnector

import "strings"

// thresholdState is what a span's tracestate says of its sampling.
type thresholdState uint8

const (
	// noThreshold: no OpenTelemetry th sub-key; the configured default
	// applies.
	noThreshold thresholdState = iota
	// hasThreshold: a valid th; the adjusted count is derived from it.
	hasThreshold
	// badThreshold: a th that is not 1 to 14 hex digits; the span counts
	// once (unsampled) and is counted as malformed.
	badThreshold
)

// maxThreshold is 2^56, the span of the 56-bit rejection threshold.
const maxThreshold = 1 << 56

// adjustedCount reads the OpenTelemetry entry (key "ot") of a W3C
// tracestate and, when it carries a rejection threshold th:<hex>, returns
// the adjusted count 2^56 / (2^56 − T), the inverse of the sampling
// probability (2^56 − T) / 2^56. T is given as 1 to 14 hex digits, the
// most significant first, right-padded with zeros to 14 digits (56 bits):
// th:0 is probability 1, th:8 is 1/2, th:c is 1/4.
func adjustedCount(tracestate string) (float64, thresholdState) {
	v, ok := otEntry(tracestate)
	if !ok {
		return 0, noThreshold
	}
	th, ok := subKey(v, "th")
	if !ok {
		return 0, noThreshold
	}
	t, ok := parseThreshold(th)
	if !ok {
		return 0, badThreshold
	}
	return float64(maxThreshold) / float64(maxThreshold-t), hasThreshold
}

// otEntry returns the value of the tracestate's list-member keyed "ot"
// (members are separated by commas, with optional spaces or tabs around).
func otEntry(ts string) (string, bool) {
	for len(ts) > 0 {
		var member string
		if i := strings.IndexByte(ts, ','); i >= 0 {
			member, ts = ts[:i], ts[i+1:]
		} else {
			member, ts = ts, ""
		}
		member = strings.Trim(member, " \t")
		if len(member) > 3 && member[:3] == "ot=" {
			return member[3:], true
		}
	}
	return "", false
}

// subKey returns the value of key in an OpenTelemetry tracestate value:
// key:value pairs separated by semicolons.
func subKey(v, key string) (string, bool) {
	for len(v) > 0 {
		var kv string
		if i := strings.IndexByte(v, ';'); i >= 0 {
			kv, v = v[:i], v[i+1:]
		} else {
			kv, v = v, ""
		}
		if len(kv) > len(key) && kv[len(key)] == ':' && kv[:len(key)] == key {
			return kv[len(key)+1:], true
		}
	}
	return "", false
}

// parseThreshold reads 1 to 14 hex digits (either case, as the
// specification's hexdigit rule) as the 56-bit threshold, right-padded
// with zeros.
func parseThreshold(s string) (uint64, bool) {
	if len(s) == 0 || len(s) > 14 {
		return 0, false
	}
	var t uint64
	for i := 0; i < len(s); i++ {
		c := s[i]
		var d byte
		switch {
		case c >= '0' && c <= '9':
			d = c - '0'
		case c >= 'a' && c <= 'f':
			d = c - 'a' + 10
		case c >= 'A' && c <= 'F':
			d = c - 'A' + 10
		default:
			return 0, false
		}
		t = t<<4 | uint64(d)
	}
	return t << (4 * (14 - len(s))), true
}
