package stats

import (
	"encoding/binary"
	"fmt"
	"math"
	"unsafe"
)

// Direction classifies the recent behaviour of a series.
type Direction uint8

// Directions. DirectionUnknown, the zero value, means too few points to
// classify.
const (
	DirectionUnknown Direction = iota
	DirectionStable
	DirectionIncreasing
	DirectionDecreasing
	DirectionVolatile
)

// String returns "unknown", "stable", "increasing", "decreasing" or
// "volatile".
func (d Direction) String() string {
	switch d {
	case DirectionUnknown:
		return "unknown"
	case DirectionStable:
		return "stable"
	case DirectionIncreasing:
		return "increasing"
	case DirectionDecreasing:
		return "decreasing"
	case DirectionVolatile:
		return "volatile"
	}
	return fmt.Sprintf("Direction(%d)", uint8(d))
}

// TrendConfig configures a Trend.
type TrendConfig struct {
	// Window is the number of most recent points classified, in
	// [MinWindow, MaxWindow].
	Window int
	// Alpha is the significance level of the Mann-Kendall test, in (0, 1).
	Alpha float64
	// VolatileCV is the threshold on the relative residual spread CV above
	// which a series without a significant trend is volatile. > 0.
	VolatileCV float64
	// MinLevel floors |mean| in the denominator of CV, so that a series
	// around 0 does not divide by 0. > 0.
	MinLevel float64
	// MinPoints is the number of points below which the direction is
	// DirectionUnknown, in [MinWindow, Window].
	MinPoints int
}

// DefaultTrendConfig returns Window 60 points, Alpha 0.05, VolatileCV 0.5,
// MinLevel 1e-9 and MinPoints 10.
func DefaultTrendConfig() TrendConfig {
	return TrendConfig{Window: 60, Alpha: 0.05, VolatileCV: 0.5, MinLevel: 1e-9, MinPoints: 10}
}

// Validate reports whether the configuration is usable.
func (c TrendConfig) Validate() error {
	if err := checkCapacity("trend window", c.Window); err != nil {
		return err
	}
	switch {
	case !(c.Alpha > 0 && c.Alpha < 1):
		return fmt.Errorf("stats: trend significance level %v outside (0, 1)", c.Alpha)
	case !(c.VolatileCV > 0) || !finite(c.VolatileCV):
		return fmt.Errorf("stats: trend VolatileCV %v is not positive and finite", c.VolatileCV)
	case !(c.MinLevel > 0) || !finite(c.MinLevel):
		return fmt.Errorf("stats: trend MinLevel %v is not positive and finite", c.MinLevel)
	case c.MinPoints < MinWindow || c.MinPoints > c.Window:
		return fmt.Errorf("stats: trend MinPoints %d outside [%d, %d]", c.MinPoints, MinWindow, c.Window)
	}
	return nil
}

func (c TrendConfig) equal(o TrendConfig) bool {
	return c.Window == o.Window && sameFloat(c.Alpha, o.Alpha) && sameFloat(c.VolatileCV, o.VolatileCV) &&
		sameFloat(c.MinLevel, o.MinLevel) && c.MinPoints == o.MinPoints
}

// TrendResult is the classification of a window with the statistics it
// rests on.
type TrendResult struct {
	Direction Direction
	// N is the number of points in the window.
	N int
	// Slope (change per point), Intercept (fitted value at the oldest
	// point), R2, Mean and ResidualStd come from the OLS fit (LinearFit).
	Slope, Intercept, R2, Mean, ResidualStd float64
	// CV = ResidualStd / max(|Mean|, MinLevel) is the relative spread of
	// the points around the fitted line.
	CV float64
	// S, Z, Tau and PValue come from the Mann-Kendall test; Confidence is
	// 1 − PValue.
	S          int
	Z, Tau     float64
	PValue     float64
	Confidence float64
}

// Trend classifies the last Window points of a series by combining a
// Window (OLS) and a MannKendall test over the same points:
//
//	N < MinPoints                        → DirectionUnknown
//	p < Alpha (Mann-Kendall, two-sided)  → DirectionIncreasing if S > 0,
//	                                       DirectionDecreasing if S < 0
//	CV > VolatileCV                      → DirectionVolatile
//	otherwise                            → DirectionStable
//
// with CV = ResidualStd / max(|Mean|, MinLevel), the standard deviation of
// the OLS residuals relative to the level. The residual spread rather than
// the raw coefficient of variation is used so that a steady ramp that is
// not (yet) significant is not called volatile for the spread the ramp
// itself creates. The direction of a significant trend comes from the
// rank-based Mann-Kendall test, which is robust to outliers and does not
// assume linearity; the OLS slope and R² quantify it.
//
// Push is O(1) amortized for the regression plus the Mann-Kendall update
// and allocation-free; Classify is O(1). A Trend is not safe for concurrent
// use; create one with NewTrend (or restore one with UnmarshalBinary): the
// zero value is not ready to use.
type Trend struct {
	cfg TrendConfig
	w   Window
	mk  MannKendall
}

