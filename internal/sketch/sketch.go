package sketch

import (
	"maps"
	"math"
	"math/bits"
	"slices"
	"unsafe"
)

// Sketch is a quantile sketch of latencies in milliseconds. The zero value
// is an empty sketch ready to use. See the package documentation for the
// mapping and the guarantees.
type Sketch struct {
	// counts is the dense store: counts[k] holds the low 32 bits of the count
	// of bin offset+k. Outside [lo, lo+width) every count is zero.
	counts []uint32
	// high holds the high 32 bits of the bins whose count exceeds 2³²−1
	// (nil until one does); keys are in [lo, lo+width), values non-zero.
	high map[int32]uint32

	offset int32 // bin index of counts[0]
	lo     int32 // lowest non-empty bin, when width > 0
	width  int32 // lo+width-1 is the highest non-empty bin; 0: no bin is used

	count uint64 // values added, including the zero bucket
	zero  uint64 // values in the zero bucket

	sumLo, sumHi uint64 // exact sum, 128-bit, in nanoseconds

	min, max float64 // meaningful when count > 0
}

// minGrowBins is the size of the first allocation of the dense store.
const minGrowBins = 32

// Add adds one value v in milliseconds. It returns false, leaving the sketch
// unchanged, if v is negative, NaN, infinite or above MaxValue (or if the
// count would overflow uint64). It never allocates once the store covers
// v's bin.
func (s *Sketch) Add(v float64) bool {
	if v > MinIndexableValue && v <= MaxValue {
		if s.count == math.MaxUint64 {
			return false
		}
		s.count++
		var c uint64
		s.sumLo, c = bits.Add64(s.sumLo, nanos(v), 0)
		s.sumHi += c
		if s.count == 1 {
			s.min, s.max = v, v
		} else if v < s.min {
			s.min = v
		} else if v > s.max {
			s.max = v
		}
		i := index(v)
		if uint32(i-s.lo) < uint32(s.width) {
			j := i - s.offset
			n := s.counts[j] + 1
			s.counts[j] = n
			if n == 0 {
				s.addHigh(i, 1)
			}
			return true
		}
		s.addToBin(i, 1)
		return true
	}
	return s.addSmallN(v, 1)
}

// AddN adds the value v n times, with the same rules as Add. Adding a valid
// value zero times returns true and changes nothing.
func (s *Sketch) AddN(v float64, n uint64) bool {
	if v > MinIndexableValue && v <= MaxValue {
		if n == 0 {
			return true
		}
		if !s.observe(v, n) {
			return false
		}
		s.addToBin(index(v), n)
		return true
	}
	return s.addSmallN(v, n)
}

// addSmallN handles a value that is not indexable: counted in the zero
// bucket if 0 ≤ v ≤ MinIndexableValue, rejected otherwise.
func (s *Sketch) addSmallN(v float64, n uint64) bool {
	if !(v >= 0 && v <= MinIndexableValue) {
		return false // negative, NaN, +Inf or above MaxValue
	}
	if n == 0 {
		return true
	}
	if v == 0 {
		v = 0 // -0 is stored as +0
	}
	if !s.observe(v, n) {
		return false
	}
	s.zero += n
	return true
}

// observe accounts for n > 0 occurrences of the valid value v in the count,
// the sum, the minimum and the maximum, unless the count would overflow.
func (s *Sketch) observe(v float64, n uint64) bool {
	if s.count > math.MaxUint64-n {
		return false
	}
	first := s.count == 0
	s.count += n
	hi, lo := bits.Mul64(nanos(v), n)
	var c uint64
	s.sumLo, c = bits.Add64(s.sumLo, lo, 0)
	s.sumHi += hi + c
	if first {
		s.min, s.max = v, v
	} else {
		s.min = min(s.min, v)
		s.max = max(s.max, v)
	}
	return true
}

