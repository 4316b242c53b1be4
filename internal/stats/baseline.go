package stats

import (
	"encoding/binary"
	"fmt"
	"math"
	"unsafe"
)

// sqrtHalfPi is √(π/2), the ratio σ / E|X−μ| of a normal distribution.
const sqrtHalfPi = 1.2533141373155002512

// BaselineConfig configures a Baseline.
type BaselineConfig struct {
	// HalfLife is the number of points after which the weight of a point
	// in the level and scale estimates has halved. > 0.
	HalfLife float64
	// WarmUp is the number of points before the baseline is trusted (Warm)
	// and before outliers are clipped. ≥ 2.
	WarmUp int
	// K is the clipping threshold in units of Scale: once warm, a point
	// with |x − Mean| > K·Scale updates the baseline as if it were at
	// Mean ± K·Scale. > 0.
	K float64
	// MinScale is an absolute floor on Scale, so a perfectly flat series
	// still has a band. > 0.
	MinScale float64
	// MinRelScale is a floor on Scale relative to the level:
	// Scale ≥ MinRelScale·|Mean|. ≥ 0; 0 disables it.
	MinRelScale float64
}

// DefaultBaselineConfig returns HalfLife 30 points, WarmUp 10 points, K 3,
// MinScale 1e-6 and no relative floor.
func DefaultBaselineConfig() BaselineConfig {
	return BaselineConfig{HalfLife: 30, WarmUp: 10, K: 3, MinScale: 1e-6}
}

// Validate reports whether the configuration is usable.
func (c BaselineConfig) Validate() error {
	switch {
	case !(c.HalfLife > 0) || !finite(c.HalfLife):
		return fmt.Errorf("stats: baseline half-life %v is not a positive finite number of points", c.HalfLife)
	case c.WarmUp < 2:
		return fmt.Errorf("stats: baseline warm-up %d is below 2 points", c.WarmUp)
	case !(c.K > 0) || !finite(c.K):
		return fmt.Errorf("stats: baseline clipping threshold K %v is not positive and finite", c.K)
	case !(c.MinScale > 0) || !finite(c.MinScale):
		return fmt.Errorf("stats: baseline MinScale %v is not positive and finite", c.MinScale)
	case !(c.MinRelScale >= 0) || !finite(c.MinRelScale):
		return fmt.Errorf("stats: baseline MinRelScale %v is not a non-negative finite number", c.MinRelScale)
	}
	return nil
}

