package sketch

import "math"

const (
	// Alpha is the relative accuracy of the sketch: every quantile it returns
	// is within Alpha·x of the exact quantile x (for values above
	// MinIndexableValue). It is fixed: sketches are only mergeable and
	// serializable with the same mapping.
	Alpha = 0.01

	// gamma is the ratio between consecutive bin bounds, (1+α)/(1-α) = 101/99
	// (an exact untyped constant, rounded to float64 once).
	gamma float64 = (1 + Alpha) / (1 - Alpha)

	// MinIndexableValue is the largest value counted in the zero bucket
	// rather than in a bin, in milliseconds (1 µs).
	MinIndexableValue = 1e-3

	// MaxValue is the largest value accepted, in milliseconds (about 31.7
	// years). It keeps the bin index range, and a value in nanoseconds, bounded
	// (10¹⁸ ns < 2⁶³).
	MaxValue = 1e12

	// MinIndex and MaxIndex are the lowest and highest bin indexes a value
	// can have: the bins of MinIndexableValue and of MaxValue.
	MinIndex = -345
	MaxIndex = 1382

	// MaxBins is the maximum number of consecutive bins a sketch keeps; see
	// the package documentation for the collapsing rule.
	MaxBins = 1024
)

// log2 of the mantissa m in [1, 2), quadratic approximation: error below
// 0.005, a sixth of a bin (log2(γ) ≈ 0.0289). Only a guess: index corrects
// it against the bounds table.
const (
	log2C2 = -0.34484843
	log2C1 = 2.02466578
	log2C0 = -1.67487759

	invLog2Gamma = 34.656204 // 1/log2(γ), approximate, only for the guess
)

// boundsBase is the bin index of bounds[0]: the table holds B[MinIndex-1]
// through B[MaxIndex].
const boundsBase = MinIndex - 1

// bounds[i-boundsBase] is B[i], the inclusive upper bound of bin i.
var bounds = buildBounds()

// buildBounds builds B[MinIndex-1..MaxIndex] by chained IEEE-754 products
// and quotients from B[0] = 1, as documented in the package documentation.
// Each product is a single correctly rounded operation, so the table is the
// same on every machine.
func buildBounds() []float64 {
	b := make([]float64, MaxIndex-boundsBase+1)
	b[-boundsBase] = 1
	for i := 1; i <= MaxIndex; i++ {
		b[i-boundsBase] = float64(b[i-1-boundsBase] * gamma)
	}
	for i := -1; i >= boundsBase; i-- {
		b[i-boundsBase] = float64(b[i+1-boundsBase] / gamma)
	}
	return b
}

// upper returns B[i], for boundsBase ≤ i ≤ MaxIndex.
func upper(i int32) float64 { return bounds[i-boundsBase] }

// index returns the bin of v, for MinIndexableValue < v ≤ MaxValue: the
// smallest i with v ≤ B[i].
func index(v float64) int32 {
	b := math.Float64bits(v)
	e := int32(b>>52) - 1023 // v is positive and normal
	m := math.Float64frombits(b&(1<<52-1) | 1023<<52)
	l := float64(e) + (log2C2*m+log2C1)*m + log2C0
	// floor(l/log2(γ)) + 1 ≈ ceil; the +1024/-1024 makes the truncation a
	// floor for the negative indexes.
	i := int32(l*invLog2Gamma+1024) - 1023
	// The guess is within a quarter of a bin of log_γ(v) (TestIndexRandom),
	// so the loops below take at most one step. The clamp keeps the table
	// accesses in range whatever the guess: B[MinIndex-1] ≤
	// MinIndexableValue < v ≤ MaxValue ≤ B[MaxIndex], so i never leaves
	// [MinIndex, MaxIndex].
	i = max(MinIndex, min(i, MaxIndex))
	for v > upper(i) {
		i++
	}
	for v <= upper(i-1) {
		i--
	}
	return i
}

// representative returns the value reported for bin i: the harmonic mean of
// its bounds, 2γ^i/(γ+1) up to the rounding of the table.
func representative(i int32) float64 {
	lo, hi := upper(i-1), upper(i)
	return 2 * lo * hi / (lo + hi)
}

// nanos returns v in nanoseconds rounded to the nearest (halves up) as it is
// summed, for 0 ≤ v ≤ MaxValue. The explicit conversion keeps the product
// from being fused with the addition, so the result is the same everywhere.
func nanos(v float64) uint64 {
	return uint64(int64(float64(v*1e6) + 0.5))
}