// addToBin adds n to bin i, widening the range of non-empty bins (and
// collapsing the lowest ones if it would exceed MaxBins) as needed.
func (s *Sketch) addToBin(i int32, n uint64) {
	if s.width == 0 {
		s.ensureWindow(i, i)
		s.lo, s.width = i, 1
		s.addBin(i, n)
		return
	}
	hi := s.lo + s.width - 1
	switch {
	case i > hi:
		newLo := s.lo
		var folded uint64
		if i-s.lo >= MaxBins {
			newLo = i - MaxBins + 1
			folded = s.foldBelow(newLo)
		}
		s.ensureWindow(newLo, i)
		s.lo, s.width = newLo, i-newLo+1
		if folded > 0 {
			s.addBin(newLo, folded)
		}
	case i < s.lo:
		if hi-i >= MaxBins {
			i = hi - MaxBins + 1 // collapsed into the lowest kept bin
		}
		if i < s.lo {
			s.ensureWindow(i, hi)
			s.lo, s.width = i, hi-i+1
		}
	}
	s.addBin(i, n)
}

// addBin adds n to bin i, which the store covers.
func (s *Sketch) addBin(i int32, n uint64) {
	j := i - s.offset
	x := uint64(s.counts[j]) + n&math.MaxUint32
	s.counts[j] = uint32(x)
	if h := n>>32 + x>>32; h != 0 {
		s.addHigh(i, h)
	}
}

// addHigh adds h·2³² to bin i. h fits in 32 bits because no bin count
// exceeds the total count, a uint64.
func (s *Sketch) addHigh(i int32, h uint64) {
	if s.high == nil {
		s.high = make(map[int32]uint32)
	}
	s.high[i] += uint32(h)
}

// bin returns the full count of bin i, which the store covers.
func (s *Sketch) bin(i int32) uint64 {
	c := uint64(s.counts[i-s.offset])
	if len(s.high) > 0 {
		c |= uint64(s.high[i]) << 32
	}
	return c
}

// rangeTotal returns the total count of bins from through to (covered).
func (s *Sketch) rangeTotal(from, to int32) uint64 {
	var t uint64
	for i := from; i <= to; i++ {
		t += s.bin(i)
	}
	return t
}

// foldBelow empties the bins below newLo (> s.lo) and returns their total
// count, for the caller to add to bin newLo. It leaves lo = newLo, or width
// = 0 if no bin remains.
func (s *Sketch) foldBelow(newLo int32) uint64 {
	hi := s.lo + s.width - 1
	end := min(newLo-1, hi)
	var t uint64
	for i := s.lo; i <= end; i++ {
		j := i - s.offset
		t += uint64(s.counts[j])
		s.counts[j] = 0
	}
	for i, h := range s.high {
		if i < newLo {
			t += uint64(h) << 32
			delete(s.high, i)
		}
	}
	if newLo > hi {
		s.width = 0
	} else {
		s.lo, s.width = newLo, hi-newLo+1
	}
	return t
}

// ensureWindow makes the store cover bins lo through hi (hi-lo < MaxBins),
// which include every non-empty bin. It slides the counts inside the
// current array when it is large enough, and otherwise grows it at least
// twofold (up to MaxBins), leaving the spare bins evenly on both sides.
func (s *Sketch) ensureWindow(lo, hi int32) {
	n := int32(len(s.counts))
	if lo >= s.offset && hi < s.offset+n {
		return
	}
	need := hi - lo + 1
	if need <= n {
		newOff := lo - (n-need)/2
		if s.width > 0 {
			c := s.counts
			oldS, oldE := s.lo-s.offset, s.lo-s.offset+s.width
			newS, newE := s.lo-newOff, s.lo-newOff+s.width
			copy(c[newS:newE], c[oldS:oldE])
			if oldS < newS {
				clear(c[oldS:min(oldE, newS)])
			}
			if oldE > newE {
				clear(c[max(oldS, newE):oldE])
			}
		}
		s.offset = newOff
		return
	}
	size := min(max(2*n, need, minGrowBins), MaxBins)
	c := make([]uint32, size)
	newOff := lo - (size-need)/2
	if s.width > 0 {
		copy(c[s.lo-newOff:], s.counts[s.lo-s.offset:s.lo-s.offset+s.width])
	}
	s.counts, s.offset = c, newOff
}

