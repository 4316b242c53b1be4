package config // import "github.com/otelcol-chaos/otelcol-chaos/exporter/alertexporter/config"

import (
	"errors"
	"fmt"
	"math"
	"time"
)

// RuleConfig is one rule as the user writes it. It is checked, and turned
// into an evaluable rule, when the exporter's configuration is validated.
type RuleConfig struct {
	// Name is the alertname label; unique among rules.
	Name string `mapstructure:"name"`
	// Type is threshold (the default), anomaly, health, absent or
	// steady_state (what preset steady_state sets).
	Type string `mapstructure:"type"`
	// Preset fills a threshold rule's defaults with one of the seed's six
	// rules: event_rate, latency, fault_rate, rate_limit, endpoint_stress,
	// impact; or makes the rule a steady_state rule (see SteadyState).
	Preset string `mapstructure:"preset"`

	// Threshold rules: aggregation of field over window, compared to threshold.
	Field       string   `mapstructure:"field"`
	Aggregation string   `mapstructure:"aggregation"`
	Comparator  string   `mapstructure:"comparator"`
	Threshold   *float64 `mapstructure:"threshold"`
	// Window of bucket time the aggregation covers (threshold and absent rules).
	Window time.Duration `mapstructure:"window"`

	// Scope selects the series: global, service, endpoint or any; Match is
	// an anchored regular expression on the scope key (service, endpoint).
	Scope string `mapstructure:"scope"`
	Match string `mapstructure:"match"`

	// Anomaly rules: open anomalies of these types (all when empty) with at
	// least this severity.
	AnomalyTypes []string `mapstructure:"anomaly_types"`
	MinSeverity  string   `mapstructure:"min_severity"`

	// Health rules: a health score below this.
	Below *float64 `mapstructure:"below"`

	// SteadyState is the tolerances of a steady_state rule (nil: all
	// defaults); set on any other rule it is an error, so that a guardrail
	// written under the wrong preset does not silently never fire.
	SteadyState *SteadyStateConfig `mapstructure:"steady_state"`

	// For is how long the condition must hold before the alert fires
	// (pending until then); KeepFiringFor keeps a firing alert firing that
	// long after the condition clears.
	For           time.Duration `mapstructure:"for"`
	KeepFiringFor time.Duration `mapstructure:"keep_firing_for"`

	Severity    string            `mapstructure:"severity"`
	Labels      map[string]string `mapstructure:"labels"`
	Annotations map[string]string `mapstructure:"annotations"`
}

// Defaults of a steady_state rule's tolerances.
const (
	DefaultSuccessRatioDrop = 0.05
	DefaultP95LatencyGrowth = 0.5
	DefaultBaselineWindow   = 10 * time.Minute
	DefaultMinProbes        = 5
)

// ErrSteadyState is a steady_state setting out of its domain; the error
// wrapping it names the key.
var ErrSteadyState = errors.New("invalid steady_state setting")

// SteadyStateConfig is how far a scope may stray during chaos from its own
// pre-chaos baseline before a steady_state rule fires. Zero values mean
// the defaults, except where a pointer lets 0 be said explicitly (a
// tolerance of 0: any drop or growth fires).
type SteadyStateConfig struct {
	// SuccessRatioDrop is how many ratio points (0.05 = 5 points) the probe
	// success ratio may drop below the baseline's; 1 disables the check (a
	// ratio cannot drop more than 1). Also the tolerance of the estimated
	// degradation (as points of traffic degraded). Default 0.05.
	SuccessRatioDrop *float64 `mapstructure:"success_ratio_drop"`
	// P95LatencyGrowth is how much the p95 probe latency may grow over the
	// baseline's, relative (0.5 = +50 %). Default 0.5.
	P95LatencyGrowth *float64 `mapstructure:"p95_latency_growth"`
	// BaselineWindow is how much bucket time before the start is the
	// baseline. Default 10m.
	BaselineWindow time.Duration `mapstructure:"baseline_window"`
	// MinProbes is how many probes the baseline and the current window
	// must each hold before probes are compared. Default 5.
	MinProbes int `mapstructure:"min_probes"`
	// MaxImpactSeverity, when above 0, also fires when the impact severity
	// (0–1, max over the window during chaos) is above it. Default 0 (off).
	MaxImpactSeverity float64 `mapstructure:"max_impact_severity"`
	// AllowEstimated lets the rule fall back on the estimated degradation
	// (impact computed from the injected chaos) when probes are too few;
	// the alert says so (measurement="estimated"). Default false.
	AllowEstimated bool `mapstructure:"allow_estimated"`
}

// Resolved returns the settings with every default filled in; c may be
// nil.
func (c *SteadyStateConfig) Resolved() SteadyStateConfig {
	var out SteadyStateConfig
	if c != nil {
		out = *c
	}
	if out.SuccessRatioDrop == nil {
		v := DefaultSuccessRatioDrop
		out.SuccessRatioDrop = &v
	}
	if out.P95LatencyGrowth == nil {
		v := DefaultP95LatencyGrowth
		out.P95LatencyGrowth = &v
	}
	if out.BaselineWindow == 0 {
		out.BaselineWindow = DefaultBaselineWindow
	}
	if out.MinProbes == 0 {
		out.MinProbes = DefaultMinProbes
	}
	return out
}

// Check checks every setting; each error names its key under
// steady_state. c may be nil (all defaults: valid). It is not named
// Validate: the rules are checked when they are compiled (with the rule's
// name in the error), and the collector's recursive validation would
// report every problem a second time.
func (c *SteadyStateConfig) Check() error {
	if c == nil {
		return nil
	}
	var errs []error
	bad := func(key, want string, got any) {
		errs = append(errs, fmt.Errorf("%w: steady_state.%s must be %s (got %v)", ErrSteadyState, key, want, got))
	}
	// !(x >= lo && x <= hi) also refuses NaN.
	if v := c.SuccessRatioDrop; v != nil && !(*v >= 0 && *v <= 1) {
		bad("success_ratio_drop", "within [0, 1] (ratio points: 0.05 = 5 points)", *v)
	}
	if v := c.P95LatencyGrowth; v != nil && !(*v >= 0 && !math.IsInf(*v, 1)) {
		bad("p95_latency_growth", "a non-negative relative growth (0.5 = +50 %)", *v)
	}
	if c.BaselineWindow < 0 {
		bad("baseline_window", "positive", c.BaselineWindow)
	}
	if c.MinProbes < 0 {
		bad("min_probes", "at least 1", c.MinProbes)
	}
	if !(c.MaxImpactSeverity >= 0 && c.MaxImpactSeverity < 1) {
		bad("max_impact_severity", "within [0, 1) (0: off)", c.MaxImpactSeverity)
	}
	return errors.Join(errs...)
}
