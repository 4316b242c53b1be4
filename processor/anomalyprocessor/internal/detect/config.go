package detect

import "github.com/otelcol-chaos/otelcol-chaos/internal/chaosconv"

// TypeConfig is the sensitivity of one anomaly type.
type TypeConfig struct {
	Enabled bool
	// Threshold is the robust z-score (in σ of the baseline) a point must
	// reach to count as anomalous; it must fall below Threshold·ClearRatio
	// to count as normal again (hysteresis). Event counts are scored on
	// the square-root scale, latency on the log scale (see Engine.test).
	Threshold float64
	// MinValue is an absolute floor the observed value must also reach
	// (events for a spike, a ratio for error rate and saturation, scopes for
	// a cascade, expected events for quiet), so a tiny series never alerts.
	MinValue float64
	// Persist is how many consecutive anomalous buckets open an anomaly:
	// the first over Threshold, the next ones not back to normal.
	Persist int
	// Clear is how many consecutive normal buckets close it.
	Clear int
}

// Config is the engine's configuration.
type Config struct {
	Types map[chaosconv.AnomalyType]TypeConfig
	// ClearRatio scales Threshold for the "normal again" test.
	ClearRatio float64
	// Warmup is how many points a baseline needs before it is trusted.
	Warmup int
	// HalfLife is the baseline's memory, in points.
	HalfLife float64
	// MaxHold is how many consecutive anomalous points a baseline skips
	// before it learns them as the new normal (see Engine.observe); 0
	// learns every point.
	MaxHold int
	// QuietRatio: a bucket below QuietRatio × expected events is quiet.
	QuietRatio float64
	// MinRatioEvents is the events a bucket needs for its error rate and
	// saturation to be judged: below, the ratio's sampling noise (one
	// fault out of two events is 50 %) says nothing either way.
	MinRatioEvents int
	// TrendWindow is the points a trend is computed over; TrendEvery how
	// often (in buckets) trends, forecasts are emitted; ForecastHorizon how
	// many buckets ahead.
	TrendWindow, TrendEvery, ForecastHorizon int
	// TrendAlpha is the Mann-Kendall significance level.
	TrendAlpha float64
	// VolatileCV is the coefficient of variation above which a series
	// without a significant trend is volatile.
	VolatileCV float64
	// MaxScopes bounds the scopes tracked (memory); beyond, points are dropped and counted.
	MaxScopes int
}

// DefaultConfig is tuned on the labelled scenarios in testdata/scenarios
// (see quality_test.go; the resulting precision, recall and delays are in
// testdata/quality.txt).
func DefaultConfig() Config {
	return Config{
		Types: map[chaosconv.AnomalyType]TypeConfig{
			chaosconv.AnomalyEventSpike:         {Enabled: true, Threshold: 4.5, MinValue: 10, Persist: 1, Clear: 2},
			chaosconv.AnomalyLatency:            {Enabled: true, Threshold: 4, MinValue: 0, Persist: 2, Clear: 2},
			chaosconv.AnomalyHighErrorRate:      {Enabled: true, Threshold: 4, MinValue: 0.2, Persist: 2, Clear: 2},
			chaosconv.AnomalyResourceExhaustion: {Enabled: true, Threshold: 4, MinValue: 0.3, Persist: 2, Clear: 2},
			chaosconv.AnomalyCascadingFailure:   {Enabled: true, Threshold: 0, MinValue: 2, Persist: 2, Clear: 2},
			chaosconv.AnomalyUnexpectedQuiet:    {Enabled: true, Threshold: 0, MinValue: 10, Persist: 2, Clear: 2},
		},
		ClearRatio:      0.5,
		Warmup:          20,
		HalfLife:        20,
		MaxHold:         30,
		QuietRatio:      0.2,
		MinRatioEvents:  8,
		TrendWindow:     30,
		TrendEvery:      5,
		ForecastHorizon: 5,
		TrendAlpha:      0.05,
		VolatileCV:      0.5,
		MaxScopes:       2000,
	}
}
