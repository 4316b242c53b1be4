package sketch

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"math/bits"
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

// decoder reads varints with a sticky error.
type decoder struct {
	b   []byte
	off int
	err error
}

func (d *decoder) fail(format string, args ...any) {
	if d.err == nil {
		d.err = fmt.Errorf("%w: %s (at byte %d)", ErrCorrupt, fmt.Sprintf(format, args...), d.off)
	}
}

func (d *decoder) uvarint(what string) uint64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Uvarint(d.b[d.off:])
	switch {
	case n == 0:
		d.fail("truncated %s", what)
		return 0
	case n < 0:
		d.fail("%s overflows 64 bits", what)
		return 0
	case n > 1 && d.b[d.off+n-1] == 0:
		d.fail("non-minimal varint for %s", what)
		return 0
	}
	d.off += n
	return v
}

func (d *decoder) varint(what string) int64 {
	u := d.uvarint(what)
	return int64(u>>1) ^ -int64(u&1) // zigzag, as binary.Varint
}

func (d *decoder) float(what string) float64 {
	if d.err != nil {
		return 0
	}
	if len(d.b)-d.off < 8 {
		d.fail("truncated %s", what)
		return 0
	}
	v := math.Float64frombits(binary.LittleEndian.Uint64(d.b[d.off:]))
	d.off += 8
	return v
}

// decode fills the reset sketch s from b.
func (s *Sketch) decode(b []byte) error {
	if len(b) == 0 {
		return fmt.Errorf("%w: empty input", ErrCorrupt)
	}
	if b[0] != encodingVersion {
		return fmt.Errorf("%w: unsupported version %d", ErrCorrupt, b[0])
	}
	d := &decoder{b: b, off: 1}
	count := d.uvarint("count")
	if d.err == nil && count > 0 {
		s.decodeContent(d, count)
	}
	if d.err == nil && d.off != len(b) {
		d.fail("%d trailing bytes", len(b)-d.off)
	}
	return d.err
}

func (s *Sketch) decodeContent(d *decoder, count uint64) {
	zero := d.uvarint("zero count")
	sumHi := d.uvarint("sum")
	sumLo := d.uvarint("sum")
	mn := d.float("min")
	mx := d.float("max")
	if d.err != nil {
		return
	}
	switch {
	case zero > count:
		d.fail("zero count %d above count %d", zero, count)
	case !(mn >= 0 && mn <= mx && mx <= MaxValue) || math.Signbit(mn):
		d.fail("invalid min %v or max %v", mn, mx)
	case (zero > 0) != (mn <= MinIndexableValue):
		d.fail("min %v inconsistent with zero count %d", mn, zero)
	case (zero < count) != (mx > MinIndexableValue):
		d.fail("max %v inconsistent with the bins", mx)
	case count == 1 && mn != mx:
		d.fail("min %v differs from max %v with a single value", mn, mx)
	}
	if d.err != nil {
		return
	}
	// Every value v contributes nanos(v), monotonic in v, to the sum.
	lowHi, lowLo := bits.Mul64(nanos(mn), count)
	upHi, upLo := bits.Mul64(nanos(mx), count)
	if less128(sumHi, sumLo, lowHi, lowLo) || less128(upHi, upLo, sumHi, sumLo) {
		d.fail("sum outside [count×min, count×max]")
		return
	}
	s.count, s.zero = count, zero
	s.sumHi, s.sumLo = sumHi, sumLo
	s.min, s.max = mn, mx
	if zero == count {
		return
	}

	lo := d.varint("lowest bin")
	width := d.uvarint("bin count")
	if d.err != nil {
		return
	}
	if width == 0 || width > maxEncodedWidth {
		d.fail("%d bins, want 1 to %d", width, maxEncodedWidth)
		return
	}
	if lo < MinIndex || lo > MaxIndex || lo+int64(width)-1 > MaxIndex {
		d.fail("bins %d to %d outside [%d, %d]", lo, lo+int64(width)-1, MinIndex, MaxIndex)
		return
	}
	first, w := int32(lo), int32(width)
	hi := first + w - 1
	if index(mx) != hi {
		d.fail("max %v not in the highest bin %d", mx, hi)
		return
	}
	if zero == 0 {
		// The minimum is in the lowest bin, unless the lowest bins were
		// collapsed into it, which needs MaxBins bins.
		if im := index(mn); im > first || (im < first && w != MaxBins) {
			d.fail("min %v inconsistent with the lowest bin %d", mn, first)
			return
		}
	}
	s.ensureWindow(first, hi)
	s.lo, s.width = first, w
	var total uint64
	for k, run := int32(0), false; k < w; {
		c := d.uvarint("bin")
		if d.err != nil {
			return
		}
		if c == 0 {
			r := d.uvarint("run length")
			switch {
			case d.err != nil:
				return
			case k == 0:
				d.fail("empty lowest bin")
				return
			case run:
				d.fail("consecutive runs of empty bins")
				return
			case w-k < 2 || r > uint64(w-k-2): // the highest bin must stay
				d.fail("run of %d empty bins too long", r+1)
				return
			}
			k += int32(r) + 1
			run = true
			continue
		}
		var carry uint64
		total, carry = bits.Add64(total, c, 0)
		if carry != 0 {
			d.fail("bin counts overflow")
			return
		}
		s.addBin(first+k, c)
		k++
		run = false
	}
	if total != count-zero {
		d.fail("bins hold %d values, want %d", total, count-zero)
	}
}

// less128 reports whether (ah, al) < (bh, bl) as 128-bit integers.
func less128(ah, al, bh, bl uint64) bool {
	return ah < bh || (ah == bh && al < bl)
}
