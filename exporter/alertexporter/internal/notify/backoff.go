package notify // import "github.com/otelcol-chaos/otelcol-chaos/exporter/alertexporter/internal/notify"

import (
	"errors"
	"math/rand/v2"
	"time"
)

// BackoffConfig is how a handler's failed deliveries are retried:
// exponential backoff, stretched to the server's Retry-After when it asks
// for more, and abandoned after max_elapsed_time.
type BackoffConfig struct {
	// Enabled retries retryable failures; when false each notification gets
	// one attempt. Default true.
	Enabled bool `mapstructure:"enabled"`
	// InitialInterval is the wait after the first failure. Default 1s.
	InitialInterval time.Duration `mapstructure:"initial_interval"`
	// MaxInterval caps the wait between attempts. Default 30s.
	MaxInterval time.Duration `mapstructure:"max_interval"`
	// MaxElapsedTime bounds the time spent on one notification, waits
	// included: no attempt is scheduled beyond it. 0 retries forever (until
	// shutdown). Default 5m.
	MaxElapsedTime time.Duration `mapstructure:"max_elapsed_time"`
	// Multiplier grows the wait after each failure. Default 2.
	Multiplier float64 `mapstructure:"multiplier"`
	// RandomizationFactor jitters each wait by ± this fraction, so replicas
	// that failed together do not retry together. Default 0 (no jitter).
	RandomizationFactor float64 `mapstructure:"randomization_factor"`

	// prevent unkeyed literal initialization
	_ struct{}
}

// NewDefaultBackoffConfig returns the retry defaults.
func NewDefaultBackoffConfig() BackoffConfig {
	return BackoffConfig{
		Enabled:         true,
		InitialInterval: time.Second,
		MaxInterval:     30 * time.Second,
		MaxElapsedTime:  5 * time.Minute,
		Multiplier:      2,
	}
}

// Validate checks the intervals and factors (only when enabled: a disabled
// retry may leave them unset).
func (cfg *BackoffConfig) Validate() error {
	if !cfg.Enabled {
		return nil
	}
	var errs []error
	if cfg.InitialInterval <= 0 {
		errs = append(errs, errors.New("initial_interval must be > 0"))
	}
	if cfg.MaxInterval < cfg.InitialInterval {
		errs = append(errs, errors.New("max_interval must be >= initial_interval"))
	}
	if cfg.MaxElapsedTime < 0 {
		errs = append(errs, errors.New("max_elapsed_time must be >= 0 (0 retries until shutdown)"))
	}
	if cfg.Multiplier < 1 {
		errs = append(errs, errors.New("multiplier must be >= 1"))
	}
	if cfg.RandomizationFactor < 0 || cfg.RandomizationFactor >= 1 {
		errs = append(errs, errors.New("randomization_factor must be in [0, 1)"))
	}
	return errors.Join(errs...)
}

// backoff yields the successive waits of one notification's retries.
type backoff struct {
	cfg     BackoffConfig
	current time.Duration
}

func newBackoff(cfg BackoffConfig) *backoff {
	return &backoff{cfg: cfg, current: cfg.InitialInterval}
}

// next returns the wait before the next attempt and grows the interval.
func (b *backoff) next() time.Duration {
	d := b.current
	grown := float64(b.current) * b.cfg.Multiplier
	if grown >= float64(b.cfg.MaxInterval) {
		b.current = b.cfg.MaxInterval
	} else {
		b.current = time.Duration(grown)
	}
	if rf := b.cfg.RandomizationFactor; rf > 0 {
		delta := rf * float64(d)
		d = time.Duration(float64(d) - delta + rand.Float64()*2*delta)
	}
	return d
}
