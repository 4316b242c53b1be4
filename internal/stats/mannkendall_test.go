package stats

import (
	"math"
	"testing"

	"github.com/stretchr/testify/require"
)

func newMK(t testing.TB, capacity int) *MannKendall {
	m, err := NewMannKendall(capacity)
	require.NoError(t, err)
	return m
}

// directMK computes S, the tie term Σt(t−1)(2t+5) and the tied pairs
// Σt(t−1)/2 in O(n²).
func directMK(vals []float64) (s, tieTerm, tiedPairs int64) {
	for i := range vals {
		for j := i + 1; j < len(vals); j++ {
			switch {
			case vals[j] > vals[i]:
				s++
			case vals[j] < vals[i]:
				s--
			}
		}
		// Count the group of vals[i] once, at its first member.
		first, t := true, int64(0)
		for j, y := range vals {
			if y == vals[i] {
				if j < i {
					first = false
				}
				t++
			}
		}
		if first {
			tieTerm += t * (t - 1) * (2*t + 5)
			tiedPairs += t * (t - 1) / 2
		}
	}
	return s, tieTerm, tiedPairs
}

func requireMKMatches(t *testing.T, m *MannKendall, window []float64) {
	t.Helper()
	s, tieTerm, tiedPairs := directMK(window)
	n := int64(len(window))
	require.Equal(t, len(window), m.Len())
	require.Equal(t, int(s), m.S(), "window %v", window)
	variance := float64(n*(n-1)*(2*n+5)-tieTerm) / 18
	require.Equal(t, variance, m.Variance())
	n0 := n * (n - 1) / 2
	wantTau := 0.0
	if d := float64(n0) * float64(n0-tiedPairs); d > 0 {
		wantTau = float64(s) / math.Sqrt(d)
	}
	require.InDelta(t, wantTau, m.Tau(), 1e-15)
	wantZ := 0.0
	if variance > 0 && s != 0 {
		wantZ = (float64(s) - math.Copysign(1, float64(s))) / math.Sqrt(variance)
	}
	require.InDelta(t, wantZ, m.Z(), 1e-15)
	require.InDelta(t, math.Erfc(math.Abs(wantZ)/math.Sqrt2), m.PValue(), 1e-15)
	// The O(n log n) rebuild used by UnmarshalBinary agrees too.
	var r MannKendall
	r.init(m.Cap())
	copy(r.vals, window)
	r.rebuild(len(window))
	require.Equal(t, m.s, r.s)
	require.Equal(t, m.tieTerm, r.tieTerm)
	require.Equal(t, m.tiedPairs, r.tiedPairs)
	require.Equal(t, m.sorted, r.sorted)
}

func TestMannKendallMatchesDirect(t *testing.T) {
	for _, capacity := range []int{3, 4, 11, 60} {
		for _, ties := range []bool{false, true} {
			r := newRand(uint64(capacity))
			m := newMK(t, capacity)
			var vals []float64
			for range 10 * capacity {
				x := r.NormFloat64()
				if ties {
					x = float64(r.IntN(4))
					if x == 0 && r.IntN(2) == 0 {
						x = math.Copysign(0, -1) // -0 ties with +0
					}
				}
				m.Push(x)
				vals = append(vals, x)
				requireMKMatches(t, m, vals[max(0, len(vals)-capacity):])
			}
		}
	}
}

func TestMannKendallMonotonic(t *testing.T) {
	m := newMK(t, 20)
	for i := range 20 {
		m.Push(float64(i) * 0.5)
	}
	require.Equal(t, 190, m.S())
	require.Equal(t, 950.0, m.Variance())
	require.Equal(t, 189/math.Sqrt(950), m.Z())
	require.Equal(t, 1.0, m.Tau())
	require.Less(t, m.PValue(), 1e-6)

	d := newMK(t, 20)
	for i := range 50 { // slides: only the last 20 count
		d.Push(-float64(i))
	}
	require.Equal(t, -190, d.S())
	require.Equal(t, -1.0, d.Tau())
	require.Less(t, d.PValue(), 1e-6)
}

func TestMannKendallConstant(t *testing.T) {
	m := newMK(t, 10)
	require.Equal(t, 0.0, m.Z())
	require.Equal(t, 1.0, m.PValue())
	require.Equal(t, 0.0, m.Tau())
	for range 15 {
		m.Push(3)
	}
	require.Equal(t, 0, m.S())
	require.Equal(t, 0.0, m.Variance())
	require.Equal(t, 0.0, m.Z())
	require.Equal(t, 1.0, m.PValue())
	require.Equal(t, 0.0, m.Tau())
	m.Push(math.NaN())
	m.Push(math.Inf(1))
	require.Equal(t, 10, m.Len())
	m.Reset()
	require.Equal(t, 0, m.Len())
	require.Equal(t, 0, m.S())
	_, err := NewMannKendall(2)
	require.Error(t, err)
}

// TestMannKendallFalsePositiveRate: on white noise the test at α = 0.05
// rejects about 5 % of series.
func TestMannKendallFalsePositiveRate(t *testing.T) {
	const series, alpha = 1000, 0.05
	m := newMK(t, 60)
	rejected := 0
	for seed := range uint64(series) {
		m.Reset()
		for _, x := range normals(newRand(1000+seed), 60, 10, 3) {
			m.Push(x)
		}
		if m.PValue() < alpha {
			rejected++
		}
	}
	rate := float64(rejected) / series
	t.Logf("false positive rate %.3f", rate)
	require.GreaterOrEqual(t, rate, 0.02)
	require.LessOrEqual(t, rate, 0.08)
}
