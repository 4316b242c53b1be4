package sketch

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// promBounds are Prometheus' default histogram buckets, in milliseconds.
var promBounds = []float64{5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000}

func mustBounds(t testing.TB, ms []float64) *Bounds {
	t.Helper()
	b, err := NewBounds(ms)
	require.NoError(t, err)
	return b
}

func countsOf(t testing.TB, b *Bounds, s *Sketch) ([]uint64, uint64) {
	t.Helper()
	dst := make([]uint64, b.Len())
	n, err := b.Counts(s.AppendBinary(nil), dst)
	require.NoError(t, err)
	return dst, n
}

func TestBoundsCountsTable(t *testing.T) {
	b := mustBounds(t, promBounds)
	for _, tc := range []struct {
		name string
		vals []float64
		want []uint64 // per bucket, not cumulative; the last is +Inf
	}{
		{"empty", nil, make([]uint64, 12)},
		{"zero bucket", []float64{0, 1e-4}, []uint64{2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}},
		{"on the bounds", []float64{5, 10, 100, 1000, 10000}, []uint64{1, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1, 0}},
		{"just below the bounds", []float64{4.9, 99, 999}, []uint64{1, 0, 0, 0, 1, 0, 0, 1, 0, 0, 0, 0}},
		{"well above a bound", []float64{110, 600, 3000}, []uint64{0, 0, 0, 0, 0, 1, 0, 1, 0, 1, 0, 0}},
		{"beyond the last bound", []float64{10500, 60000, 60000}, []uint64{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3}},
		{"round chaos delays", []float64{50, 50, 50, 250, 500, 500}, []uint64{0, 0, 0, 3, 0, 1, 2, 0, 0, 0, 0, 0}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := build(tc.vals)
			got, n := countsOf(t, b, s)
			require.Equal(t, tc.want, got)
			require.Equal(t, uint64(len(tc.vals)), n)
		})
	}
}

// Every value up to a bound is counted at or below it, and nothing counted
// at or below a bound exceeds it by more than γ (one bin).
func TestBoundsCountsRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	b := mustBounds(t, promBounds)
	for range 50 {
		vals := lognormal(r, 2000, math.Log(200), 1.5)
		got, n := countsOf(t, b, build(vals))
		require.Equal(t, uint64(len(vals)), n)
		var cum uint64
		for j, bound := range promBounds {
			cum += got[j]
			var atMost, withinBin uint64
			for _, v := range vals {
				if v <= bound {
					atMost++
				}
				if v <= bound*gamma {
					withinBin++
				}
			}
			require.GreaterOrEqual(t, cum, atMost, "bound %v", bound)
			require.LessOrEqual(t, cum, withinBin, "bound %v", bound)
		}
		require.Equal(t, n, cum+got[len(promBounds)])
	}
}

// A collapsed sketch and one with bins above 2³² count like the others.
func TestBoundsCountsSamples(t *testing.T) {
	b := mustBounds(t, promBounds)
	for name, s := range sampleSketches() {
		t.Run(name, func(t *testing.T) {
			got, n := countsOf(t, b, s)
			require.Equal(t, s.Count(), n)
			var sum uint64
			for _, c := range got {
				sum += c
			}
			require.Equal(t, s.Count(), sum)
		})
	}
}

func TestNewBoundsInvalid(t *testing.T) {
	for name, ms := range map[string][]float64{
		"not increasing": {10, 10},
		"decreasing":     {10, 5},
		"zero":           {0, 5},
		"below 1 µs":     {1e-4},
		"NaN":            {math.NaN()},
		"infinite":       {5, math.Inf(1)},
		"above MaxValue": {MaxValue * 2},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := NewBounds(ms)
			require.ErrorIs(t, err, ErrBounds)
		})
	}
	b := mustBounds(t, nil)
	require.Equal(t, 1, b.Len(), "no bounds: one bucket, +Inf")
}

func TestBoundsCountsCorrupt(t *testing.T) {
	b := mustBounds(t, promBounds)
	dst := make([]uint64, b.Len())
	for _, enc := range [][]byte{nil, {2, 0}, {1, 0x80, 0x00}, append(build([]float64{3}).AppendBinary(nil), 0)} {
		_, err := b.Counts(enc, dst)
		require.ErrorIs(t, err, ErrCorrupt, "%x", enc)
	}
	_, err := b.Counts(build([]float64{3}).AppendBinary(nil), make([]uint64, 3))
	require.Error(t, err, "dst of the wrong length")
}

func TestBoundsCountsAllocatesNothing(t *testing.T) {
	b := mustBounds(t, promBounds)
	enc := build(typicalBucket(3)).AppendBinary(nil)
	dst := make([]uint64, b.Len())
	require.Zero(t, testing.AllocsPerRun(100, func() {
		if _, err := b.Counts(enc, dst); err != nil {
			panic(err)
		}
	}))
}

// FuzzBoundsCounts: Counts accepts exactly what UnmarshalBinary accepts, and
// then counts every value once.
func FuzzBoundsCounts(f *testing.F) {
	for _, s := range sampleSketches() {
		f.Add(s.AppendBinary(nil))
	}
	f.Add([]byte{})
	f.Add([]byte(hdr(2, 0, 0, 3e6, 1, 2).i(0).u(36).u(1).raw(0).u(33).u(1)))
	b, err := NewBounds(promBounds)
	require.NoError(f, err)
	dst := make([]uint64, b.Len())
	f.Fuzz(func(t *testing.T, enc []byte) {
		var s Sketch
		uerr := s.UnmarshalBinary(enc)
		n, err := b.Counts(enc, dst)
		if uerr != nil {
			require.ErrorIs(t, err, ErrCorrupt)
			return
		}
		require.NoError(t, err)
		require.Equal(t, s.Count(), n)
		var sum uint64
		for _, c := range dst {
			sum += c
		}
		require.Equal(t, n, sum)
	})
}

func BenchmarkBoundsCounts(b *testing.B) {
	bounds, err := NewBounds(promBounds)
	if err != nil {
		b.Fatal(err)
	}
	enc := build(typicalBucket(3)).AppendBinary(nil)
	dst := make([]uint64, bounds.Len())
	b.ReportAllocs()
	for b.Loop() {
		if _, err := bounds.Counts(enc, dst); err != nil {
			b.Fatal(err)
		}
	}
}
