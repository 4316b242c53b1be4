package stats

import (
	"math"
	"testing"

	"github.com/stretchr/testify/require"
)

func newTrend(t testing.TB, cfg TrendConfig) *Trend {
	tr, err := NewTrend(cfg)
	require.NoError(t, err)
	return tr
}

// TestTrendClassifies runs 100 seeded synthetic series of 60 points per
// shape and checks the classification of (nearly) all of them.
func TestTrendClassifies(t *testing.T) {
	shapes := []struct {
		name    string
		gen     func(i int, noise float64) float64
		want    Direction
		minRate float64
	}{
		{"rising", func(i int, e float64) float64 { return 100 + 1.5*float64(i) + 10*e }, DirectionIncreasing, 0.99},
		{"falling", func(i int, e float64) float64 { return 500 - 2*float64(i) + 10*e }, DirectionDecreasing, 0.99},
		{"step-up", func(i int, e float64) float64 { return 100 + 30*float64(i/30) + 5*e }, DirectionIncreasing, 0.99},
		// White noise: the Mann-Kendall test rejects ~5 % by chance.
		{"flat+noise", func(_ int, e float64) float64 { return 100 + 5*e }, DirectionStable, 0.9},
		{"wild", func(_ int, e float64) float64 { return 100 + 100*e }, DirectionVolatile, 0.9},
		{"wild-spikes", func(i int, e float64) float64 { return 20 + 2*e + 400*float64(i%9/8) }, DirectionVolatile, 0.9},
	}
	tr := newTrend(t, DefaultTrendConfig())
	for _, sh := range shapes {
		hits := 0
		counts := map[Direction]int{}
		for seed := range uint64(100) {
			tr.Reset()
			r := newRand(seed)
			for i := range 60 {
				tr.Push(sh.gen(i, r.NormFloat64()))
			}
			res := tr.Classify()
			counts[res.Direction]++
			if res.Direction == sh.want {
				hits++
			}
		}
		t.Logf("%-11s %v", sh.name, counts)
		require.GreaterOrEqual(t, float64(hits)/100, sh.minRate, "%s: %v", sh.name, counts)
	}
}

func TestTrendResult(t *testing.T) {
	cfg := DefaultTrendConfig()
	cfg.Window = 20
	tr := newTrend(t, cfg)
	for i := range 40 {
		tr.Push(float64(i))
	}
	res := tr.Classify()
	require.Equal(t, DirectionIncreasing, res.Direction)
	require.Equal(t, 20, res.N)
	require.Equal(t, 20, tr.Len())
	require.InDelta(t, 1, res.Slope, 1e-12)
	require.InDelta(t, 20, res.Intercept, 1e-12)
	require.InDelta(t, 1, res.R2, 1e-12)
	require.InDelta(t, 29.5, res.Mean, 1e-12)
	require.Equal(t, 190, res.S)
	require.Equal(t, 1.0, res.Tau)
	require.Equal(t, 189/math.Sqrt(950), res.Z)
	require.Less(t, res.PValue, 1e-6)
	require.Equal(t, 1-res.PValue, res.Confidence)
	require.InDelta(t, 0, res.CV, 1e-9)
	require.Equal(t, tr.Fit(), tr.w.Fit())
}

func TestTrendUnknownAndStable(t *testing.T) {
	cfg := DefaultTrendConfig()
	cfg.MinPoints = 5
	tr := newTrend(t, cfg)
	require.Equal(t, DirectionUnknown, tr.Classify().Direction)
	for i := range 4 {
		tr.Push(float64(i))
		require.Equal(t, DirectionUnknown, tr.Classify().Direction)
	}
	tr.Reset()
	for range 30 {
		tr.Push(0) // flat at 0: CV uses MinLevel, residuals are 0
	}
	res := tr.Classify()
	require.Equal(t, DirectionStable, res.Direction)
	require.Equal(t, 1.0, res.PValue)
	require.Equal(t, 0.0, res.Confidence)
	require.Equal(t, 0.0, res.CV)
	tr.Push(math.NaN())
	require.Equal(t, 30, tr.Len())
}

func TestDirectionString(t *testing.T) {
	require.Equal(t, "unknown", DirectionUnknown.String())
	require.Equal(t, "stable", DirectionStable.String())
	require.Equal(t, "increasing", DirectionIncreasing.String())
	require.Equal(t, "decreasing", DirectionDecreasing.String())
	require.Equal(t, "volatile", DirectionVolatile.String())
	require.Equal(t, "Direction(9)", Direction(9).String())
}

func TestTrendConfig(t *testing.T) {
	require.NoError(t, DefaultTrendConfig().Validate())
	for _, mut := range []func(*TrendConfig){
		func(c *TrendConfig) { c.Window = 2 },
		func(c *TrendConfig) { c.Window = MaxWindow + 1 },
		func(c *TrendConfig) { c.Alpha = 0 },
		func(c *TrendConfig) { c.Alpha = 1 },
		func(c *TrendConfig) { c.Alpha = math.NaN() },
		func(c *TrendConfig) { c.VolatileCV = 0 },
		func(c *TrendConfig) { c.VolatileCV = math.Inf(1) },
		func(c *TrendConfig) { c.MinLevel = 0 },
		func(c *TrendConfig) { c.MinPoints = 2 },
		func(c *TrendConfig) { c.MinPoints = 61 },
	} {
		cfg := DefaultTrendConfig()
		mut(&cfg)
		require.Error(t, cfg.Validate(), "%+v", cfg)
		_, err := NewTrend(cfg)
		require.Error(t, err)
	}
	require.Equal(t, DefaultTrendConfig(), newTrend(t, DefaultTrendConfig()).Config())
}