// Baseline is a robust streaming baseline of a series: an exponentially
// weighted moving average (EWMA) of the level and an exponentially weighted
// mean absolute deviation (EW-MAD) as its scale, with Huber-clipped updates
// so that a spike does not drag the baseline along.
//
// With λ = 1 − 2^(−1/HalfLife), n the number of points seen before x, μ the
// level and D the mean absolute deviation, Update(x) does
//
//	r  = x − μ
//	r  = clamp(r, −K·s, +K·s)        once Warm (n ≥ WarmUp)
//	μ += max(λ, 1/(n+1)) · r
//	D += max(λ, 1/n)     · (|r| − D)
//
// and the σ-equivalent scale is
//
//	s = max(√(π/2)·D, MinScale, MinRelScale·|μ|)
//
// Sources and choices:
//   - EWMA of the level: Roberts (1959), Hunter (1986). The weight
//     max(λ, 1/(n+1)) makes the first points a plain running mean, so the
//     estimate is unbiased from the start instead of anchored on the first
//     point, and becomes the EWMA once 1/(n+1) < λ.
//   - EW mean absolute deviation of the one-step errors as the scale: Brown
//     (1963, "Smoothing, Forecasting and Prediction") and Trigg (1964), with
//     σ = √(π/2)·E|X−μ| ≈ 1.2533·D for normal data (Geary 1935). It is the
//     mean-absolute-deviation analogue of the 1.4826·(median absolute
//     deviation) estimate; an EW median/MAD (stochastic quantile
//     approximation) was not chosen because it converges slowly and its
//     step size needs a scale of its own. D tracks |x − μ| where μ is the
//     level before x, so s estimates the standard deviation of the one-step
//     prediction error, σ·√(1 + λ/(2−λ)) for independent noise: σ·1.006 at
//     HalfLife 30. That is the right scale for Z, which compares a new point
//     with the current level.
//   - Clipping is Huber's ψ (Huber 1964) applied to the standardized
//     residual, as in the robust exponential smoothing of Gelper, Fried and
//     Croux (2010, J. Forecasting 29:285–300), who use k = 2. The default
//     K = 3 clips 0.27 % of Gaussian points, so on clean data the estimates
//     are nearly as efficient as unclipped ones and D is biased low by only
//     0.1 % (E[min(|Z|, 3)] = 0.99906·E|Z|). A single spike, however
//     large, moves μ by at most w·K·s and D by at most w·(K·s − D), with w
//     the weight of the point (λ once n ≥ 1/λ). A genuine level shift still
//     gets absorbed: while points are clipped, D grows geometrically
//     (×(1 + λ·(1.2533·K − 1)) per point when s is not at a floor, about
//     ×6.8 per half-life at K = 3), which widens the clip until the level
//     catches up. A 10σ shift is absorbed as by a plain EWMA (the error
//     halves every half-life); a 100σ (1000σ) shift is inside the 1σ band
//     after 3 (4) half-lives and the level within 1σ of the new one after
//     about 8 (13) half-lives (TestBaselineLevelShift). Points are not
//     clipped during the warm-up, when D is not yet an estimate of anything.
//
// Every Update is O(1) and allocation-free. Non-finite points are ignored,
// as is a point that would overflow the state (|x| near math.MaxFloat64).
// A Baseline is not safe for concurrent use; create one with NewBaseline
// (or restore one with UnmarshalBinary): the zero value is not ready to
// use.
type Baseline struct {
	cfg    BaselineConfig
	lambda float64
	n      int
	mean   float64
	mad    float64
}

// NewBaseline returns an empty baseline, or an error if cfg is invalid.
func NewBaseline(cfg BaselineConfig) (*Baseline, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return &Baseline{cfg: cfg, lambda: halfLifeWeight(cfg.HalfLife)}, nil
}

// Config returns the configuration of b.
func (b *Baseline) Config() BaselineConfig { return b.cfg }

// Reset empties b, keeping its configuration.
func (b *Baseline) Reset() { b.n, b.mean, b.mad = 0, 0, 0 }

// Update adds the point x.
func (b *Baseline) Update(x float64) {
	if !finite(x) {
		return
	}
	if b.n == 0 {
		b.mean, b.mad, b.n = x, 0, 1
		return
	}
	n := float64(b.n)
	wm := max(b.lambda, 1/(n+1))
	wd := max(b.lambda, 1/n)
	r := x - b.mean
	if b.n >= b.cfg.WarmUp {
		c := b.cfg.K * b.Scale()
		r = min(max(r, -c), c)
	}
	m := b.mean + wm*r
	d := b.mad + wd*(math.Abs(r)-b.mad)
	if !finite(m) || !finite(d) {
		return
	}
	b.mean, b.mad = m, d
	if b.n < math.MaxInt {
		b.n++
	}
}

// N returns the number of points added.
func (b *Baseline) N() int { return b.n }

// Warm reports whether at least WarmUp points were added, so that the
// baseline can be trusted and outliers are clipped.
func (b *Baseline) Warm() bool { return b.n >= b.cfg.WarmUp }

// Mean returns the level μ (0 before any point).
func (b *Baseline) Mean() float64 { return b.mean }

// MAD returns the exponentially weighted mean absolute deviation D of the
// one-step errors (0 before two points).
func (b *Baseline) MAD() float64 { return b.mad }

// Scale returns the σ-equivalent scale
// max(√(π/2)·MAD, MinScale, MinRelScale·|Mean|), always > 0.
func (b *Baseline) Scale() float64 {
	return max(sqrtHalfPi*b.mad, b.cfg.MinScale, b.cfg.MinRelScale*math.Abs(b.mean))
}

