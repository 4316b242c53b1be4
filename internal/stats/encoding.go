package stats

import (
	"encoding/binary"
	"errors"
	"math"
	"strings"

	"github.com/otelcol-chaos/otelcol-chaos/internal/binenc"
)

// encodingVersion is the first byte of every encoding.
const encodingVersion = 1

// Kind bytes, the second byte of every encoding, so that the encoding of one
// type is never mistaken for another's.
const (
	kindBaseline    = 1
	kindWindow      = 2
	kindMannKendall = 3
	kindTrend       = 4
	kindHolt        = 5
)

// ErrCorrupt is returned (wrapped with what is wrong) by every
// UnmarshalBinary for input that is not an encoding produced by the same
// type's AppendBinary.
var ErrCorrupt = errors.New("stats: corrupt encoding")

// appendFloat appends the IEEE-754 binary64 bits of v, little endian.
func appendFloat(dst []byte, v float64) []byte {
	return binary.LittleEndian.AppendUint64(dst, math.Float64bits(v))
}

// appendHeader appends the version and kind bytes.
func appendHeader(dst []byte, kind byte) []byte {
	return append(dst, encodingVersion, kind)
}

// decoder reads an encoding with a sticky error: after the first failure
// every read returns a zero value, so decoding code checks d.Err once at the
// points where it needs valid values.
type decoder struct{ binenc.Reader }

func newDecoder(b []byte, kind byte, name string) *decoder {
	d := &decoder{binenc.Reader{B: b, Corrupt: ErrCorrupt}}
	switch {
	case len(b) < 2:
		d.Fail("truncated %s header", name)
	case b[0] != encodingVersion:
		d.Fail("unsupported version %d", b[0])
	case b[1] != kind:
		d.Fail("kind %d is not a %s", b[1], name)
	default:
		d.Off = 2
	}
	return d
}

// count reads a uvarint that must lie in [lo, hi] (hi ≤ math.MaxInt).
func (d *decoder) count(what string, lo, hi int) int {
	v := d.Uvarint(what)
	if d.Err != nil {
		return 0
	}
	if v < uint64(lo) || v > uint64(hi) {
		d.Fail("%s %d outside [%d, %d]", what, v, lo, hi)
		return 0
	}
	return int(v)
}

// float reads a finite float64.
func (d *decoder) float(what string) float64 {
	at := d.Off
	v := d.Float64(what)
	if d.Err == nil && !finite(v) {
		d.Off = at
		d.Fail("%s is %v", what, v)
		return 0
	}
	return v
}

// floats reads n finite float64 values into dst[:n]. The caller has checked
// that n ≤ len(dst).
func (d *decoder) floats(dst []float64, n int, what string) {
	if d.Err != nil {
		return
	}
	if (len(d.B)-d.Off)/8 < n {
		d.Fail("truncated %s: want %d values", what, n)
		return
	}
	for i := range n {
		dst[i] = d.float(what)
	}
}

// end fails if bytes are left over and returns the sticky error.
func (d *decoder) end() error {
	if d.Err == nil && d.Off != len(d.B) {
		d.Fail("%d trailing bytes", len(d.B)-d.Off)
	}
	return d.Err
}

// invalidConfig fails with the error of a configuration's Validate.
func (d *decoder) invalidConfig(err error) {
	d.Fail("invalid configuration: %s", strings.TrimPrefix(err.Error(), "stats: "))
}

// check fails with msg unless ok.
func (d *decoder) check(ok bool, format string, args ...any) {
	if !ok {
		d.Fail(format, args...)
	}
}

// finite reports whether v is neither NaN nor ±Inf.
func finite(v float64) bool {
	return v-v == 0
}

// sameFloat reports whether a and b have the same bits, the equality the
// Equal methods use (so +0 and -0 differ, and the state restored from an
// encoding is Equal to the state encoded).
func sameFloat(a, b float64) bool {
	return math.Float64bits(a) == math.Float64bits(b)
}

// halfLifeWeight is the weight λ = 1 − 2^(−1/h) an exponentially weighted
// average gives its newest point so that the weight of every older point
// halves every h points.
func halfLifeWeight(h float64) float64 {
	return -math.Expm1(-math.Ln2 / h)
}
