package sketch

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"math/bits"

	"github.com/otelcol-chaos/otelcol-chaos/internal/binenc"
)

// encodingVersion is the first byte of every encoded sketch.
const encodingVersion = 1

// ErrCorrupt is returned (wrapped with what is wrong) by UnmarshalBinary
// for input that is not a sketch encoded by AppendBinary.
var ErrCorrupt = errors.New("sketch: corrupt encoding")

// AppendBinary appends the encoding of s to dst and returns the extended
// buffer. The encoding is canonical: sketches that are Equal have the same
// bytes. Format (uvarint: unsigned LEB128 as in encoding/binary, minimal):
//
//	byte     version (1)
//	uvarint  count
//	if count > 0:
//	  uvarint  zero-bucket count
//	  uvarint  high 64 bits of the sum in nanoseconds
//	  uvarint  low 64 bits of the sum in nanoseconds
//	  8 bytes  min, IEEE-754 binary64 bits, little endian
//	  8 bytes  max, idem
//	  if count > zero-bucket count:
//	    varint   lo, the lowest non-empty bin index (zigzag)
//	    uvarint  width, the number of bins from lo to the highest non-empty one
//	    width bins as tokens: uvarint c > 0 is one bin of count c; uvarint 0
//	    then uvarint r is a run of r+1 empty bins. The first and last bins are
//	    non-empty and runs are maximal (never followed by another run).
//
// The same bytes serve checkpoints and transport in a log record attribute;
// MarshalBinary returns them too. The signature differs from
// encoding.BinaryAppender's (no error: encoding cannot fail).
func (s *Sketch) AppendBinary(dst []byte) []byte {
	dst = append(dst, encodingVersion)
	dst = binary.AppendUvarint(dst, s.count)
	if s.count == 0 {
		return dst
	}
	dst = binary.AppendUvarint(dst, s.zero)
	dst = binary.AppendUvarint(dst, s.sumHi)
	dst = binary.AppendUvarint(dst, s.sumLo)
	dst = binary.LittleEndian.AppendUint64(dst, math.Float64bits(s.min))
	dst = binary.LittleEndian.AppendUint64(dst, math.Float64bits(s.max))
	if s.width == 0 {
		return dst
	}
	dst = binary.AppendVarint(dst, int64(s.lo))
	dst = binary.AppendUvarint(dst, uint64(s.width))
	bins := s.bins()
	hasHigh := len(s.high) > 0
	empty := func(k int) bool {
		return bins[k] == 0 && (!hasHigh || s.high[s.lo+int32(k)] == 0)
	}
	for k := 0; k < len(bins); {
		if !empty(k) {
			dst = binary.AppendUvarint(dst, s.bin(s.lo+int32(k)))
			k++
			continue
		}
		run := 1
		for empty(k + run) { // the highest bin is non-empty
			run++
		}
		dst = append(dst, 0)
		dst = binary.AppendUvarint(dst, uint64(run-1))
		k += run
	}
	return dst
}

// MarshalBinary returns AppendBinary(nil); it never fails.
func (s *Sketch) MarshalBinary() ([]byte, error) {
	return s.AppendBinary(nil), nil
}

// maxEncodedWidth bounds the number of bins UnmarshalBinary accepts.
const maxEncodedWidth = MaxBins

// UnmarshalBinary replaces the content of s with the sketch encoded in b by
// AppendBinary, reusing the store of s. Input that is truncated, has
// trailing bytes, a non-minimal varint, an unknown version, more than
// MaxBins bins, bins out of the index range, or content no sequence of Add
// and Merge could produce (counts that do not add up, min/max/sum
// inconsistent with each other or with the bins) is rejected with an error
// wrapping ErrCorrupt, and s is left empty.
func (s *Sketch) UnmarshalBinary(b []byte) error {
	s.Reset()
	if err := s.decode(b); err != nil {
		s.Reset()
		return err
	}
	return nil
}

// decoder reads the encoding with a sticky error (see internal/binenc).
type decoder struct{ binenc.Reader }

// decode fills the reset sketch s from b.
func (s *Sketch) decode(b []byte) error {
	var r reader
	if r.open(b) {
		s.count, s.zero = r.count, r.zero
		s.sumHi, s.sumLo = r.sumHi, r.sumLo
		s.min, s.max = r.min, r.max
		if r.width > 0 {
			s.ensureWindow(r.lo, r.lo+r.width-1)
			s.lo, s.width = r.lo, r.width
		}
		for i, c, ok := r.nextBin(); ok; i, c, ok = r.nextBin() {
			s.addBin(i, c)
		}
	}
	return r.finish()
}

// header is the validated part of an encoding before its bins.
type header struct {
	count, zero  uint64
	sumHi, sumLo uint64
	min, max     float64
	lo, width    int32 // width 0: every value is in the zero bucket
}

// reader validates an encoding as it is read: the header, then the bins
// one at a time, then the end. Every reader of the encoding (UnmarshalBinary,
// Bounds.Counts) goes through it, so all accept and refuse exactly the same
// bytes.
type reader struct {
	decoder
	header
	k     int32  // bins read so far, empty ones included
	run   bool   // the previous token was a run of empty bins
	total uint64 // values in the bins read so far
}