// Merge adds the values of o to s, exactly: the result is Equal to the
// sketch of the union of both multisets of values. o is not modified; a nil
// o is empty. If the total count would exceed 2⁶⁴−1 (not reachable with real
// data), Merge leaves s unchanged.
func (s *Sketch) Merge(o *Sketch) {
	if o == nil || o.count == 0 {
		return
	}
	if s.count > math.MaxUint64-o.count {
		return
	}
	if o == s {
		o = s.Clone()
	}
	if s.count == 0 {
		s.min, s.max = o.min, o.max
	} else {
		s.min = min(s.min, o.min)
		s.max = max(s.max, o.max)
	}
	s.count += o.count
	s.zero += o.zero
	var c uint64
	s.sumLo, c = bits.Add64(s.sumLo, o.sumLo, 0)
	s.sumHi += o.sumHi + c
	if o.width == 0 {
		return
	}

	oHi := o.lo + o.width - 1
	newLo, newHi := o.lo, oHi
	if s.width > 0 {
		newLo = min(newLo, s.lo)
		newHi = max(newHi, s.lo+s.width-1)
	}
	if newHi-newLo >= MaxBins {
		newLo = newHi - MaxBins + 1
	}
	var folded uint64
	if s.width > 0 && s.lo < newLo {
		folded = s.foldBelow(newLo)
	}
	s.ensureWindow(newLo, newHi)
	s.lo, s.width = newLo, newHi-newLo+1
	from := o.lo
	if from < newLo {
		folded += o.rangeTotal(o.lo, min(newLo-1, oHi))
		from = newLo
	}
	if folded > 0 {
		s.addBin(newLo, folded)
	}
	if from <= oHi {
		src := o.counts[from-o.offset : oHi-o.offset+1]
		dst := s.counts[from-s.offset : oHi-s.offset+1]
		dst = dst[:len(src)]
		for k, n := range src {
			x := uint64(dst[k]) + uint64(n)
			dst[k] = uint32(x)
			if x > math.MaxUint32 {
				s.addHigh(from+int32(k), 1)
			}
		}
	}
	for i, h := range o.high {
		if i >= newLo {
			s.addHigh(i, uint64(h))
		}
	}
}

// Quantile returns the estimate of the q-quantile, 0 ≤ q ≤ 1: the value of
// rank ⌊q·(n−1)⌋ in ascending order, within relative error Alpha (see the
// package documentation). It returns false if the sketch is empty or q is
// out of range (or NaN).
func (s *Sketch) Quantile(q float64) (float64, bool) {
	if s.count == 0 || !(q >= 0 && q <= 1) {
		return 0, false
	}
	last := s.count - 1
	rank := last
	if f := q * float64(last); f < float64(last) {
		rank = uint64(f)
	}
	v := 0.0 // the zero bucket reports Min after clamping
	if rank >= s.zero {
		v = representative(s.binAtRank(rank - s.zero))
	}
	return max(s.min, min(v, s.max)), true
}

// binAtRank returns the bin holding the value of the given rank among the
// binned values (rank < count-zero).
func (s *Sketch) binAtRank(rank uint64) int32 {
	var cum uint64
	bins := s.counts[s.lo-s.offset : s.lo-s.offset+s.width]
	if len(s.high) == 0 {
		for k, c := range bins {
			cum += uint64(c)
			if cum > rank {
				return s.lo + int32(k)
			}
		}
	} else {
		for k := range bins {
			cum += s.bin(s.lo + int32(k))
			if cum > rank {
				return s.lo + int32(k)
			}
		}
	}
	return s.lo + s.width - 1 // unreachable while the counts are consistent
}

