package stats

import (
	"math"
	"testing"

	"github.com/stretchr/testify/require"
)

func newWindow(t testing.TB, capacity int) *Window {
	w, err := NewWindow(capacity)
	require.NoError(t, err)
	return w
}

// directFit is the textbook two-pass OLS fit of vals on 0..n−1, computed
// on vals − vals[0] (exact for values of the same magnitude) so that the
// sum of 60 values around 1e9 does not round the mean to ~1e-5.
func directFit(vals []float64) LinearFit {
	n := len(vals)
	f := LinearFit{N: n}
	if n == 0 {
		return f
	}
	fn := float64(n)
	for _, x := range vals {
		f.Mean += x - vals[0]
	}
	f.Mean /= fn
	f.Intercept = vals[0] + f.Mean
	if n < 2 {
		f.Mean = f.Intercept
		return f
	}
	ibar := (fn - 1) / 2
	var sxx, sii, six float64
	for i, x := range vals {
		di, dx := float64(i)-ibar, (x-vals[0])-f.Mean
		sxx += dx * dx
		sii += di * di
		six += di * dx
	}
	f.Variance = sxx / (fn - 1)
	f.Slope = six / sii
	var sse float64
	for i, x := range vals { // centered, so a level of 1e9 costs no digits
		e := ((x - vals[0]) - f.Mean) - f.Slope*(float64(i)-ibar)
		sse += e * e
	}
	f.Mean += vals[0]
	f.Intercept = f.Mean - f.Slope*ibar
	if sxx > 0 {
		f.R2 = 1 - sse/sxx
	}
	if n >= 3 {
		f.ResidualStd = math.Sqrt(sse / (fn - 2))
		f.SlopeStdErr = f.ResidualStd / math.Sqrt(sii)
		if f.SlopeStdErr > 0 {
			f.SlopeTStat = f.Slope / f.SlopeStdErr
		}
	}
	return f
}

// requireFitClose compares an incremental fit with a direct one to a
// relative tolerance, each quantity against its natural scale.
func requireFitClose(t *testing.T, want, got LinearFit, tol float64, msg string) {
	t.Helper()
	sd := math.Sqrt(want.Variance)
	n := float64(max(want.N, 1))
	require.Equal(t, want.N, got.N, msg)
	require.True(t, relClose(got.Mean, want.Mean, sd, tol), "%s: mean %v, want %v", msg, got.Mean, want.Mean)
	require.True(t, relClose(got.Variance, want.Variance, 0, tol), "%s: variance %v, want %v", msg, got.Variance, want.Variance)
	require.True(t, relClose(got.Slope, want.Slope, sd/n, tol), "%s: slope %v, want %v", msg, got.Slope, want.Slope)
	require.True(t, relClose(got.Intercept, want.Intercept, sd, tol), "%s: intercept %v, want %v", msg, got.Intercept, want.Intercept)
	require.True(t, relClose(got.R2, want.R2, 1, tol), "%s: R² %v, want %v", msg, got.R2, want.R2)
	require.True(t, relClose(got.ResidualStd, want.ResidualStd, sd, tol), "%s: residual std %v, want %v", msg, got.ResidualStd, want.ResidualStd)
	require.True(t, relClose(got.SlopeTStat, want.SlopeTStat, 1, tol), "%s: t %v, want %v", msg, got.SlopeTStat, want.SlopeTStat)
}

func TestWindowPerfectLine(t *testing.T) {
	for _, capacity := range []int{3, 7, 60} {
		w := newWindow(t, capacity)
		for i := range 5 * capacity {
			w.Push(3 + 2*float64(i))
			f := w.Fit()
			n := min(i+1, capacity)
			oldest := 3 + 2*float64(i+1-n)
			require.Equal(t, n, f.N)
			require.InDelta(t, oldest+float64(n-1), f.Mean, 1e-12)
			require.InDelta(t, oldest, f.Intercept, 1e-12)
			require.Equal(t, oldest, w.At(0))
			require.Equal(t, 3+2*float64(i), w.At(n-1))
			if n < 2 {
				continue
			}
			require.InDelta(t, 2, f.Slope, 1e-12)
			require.InDelta(t, 1, f.R2, 1e-12)
			if n < 3 {
				continue
			}
			require.InDelta(t, 0, f.ResidualStd, 1e-6)
			require.Greater(t, f.SlopeTStat, 1e6)
			require.Less(t, f.SlopePValue(), 1e-12)
		}
		require.True(t, w.Full())
		require.Equal(t, capacity, w.Len())
		require.Equal(t, capacity, w.Cap())
	}
	// Exactly representable line: exact results.
	w := newWindow(t, 8)
	for i := range 100 {
		w.Push(float64(5 * i))
	}
	require.Equal(t, 5.0, w.Slope())
	require.Equal(t, 5.0*92, w.Intercept())
	require.Equal(t, 1.0, w.R2())
	require.Equal(t, math.Inf(1), w.SlopeTStat())
	require.Equal(t, 0.0, w.SlopePValue())
}

