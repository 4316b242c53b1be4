package config // import "github.com/otelcol-chaos/otelcol-chaos/exporter/alertexporter/config"

import "time"

// RuleConfig is one rule as the user writes it. It is checked, and turned
// into an evaluable rule, when the exporter's configuration is validated.
type RuleConfig struct {
	// Name is the alertname label; unique among rules.
	Name string `mapstructure:"name"`
	// Type is threshold (the default), anomaly, health or absent.
	Type string `mapstructure:"type"`
	// Preset fills a threshold rule's defaults with one of the seed's six
	// rules: event_rate, latency, fault_rate, rate_limit, endpoint_stress, impact.
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

	// For is how long the condition must hold before the alert fires
	// (pending until then); KeepFiringFor keeps a firing alert firing that
	// long after the condition clears.
	For           time.Duration `mapstructure:"for"`
	KeepFiringFor time.Duration `mapstructure:"keep_firing_for"`

	Severity    string            `mapstructure:"severity"`
	Labels      map[string]string `mapstructure:"labels"`
	Annotations map[string]string `mapstructure:"annotations"`
}
