package stats

import (
	"encoding/binary"
	"fmt"
	"math"
	"unsafe"
)

// HoltConfig configures a Holt forecaster.
type HoltConfig struct {
	// Alpha is the level smoothing weight, in (0, 1].
	Alpha float64
	// Beta is the trend smoothing weight, in [0, 1].
	Beta float64
	// Z is the normal quantile of the prediction interval (1.96 for 95 %).
	// ≥ 0.
	Z float64
	// ErrorHalfLife is the half-life, in points, of the exponentially
	// weighted variance of the one-step-ahead errors. > 0.
	ErrorHalfLife float64
}

// DefaultHoltConfig returns Alpha 0.3, Beta 0.1, Z 1.96 and ErrorHalfLife
// 30 points.
func DefaultHoltConfig() HoltConfig {
	return HoltConfig{Alpha: 0.3, Beta: 0.1, Z: 1.96, ErrorHalfLife: 30}
}

// Validate reports whether the configuration is usable.
func (c HoltConfig) Validate() error {
	switch {
	case !(c.Alpha > 0 && c.Alpha <= 1):
		return fmt.Errorf("stats: Holt alpha %v outside (0, 1]", c.Alpha)
	case !(c.Beta >= 0 && c.Beta <= 1):
		return fmt.Errorf("stats: Holt beta %v outside [0, 1]", c.Beta)
	case !(c.Z >= 0) || !finite(c.Z):
		return fmt.Errorf("stats: Holt interval quantile Z %v is not a non-negative finite number", c.Z)
	case !(c.ErrorHalfLife > 0) || !finite(c.ErrorHalfLife):
		return fmt.Errorf("stats: Holt error half-life %v is not a positive finite number of points", c.ErrorHalfLife)
	}
	return nil
}

func (c HoltConfig) equal(o HoltConfig) bool {
	return sameFloat(c.Alpha, o.Alpha) && sameFloat(c.Beta, o.Beta) && sameFloat(c.Z, o.Z) &&
		sameFloat(c.ErrorHalfLife, o.ErrorHalfLife)
}

// Holt is Holt's linear (double exponential) smoothing (Holt 1957), in the
// error-correction form of the ETS(A,A,N) model (Hyndman, Koehler, Ord and
// Snyder 2008, "Forecasting with Exponential Smoothing"; Hyndman and
// Athanasopoulos, "Forecasting: Principles and Practice", 3rd ed., §8.7),
// with a prediction interval.
//
// The first point sets the level ℓ = x₁ and the trend b = 0; the second
// sets b = x₂ − x₁ and ℓ = x₂. Every later point x does
//
//	e  = x − (ℓ + b)                  one-step-ahead error
//	ℓ ← ℓ + b + α·e                   = α·x + (1−α)(ℓ + b)
//	b ← b + α·β·e                     = β(ℓ_new − ℓ_old) + (1−β)·b
//	σ² ← σ² + max(λ, 1/k)·(e² − σ²)   k-th error, λ = 1 − 2^(−1/ErrorHalfLife)
//
// so σ² is the running mean of the squared errors for the first 1/λ errors
// and their exponentially weighted mean afterwards. The h-step forecast
// and its interval are
//
//	ŷ(h)  = ℓ + h·b
//	var_h = σ²·(1 + Σ_{j=1}^{h−1} (α + j·α·β)²)
//	      = σ²·(1 + α²·[(h−1) + β·h(h−1) + β²·h(h−1)(2h−1)/6])
//	lo, hi = ŷ(h) ∓ Z·√var_h
//
// the variance of the ETS(A,A,N) h-step forecast error (Hyndman et al.
// 2008, Table 6.1, class 1: c_j = α + jβ* with their β* = α·β; FPP3 §8.7
// gives the same closed form), which assumes independent Gaussian errors
// and ignores the uncertainty of α, β and σ².
//
// Update is O(1) and allocation-free. Non-finite points are ignored, as is
// a point that would overflow the state. A Holt is not safe for concurrent
// use; create one with NewHolt (or restore one with UnmarshalBinary): the
// zero value is not ready to use.
type Holt struct {
	cfg    HoltConfig
	lambda float64
	n      int
	level  float64
	trend  float64
	errVar float64
}

// NewHolt returns an empty forecaster, or an error if cfg is invalid.
func NewHolt(cfg HoltConfig) (*Holt, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return &Holt{cfg: cfg, lambda: halfLifeWeight(cfg.ErrorHalfLife)}, nil
}

// Config returns the configuration of h.
func (h *Holt) Config() HoltConfig { return h.cfg }

// Reset empties h, keeping its configuration.
func (h *Holt) Reset() { h.n, h.level, h.trend, h.errVar = 0, 0, 0, 0 }

