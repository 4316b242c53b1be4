package store

import (
	"math"
	"strconv"
)

// Float is a float64 that is written as null when it is NaN or infinite:
// encoding/json refuses those, and one bad value from a producer must not
// fail a whole response or stream message.
type Float float64

// MarshalJSON implements json.Marshaler, spelling finite values exactly as
// encoding/json spells a float64.
func (f Float) MarshalJSON() ([]byte, error) {
	v := float64(f)
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return []byte("null"), nil
	}
	format := byte('f')
	if abs := math.Abs(v); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b := strconv.AppendFloat(make([]byte, 0, 24), v, format, -1, 64)
	if format == 'e' {
		// encoding/json writes e-7, not e-07.
		if n := len(b); n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b, nil
}