// NewTrend returns an empty Trend, or an error if cfg is invalid.
func NewTrend(cfg TrendConfig) (*Trend, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	t := &Trend{cfg: cfg}
	t.w.init(cfg.Window)
	t.mk.init(cfg.Window)
	return t, nil
}

// Config returns the configuration of t.
func (t *Trend) Config() TrendConfig { return t.cfg }

// Reset empties t, keeping its configuration.
func (t *Trend) Reset() {
	t.w.Reset()
	t.mk.Reset()
}

// Push adds the point x as the newest, evicting the oldest point if the
// window is full. Non-finite points are ignored.
func (t *Trend) Push(x float64) {
	if !finite(x) {
		return
	}
	t.w.Push(x)
	t.mk.Push(x)
}

// Len returns the number of points in the window.
func (t *Trend) Len() int { return t.w.n }

// Fit returns the OLS fit of the window (see Window.Fit).
func (t *Trend) Fit() LinearFit { return t.w.Fit() }

// Classify returns the classification of the points in the window.
func (t *Trend) Classify() TrendResult {
	f := t.w.Fit()
	z := t.mk.Z()
	p := NormalTwoSidedP(z) // = t.mk.PValue()
	r := TrendResult{
		N: f.N, Slope: f.Slope, Intercept: f.Intercept, R2: f.R2, Mean: f.Mean, ResidualStd: f.ResidualStd,
		CV: f.ResidualStd / max(math.Abs(f.Mean), t.cfg.MinLevel),
		S:  t.mk.S(), Z: z, Tau: t.mk.Tau(), PValue: p, Confidence: 1 - p,
	}
	switch {
	case f.N < t.cfg.MinPoints:
		r.Direction = DirectionUnknown
	case p < t.cfg.Alpha && r.S > 0:
		r.Direction = DirectionIncreasing
	case p < t.cfg.Alpha && r.S < 0:
		r.Direction = DirectionDecreasing
	case r.CV > t.cfg.VolatileCV:
		r.Direction = DirectionVolatile
	default:
		r.Direction = DirectionStable
	}
	return r
}

// Equal reports whether t and o have the same configuration and the same
// points, so that they produce the same outputs from now on.
func (t *Trend) Equal(o *Trend) bool {
	return t.cfg.equal(o.cfg) && t.w.Equal(&o.w)
}

// MemoryBytes returns the memory t holds (48 bytes a point of capacity).
func (t *Trend) MemoryBytes() int {
	return int(unsafe.Sizeof(*t)) + t.w.MemoryBytes() - int(unsafe.Sizeof(t.w)) +
		t.mk.MemoryBytes() - int(unsafe.Sizeof(t.mk))
}

// AppendBinary appends the encoding of t to dst and returns the extended
// buffer. The Mann-Kendall counts are derived from the points, so only the
// window is stored (uvarint: minimal unsigned LEB128; f64: IEEE-754
// binary64 bits, little endian):
//
//	byte     version (1)
//	byte     kind (4: Trend)
//	f64      Alpha
//	f64      VolatileCV
//	f64      MinLevel
//	uvarint  MinPoints
//	uvarint  Window, the capacity W
//	uvarint  n, the number of points
//	uvarint  the number of points in the window's front (see Window)
//	n × f64  the points, oldest first
func (t *Trend) AppendBinary(dst []byte) []byte {
	dst = appendHeader(dst, kindTrend)
	dst = appendFloat(dst, t.cfg.Alpha)
	dst = appendFloat(dst, t.cfg.VolatileCV)
	dst = appendFloat(dst, t.cfg.MinLevel)
	dst = binary.AppendUvarint(dst, uint64(t.cfg.MinPoints))
	return t.w.appendBody(dst)
}

// UnmarshalBinary replaces t with the Trend encoded in data by
// AppendBinary. Input that is truncated, has trailing bytes, a non-minimal
// varint, an unknown version or kind, an invalid configuration or an
// invalid window (see Window.UnmarshalBinary) is rejected with an error
// wrapping ErrCorrupt, and t is left unchanged.
func (t *Trend) UnmarshalBinary(data []byte) error {
	d := newDecoder(data, kindTrend, "trend")
	var r Trend
	r.cfg.Alpha = d.float("alpha")
	r.cfg.VolatileCV = d.float("VolatileCV")
	r.cfg.MinLevel = d.float("MinLevel")
	r.cfg.MinPoints = d.count("MinPoints", 0, MaxWindow)
	r.w.decodeBody(d)
	if err := d.end(); err != nil {
		return err
	}
	r.cfg.Window = r.w.Cap()
	if err := r.cfg.Validate(); err != nil {
		d.invalidConfig(err)
		return d.Err
	}
	r.mk.init(r.cfg.Window)
	r.w.AppendValues(r.mk.vals[:0])
	r.mk.rebuild(r.w.n)
	*t = r
	return nil
}