// Update adds the point x.
func (h *Holt) Update(x float64) {
	if !finite(x) {
		return
	}
	switch h.n {
	case 0:
		h.level, h.n = x, 1
		return
	case 1:
		b := x - h.level
		if !finite(b) {
			return
		}
		h.level, h.trend, h.n = x, b, 2
		return
	}
	f := h.level + h.trend
	e := x - f
	a := h.cfg.Alpha
	l := f + a*e
	b := h.trend + a*h.cfg.Beta*e
	v := h.errVar + max(h.lambda, 1/float64(h.n-1))*(e*e-h.errVar)
	if !finite(l) || !finite(b) || !finite(v) {
		return
	}
	h.level, h.trend, h.errVar = l, b, v
	if h.n < math.MaxInt {
		h.n++
	}
}

// N returns the number of points added.
func (h *Holt) N() int { return h.n }

// Level returns the smoothed level ℓ (0 before any point).
func (h *Holt) Level() float64 { return h.level }

// Slope returns the smoothed trend b, the change per point.
func (h *Holt) Slope() float64 { return h.trend }

// ErrorVariance returns σ², the smoothed variance of the one-step-ahead
// errors (0 before three points).
func (h *Holt) ErrorVariance() float64 { return h.errVar }

// Forecast returns the forecast of the point steps ahead (1 = the next
// point) with its prediction interval at ±Z standard deviations. steps < 1
// counts as 1. Before any point it returns NaNs; before three points the
// error variance is 0 and so is the width of the interval.
func (h *Holt) Forecast(steps int) (value, lo, hi float64) {
	if h.n == 0 {
		nan := math.NaN()
		return nan, nan, nan
	}
	s := float64(max(steps, 1))
	value = h.level + s*h.trend
	a, b := h.cfg.Alpha, h.cfg.Beta
	factor := 1 + a*a*((s-1)+b*s*(s-1)+b*b*s*(s-1)*(2*s-1)/6)
	w := h.cfg.Z * math.Sqrt(h.errVar*factor)
	return value, value - w, value + w
}

// Equal reports whether h and o have the same configuration and state (bit
// for bit), so that they produce the same outputs from now on.
func (h *Holt) Equal(o *Holt) bool {
	return h.cfg.equal(o.cfg) && h.n == o.n && sameFloat(h.level, o.level) &&
		sameFloat(h.trend, o.trend) && sameFloat(h.errVar, o.errVar)
}

// MemoryBytes returns the memory h holds.
func (h *Holt) MemoryBytes() int { return int(unsafe.Sizeof(*h)) }

// AppendBinary appends the encoding of h to dst and returns the extended
// buffer. Format (uvarint: minimal unsigned LEB128; f64: IEEE-754 binary64
// bits, little endian):
//
//	byte     version (1)
//	byte     kind (5: Holt)
//	f64      Alpha
//	f64      Beta
//	f64      Z
//	f64      ErrorHalfLife
//	uvarint  n, the number of points
//	if n > 0:
//	  f64  level
//	  f64  trend
//	  f64  error variance
func (h *Holt) AppendBinary(dst []byte) []byte {
	dst = appendHeader(dst, kindHolt)
	dst = appendFloat(dst, h.cfg.Alpha)
	dst = appendFloat(dst, h.cfg.Beta)
	dst = appendFloat(dst, h.cfg.Z)
	dst = appendFloat(dst, h.cfg.ErrorHalfLife)
	dst = binary.AppendUvarint(dst, uint64(h.n))
	if h.n > 0 {
		dst = appendFloat(dst, h.level)
		dst = appendFloat(dst, h.trend)
		dst = appendFloat(dst, h.errVar)
	}
	return dst
}

// UnmarshalBinary replaces h with the forecaster encoded in data by
// AppendBinary. Input that is truncated, has trailing bytes, a non-minimal
// varint, an unknown version or kind, an invalid configuration, non-finite
// values or a state that breaks an invariant of Update (a trend after a
// single point, an error variance before three points, a negative one, a
// state without points) is rejected with an error wrapping ErrCorrupt,
// and h is left unchanged.
func (h *Holt) UnmarshalBinary(data []byte) error {
	d := newDecoder(data, kindHolt, "Holt")
	var cfg HoltConfig
	cfg.Alpha = d.float("alpha")
	cfg.Beta = d.float("beta")
	cfg.Z = d.float("Z")
	cfg.ErrorHalfLife = d.float("error half-life")
	if d.Err == nil {
		if err := cfg.Validate(); err != nil {
			d.invalidConfig(err)
		}
	}
	n := d.count("point count", 0, math.MaxInt)
	var level, trend, errVar float64
	if n > 0 {
		level = d.float("level")
		trend = d.float("trend")
		errVar = d.float("error variance")
		d.check(n > 1 || trend == 0, "trend %v after one point", trend)
		d.check(n > 2 || errVar == 0, "error variance %v before three points", errVar)
		d.check(errVar >= 0, "negative error variance %v", errVar)
	}
	if err := d.end(); err != nil {
		return err
	}
	*h = Holt{cfg: cfg, lambda: halfLifeWeight(cfg.ErrorHalfLife), n: n, level: level, trend: trend, errVar: errVar}
	return nil
}