// Reset empties the sketch, keeping its store for reuse.
func (s *Sketch) Reset() {
	if s.width > 0 {
		clear(s.counts[s.lo-s.offset : s.lo-s.offset+s.width])
	}
	clear(s.high)
	s.lo, s.width = 0, 0
	s.count, s.zero = 0, 0
	s.sumLo, s.sumHi = 0, 0
	s.min, s.max = 0, 0
}

// Clone returns a deep copy of s whose store holds just its non-empty bins.
func (s *Sketch) Clone() *Sketch {
	c := &Sketch{
		count: s.count, zero: s.zero,
		sumLo: s.sumLo, sumHi: s.sumHi,
		min: s.min, max: s.max,
	}
	if s.width > 0 {
		c.counts = slices.Clone(s.bins())
		c.offset, c.lo, c.width = s.lo, s.lo, s.width
		if len(s.high) > 0 {
			c.high = maps.Clone(s.high)
		}
	}
	return c
}

// CopyFrom makes s a copy of o (empty if o is nil), reusing the store of s
// when it is large enough.
func (s *Sketch) CopyFrom(o *Sketch) {
	if o == s {
		return
	}
	s.Reset()
	if o == nil {
		return
	}
	s.count, s.zero = o.count, o.zero
	s.sumLo, s.sumHi = o.sumLo, o.sumHi
	s.min, s.max = o.min, o.max
	if o.width > 0 {
		s.ensureWindow(o.lo, o.lo+o.width-1)
		s.lo, s.width = o.lo, o.width
		copy(s.bins(), o.bins())
		for i, h := range o.high {
			s.addHigh(i, uint64(h))
		}
	}
}

// bins returns the counts of bins lo through lo+width-1.
func (s *Sketch) bins() []uint32 {
	return s.counts[s.lo-s.offset : s.lo-s.offset+s.width]
}

// Equal reports whether s and o hold the same content: counts of every bin
// and of the zero bucket, count, exact sum, minimum and maximum. The layout
// and capacity of the store do not matter.
func (s *Sketch) Equal(o *Sketch) bool {
	if s == nil || o == nil {
		return s == o
	}
	if s.count != o.count {
		return false
	}
	if s.count == 0 {
		return true
	}
	if s.zero != o.zero || s.sumLo != o.sumLo || s.sumHi != o.sumHi ||
		s.min != o.min || s.max != o.max || s.width != o.width {
		return false
	}
	if s.width == 0 {
		return true
	}
	return s.lo == o.lo && slices.Equal(s.bins(), o.bins()) && maps.Equal(s.high, o.high)
}

// Count returns the number of values added, including the zero bucket.
func (s *Sketch) Count() uint64 { return s.count }

// ZeroCount returns the number of values in the zero bucket (0 ≤ v ≤
// MinIndexableValue).
func (s *Sketch) ZeroCount() uint64 { return s.zero }

// IsEmpty reports whether no value was added.
func (s *Sketch) IsEmpty() bool { return s.count == 0 }

// Sum returns the sum of the values added, in milliseconds, from the exact
// nanosecond accumulator (each value rounded to the nearest nanosecond).
func (s *Sketch) Sum() float64 {
	return (float64(s.sumHi)*0x1p64 + float64(s.sumLo)) / 1e6
}

// Min returns the smallest value added; false if the sketch is empty.
func (s *Sketch) Min() (float64, bool) { return s.min, s.count > 0 }

// Max returns the largest value added; false if the sketch is empty.
func (s *Sketch) Max() (float64, bool) { return s.max, s.count > 0 }

// MemoryBytes returns an approximation of the heap bytes held by the
// sketch: the struct, the capacity of its store and its overflow map.
func (s *Sketch) MemoryBytes() int {
	n := int(unsafe.Sizeof(*s)) + 4*cap(s.counts)
	if s.high != nil {
		n += 48 + 16*len(s.high) // rough size of a small map
	}
	return n
}
