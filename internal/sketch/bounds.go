package sketch

import (
	"errors"
	"fmt"
	"math"
)

// ErrBounds is returned by NewBounds for bounds that are not strictly
// increasing values in (MinIndexableValue, MaxValue].
var ErrBounds = errors.New("sketch: histogram bounds must be strictly increasing, above 1 µs and at most MaxValue")

// Bounds turns encoded sketches into the bucket counts of an explicit-bounds
// histogram (Prometheus' le buckets, OTel's ExplicitBounds), straight from
// the encoding: no sketch is built, nothing is allocated.
//
// Bucket j counts the values v ≤ bounds[j] (the last one, past the bounds,
// everything else). A sketch only knows which bin a value is in, so a bin is
// counted in the first bucket whose bound lies in or above it: every value
// up to a bound is counted in its bucket, and so may be values of the bound's
// own bin above it, at most 2 % (γ−1) above the bound. Values on a round
// bound — a 100 ms delay and a 100 ms bound — count where Prometheus would.
type Bounds struct {
	// bin[j] is the sketch bin holding bounds[j].
	bin []int32
}

// NewBounds prepares the bucket mapping of bounds (milliseconds).
func NewBounds(ms []float64) (*Bounds, error) {
	b := &Bounds{bin: make([]int32, len(ms))}
	for j, v := range ms {
		if !(v > MinIndexableValue && v <= MaxValue) || (j > 0 && !(v > ms[j-1])) || math.IsNaN(v) {
			return nil, fmt.Errorf("%w: %v at position %d", ErrBounds, v, j)
		}
		b.bin[j] = index(v)
	}
	return b, nil
}

// Len is the number of buckets: one more than the bounds.
func (b *Bounds) Len() int { return len(b.bin) + 1 }

// Counts validates the encoded sketch enc exactly as UnmarshalBinary does
// and writes the count of each bucket into dst (Len entries, overwritten).
// It returns the number of values. On error dst holds nothing meaningful.
// A Bounds may be used concurrently.
func (b *Bounds) Counts(enc []byte, dst []uint64) (uint64, error) {
	if len(dst) != b.Len() {
		return 0, fmt.Errorf("sketch: %d bucket counts for %d buckets", len(dst), b.Len())
	}
	clear(dst)
	var r reader
	if r.open(enc) {
		// Values in the zero bucket (≤ 1 µs) are below every bound.
		dst[0] = r.zero
		next := 0 // bins come in increasing order, and so do the buckets
		for i, c, ok := r.nextBin(); ok; i, c, ok = r.nextBin() {
			for next < len(b.bin) && b.bin[next] < i {
				next++
			}
			dst[next] += c
		}
	}
	return r.count, r.finish()
}
