package sketch

import (
	"hash/fnv"
	"math"
	"math/rand/v2"
	"sort"
	"testing"

	"github.com/stretchr/testify/require"
)

// refIndex is the normative definition of the mapping: the smallest i with
// v ≤ B[i], by binary search in the table.
func refIndex(v float64) int32 {
	k := sort.Search(len(bounds), func(k int) bool { return v <= bounds[k] })
	return int32(k) + boundsBase
}

func TestBoundsTable(t *testing.T) {
	require.Equal(t, float64(101)/99, gamma)
	require.Equal(t, 1.0, upper(0))
	// MinIndex and MaxIndex are the bins of MinIndexableValue and MaxValue.
	require.LessOrEqual(t, upper(MinIndex-1), MinIndexableValue)
	require.Greater(t, upper(MinIndex), MinIndexableValue)
	require.Less(t, upper(MaxIndex-1), MaxValue)
	require.GreaterOrEqual(t, upper(MaxIndex), MaxValue)
	require.Equal(t, int32(MaxIndex-MinIndex+1), int32(1728))

	for i := int32(boundsBase); i <= MaxIndex; i++ {
		b := upper(i)
		// Within 2e-13 relative of the mathematical γ^i.
		exact := math.Exp(float64(i) * math.Log(101.0/99.0))
		require.InDelta(t, 1, b/exact, 2e-13, "bin %d", i)
		if i > boundsBase {
			require.InDelta(t, gamma, b/upper(i-1), 1e-15, "bin %d", i)
		}
	}

	// The table is serialized through the bin indexes: pin it bit for bit.
	h := fnv.New64a()
	for _, b := range bounds {
		var buf [8]byte
		u := math.Float64bits(b)
		for k := range buf {
			buf[k] = byte(u >> (8 * k))
		}
		h.Write(buf[:])
	}
	require.Equal(t, boundsChecksum, h.Sum64(), "the bin bounds changed: this breaks every serialized sketch")
}

// boundsChecksum is the FNV-1a 64 of the bounds table, little-endian bits.
const boundsChecksum uint64 = 0x83f785230df22e08

func TestIndexAtBounds(t *testing.T) {
	for i := int32(MinIndex); i <= MaxIndex; i++ {
		b := upper(i)
		if b <= MaxValue {
			require.Equal(t, i, index(b), "B[%d] itself", i)
			require.Equal(t, i+1, index(math.Nextafter(b, math.Inf(1))), "just above B[%d]", i)
		}
		if below := math.Nextafter(upper(i-1), math.Inf(1)); below > MinIndexableValue && below <= MaxValue {
			require.Equal(t, i, index(below), "just above B[%d]", i-1)
		}
	}
	require.Equal(t, int32(MinIndex), index(math.Nextafter(MinIndexableValue, 1)))
	require.Equal(t, int32(MaxIndex), index(MaxValue))
	require.Equal(t, int32(0), index(1))
	require.Equal(t, int32(1), index(math.Nextafter(1, 2)))
}

func TestIndexRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	maxGuessErr := 0.0
	for range 200_000 {
		// Log-uniform over the whole range, and the full mantissa.
		v := math.Exp(math.Log(MinIndexableValue) + r.Float64()*(math.Log(MaxValue)-math.Log(MinIndexableValue)))
		if v <= MinIndexableValue || v > MaxValue {
			continue
		}
		i := index(v)
		require.Equal(t, refIndex(v), i, "v=%v", v)
		require.Equal(t, int32(math.Ceil(math.Log(v)/math.Log(101.0/99.0))), i, "v=%v", v)

		// The quadratic guess is well within a bin, so the correction loops
		// take at most one step.
		b := math.Float64bits(v)
		m := math.Float64frombits(b&(1<<52-1) | 1023<<52)
		l := float64(int32(b>>52)-1023) + (log2C2*m+log2C1)*m + log2C0
		maxGuessErr = max(maxGuessErr, math.Abs(l-math.Log2(v))*invLog2Gamma)
	}
	require.Less(t, maxGuessErr, 0.25, "guess error in bins")
	require.InDelta(t, 1/math.Log2(101.0/99.0), invLog2Gamma, 1e-5)
}

func TestRepresentativeError(t *testing.T) {
	worst := 0.0
	for i := int32(MinIndex); i <= MaxIndex; i++ {
		rep := representative(i)
		require.InDelta(t, 2*math.Pow(gamma, float64(i))/(gamma+1), rep, rep*1e-12)
		lo, hi := math.Nextafter(upper(i-1), math.Inf(1)), upper(i)
		worst = max(worst, math.Abs(rep-lo)/lo, math.Abs(rep-hi)/hi)
	}
	require.LessOrEqual(t, worst, Alpha*(1+1e-12))
}

func TestNanos(t *testing.T) {
	require.Equal(t, uint64(0), nanos(0))
	require.Equal(t, uint64(1), nanos(1e-6))
	require.Equal(t, uint64(1), nanos(1.4e-6))
	require.Equal(t, uint64(2), nanos(1.5e-6))
	require.Equal(t, uint64(100_000), nanos(0.1))
	require.Equal(t, uint64(1e18), nanos(MaxValue))
}
