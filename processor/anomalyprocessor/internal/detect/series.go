package detect

import (
	"github.com/otelcol-chaos/otelcol-chaos/internal/chaosconv"
	"github.com/otelcol-chaos/otelcol-chaos/internal/stats"
)

// series is the streaming state of one metric of one scope: a robust
// baseline for the detectors, a trend window and a Holt forecaster. Every
// update is O(1) or O(W) with W = trend_window (see internal/stats).
type series struct {
	base  *stats.Baseline
	trend *stats.Trend
	holt  *stats.Holt
}

// scaleFloors keep a flat series from having a zero-width band: a count
// moves by at least ~1 event (and ~10 % of its level, Poisson-like), a
// ratio by 2 points, a latency by 5 ms.
var scaleFloors = [metricCount]struct{ abs, rel float64 }{
	mEvents:     {1, 0.1},
	mLatency:    {5, 0.05},
	mErrors:     {0.02, 0},
	mSaturation: {0.02, 0},
	mRequests:   {1, 0.1},
	mReqErrors:  {0.02, 0},
	mReqLatency: {5, 0.05},
}

func newSeries(cfg *Config, m int) *series {
	bc := stats.DefaultBaselineConfig()
	bc.HalfLife, bc.WarmUp = cfg.HalfLife, max(cfg.Warmup, 2)
	bc.MinScale, bc.MinRelScale = scaleFloors[m].abs, scaleFloors[m].rel
	tc := stats.DefaultTrendConfig()
	tc.Window, tc.Alpha, tc.VolatileCV = cfg.TrendWindow, cfg.TrendAlpha, cfg.VolatileCV
	tc.MinPoints = min(tc.MinPoints, cfg.TrendWindow)
	b, err1 := stats.NewBaseline(bc)
	t, err2 := stats.NewTrend(tc)
	h, err3 := stats.NewHolt(stats.DefaultHoltConfig())
	for _, err := range []error{err1, err2, err3} {
		if err != nil {
			panic(err) // the processor validated the configuration
		}
	}
	return &series{base: b, trend: t, holt: h}
}

// learn updates the baseline, the detectors' notion of normal: the engine
// holds anomalous points back from it.
func (s *series) learn(x float64) { s.base.Update(x) }

// follow updates the trend window and the forecaster with every point,
// anomalous or not: a trend or a forecast that skipped the points of an
// anomaly would be wrong exactly while users read it.
func (s *series) follow(x float64) {
	s.trend.Push(x)
	s.holt.Update(x)
}

func (s *series) mean() float64                   { return s.base.Mean() }
func (s *series) scale() float64                  { return s.base.Scale() }
func (s *series) warm() bool                      { return s.base.Warm() }
func (s *series) z(x float64) float64             { return s.base.Z(x) }
func (s *series) band(k float64) (lo, hi float64) { return s.base.Band(k) }

var directions = map[stats.Direction]chaosconv.TrendDirection{
	stats.DirectionStable:     chaosconv.TrendStable,
	stats.DirectionIncreasing: chaosconv.TrendIncreasing,
	stats.DirectionDecreasing: chaosconv.TrendDecreasing,
	stats.DirectionVolatile:   chaosconv.TrendVolatile,
}

// trendOf classifies the window (false until it holds enough points).
func (s *series) trendOf() (chaosconv.Trend, bool) {
	r := s.trend.Classify()
	d, ok := directions[r.Direction]
	if !ok {
		return chaosconv.Trend{}, false
	}
	return chaosconv.Trend{Direction: d, Slope: r.Slope, R2: r.R2, PValue: r.PValue, Tau: r.Tau,
		Confidence: r.Confidence, Window: r.N}, true
}

// forecast is Holt's h-step forecast and 95 % interval (false before two points).
func (s *series) forecast(h int) (v, lo, hi float64, ok bool) {
	if s.holt.N() < 2 {
		return 0, 0, 0, false
	}
	v, lo, hi = s.holt.Forecast(h)
	return v, lo, hi, true
}
