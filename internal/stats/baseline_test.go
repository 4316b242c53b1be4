package stats

import (
	"math"
	"testing"

	"github.com/stretchr/testify/require"
)

func newBaseline(t testing.TB, halfLife float64) *Baseline {
	cfg := DefaultBaselineConfig()
	cfg.HalfLife = halfLife
	b, err := NewBaseline(cfg)
	require.NoError(t, err)
	return b
}

func TestBaselineConverges(t *testing.T) {
	for seed := range uint64(5) {
		for _, tc := range []struct{ mu, sigma float64 }{{100, 10}, {-3, 0.01}, {1e9, 1e5}, {0, 1}} {
			b := newBaseline(t, 200)
			for _, x := range normals(newRand(seed), 5000, tc.mu, tc.sigma) {
				b.Update(x)
			}
			// The EW mean with λ = 1−2^(−1/200) has a standard deviation of
			// σ·√(λ/(2−λ)) ≈ 0.042σ, the EW-MAD scale about 3 % relative.
			require.InDelta(t, tc.mu, b.Mean(), 0.2*tc.sigma, "seed %d %+v", seed, tc)
			require.InDelta(t, 1, b.Scale()/tc.sigma, 0.1, "seed %d %+v", seed, tc)
			require.Equal(t, 5000, b.N())
			require.True(t, b.Warm())
		}
	}
}

// TestBaselineScaleIsSigmaConsistent averages the scale over a long run:
// it estimates σ·√(1+λ/(2−λ)) (the one-step error), less the 0.1 % bias
// of clipping at K = 3.
func TestBaselineScaleIsSigmaConsistent(t *testing.T) {
	b := newBaseline(t, 30)
	r := newRand(42)
	sum, count := 0.0, 0
	for i, x := range normals(r, 200000, 50, 2) {
		b.Update(x)
		if i >= 1000 {
			sum += b.Scale()
			count++
		}
	}
	lambda := halfLifeWeight(30)
	want := 2 * math.Sqrt(1+lambda/(2-lambda)) * 0.99906
	require.InDelta(t, want, sum/float64(count), 0.01*want)
}

func TestBaselineSpike(t *testing.T) {
	for _, spike := range []float64{1e3, 1e6, -1e12, 1e300} {
		b := newBaseline(t, 30)
		for _, x := range normals(newRand(7), 1000, 100, 10) {
			b.Update(x)
		}
		mean, scale := b.Mean(), b.Scale()
		require.Greater(t, b.Z(spike)*math.Copysign(1, spike), 50.0)
		b.Update(spike)
		// Clipped at K·scale: the mean moves by at most λ·K·scale.
		lambda := halfLifeWeight(30)
		require.LessOrEqual(t, math.Abs(b.Mean()-mean), lambda*3*scale*(1+1e-12), "spike %v", spike)
		require.Less(t, math.Abs(b.Mean()-mean), 0.1*10, "spike %v", spike)
		require.Less(t, b.Scale()/scale, 1.1, "spike %v", spike)
	}
}

func TestBaselineLevelShift(t *testing.T) {
	const hl = 30
	for _, shift := range []float64{10, 100, -100, 1000} {
		b := newBaseline(t, hl)
		r := newRand(3)
		for _, x := range normals(r, 500, 100, 1) {
			b.Update(x)
		}
		newLevel := 100 + shift
		for i, x := range normals(r, 15*hl, newLevel, 1) {
			b.Update(x)
			halfLives := (i + 1) / hl
			switch {
			case halfLives == 5 && math.Abs(shift) <= 10:
				require.Less(t, math.Abs(b.Mean()-newLevel), 1.0, "shift %v", shift)
				require.Less(t, math.Abs(b.Z(newLevel)), 1.0, "shift %v", shift)
			case halfLives == 4 && math.Abs(shift) <= 100, halfLives == 6:
				// The new level is inside the 1σ band.
				require.Less(t, math.Abs(b.Z(newLevel)), 1.0, "shift %v after %d half-lives", shift, halfLives)
			}
		}
		// After 15 half-lives the old level is forgotten.
		require.Less(t, math.Abs(b.Mean()-newLevel), 1.0, "shift %v", shift)
		require.Less(t, b.Scale(), 3.0, "shift %v", shift)
	}
}