// open reads and checks the header of b. It reports whether there are bins
// or values to read; r.Err holds any failure.
func (r *reader) open(b []byte) bool {
	r.decoder = decoder{binenc.Reader{B: b, Off: 1, Corrupt: ErrCorrupt}}
	switch {
	case len(b) == 0:
		r.Err = fmt.Errorf("%w: empty input", ErrCorrupt)
		return false
	case b[0] != encodingVersion:
		r.Err = fmt.Errorf("%w: unsupported version %d", ErrCorrupt, b[0])
		return false
	}
	count := r.Uvarint("count")
	return r.Err == nil && count > 0 && r.decodeHeader(count, &r.header)
}

// finish checks that the whole input was read and returns the first failure.
func (r *reader) finish() error {
	if r.Err == nil && r.Off != len(r.B) {
		r.Fail("%d trailing bytes", len(r.B)-r.Off)
	}
	return r.Err
}

// nextBin returns the next non-empty bin and its count; false after the
// last one or on a failure.
func (r *reader) nextBin() (int32, uint64, bool) {
	for r.Err == nil && r.k < r.width {
		c := r.Uvarint("bin")
		if r.Err != nil {
			return 0, 0, false
		}
		if c == 0 {
			n := r.Uvarint("run length")
			switch {
			case r.Err != nil:
				return 0, 0, false
			case r.k == 0:
				r.Fail("empty lowest bin")
				return 0, 0, false
			case r.run:
				r.Fail("consecutive runs of empty bins")
				return 0, 0, false
			case r.width-r.k < 2 || n > uint64(r.width-r.k-2): // the highest bin must stay
				r.Fail("run of %d empty bins too long", n+1)
				return 0, 0, false
			}
			r.k += int32(n) + 1
			r.run = true
			continue
		}
		var carry uint64
		r.total, carry = bits.Add64(r.total, c, 0)
		if carry != 0 {
			r.Fail("bin counts overflow")
			return 0, 0, false
		}
		i := r.lo + r.k
		r.k++
		r.run = false
		return i, c, true
	}
	if r.Err == nil && r.width > 0 && r.total != r.count-r.zero {
		r.Fail("bins hold %d values, want %d", r.total, r.count-r.zero)
	}
	return 0, 0, false
}

// decodeHeader reads and checks everything before the bins.
func (d *decoder) decodeHeader(count uint64, h *header) bool {
	zero := d.Uvarint("zero count")
	sumHi := d.Uvarint("sum")
	sumLo := d.Uvarint("sum")
	mn := d.Float64("min")
	mx := d.Float64("max")
	if d.Err != nil {
		return false
	}
	switch {
	case zero > count:
		d.Fail("zero count %d above count %d", zero, count)
	case !(mn >= 0 && mn <= mx && mx <= MaxValue) || math.Signbit(mn):
		d.Fail("invalid min %v or max %v", mn, mx)
	case (zero > 0) != (mn <= MinIndexableValue):
		d.Fail("min %v inconsistent with zero count %d", mn, zero)
	case (zero < count) != (mx > MinIndexableValue):
		d.Fail("max %v inconsistent with the bins", mx)
	case count == 1 && mn != mx:
		d.Fail("min %v differs from max %v with a single value", mn, mx)
	}
	if d.Err != nil {
		return false
	}
	// Every value v contributes nanos(v), monotonic in v, to the sum.
	lowHi, lowLo := bits.Mul64(nanos(mn), count)
	upHi, upLo := bits.Mul64(nanos(mx), count)
	if less128(sumHi, sumLo, lowHi, lowLo) || less128(upHi, upLo, sumHi, sumLo) {
		d.Fail("sum outside [count×min, count×max]")
		return false
	}
	*h = header{count: count, zero: zero, sumHi: sumHi, sumLo: sumLo, min: mn, max: mx}
	if zero == count {
		return true
	}

	lo := d.Varint("lowest bin")
	width := d.Uvarint("bin count")
	if d.Err != nil {
		return false
	}
	if width == 0 || width > maxEncodedWidth {
		d.Fail("%d bins, want 1 to %d", width, maxEncodedWidth)
		return false
	}
	if lo < MinIndex || lo > MaxIndex || lo+int64(width)-1 > MaxIndex {
		d.Fail("bins %d to %d outside [%d, %d]", lo, lo+int64(width)-1, MinIndex, MaxIndex)
		return false
	}
	first, w := int32(lo), int32(width)
	hi := first + w - 1
	if index(mx) != hi {
		d.Fail("max %v not in the highest bin %d", mx, hi)
		return false
	}
	if zero == 0 {
		// The minimum is in the lowest bin, unless the lowest bins were
		// collapsed into it, which needs MaxBins bins.
		if im := index(mn); im > first || (im < first && w != MaxBins) {
			d.Fail("min %v inconsistent with the lowest bin %d", mn, first)
			return false
		}
	}
	h.lo, h.width = first, w
	return true
}

// less128 reports whether (ah, al) < (bh, bl) as 128-bit integers.
func less128(ah, al, bh, bl uint64) bool {
	return ah < bh || (ah == bh && al < bl)
}
