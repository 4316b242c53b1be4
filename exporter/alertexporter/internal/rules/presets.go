package rules

import (
	"maps"
	"slices"
	"time"
)

// preset is one of the seed's six rules expressed in the threshold
// engine: a user's own settings override every default.
type preset struct {
	field, aggregation, scope string
	threshold                 float64
	window                    time.Duration
	severity                  string
	summary                   string
}

var presets = map[string]preset{
	// HighEventRate: events per minute over the window.
	"event_rate": {field: "events", aggregation: AggRate, scope: "global", threshold: 100, window: 5 * time.Minute,
		severity: "warning", summary: "{{ .ScopeLabel }}: {{ printf \"%.1f\" .Value }} chaos events/min over {{ .Window }} (threshold {{ .Threshold }})"},
	// HighLatency: mean injected delay over the window.
	"latency": {field: "latency_avg_ms", aggregation: AggAvg, scope: "global", threshold: 1000, window: 5 * time.Minute,
		severity: "warning", summary: "{{ .ScopeLabel }}: mean injected latency {{ printf \"%.0f\" .Value }} ms over {{ .Window }} (threshold {{ .Threshold }} ms)"},
	// HighFaultRate: share of events that were injected faults. The seed
	// counted faults per minute; a ratio does not fire on volume alone.
	"fault_rate": {field: "fault_ratio", aggregation: AggAvg, scope: "global", threshold: 0.25, window: 5 * time.Minute,
		severity: "critical", summary: "{{ .ScopeLabel }}: {{ printf \"%.0f\" (mul .Value 100) }}% of chaos events were faults over {{ .Window }} (threshold {{ printf \"%.0f\" (mul .Threshold 100) }}%)"},
	// RateLimitViolations: violations per minute.
	"rate_limit": {field: "rate_limit_violations", aggregation: AggRate, scope: "global", threshold: 50, window: 5 * time.Minute,
		severity: "warning", summary: "{{ .ScopeLabel }}: {{ printf \"%.1f\" .Value }} rate-limit violations/min over {{ .Window }} (threshold {{ .Threshold }})"},
	// EndpointStress: events per minute on one endpoint.
	"endpoint_stress": {field: "events", aggregation: AggRate, scope: "endpoint", threshold: 100, window: 5 * time.Minute,
		severity: "warning", summary: "endpoint {{ .ScopeKey }}: {{ printf \"%.1f\" .Value }} chaos events/min over {{ .Window }} (threshold {{ .Threshold }})"},
	// RequestErrors: the share of the service's own requests (its server
	// spans, through chaos_spans) that failed: what the users saw, whatever
	// the chaos injected. Not one of the seed's rules.
	"request_errors": {field: "observed_error_ratio", aggregation: AggAvg, scope: "service", threshold: 0.05, window: 5 * time.Minute,
		severity: "critical", summary: "{{ .ScopeLabel }}: {{ printf \"%.0f\" (mul .Value 100) }}% of its requests failed over {{ .Window }} (threshold {{ printf \"%.0f\" (mul .Threshold 100) }}%)"},
	// HighImpact: the impact severity (0–1) of the window's buckets.
	"impact": {field: "impact_severity", aggregation: AggMax, scope: "global", threshold: 0.7, window: 5 * time.Minute,
		severity: "critical", summary: "{{ .ScopeLabel }}: chaos impact severity {{ printf \"%.2f\" .Value }} over {{ .Window }} (threshold {{ .Threshold }})"},
}

// thresholdPresetNames lists the threshold presets, sorted.
func thresholdPresetNames() []string { return slices.Sorted(maps.Keys(presets)) }

// PresetNames lists the presets, sorted: the threshold presets and
// steady_state.
func PresetNames() []string {
	return slices.Sorted(func(yield func(string) bool) {
		for k := range presets {
			if !yield(k) {
				return
			}
		}
		yield(PresetSteadyState)
	})
}

func (p preset) apply(c Config) Config {
	if c.Field == "" {
		c.Field = p.field
	}
	if c.Aggregation == "" {
		c.Aggregation = p.aggregation
	}
	if c.Scope == "" {
		c.Scope = p.scope
	}
	if c.Threshold == nil {
		t := p.threshold
		c.Threshold = &t
	}
	if c.Window == 0 {
		c.Window = p.window
	}
	if c.Severity == "" {
		c.Severity = p.severity
	}
	if _, ok := c.Annotations["summary"]; !ok {
		a := maps.Clone(c.Annotations)
		if a == nil {
			a = map[string]string{}
		}
		a["summary"] = p.summary
		c.Annotations = a
	}
	return c
}
