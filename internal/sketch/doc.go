// Package sketch implements a mergeable quantile sketch for latencies
// (milliseconds, float64 ≥ 0) in the style of DDSketch: every quantile it
// returns is within a relative error of Alpha (1 %) of the exact quantile,
// two sketches merge exactly, and inserting is allocation-free once the
// sketch has grown to cover the values it sees.
//
// # Mapping
//
// A value v with MinIndexableValue < v ≤ MaxValue goes into bin i, where i is
// the smallest integer with v ≤ B[i]. The bin bounds B are a fixed table
// built with IEEE-754 binary64 arithmetic (round to nearest even), which
// every conforming machine computes bit for bit the same way:
//
//	γ    = fl(101/99)            // (1+Alpha)/(1-Alpha) rounded to float64
//	B[0] = 1
//	B[i] = fl(B[i-1] × γ)        // i > 0
//	B[i] = fl(B[i+1] / γ)        // i < 0
//
// so bin i holds (B[i-1], B[i]]. Mathematically B[i] = γ^i, and bin i is the
// bin of index(v) = ceil(log(v)/log(γ)); the rounding of the chained products
// moves a bound by at most |i|·2⁻⁵³ relative (< 2·10⁻¹³ over the whole
// table), so the two definitions differ only for values that close to a bin
// bound. The table definition is the normative one: bin indexes are
// serialized, and a fast logarithm (exponent bits plus a quadratic for the
// mantissa) only guesses the index, which is then corrected by comparing v
// with the table, so the result never depends on the platform's log, on FMA
// contraction or on the compiler. Bins run from MinIndex (-345, the bin of
// MinIndexableValue) to MaxIndex (1382, the bin of MaxValue): 1728 indexes
// cover the whole accepted range.
//
// Values 0 ≤ v ≤ MinIndexableValue (1 µs) are counted in a separate zero
// bucket. Negative values, NaN, ±Inf and values above MaxValue (10¹² ms,
// about 31.7 years) are rejected: Add returns false and the sketch is
// unchanged. -0 is stored as +0.
//
// # Quantiles
//
// Quantile(q) returns an estimate of the value of rank ⌊q·(n−1)⌋ (0-based,
// in ascending order) among the n values added: the "lower" quantile, so that
// q = 0 is the minimum and q = 1 the maximum. The estimate is the
// representative of the bin holding that rank, the harmonic mean of its
// bounds, 2·B[i−1]·B[i]/(B[i−1]+B[i]) = 2γ^i/(γ+1), whose relative distance
// to any value of the bin is at most (γ−1)/(γ+1) = Alpha (plus a few ulps),
// clamped into [Min, Max], which can only bring it closer. A rank in the zero
// bucket returns Min (its values are within MinIndexableValue of 0, an
// absolute rather than relative error).
//
// # Exact merge
//
// A sketch is a pure function of the multiset of values added to it: the
// count per bin and in the zero bucket, the count of values, the minimum,
// the maximum and the sum. The sum is kept exactly as a 128-bit integer
// number of nanoseconds (each value rounded once to the nearest nanosecond,
// as fl(v×10⁶)+0.5 truncated), so it does not depend on the order of
// additions either; Sum converts it to milliseconds, so it differs from the
// real sum by at most 0.5 ns per value plus the float64 rounding of the
// result. Therefore
// merging the sketches of A and B, in any order and any tree, gives a sketch
// Equal to — and with the same AppendBinary bytes as — the sketch of A ∪ B.
//
// # Bounds
//
// Bin counts are uint32 (4 bytes a bin); a bin whose count would exceed
// 2³²−1 keeps its high 32 bits in a small map, so counts never saturate and
// stay exact up to the total count, a uint64. An Add, AddN or Merge that
// would take the total count beyond 2⁶⁴−1 is refused (not reachable with
// real data).
//
// At most MaxBins (1024, about 8.9 decades) consecutive bins are kept. When
// a value would widen the range of non-empty bins beyond that, the lowest
// bins are collapsed into the lowest kept one, as DDSketch's collapsing
// lowest dense store does: every value then counts in bin max(i, H−MaxBins+1)
// where H is the highest non-empty bin. Collapsing only degrades the lowest
// quantiles (those whose rank falls in the collapsed bin); quantiles above it
// keep the Alpha guarantee. Because the rule depends only on H, which is the
// bin of the maximum, a collapsed sketch is still a pure function of the
// multiset of values, and merging stays exact even when the inputs or the
// result collapsed: merge(sketch(A), sketch(B)) is Equal to sketch(A ∪ B)
// in every case. Collapsing needs values more than γ^1023 ≈ 7.7·10⁸ apart
// (1 µs and 13 minutes), so real latencies do not trigger it; it bounds the
// memory of a sketch at 4 KiB of bins whatever it is fed.
//
// A Sketch is not safe for concurrent use. Its zero value is an empty sketch
// ready to use.
package sketch // import "github.com/otelcol-chaos/otelcol-chaos/internal/sketch"
