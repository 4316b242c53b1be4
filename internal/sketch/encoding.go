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
	if len(b) == 0 {
		return fmt.Errorf("%w: empty input", ErrCorrupt)
	}
	if b[0] != encodingVersion {
		return fmt.Errorf("%w: unsupported version %d", ErrCorrupt, b[0])
	}
	d := &decoder{binenc.Reader{B: b, Off: 1, Corrupt: ErrCorrupt}}
	count := d.Uvarint("count")
	if d.Err == nil && count > 0 {
		s.decodeContent(d, count)
	}
	if d.Err == nil && d.Off != len(b) {
		d.Fail("%d trailing bytes", len(b)-d.Off)
	}
	return d.Err
}

func (s *Sketch) decodeContent(d *decoder, count uint64) {
	zero := d.Uvarint("zero count")
	sumHi := d.Uvarint("sum")
	sumLo := d.Uvarint("sum")
	mn := d.Float64("min")
	mx := d.Float64("max")
	if d.Err != nil {
		return
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
		return
	}
	// Every value v contributes nanos(v), monotonic in v, to the sum.
	lowHi, lowLo := bits.Mul64(nanos(mn), count)
	upHi, upLo := bits.Mul64(nanos(mx), count)
	if less128(sumHi, sumLo, lowHi, lowLo) || less128(upHi, upLo, sumHi, sumLo) {
		d.Fail("sum outside [count×min, count×max]")
		return
	}
	s.count, s.zero = count, zero
	s.sumHi, s.sumLo = sumHi, sumLo
	s.min, s.max = mn, mx
	if zero == count {
		return
	}

	lo := d.Varint("lowest bin")
	width := d.Uvarint("bin count")
	if d.Err != nil {
		return
	}
	if width == 0 || width > maxEncodedWidth {
		d.Fail("%d bins, want 1 to %d", width, maxEncodedWidth)
		return
	}
	if lo < MinIndex || lo > MaxIndex || lo+int64(width)-1 > MaxIndex {
		d.Fail("bins %d to %d outside [%d, %d]", lo, lo+int64(width)-1, MinIndex, MaxIndex)
		return
	}
	first, w := int32(lo), int32(width)
	hi := first + w - 1
	if index(mx) != hi {
		d.Fail("max %v not in the highest bin %d", mx, hi)
		return
	}
	if zero == 0 {
		// The minimum is in the lowest bin, unless the lowest bins were
		// collapsed into it, which needs MaxBins bins.
		if im := index(mn); im > first || (im < first && w != MaxBins) {
			d.Fail("min %v inconsistent with the lowest bin %d", mn, first)
			return
		}
	}
	s.ensureWindow(first, hi)
	s.lo, s.width = first, w
	var total uint64
	for k, run := int32(0), false; k < w; {
		c := d.Uvarint("bin")
		if d.Err != nil {
			return
		}
		if c == 0 {
			r := d.Uvarint("run length")
			switch {
			case d.Err != nil:
				return
			case k == 0:
				d.Fail("empty lowest bin")
				return
			case run:
				d.Fail("consecutive runs of empty bins")
				return
			case w-k < 2 || r > uint64(w-k-2): // the highest bin must stay
				d.Fail("run of %d empty bins too long", r+1)
				return
			}
			k += int32(r) + 1
			run = true
			continue
		}
		var carry uint64
		total, carry = bits.Add64(total, c, 0)
		if carry != 0 {
			d.Fail("bin counts overflow")
			return
		}
		s.addBin(first+k, c)
		k++
		run = false
	}
	if total != count-zero {
		d.Fail("bins hold %d values, want %d", total, count-zero)
	}
}

// less128 reports whether (ah, al) < (bh, bl) as 128-bit integers.
func less128(ah, al, bh, bl uint64) bool {
	return ah < bh || (ah == bh && al < bl)
}
