package config // import "github.com/otelcol-chaos/otelcol-chaos/exporter/alertexporter/config"

import (
	"errors"
	"fmt"
	"time"
)

const defaultQueueSize = 100

// DeliveryConfig is how notifications are delivered: the per-handler queue
// bound and the retry policy shared by the handlers.
type DeliveryConfig struct {
	// QueueSize bounds each handler's queue of notifications waiting to be
	// sent; a full queue drops new ones rather than block the caller.
	// Default 100.
	QueueSize int `mapstructure:"queue_size"`
	// Retry is the retry policy.
	Retry BackoffConfig `mapstructure:"retry_on_failure"`

	// prevent unkeyed literal initialization
	_ struct{}
}

// NewDefaultDeliveryConfig returns the delivery defaults.
func NewDefaultDeliveryConfig() DeliveryConfig {
	return DeliveryConfig{QueueSize: defaultQueueSize, Retry: NewDefaultBackoffConfig()}
}

// Validate checks the queue size and the retry policy.
func (cfg *DeliveryConfig) Validate() error {
	var errs []error
	if cfg.QueueSize < 1 {
		errs = append(errs, errors.New("queue_size must be >= 1"))
	}
	if err := cfg.Retry.Validate(); err != nil {
		errs = append(errs, fmt.Errorf("retry_on_failure: %w", err))
	}
	return errors.Join(errs...)
}

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
