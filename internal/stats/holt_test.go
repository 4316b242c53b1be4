package stats

import (
	"math"
	"testing"

	"github.com/stretchr/testify/require"
)

func newHolt(t testing.TB, cfg HoltConfig) *Holt {
	h, err := NewHolt(cfg)
	require.NoError(t, err)
	return h
}

func TestHoltPerfectLine(t *testing.T) {
	for _, cfg := range []HoltConfig{DefaultHoltConfig(), {Alpha: 1, Beta: 0, Z: 2, ErrorHalfLife: 5}, {Alpha: 0.05, Beta: 1, Z: 1, ErrorHalfLife: 100}} {
		h := newHolt(t, cfg)
		for i := range 200 {
			h.Update(5 + 3*float64(i))
			if i == 0 {
				continue
			}
			for _, steps := range []int{1, 2, 5, 60} {
				v, lo, hi := h.Forecast(steps)
				want := 5 + 3*float64(i+steps)
				require.Equal(t, want, v, "after %d points, %d steps", i+1, steps)
				require.Equal(t, want, lo)
				require.Equal(t, want, hi)
			}
		}
		require.Equal(t, 3.0, h.Slope())
		require.Equal(t, 5+3*199.0, h.Level())
		require.Equal(t, 0.0, h.ErrorVariance())
	}
}

func TestHoltStart(t *testing.T) {
	h := newHolt(t, DefaultHoltConfig())
	v, lo, hi := h.Forecast(1)
	require.True(t, math.IsNaN(v) && math.IsNaN(lo) && math.IsNaN(hi))
	h.Update(math.NaN())
	require.Equal(t, 0, h.N())
	h.Update(10)
	v, lo, hi = h.Forecast(3)
	require.Equal(t, [3]float64{10, 10, 10}, [3]float64{v, lo, hi})
	h.Update(12)
	v, _, _ = h.Forecast(3)
	require.Equal(t, 18.0, v)
	require.Equal(t, 0.0, h.ErrorVariance())
	// The first error sets the variance; the next ones average it.
	h.Update(15) // forecast 14, error 1
	require.Equal(t, 1.0, h.ErrorVariance())
	f, _, _ := h.Forecast(1)
	h.Update(f + 3) // error 3
	require.Equal(t, 5.0, h.ErrorVariance())
	require.Equal(t, 4, h.N())
	// steps < 1 counts as 1.
	a, b, c := h.Forecast(0)
	d, e, g := h.Forecast(1)
	require.Equal(t, [3]float64{d, e, g}, [3]float64{a, b, c})
	h.Reset()
	require.Equal(t, 0, h.N())
	// Overflow is refused.
	h.Update(-math.MaxFloat64)
	h.Update(math.MaxFloat64)
	require.Equal(t, 1, h.N())
}

// TestHoltCoverage: the one-step 95 % interval contains about 95 % of the
// next points of a noisy line.
func TestHoltCoverage(t *testing.T) {
	for _, cfg := range []HoltConfig{DefaultHoltConfig(), {Alpha: 0.5, Beta: 0.05, Z: 1.96, ErrorHalfLife: 60}} {
		h := newHolt(t, cfg)
		r := newRand(8)
		inside, total := 0, 0
		for i := range 20000 {
			x := 10 + 0.5*float64(i) + 2*r.NormFloat64()
			if i >= 100 {
				_, lo, hi := h.Forecast(1)
				if x >= lo && x <= hi {
					inside++
				}
				total++
			}
			h.Update(x)
		}
		coverage := float64(inside) / float64(total)
		t.Logf("%+v: coverage %.4f", cfg, coverage)
		require.GreaterOrEqual(t, coverage, 0.9)
		require.LessOrEqual(t, coverage, 0.99)
		require.InDelta(t, 0.5, h.Slope(), 0.1)
	}
}

func TestHoltIntervalWidens(t *testing.T) {
	h := newHolt(t, DefaultHoltConfig())
	for _, x := range normals(newRand(4), 300, 50, 3) {
		h.Update(x)
	}
	prev := 0.0
	for steps := 1; steps <= 30; steps++ {
		v, lo, hi := h.Forecast(steps)
		require.InDelta(t, v-lo, hi-v, 1e-9)
		width := hi - lo
		require.Greater(t, width, prev, "steps %d", steps)
		// var_h = σ²·(1 + Σ_{j=1}^{h−1} (α + jαβ)²), summed directly.
		sum := 1.0
		for j := 1; j < steps; j++ {
			c := 0.3 + float64(j)*0.3*0.1
			sum += c * c
		}
		require.InDelta(t, 2*1.96*math.Sqrt(h.ErrorVariance()*sum), width, 1e-9*width)
		prev = width
	}
}

func TestHoltConfig(t *testing.T) {
	require.NoError(t, DefaultHoltConfig().Validate())
	for _, mut := range []func(*HoltConfig){
		func(c *HoltConfig) { c.Alpha = 0 },
		func(c *HoltConfig) { c.Alpha = 1.1 },
		func(c *HoltConfig) { c.Beta = -0.1 },
		func(c *HoltConfig) { c.Beta = math.NaN() },
		func(c *HoltConfig) { c.Z = -1 },
		func(c *HoltConfig) { c.Z = math.Inf(1) },
		func(c *HoltConfig) { c.ErrorHalfLife = 0 },
	} {
		cfg := DefaultHoltConfig()
		mut(&cfg)
		require.Error(t, cfg.Validate(), "%+v", cfg)
		_, err := NewHolt(cfg)
		require.Error(t, err)
	}
	require.Equal(t, DefaultHoltConfig(), newHolt(t, DefaultHoltConfig()).Config())
}
