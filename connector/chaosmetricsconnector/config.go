package chaosmetricsconnector // import "github.com/otelcol-chaos/otelcol-chaos/connector/chaosmetricsconnector"

import (
	"errors"
	"fmt"
	"time"

	"go.opentelemetry.io/collector/component"
)

// Config is the chaos_metrics connector's configuration.
type Config struct {
	// Width is the chaos.bucket width the counters, histograms and impact
	// gauges are read from; 0 takes the finest width seen. Only one width is
	// read: every width counts the same events, reading two would count
	// them twice.
	Width time.Duration `mapstructure:"width"`
	// EndpointLabel keeps the endpoint-scope series (label chaos_endpoint);
	// false drops them, for fleets with many endpoints.
	EndpointLabel bool `mapstructure:"endpoint_label"`
	// MaxLabelValues bounds the distinct values of each label (services,
	// endpoints, fault types, protocols, scenarios, experiments…); further
	// values are replaced by _overflow and counted.
	MaxLabelValues int `mapstructure:"max_label_values"`
	// Histogram configures the injected latency and probe duration
	// histograms.
	Histogram HistogramConfig `mapstructure:"histogram"`

	// prevent unkeyed literal initialization
	_ struct{}
}

// HistogramConfig sets the explicit bucket bounds of the histograms.
type HistogramConfig struct {
	// Buckets are the upper bounds (Prometheus' le), strictly increasing.
	Buckets []time.Duration `mapstructure:"buckets"`
}

var _ component.Config = (*Config)(nil)

// Errors returned by Validate.
var (
	errWidth          = errors.New("width must be a whole number of seconds >= 0")
	errMaxLabelValues = errors.New("max_label_values must be > 0")
	errNoBuckets      = errors.New("histogram.buckets: at least one bound is required")
	errBucketOrder    = errors.New("histogram.buckets must be strictly increasing")
	errBucketRange    = errors.New("histogram.buckets must be above 1µs")
)

// Validate checks the configuration at start-up.
func (cfg *Config) Validate() error {
	var errs []error
	if cfg.Width < 0 || cfg.Width%time.Second != 0 {
		errs = append(errs, fmt.Errorf("%w (got %s)", errWidth, cfg.Width))
	}
	if cfg.MaxLabelValues <= 0 {
		errs = append(errs, errMaxLabelValues)
	}
	if len(cfg.Histogram.Buckets) == 0 {
		errs = append(errs, errNoBuckets)
	}
	for i, b := range cfg.Histogram.Buckets {
		switch {
		case b <= time.Microsecond:
			errs = append(errs, fmt.Errorf("%w (got %s)", errBucketRange, b))
		case i > 0 && b <= cfg.Histogram.Buckets[i-1]:
			errs = append(errs, fmt.Errorf("%w (%s after %s)", errBucketOrder, b, cfg.Histogram.Buckets[i-1]))
		}
	}
	return errors.Join(errs...)
}