// Band returns Mean ∓ z·Scale.
func (b *Baseline) Band(z float64) (lo, hi float64) {
	w := z * b.Scale()
	return b.mean - w, b.mean + w
}

// Z returns the robust z-score (x − Mean)/Scale of x against the baseline
// as it is, that is before x is added. It returns 0 before any point.
func (b *Baseline) Z(x float64) float64 {
	if b.n == 0 {
		return 0
	}
	return (x - b.mean) / b.Scale()
}

// Equal reports whether b and o have the same configuration and state (bit
// for bit), so that they produce the same outputs from now on.
func (b *Baseline) Equal(o *Baseline) bool {
	return b.cfg.equal(o.cfg) && b.n == o.n && sameFloat(b.mean, o.mean) && sameFloat(b.mad, o.mad)
}

func (c BaselineConfig) equal(o BaselineConfig) bool {
	return sameFloat(c.HalfLife, o.HalfLife) && c.WarmUp == o.WarmUp && sameFloat(c.K, o.K) &&
		sameFloat(c.MinScale, o.MinScale) && sameFloat(c.MinRelScale, o.MinRelScale)
}

// MemoryBytes returns the memory b holds.
func (b *Baseline) MemoryBytes() int { return int(unsafe.Sizeof(*b)) }

// AppendBinary appends the encoding of b to dst and returns the extended
// buffer. Format (uvarint: minimal unsigned LEB128; f64: IEEE-754 binary64
// bits, little endian):
//
//	byte     version (1)
//	byte     kind (1: Baseline)
//	f64      HalfLife
//	uvarint  WarmUp
//	f64      K
//	f64      MinScale
//	f64      MinRelScale
//	uvarint  n, the number of points
//	if n > 0:
//	  f64  mean
//	  f64  mean absolute deviation
func (b *Baseline) AppendBinary(dst []byte) []byte {
	dst = appendHeader(dst, kindBaseline)
	dst = appendFloat(dst, b.cfg.HalfLife)
	dst = binary.AppendUvarint(dst, uint64(b.cfg.WarmUp))
	dst = appendFloat(dst, b.cfg.K)
	dst = appendFloat(dst, b.cfg.MinScale)
	dst = appendFloat(dst, b.cfg.MinRelScale)
	dst = binary.AppendUvarint(dst, uint64(b.n))
	if b.n > 0 {
		dst = appendFloat(dst, b.mean)
		dst = appendFloat(dst, b.mad)
	}
	return dst
}

// UnmarshalBinary replaces b with the baseline encoded in data by
// AppendBinary. Input that is truncated, has trailing bytes, a non-minimal
// varint, an unknown version or kind, an invalid configuration, non-finite
// values or a state that breaks an invariant of Update (a negative
// deviation, a deviation after a single point, a state without points) is
// rejected with an error wrapping ErrCorrupt, and b is left unchanged.
func (b *Baseline) UnmarshalBinary(data []byte) error {
	d := newDecoder(data, kindBaseline, "baseline")
	var cfg BaselineConfig
	cfg.HalfLife = d.float("half-life")
	cfg.WarmUp = d.count("warm-up", 0, math.MaxInt)
	cfg.K = d.float("K")
	cfg.MinScale = d.float("MinScale")
	cfg.MinRelScale = d.float("MinRelScale")
	if d.Err == nil {
		if err := cfg.Validate(); err != nil {
			d.invalidConfig(err)
		}
	}
	n := d.count("point count", 0, math.MaxInt)
	var mean, mad float64
	if n > 0 {
		mean = d.float("mean")
		mad = d.float("mean absolute deviation")
		d.check(mad >= 0, "negative mean absolute deviation %v", mad)
		d.check(n > 1 || mad == 0, "mean absolute deviation %v after one point", mad)
	}
	if err := d.end(); err != nil {
		return err
	}
	*b = Baseline{cfg: cfg, lambda: halfLifeWeight(cfg.HalfLife), n: n, mean: mean, mad: mad}
	return nil
}
