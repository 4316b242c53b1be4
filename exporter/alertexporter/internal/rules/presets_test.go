package rules

import (
	"fmt"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/otelcol-chaos/otelcol-chaos/internal/chaosconv"
)

// TestPresets checks every preset with its defaults: five one-minute
// buckets just above the default threshold give exactly one condition
// (the preset's scope only) with the preset's labels, value and summary;
// at or just below the threshold give none.
func TestPresets(t *testing.T) {
	type level struct {
		v       float64 // what set writes
		want    float64 // the condition's value
		fires   bool
		summary string
	}
	tests := []struct {
		preset   string
		key      SeriesKey // the scope the preset reads
		other    SeriesKey // a scope it must not read
		severity string
		set      func(i int, p *Point, v float64)
		levels   []level
	}{
		{
			preset: "event_rate", key: global, other: svc("checkout"), severity: "warning",
			set: func(_ int, p *Point, v float64) { p.Events = v },
			levels: []level{
				{v: 101, want: 101, fires: true, summary: "global: 101.0 chaos events/min over 5m0s (threshold 100)"},
				{v: 100}, {v: 99},
			},
		},
		{
			preset: "latency", key: global, other: ep("/api/cart"), severity: "warning",
			// Unequal counts: the mean is Σsum/Σcount, not a mean of means.
			set: func(i int, p *Point, v float64) {
				p.Events, p.LatencyCount = 10, float64(1+i)
				p.LatencySumMs = v * p.LatencyCount
			},
			levels: []level{
				{v: 1001, want: 1001, fires: true, summary: "global: mean injected latency 1001 ms over 5m0s (threshold 1000 ms)"},
				{v: 1000}, {v: 999},
			},
		},
		{
			preset: "fault_rate", key: global, other: svc("cart"), severity: "critical",
			set: func(_ int, p *Point, v float64) { p.Events, p.Faults = 100, v },
			levels: []level{
				{v: 26, want: 0.26, fires: true, summary: "global: 26% of chaos events were faults over 5m0s (threshold 25%)"},
				{v: 25}, {v: 24},
			},
		},
		{
			preset: "rate_limit", key: global, other: svc("cart"), severity: "warning",
			set: func(_ int, p *Point, v float64) { p.Events, p.RateLimitViolations = 100, v },
			levels: []level{
				{v: 51, want: 51, fires: true, summary: "global: 51.0 rate-limit violations/min over 5m0s (threshold 50)"},
				{v: 50}, {v: 49},
			},
		},
		{
			preset: "endpoint_stress", key: ep("/api/cart"), other: global, severity: "warning",
			set: func(_ int, p *Point, v float64) { p.Events = v },
			levels: []level{
				{v: 101, want: 101, fires: true, summary: "endpoint /api/cart: 101.0 chaos events/min over 5m0s (threshold 100)"},
				{v: 100}, {v: 99},
			},
		},
		{
			preset: "request_errors", key: svc("checkout"), other: global, severity: "critical",
			set: func(_ int, p *Point, v float64) { p.Events, p.ObservedRequests, p.ObservedErrors = 10, 100, v },
			levels: []level{
				{v: 6, want: 0.06, fires: true, summary: "service checkout: 6% of its requests failed over 5m0s (threshold 5%)"},
				{v: 5}, {v: 4},
			},
		},
		{
			preset: "impact", key: global, other: svc("checkout"), severity: "critical",
			// One bucket peaks; the rule takes the window's max.
			set: func(i int, p *Point, v float64) {
				p.Events, p.ImpactSeverity = 10, 0.1
				if i == 2 {
					p.ImpactSeverity = v
				}
			},
			levels: []level{
				{v: 0.71, want: 0.71, fires: true, summary: "global: chaos impact severity 0.71 over 5m0s (threshold 0.7)"},
				{v: 0.7}, {v: 0.69},
			},
		},
	}
	covered := map[string]bool{}
	for _, tt := range tests {
		covered[tt.preset] = true
		for _, lv := range tt.levels {
			t.Run(fmt.Sprintf("%s/%v", tt.preset, lv.v), func(t *testing.T) {
				conds := evaluate(t, minute(5), func(s *Store) {
					for _, k := range []SeriesKey{tt.key, tt.other} {
						addSeries(s, k, 0, 5, func(i int, p *Point) { tt.set(i, p, lv.v) })
					}
				}, Config{Name: "R_" + tt.preset, Preset: tt.preset})
				if !lv.fires {
					require.Empty(t, conds, "value %v must not fire", lv.v)
					return
				}
				require.Len(t, conds, 1)
				c := conds[0]
				assert.Equal(t, map[string]string{
					chaosconv.AlertLabelName:     "R_" + tt.preset,
					chaosconv.AlertLabelSeverity: tt.severity,
					chaosconv.AlertLabelScope:    tt.key.Scope.String(),
					chaosconv.AlertLabelScopeKey: tt.key.Key,
					chaosconv.AlertLabelRuleType: TypeThreshold,
				}, c.Labels)
				assert.Equal(t, lv.want, c.Value) //nolint:testifylint // exact by construction
				assert.Equal(t, map[string]string{"summary": lv.summary}, c.Annotations)
				assert.Equal(t, "R_"+tt.preset, c.Rule.Name)
			})
		}
	}
	assert.Equal(t, thresholdPresetNames(), slices.Sorted(maps.Keys(covered)), "every threshold preset is tested (steady_state: steadystate_test.go)")
}

// TestPresetOverrides: a user's settings win over every preset default.
func TestPresetOverrides(t *testing.T) {
	rs := mustCompile(t, Config{Name: "r", Preset: "event_rate", Threshold: f64(10), Window: 2 * time.Minute,
		Scope: "service", Severity: "critical", Annotations: map[string]string{"summary": "mine"}})
	r := rs[0]
	assert.Equal(t, "events", r.Field)
	assert.Equal(t, AggRate, r.Aggregation)
	assert.InDelta(t, 10, r.Threshold, 0)
	assert.Equal(t, 2*time.Minute, r.Window)
	assert.Equal(t, []chaosconv.ScopeKind{chaosconv.ScopeService}, r.Scopes)
	assert.Equal(t, chaosconv.SeverityCritical, r.Severity)
	require.Contains(t, r.Annotations, "summary")

	conds := NewEvaluator(rs).Evaluate(func() *Store {
		s := NewStore(rs)
		addSeries(s, svc("a"), 0, 2, func(_ int, p *Point) { p.Events = 21 }) // 42 over 2 min = 21/min
		addSeries(s, global, 0, 2, func(_ int, p *Point) { p.Events = 21 })
		return s
	}(), minute(2), nil)
	require.Len(t, conds, 1)
	assert.Equal(t, "mine", conds[0].Annotations["summary"])
	assert.InDelta(t, 21, conds[0].Value, 0)
	assert.Equal(t, "a", conds[0].Labels[chaosconv.AlertLabelScopeKey])

	// Other annotations keep the preset's summary alongside.
	rs = mustCompile(t, Config{Name: "r", Preset: "latency", Annotations: map[string]string{"runbook": "x"}})
	assert.Len(t, rs[0].Annotations, 2)
}
