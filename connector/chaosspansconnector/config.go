package chaosspansconnector // import "github.com/otelcol-chaos/otelcol-chaos/connector/chaosspansconnector"

import (
	"errors"
	"fmt"
	"math"
	"time"

	"go.opentelemetry.io/collector/component"
)

// Config is the chaos_spans connector's configuration.
type Config struct {
	// Width is the bucket width, aligned to the Unix epoch like the
	// chaos_analytics processor's buckets (a span belongs to the bucket
	// holding its start time). It should be the analytics processor's
	// finest width, so the records merge into its buckets.
	Width time.Duration `mapstructure:"width"`
	// FlushInterval is how often what arrived since the last flush is
	// emitted as chaos.observed partial records.
	FlushInterval time.Duration `mapstructure:"flush_interval"`
	// ProducerID names this collector on the records it emits
	// (chaos.bucket.producer). Default: the collector's service.instance.id.
	ProducerID string `mapstructure:"producer_id"`
	// DefaultSamplingRate is the probability with which spans that carry no
	// OpenTelemetry threshold (tracestate ot=th:…) were sampled; each such
	// span stands for 1/default_sampling_rate requests. 1 (the default)
	// counts every span once.
	DefaultSamplingRate float64 `mapstructure:"default_sampling_rate"`

	Limits LimitsConfig `mapstructure:"limits"`

	// prevent unkeyed literal initialization
	_ struct{}
}

// LimitsConfig bounds memory.
type LimitsConfig struct {
	// MaxServices and MaxEndpoints bound the distinct service and endpoint
	// scopes (as the chaos_analytics processor's limits of the same names);
	// spans of further ones are counted under the key _overflow.
	MaxServices  int `mapstructure:"max_services"`
	MaxEndpoints int `mapstructure:"max_endpoints"`
	// MaxPending bounds the (scope, bucket) records accumulated between
	// flushes; reaching it flushes early (records are additive, so this
	// changes how the counts are split, never their sums).
	MaxPending int `mapstructure:"max_pending"`
}

var _ component.Config = (*Config)(nil)

// Errors returned by Validate.
var (
	errWidth         = errors.New("width must be a whole number of seconds > 0")
	errFlushInterval = errors.New("flush_interval must be > 0")
	errSamplingRate  = errors.New("default_sampling_rate must be in (0, 1]")
	errLimit         = errors.New("limits: max_services and max_endpoints must be > 0")
	errMaxPending    = errors.New("limits: max_pending must be >= 3 (one span touches three scopes)")
)

// Validate checks the configuration at start-up.
func (cfg *Config) Validate() error {
	var errs []error
	if cfg.Width <= 0 || cfg.Width%time.Second != 0 {
		errs = append(errs, fmt.Errorf("%w (got %s)", errWidth, cfg.Width))
	}
	if cfg.FlushInterval <= 0 {
		errs = append(errs, errFlushInterval)
	}
	if !(cfg.DefaultSamplingRate > 0 && cfg.DefaultSamplingRate <= 1) || math.IsNaN(cfg.DefaultSamplingRate) {
		errs = append(errs, fmt.Errorf("%w (got %v)", errSamplingRate, cfg.DefaultSamplingRate))
	}
	if cfg.Limits.MaxServices <= 0 || cfg.Limits.MaxEndpoints <= 0 {
		errs = append(errs, errLimit)
	}
	if cfg.Limits.MaxPending < 3 {
		errs = append(errs, errMaxPending)
	}
	return errors.Join(errs...)
}
