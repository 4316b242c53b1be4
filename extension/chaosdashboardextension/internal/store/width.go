package store

import (
	"strings"
	"time"
)

// FormatWidth spells a bucket width as PROTOCOL.md does: a Go duration
// without its zero trailing units ("1m", "5m", "1h", "24h", "1h30m"), which
// time.Duration.String keeps ("1m0s", "1h0m0s").
func FormatWidth(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = s[:len(s)-2]
	}
	if strings.HasSuffix(s, "h0m") {
		s = s[:len(s)-2]
	}
	return s
}

// Width is a bucket width in JSON: FormatWidth's string, null when unknown
// (zero).
type Width time.Duration

// MarshalJSON implements json.Marshaler.
func (w Width) MarshalJSON() ([]byte, error) {
	if w <= 0 {
		return []byte("null"), nil
	}
	s := FormatWidth(time.Duration(w))
	b := make([]byte, 0, len(s)+2)
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"'), nil
}
