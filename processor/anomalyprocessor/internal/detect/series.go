package detect

import (
	"github.com/otelcol-chaos/otelcol-chaos/internal/chaosconv"
	"github.com/otelcol-chaos/otelcol-chaos/internal/stats"
)

// series is the streaming state of one metric of one scope.
type series struct {
	base *stats.Baseline
}

// scaleFloors keep a flat series from having a zero-width band: a count
// moves by at least ~1 event (and ~10 % of its level, Poisson-like), a
// ratio by 2 points, a latency by 5 ms.
var scaleFloors = [metricCount]struct{ abs, rel float64 }{
	mEvents:     {1, 0.1},
	mLatency:    {5, 0.05},
	mErrors:     {0.02, 0},
	mSaturation: {0.02, 0},
}

func newSeries(cfg *Config, m int) *series {
	bc := stats.DefaultBaselineConfig()
	bc.HalfLife, bc.WarmUp = cfg.HalfLife, max(cfg.Warmup, 2)
	bc.MinScale, bc.MinRelScale = scaleFloors[m].abs, scaleFloors[m].rel
	b, err := stats.NewBaseline(bc)
	if err != nil {
		panic(err) // the processor validated the configuration
	}
	return &series{base: b}
}

func (s *series) update(x float64)                { s.base.Update(x) }
func (s *series) mean() float64                   { return s.base.Mean() }
func (s *series) scale() float64                  { return s.base.Scale() }
func (s *series) warm() bool                      { return s.base.Warm() }
func (s *series) z(x float64) float64             { return s.base.Z(x) }
func (s *series) band(k float64) (lo, hi float64) { return s.base.Band(k) }

// trend and forecast are filled in by the trend primitives.
func (s *series) trend(*Config) (chaosconv.Trend, bool)     { return chaosconv.Trend{}, false }
func (s *series) forecast(int) (v, lo, hi float64, ok bool) { return 0, 0, 0, false }
