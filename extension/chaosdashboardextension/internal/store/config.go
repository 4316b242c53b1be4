package store

import (
	"errors"
	"fmt"
	"time"
)

// Defaults of Config's zero fields.
const (
	DefaultRetention      = 24 * time.Hour
	DefaultScopeRetention = time.Hour
	DefaultMaxSeries      = 1000
	DefaultMaxAnomalies   = 1000
	DefaultAlertHistory   = 1000
	DefaultMaxScenarios   = 1000
)

// Config bounds what the store keeps. Zero fields take the defaults.
type Config struct {
	// Retention is how long global-scope buckets and health records are
	// kept, by data time (behind the newest global bucket end, or health
	// at, seen).
	Retention time.Duration `mapstructure:"retention"`
	// ScopeRetention is how long service and endpoint buckets and health
	// records are kept; they are many more, so they are kept for less.
	ScopeRetention time.Duration `mapstructure:"scope_retention"`
	// MaxSeries bounds the (scope, key, width) bucket rings, and apart the
	// (scope, key) health histories; a record of a new one beyond it is
	// refused and counted.
	MaxSeries int `mapstructure:"max_series"`
	// MaxAnomalies bounds the closed anomalies kept (open ones always are).
	MaxAnomalies int `mapstructure:"max_anomalies"`
	// AlertHistory is the number of alert transitions kept.
	AlertHistory int `mapstructure:"alert_history"`
	// MaxScenarios is the number of scenario transitions kept, the
	// newest by time: a game day's phases, far fewer than its alerts.
	MaxScenarios int `mapstructure:"max_scenarios"`
}

// Sentinel errors of Validate; each error names the key at fault.
var (
	ErrNegative       = errors.New("must not be negative")
	ErrRetentionOrder = errors.New("must not be shorter than scope_retention")
)

// Validate reports every problem at once. A zero field is valid (it takes
// the default), so the retention order is checked after defaults.
func (c Config) Validate() error {
	var errs []error
	for _, d := range []struct {
		key string
		v   time.Duration
	}{{"retention", c.Retention}, {"scope_retention", c.ScopeRetention}} {
		if d.v < 0 {
			errs = append(errs, fmt.Errorf("%s %w, got %s", d.key, ErrNegative, d.v))
		}
	}
	for _, n := range []struct {
		key string
		v   int
	}{{"max_series", c.MaxSeries}, {"max_anomalies", c.MaxAnomalies}, {"alert_history", c.AlertHistory},
		{"max_scenarios", c.MaxScenarios}} {
		if n.v < 0 {
			errs = append(errs, fmt.Errorf("%s %w, got %d", n.key, ErrNegative, n.v))
		}
	}
	if d := c.WithDefaults(); c.Retention >= 0 && c.ScopeRetention >= 0 && d.Retention < d.ScopeRetention {
		errs = append(errs, fmt.Errorf("retention (%s) %w (%s)", d.Retention, ErrRetentionOrder, d.ScopeRetention))
	}
	return errors.Join(errs...)
}

// WithDefaults returns c with every zero field set to its default.
func (c Config) WithDefaults() Config {
	if c.Retention == 0 {
		c.Retention = DefaultRetention
	}
	if c.ScopeRetention == 0 {
		c.ScopeRetention = DefaultScopeRetention
	}
	if c.MaxSeries == 0 {
		c.MaxSeries = DefaultMaxSeries
	}
	if c.MaxAnomalies == 0 {
		c.MaxAnomalies = DefaultMaxAnomalies
	}
	if c.AlertHistory == 0 {
		c.AlertHistory = DefaultAlertHistory
	}
	if c.MaxScenarios == 0 {
		c.MaxScenarios = DefaultMaxScenarios
	}
	return c
}
