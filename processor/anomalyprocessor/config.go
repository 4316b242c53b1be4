package anomalyprocessor // import "github.com/otelcol-chaos/otelcol-chaos/processor/anomalyprocessor"

import (
	"errors"
	"fmt"
	"time"

	"go.opentelemetry.io/collector/component"

	"github.com/otelcol-chaos/otelcol-chaos/internal/chaosconv"
)

// Config is the anomaly processor's configuration.
type Config struct {
	// Width is the bucket width of the chaos.bucket summaries analysed
	// (others pass through untouched).
	Width time.Duration `mapstructure:"width"`
	// Detectors are the per-type sensitivities.
	Detectors map[string]DetectorConfig `mapstructure:"detectors"`
	// Warmup is how many buckets a baseline needs before it is trusted.
	Warmup int `mapstructure:"warmup"`
	// HalfLife is the baseline's memory, in buckets.
	HalfLife float64 `mapstructure:"half_life"`
	// QuietRatio: fewer than QuietRatio × expected events is quiet.
	QuietRatio float64 `mapstructure:"quiet_ratio"`
	// MaxHold is how many consecutive anomalous buckets a baseline skips
	// before it learns them as the new normal; 0 learns every bucket.
	MaxHold int `mapstructure:"max_hold"`
	// MinRatioEvents is the events a bucket needs for its error rate and
	// saturation to be judged.
	MinRatioEvents int `mapstructure:"min_ratio_events"`
	// Trend and forecast settings.
	TrendWindow     int `mapstructure:"trend_window"`
	TrendEvery      int `mapstructure:"trend_every"`
	ForecastHorizon int `mapstructure:"forecast_horizon"`
	// LatencyBudget is deprecated and ignored (a warning says so at start):
	// the health latency component is the bucket's recorded
	// chaos.impact.latency_factor, computed under the analytics
	// processor's impact.latency_budget, so the budget is set once.
	LatencyBudget time.Duration `mapstructure:"latency_budget"`
	// MaxScopes bounds the scopes tracked.
	MaxScopes int `mapstructure:"max_scopes"`
	// SilenceGrace is how long after a bucket's end the wall clock waits
	// before treating a scope's missing bucket as an empty one.
	SilenceGrace time.Duration `mapstructure:"silence_grace"`
	// FlushInterval is how often the wall clock is checked for silence.
	FlushInterval time.Duration `mapstructure:"flush_interval"`
	// Storage names a storage extension (e.g. file_storage) where the
	// detector state is checkpointed, so a restart keeps baselines, trend
	// windows and open anomalies.
	Storage *component.ID `mapstructure:"storage"`
	// CheckpointInterval is how often the state is checkpointed (and
	// always at shutdown).
	CheckpointInterval time.Duration `mapstructure:"checkpoint_interval"`
	// Dashboard names the chaos_dashboard extension to publish the records
	// this processor derives to. Without it the processor publishes to the
	// only one configured, or to none.
	Dashboard *component.ID `mapstructure:"dashboard"`

	// prevent unkeyed literal initialization
	_ struct{}
}

// DetectorConfig is one anomaly type's sensitivity.
type DetectorConfig struct {
	Enabled   bool    `mapstructure:"enabled"`
	Threshold float64 `mapstructure:"threshold"`
	MinValue  float64 `mapstructure:"min_value"`
	Persist   int     `mapstructure:"persist"`
	Clear     int     `mapstructure:"clear"`
}

var _ component.Config = (*Config)(nil)

// Errors returned by Validate.
var (
	errWidth        = errors.New("width must be 0 (the finest width the records carry) or a whole number of seconds")
	errUnknownType  = errors.New("detectors: unknown anomaly type")
	errDetector     = errors.New("detectors: persist and clear must be >= 1, threshold and min_value >= 0")
	errPositive     = errors.New("must be > 0")
	errTrendWindow  = errors.New("trend_window must be >= 4")
	errQuietRatio   = errors.New("quiet_ratio must be in (0, 1)")
	errSilenceGrace = errors.New("silence_grace must be >= 0")
	errNegative     = errors.New("max_hold and min_ratio_events must be >= 0")
	errCheckpoint   = errors.New("checkpoint_interval must be > 0 when storage is set")
)

// Validate checks the configuration at start-up.
func (cfg *Config) Validate() error {
	var errs []error
	if cfg.Width < 0 || cfg.Width%time.Second != 0 {
		errs = append(errs, errWidth)
	}
	for name, d := range cfg.Detectors {
		if !knownType(name) {
			errs = append(errs, fmt.Errorf("%w %q (want one of %v)", errUnknownType, name, chaosconv.AnomalyTypes))
		}
		if d.Persist < 1 || d.Clear < 1 || d.Threshold < 0 || d.MinValue < 0 {
			errs = append(errs, fmt.Errorf("%s: %w", name, errDetector))
		}
	}
	for name, v := range map[string]float64{"warmup": float64(cfg.Warmup), "half_life": cfg.HalfLife,
		"trend_every": float64(cfg.TrendEvery), "forecast_horizon": float64(cfg.ForecastHorizon),
		"max_scopes": float64(cfg.MaxScopes), "flush_interval": float64(cfg.FlushInterval)} {
		if v <= 0 {
			errs = append(errs, fmt.Errorf("%s %w", name, errPositive))
		}
	}
	if cfg.TrendWindow < 4 {
		errs = append(errs, errTrendWindow)
	}
	if cfg.QuietRatio <= 0 || cfg.QuietRatio >= 1 {
		errs = append(errs, errQuietRatio)
	}
	if cfg.MaxHold < 0 || cfg.MinRatioEvents < 0 {
		errs = append(errs, errNegative)
	}
	if cfg.Storage != nil && cfg.CheckpointInterval <= 0 {
		errs = append(errs, errCheckpoint)
	}
	if cfg.SilenceGrace < 0 {
		errs = append(errs, errSilenceGrace)
	}
	return errors.Join(errs...)
}

func knownType(name string) bool {
	for _, t := range chaosconv.AnomalyTypes {
		if string(t) == name {
			return true
		}
	}
	return false
}