func TestWindowFlat(t *testing.T) {
	w := newWindow(t, 10)
	for range 25 {
		w.Push(4)
	}
	f := w.Fit()
	require.Equal(t, LinearFit{N: 10, Mean: 4, Intercept: 4}, f)
	require.Equal(t, 1.0, f.SlopePValue())
}

func TestWindowSmall(t *testing.T) {
	w := newWindow(t, 5)
	require.Equal(t, LinearFit{}, w.Fit())
	require.Equal(t, 1.0, w.SlopePValue())
	w.Push(2)
	require.Equal(t, LinearFit{N: 1, Mean: 2, Intercept: 2}, w.Fit())
	w.Push(4)
	require.Equal(t, LinearFit{N: 2, Mean: 3, Variance: 2, Slope: 2, Intercept: 2, R2: 1}, w.Fit())
	require.Equal(t, 1.0, w.SlopePValue())
	w.Push(math.NaN())
	w.Push(math.Inf(-1))
	require.Equal(t, 2, w.Len())
	require.Equal(t, []float64{2, 4}, w.AppendValues(nil))
	require.Panics(t, func() { w.At(2) })
	require.Panics(t, func() { w.At(-1) })
	w.Reset()
	require.Equal(t, 0, w.Len())
	require.Equal(t, LinearFit{}, w.Fit())
	_, err := NewWindow(2)
	require.Error(t, err)
	_, err = NewWindow(MaxWindow + 1)
	require.Error(t, err)
}

func TestWindowMatchesDirect(t *testing.T) {
	for _, capacity := range []int{3, 4, 17, 60} {
		r := newRand(uint64(capacity))
		w := newWindow(t, capacity)
		var vals []float64
		for i := range 20 * capacity {
			x := 50 + 10*r.NormFloat64() + 0.3*float64(i)
			if i%7 == 0 {
				x = float64(r.IntN(3)) // some repeats and jumps
			}
			w.Push(x)
			vals = append(vals, x)
			window := vals[max(0, len(vals)-capacity):]
			requireFitClose(t, directFit(window), w.Fit(), 1e-9, "")
			require.Equal(t, window, w.AppendValues(nil))
			want := directFit(window)
			if want.N >= 3 {
				require.InDelta(t, StudentTTwoSidedP(want.SlopeTStat, float64(want.N-2)), w.SlopePValue(), 1e-9)
			}
		}
	}
}

// TestWindowStability pushes 10⁶ points around 10⁹ and checks the window
// still matches a direct computation: running sums of x and x² would have
// lost every digit.
func TestWindowStability(t *testing.T) {
	n := 1_000_000
	if testing.Short() {
		n = 100_000
	}
	for _, tc := range []struct {
		name        string
		level, step float64
		noise       float64
	}{
		{"noise", 1e9, 0, 1},
		{"ramp", 1e9, 3, 50},
		{"tiny-noise", 1e9, 0, 1e-3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newRand(99)
			const capacity = 60
			w := newWindow(t, capacity)
			ring := make([]float64, 0, n)
			for i := range n {
				x := tc.level + tc.step*float64(i%1000) + tc.noise*r.NormFloat64()
				w.Push(x)
				ring = append(ring, x)
				if i%99_991 == 0 || i == n-1 || (i > n-3*capacity) {
					requireFitClose(t, directFit(ring[max(0, len(ring)-capacity):]), w.Fit(), 1e-9, tc.name)
				}
			}
		})
	}
}

func TestWindowRandomCapacities(t *testing.T) {
	r := newRand(5)
	for range 200 {
		capacity := MinWindow + r.IntN(40)
		w := newWindow(t, capacity)
		var vals []float64
		pushes := r.IntN(5 * capacity)
		for range pushes {
			x := r.NormFloat64() * 1e3
			w.Push(x)
			vals = append(vals, x)
		}
		window := vals[max(0, len(vals)-capacity):]
		requireFitClose(t, directFit(window), w.Fit(), 1e-9, "")
	}
}