func TestBaselineWarmUp(t *testing.T) {
	cfg := DefaultBaselineConfig()
	cfg.WarmUp = 10
	b, err := NewBaseline(cfg)
	require.NoError(t, err)
	require.False(t, b.Warm())
	require.Equal(t, 0.0, b.Z(123)) // no baseline yet
	// During the warm-up nothing is clipped: the first points are a plain
	// running mean and mean absolute deviation.
	b.Update(0)
	require.Equal(t, 0.0, b.Mean())
	require.Equal(t, 0.0, b.MAD())
	b.Update(100)
	require.Equal(t, 50.0, b.Mean())
	require.Equal(t, 100.0, b.MAD())
	b.Update(1e6)
	require.InDelta(t, (1e6+100)/3, b.Mean(), 1e-6)
	for i := 3; i < 9; i++ {
		require.False(t, b.Warm(), "after %d points", b.N())
		b.Update(50)
	}
	require.Equal(t, 9, b.N())
	require.False(t, b.Warm())
	b.Update(50)
	require.True(t, b.Warm())
	require.Equal(t, 10, b.N())
	// Now a spike is clipped, and moves the mean by K·scale times the
	// weight of the point: still 1/(n+1) > λ this early.
	mean, scale := b.Mean(), b.Scale()
	b.Update(1e9)
	require.InDelta(t, mean+3*scale/11, b.Mean(), 1e-9*scale)
}

func TestBaselineMinScale(t *testing.T) {
	cfg := DefaultBaselineConfig()
	cfg.MinScale = 0.5
	b, err := NewBaseline(cfg)
	require.NoError(t, err)
	require.Equal(t, 0.5, b.Scale())
	for range 200 {
		b.Update(7)
	}
	require.Equal(t, 7.0, b.Mean())
	require.Equal(t, 0.0, b.MAD())
	require.Equal(t, 0.5, b.Scale())
	lo, hi := b.Band(3)
	require.Equal(t, 5.5, lo)
	require.Equal(t, 8.5, hi)
	require.Equal(t, 0.0, b.Z(7))
	require.Equal(t, 2.0, b.Z(8))
	require.Equal(t, -4.0, b.Z(5))

	cfg.MinRelScale = 0.01
	b, err = NewBaseline(cfg)
	require.NoError(t, err)
	for range 200 {
		b.Update(1000)
	}
	require.Equal(t, 10.0, b.Scale())
	require.Equal(t, 1.0, b.Z(1010))
}

func TestBaselineZ(t *testing.T) {
	b := newBaseline(t, 200)
	r := newRand(11)
	for _, x := range normals(r, 3000, 20, 4) {
		b.Update(x)
	}
	require.GreaterOrEqual(t, b.Z(20+6*4), 5.0)
	require.LessOrEqual(t, b.Z(20-6*4), -5.0)
	require.InDelta(t, 0, b.Z(20), 0.3)
	lo, hi := b.Band(2)
	require.InDelta(t, 20-8, lo, 1)
	require.InDelta(t, 20+8, hi, 1)
	require.InDelta(t, 2, b.Z(hi), 1e-12)
	// Z is computed before the point is added.
	z := b.Z(40)
	b.Update(40)
	require.Greater(t, z, b.Z(40))
}

func TestBaselineIgnoresNonFinite(t *testing.T) {
	b := newBaseline(t, 30)
	for _, x := range normals(newRand(1), 100, 0, 1) {
		b.Update(x)
	}
	before := *b
	for _, x := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
		b.Update(x)
	}
	require.True(t, b.Equal(&before))
	// Overflowing the state is refused too.
	c := newBaseline(t, 30)
	c.Update(-math.MaxFloat64)
	c.Update(math.MaxFloat64)
	require.Equal(t, 1, c.N())
	require.Equal(t, -math.MaxFloat64, c.Mean())
}

func TestBaselineConfig(t *testing.T) {
	require.NoError(t, DefaultBaselineConfig().Validate())
	for _, mut := range []func(*BaselineConfig){
		func(c *BaselineConfig) { c.HalfLife = 0 },
		func(c *BaselineConfig) { c.HalfLife = math.Inf(1) },
		func(c *BaselineConfig) { c.HalfLife = math.NaN() },
		func(c *BaselineConfig) { c.WarmUp = 1 },
		func(c *BaselineConfig) { c.K = 0 },
		func(c *BaselineConfig) { c.K = math.Inf(1) },
		func(c *BaselineConfig) { c.MinScale = 0 },
		func(c *BaselineConfig) { c.MinScale = math.NaN() },
		func(c *BaselineConfig) { c.MinRelScale = -1 },
		func(c *BaselineConfig) { c.MinRelScale = math.Inf(1) },
	} {
		cfg := DefaultBaselineConfig()
		mut(&cfg)
		require.Error(t, cfg.Validate(), "%+v", cfg)
		_, err := NewBaseline(cfg)
		require.Error(t, err)
	}
	b := newBaseline(t, 17)
	require.Equal(t, 17.0, b.Config().HalfLife)
	b.Update(3)
	b.Reset()
	require.Equal(t, 0, b.N())
	require.Equal(t, 0.0, b.Mean())
	require.Equal(t, 17.0, b.Config().HalfLife)
}

func TestHalfLifeWeight(t *testing.T) {
	for _, h := range []float64{0.5, 1, 30, 1e6} {
		l := halfLifeWeight(h)
		require.InDelta(t, 0.5, math.Exp(h*math.Log1p(-l)), 1e-14, "half-life %v", h)
	}
}
