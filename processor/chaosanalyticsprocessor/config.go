package chaosanalyticsprocessor // import "github.com/otelcol-chaos/otelcol-chaos/processor/chaosanalyticsprocessor"

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"go.opentelemetry.io/collector/component"
)

// Config is the chaos_analytics processor's configuration.
type Config struct {
	// Widths are the bucket widths. The smallest is the finest: events fill
	// it, and every other width is a roll-up of it, so each must be a
	// multiple of it.
	Widths []time.Duration `mapstructure:"widths"`
	// AllowedLateness is how long after its end a bucket stays open for late
	// events (in event time); later events are counted, not aggregated.
	AllowedLateness time.Duration `mapstructure:"allowed_lateness"`
	// MaxFutureSkew bounds how far ahead of the wall clock an event may be.
	MaxFutureSkew time.Duration `mapstructure:"max_future_skew"`
	// FlushInterval is how often the wall clock is consulted to close
	// buckets when events stop arriving.
	FlushInterval time.Duration `mapstructure:"flush_interval"`
	// IdleFlush, when set, closes every bucket holding data once no event
	// has arrived for that long (the end of a replayed recording).
	IdleFlush time.Duration `mapstructure:"idle_flush"`
	// DropEvents removes chaos.event records once aggregated, so only
	// summaries go downstream.
	DropEvents bool `mapstructure:"drop_events"`
	// ProducerID names this collector on the summaries it emits
	// (chaos.bucket.producer); a merging collector keeps one partial per
	// producer and bucket. Default: the collector's service.instance.id.
	ProducerID string `mapstructure:"producer_id"`
	// ProducerTimeout is how long an upstream producer (an agent whose
	// partials this processor merges) may send nothing before it stops
	// holding buckets open: buckets close once every producer heard from
	// within it has sent a later bucket.
	ProducerTimeout time.Duration `mapstructure:"producer_timeout"`
	// ProbeLatencySLO is the latency above which a successful probe counts
	// as slow (degraded) in the impact; 0 disables it.
	ProbeLatencySLO time.Duration `mapstructure:"probe_latency_slo"`

	Limits LimitsConfig `mapstructure:"limits"`
	Impact ImpactConfig `mapstructure:"impact"`

	// Storage names a storage extension (e.g. file_storage) where open
	// buckets are checkpointed, so a restart keeps them.
	Storage *component.ID `mapstructure:"storage"`
	// CheckpointInterval is how often open buckets are checkpointed (and
	// always at shutdown).
	CheckpointInterval time.Duration `mapstructure:"checkpoint_interval"`

	// Dashboard names the chaos_dashboard extension to publish the
	// buckets this processor emits, and the scenario transitions it sees,
	// to. Without it the processor publishes to the only one configured,
	// or to none.
	Dashboard *component.ID `mapstructure:"dashboard"`

	// prevent unkeyed literal initialization
	_ struct{}
}

// LimitsConfig bounds memory.
type LimitsConfig struct {
	MaxServices    int `mapstructure:"max_services"`
	MaxEndpoints   int `mapstructure:"max_endpoints"`
	MaxMapEntries  int `mapstructure:"max_map_entries"`
	MaxOpenBuckets int `mapstructure:"max_open_buckets"`
	// MaxPartials bounds the partial summaries kept, one per producer per
	// open bucket, until their bucket closes.
	MaxPartials int `mapstructure:"max_partials"`
}

// ImpactConfig parameterises the impact formula (docs/semantic-conventions.md).
type ImpactConfig struct {
	LatencyBudget time.Duration `mapstructure:"latency_budget"`
	TopEndpoints  int           `mapstructure:"top_endpoints"`
}

var _ component.Config = (*Config)(nil)

// Errors returned by Validate.
var (
	errNoWidths        = errors.New("widths: at least one bucket width is required")
	errWidthPositive   = errors.New("widths: every width must be a whole number of seconds > 0")
	errWidthMultiple   = errors.New("widths: every width must be a multiple of the smallest")
	errWidthDuplicate  = errors.New("widths: duplicate width")
	errNegative        = errors.New("must be >= 0")
	errFlushInterval   = errors.New("flush_interval must be > 0")
	errProducerTimeout = errors.New("producer_timeout must be > 0")
	errLimit           = errors.New("limits: every limit must be > 0")
	errCheckpoint      = errors.New("checkpoint_interval must be > 0 when storage is set")
)

// Validate checks the configuration at start-up.
func (cfg *Config) Validate() error {
	var errs []error
	if len(cfg.Widths) == 0 {
		errs = append(errs, errNoWidths)
	}
	sorted := slices.Clone(cfg.Widths)
	slices.Sort(sorted)
	for i, w := range sorted {
		switch {
		case w <= 0 || w%time.Second != 0:
			errs = append(errs, fmt.Errorf("%w (got %s)", errWidthPositive, w))
		case i > 0 && w == sorted[i-1]:
			errs = append(errs, fmt.Errorf("%w %s", errWidthDuplicate, w))
		case sorted[0] > 0 && w%sorted[0] != 0:
			errs = append(errs, fmt.Errorf("%w (%s is not a multiple of %s)", errWidthMultiple, w, sorted[0]))
		}
	}
	for name, d := range map[string]time.Duration{
		"allowed_lateness": cfg.AllowedLateness, "max_future_skew": cfg.MaxFutureSkew,
		"idle_flush": cfg.IdleFlush, "probe_latency_slo": cfg.ProbeLatencySLO,
		"impact.latency_budget": cfg.Impact.LatencyBudget,
	} {
		if d < 0 {
			errs = append(errs, fmt.Errorf("%s %w", name, errNegative))
		}
	}
	if cfg.FlushInterval <= 0 {
		errs = append(errs, errFlushInterval)
	}
	if cfg.ProducerTimeout <= 0 {
		errs = append(errs, errProducerTimeout)
	}
	if cfg.Limits.MaxServices <= 0 || cfg.Limits.MaxEndpoints <= 0 || cfg.Limits.MaxMapEntries <= 0 ||
		cfg.Limits.MaxOpenBuckets <= 0 || cfg.Limits.MaxPartials <= 0 {
		errs = append(errs, errLimit)
	}
	if cfg.Impact.TopEndpoints < 0 {
		errs = append(errs, fmt.Errorf("impact.top_endpoints %w", errNegative))
	}
	if cfg.Storage != nil && cfg.CheckpointInterval <= 0 {
		errs = append(errs, errCheckpoint)
	}
	return errors.Join(errs...)
}

// sortedWidths returns the widths ascending.
func (cfg *Config) sortedWidths() []time.Duration {
	w := slices.Clone(cfg.Widths)
	slices.Sort(w)
	return w
}
