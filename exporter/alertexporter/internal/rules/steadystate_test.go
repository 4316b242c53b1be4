package rules

import (
	"math"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/otelcol-chaos/otelcol-chaos/internal/chaosconv"
	"github.com/otelcol-chaos/otelcol-chaos/internal/sketch"
)

// probes is a one-minute bucket of n probes, failed of them failed, each
// taking latMs (no latency when latMs < 0), with severity and
// degradation as the recorded impact.
func probes(i, n, failed int, latMs float64) Point {
	return bucket(i, func(p *Point) {
		p.Events, p.Probes, p.ProbeFailures = float64(n), float64(n), float64(failed)
		if n > 0 {
			p.DegradationPct = 100 * float64(failed) / float64(n)
			p.ImpactSeverity = float64(failed) / float64(n)
		}
		if latMs >= 0 && n > 0 {
			p.ProbeLatency = &sketch.Sketch{}
			for range n {
				p.ProbeLatency.Add(latMs)
			}
		}
	})
}

// chaosOnly is a bucket of injected chaos without probes: events, and the
// estimated degradation and severity the producer recorded.
func chaosOnly(i int, events, degradation, severity float64) Point {
	return bucket(i, func(p *Point) { p.Events, p.DegradationPct, p.ImpactSeverity = events, degradation, severity })
}

// steady is a steady_state rule named "guard" with the given settings
// (nil: defaults).
func steady(ss *Config) Config {
	c := Config{Name: "guard", Preset: PresetSteadyState}
	if ss != nil {
		c = *ss
		c.Name, c.Preset = "guard", PresetSteadyState
	}
	return c
}

var checkout = svc("checkout")

// healthyThen is checkout's probes: 100 a minute, 1 failed, 100 ms, for
// minutes 0–9, then what during gives for minutes 10 on (n minutes).
func healthyThen(s *Store, n int, during func(i int) Point) {
	for i := range 10 {
		s.AddBucket(checkout, probes(i, 100, 1, 100))
	}
	for i := 10; i < 10+n; i++ {
		s.AddBucket(checkout, during(i))
	}
}

func start(svc string, i int, name string) StartMarker {
	return StartMarker{Service: svc, AtUnixNano: minute(i), Name: name}
}

// TestSteadyState: one steady_state rule over checkout, an experiment
// started at minute 10, evaluated at minute 12 (the default 2-minute
// window holds minutes 10 and 11).
func TestSteadyState(t *testing.T) {
	tests := []struct {
		name        string
		cfg         *Config
		fill        func(s *Store)
		fires       bool
		value       float64
		criterion   string
		measurement string
		summary     string
		description string
	}{
		{
			name: "probes collapse",
			fill: func(s *Store) {
				healthyThen(s, 2, func(i int) Point { return probes(i, 100, 38, 100) })
			},
			fires: true, value: 0.37, criterion: CriterionSuccessRatio, measurement: MeasurementProbes,
			summary: "checkout: probe success 62 % during chaos vs 99 % before (drop 37 points > 5)",
			description: "Steady state broken during pod-kill (started 2025-03-01T12:10:00Z): probe success 62 % of 200 " +
				"probes vs 99 % of 1000 before; probe p95 latency 100 ms vs 100 ms before. Measurement: probes.",
		},
		{
			name: "latency grows, success holds",
			fill: func(s *Store) {
				healthyThen(s, 2, func(i int) Point { return probes(i, 100, 1, 250) })
			},
			fires: true, value: 1.5, criterion: CriterionP95Latency, measurement: MeasurementProbes,
			summary: "checkout: probe p95 latency 250 ms during chaos vs 100 ms before (+150 % > +50 %)",
		},
		{
			name: "within tolerance",
			fill: func(s *Store) {
				// 4 points down (not more than 5), +40 % (not more than 50).
				healthyThen(s, 2, func(i int) Point { return probes(i, 100, 5, 140) })
			},
		},
		{
			name: "exactly at the tolerance does not fire",
			fill: func(s *Store) {
				// 0.99 → 0.94 is a drop of 5 points (not more, whatever the
				// floating point says); +50 % exactly.
				healthyThen(s, 2, func(i int) Point { return probes(i, 100, 6, 150) })
			},
		},
		{
			name: "no baseline",
			fill: func(s *Store) {
				for i := 10; i < 12; i++ {
					s.AddBucket(checkout, probes(i, 100, 90, 100))
				}
			},
		},
		{
			name: "too few probes",
			fill: func(s *Store) {
				// 4 probes in the current window, fewer than min_probes 5.
				healthyThen(s, 2, func(i int) Point { return probes(i, 2, 2, 100) })
			},
		},
		{
			name: "no probes, estimated not allowed",
			fill: func(s *Store) {
				for i := range 12 {
					s.AddBucket(checkout, chaosOnly(i, 50, map[bool]float64{true: 40, false: 2}[i >= 10], 0.2))
				}
			},
		},
		{
			name: "no probes, estimated allowed",
			cfg:  &Config{SteadyState: &SteadyStateConfig{AllowEstimated: true}},
			fill: func(s *Store) {
				for i := range 12 {
					s.AddBucket(checkout, chaosOnly(i, 50, map[bool]float64{true: 40, false: 2}[i >= 10], 0.2))
				}
			},
			fires: true, value: 0.38, criterion: CriterionEstimated, measurement: MeasurementEstimated,
			summary: "checkout: estimated degradation 40 % during chaos vs 2 % before (up 38 points > 5; " +
				"estimated from the injected chaos, too few probes)",
			description: "Steady state broken during pod-kill (started 2025-03-01T12:10:00Z): no probe results; " +
				"estimated degradation 40 % vs 2 % before (no probe measured it: allow_estimated). Measurement: estimated.",
		},
		{
			name: "plain form: impact severity above the bound",
			cfg:  &Config{SteadyState: &SteadyStateConfig{MaxImpactSeverity: 0.7}},
			fill: func(s *Store) {
				healthyThen(s, 2, func(i int) Point {
					p := probes(i, 100, 2, 100) // probes within tolerance
					p.ImpactSeverity = 0.5 + 0.3*float64(i-10)
					return p
				})
			},
			fires: true, value: 0.8, criterion: CriterionImpact, measurement: MeasurementProbes,
			summary: "checkout: impact severity 0.80 during chaos (> 0.70)",
		},
		{
			name: "plain form without probes needs allow_estimated",
			cfg:  &Config{SteadyState: &SteadyStateConfig{MaxImpactSeverity: 0.7}},
			fill: func(s *Store) {
				for i := 10; i < 12; i++ {
					s.AddBucket(checkout, chaosOnly(i, 50, 50, 0.9))
				}
			},
		},
		{
			name: "plain form estimated, no baseline needed",
			cfg:  &Config{SteadyState: &SteadyStateConfig{MaxImpactSeverity: 0.7, AllowEstimated: true}},
			fill: func(s *Store) {
				for i := 10; i < 12; i++ {
					s.AddBucket(checkout, chaosOnly(i, 50, 50, 0.9))
				}
			},
			fires: true, value: 0.9, criterion: CriterionImpact, measurement: MeasurementEstimated,
			summary: "checkout: impact severity 0.90 during chaos (> 0.70); estimated from the injected chaos, too few probes",
		},
		{
			name: "a one-minute window",
			fill: func(s *Store) {
				healthyThen(s, 2, func(i int) Point { return probes(i, 100, 20+18*(i-10), 100) })
			},
			cfg:   &Config{Window: time.Minute}, // at minute 12: minute 11 only
			fires: true, value: 0.37, criterion: CriterionSuccessRatio, measurement: MeasurementProbes,
			summary: "checkout: probe success 62 % during chaos vs 99 % before (drop 37 points > 5)",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			conds := evaluate(t, minute(12), func(s *Store) {
				tt.fill(s)
				s.AddStart(start("checkout", 10, "pod-kill"))
			}, steady(tt.cfg))
			if !tt.fires {
				require.Empty(t, conds)
				return
			}
			require.Len(t, conds, 1)
			c := conds[0]
			assert.InDelta(t, tt.value, c.Value, 1e-9)
			assert.Equal(t, map[string]string{
				chaosconv.AlertLabelName: "guard", chaosconv.AlertLabelSeverity: "critical",
				chaosconv.AlertLabelScope: "service", chaosconv.AlertLabelScopeKey: "checkout",
				chaosconv.AlertLabelRuleType: TypeSteadyState,
				LabelMeasurement:             tt.measurement, LabelExperiment: "pod-kill",
			}, c.Labels)
			assert.Equal(t, tt.summary, c.Annotations["summary"])
			if tt.description != "" {
				assert.Equal(t, tt.description, c.Annotations["description"])
			}
			assert.Len(t, c.Annotations, 2)
		})
	}
}

// TestSteadyStateOnlyDuringChaos: no start, or a start after the
// evaluation time, compares nothing; the bucket that straddles a start
// counts neither as baseline nor as chaos.
func TestSteadyStateOnlyDuringChaos(t *testing.T) {
	fill := func(s *Store) {
		for i := range 12 {
			failed := 1
			if i >= 9 {
				failed = 60
			}
			s.AddBucket(checkout, probes(i, 100, failed, 100))
		}
	}
	assert.Empty(t, evaluate(t, minute(12), fill, steady(nil)), "no start")
	assert.Empty(t, evaluate(t, minute(12), func(s *Store) {
		fill(s)
		s.AddStart(start("checkout", 13, "later"))
	}, steady(nil)), "a start after the evaluation")
	// Started at 9:30: minute 9 straddles it (in neither window); the
	// 3-minute window reads minutes 10–11, the baseline minutes 0–8.
	conds := evaluate(t, minute(12), func(s *Store) {
		fill(s)
		s.AddStart(StartMarker{Service: "checkout", AtUnixNano: minute(9) + int64(30*time.Second), Name: "x"})
	}, steady(&Config{Window: 3 * time.Minute}))
	require.Len(t, conds, 1)
	assert.InDelta(t, 0.59, conds[0].Value, 1e-9)
	assert.Contains(t, conds[0].Annotations["description"], "of 200 probes vs 99 % of 900 before")
}

// TestSteadyStateNewStartResetsBaseline: a second start takes its
// baseline before itself; evaluations before it still read the first.
func TestSteadyStateNewStartResetsBaseline(t *testing.T) {
	rs := mustCompile(t, steady(&Config{SteadyState: &SteadyStateConfig{BaselineWindow: 5 * time.Minute}}))
	s, e := NewStore(rs), NewEvaluator(rs)
	healthyThen(s, 2, func(i int) Point { return probes(i, 100, 38, 100) })
	s.AddStart(start("checkout", 10, "first"))
	s.AddStart(start("checkout", 15, "second")) // announced early: read from minute 15 on

	conds := e.Evaluate(s, minute(12), nil)
	require.Len(t, conds, 1)
	assert.Equal(t, "first", conds[0].Labels[LabelExperiment])
	assert.InDelta(t, 0.37, conds[0].Value, 1e-9)
	for i := 12; i < 17; i++ {
		s.AddBucket(checkout, probes(i, 100, 38, 100))
	}

	// The second start's baseline is minutes 10–14, as bad as minutes 15–16.
	assert.Empty(t, e.Evaluate(s, minute(17), nil))
}

// TestSteadyStateBaselineOutlivesItsBuckets: the store keeps buckets a
// window and a baseline window; a long experiment still compares with the
// baseline it had, and a late baseline bucket (while still held) counts.
func TestSteadyStateBaselineOutlivesItsBuckets(t *testing.T) {
	rs := mustCompile(t, steady(nil))
	s, e := NewStore(rs), NewEvaluator(rs)
	for i := range 9 {
		s.AddBucket(checkout, probes(i, 100, 1, 100))
	}
	s.AddStart(start("checkout", 10, "long"))
	s.AddBucket(checkout, probes(10, 100, 38, 100))
	s.AddBucket(checkout, probes(11, 100, 38, 100))
	conds := e.Evaluate(s, minute(12), nil)
	require.Len(t, conds, 1)
	assert.Contains(t, conds[0].Annotations["description"], "vs 99 % of 900 before")

	// Minute 9 arrives late, with more failures: the baseline is recomputed.
	s.AddBucket(checkout, probes(9, 100, 11, 100))
	conds = e.Evaluate(s, minute(12), nil)
	require.Len(t, conds, 1)
	assert.Contains(t, conds[0].Annotations["description"], "vs 98 % of 1000 before")

	for i := 12; i < 60; i++ {
		s.AddBucket(checkout, probes(i, 100, 38, 100))
	}
	require.Greater(t, s.series[checkout].points[0].StartUnixNano, minute(10), "the baseline's buckets are trimmed")
	conds = e.Evaluate(s, minute(60), nil)
	require.Len(t, conds, 1)
	assert.InDelta(t, 0.36, conds[0].Value, 1e-9)
	assert.Contains(t, conds[0].Annotations["description"], "vs 98 % of 1000 before")
}

// TestSteadyStateStartScopes: a start applies to its own service and to
// global and endpoints; the start of a service without probes of its own
// (a generator, a chaos tool) applies to every scope.
func TestSteadyStateStartScopes(t *testing.T) {
	payments, cart := svc("payments"), ep("/api/cart")
	fill := func(s *Store) {
		for _, k := range []SeriesKey{global, checkout, payments, cart} {
			for i := range 12 {
				failed := 1
				if i >= 10 {
					failed = 50
				}
				s.AddBucket(k, probes(i, 100, failed, 100))
			}
		}
		// The generator's own series: its experiment events, no probes.
		s.AddBucket(svc("chaosgen"), bucket(10, func(p *Point) { p.Events = 1 }))
	}
	tests := []struct {
		name   string
		starts []StartMarker
		want   []SeriesKey
	}{
		{name: "a probed service's start", starts: []StartMarker{start("payments", 10, "x")},
			want: []SeriesKey{global, payments, cart}},
		{name: "the generator's start", starts: []StartMarker{start("chaosgen", 10, "x")},
			want: []SeriesKey{global, checkout, payments, cart}},
		{name: "no service.name", starts: []StartMarker{start("", 10, "x")},
			want: []SeriesKey{global, checkout, payments, cart}},
		{name: "a service never seen", starts: []StartMarker{start("ghost", 10, "x")},
			want: []SeriesKey{global, checkout, payments, cart}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			conds := evaluate(t, minute(12), func(s *Store) {
				fill(s)
				for _, m := range tt.starts {
					s.AddStart(m)
				}
			}, steady(&Config{Scope: ScopeAny}))
			assert.Equal(t, tt.want, keysOf(conds))
		})
	}

	// A service's own start, later than the generator's, is its baseline.
	conds := evaluate(t, minute(12), func(s *Store) {
		fill(s)
		s.AddStart(start("chaosgen", 5, "early"))
		s.AddStart(start("checkout", 10, "own"))
	}, steady(nil))
	require.Equal(t, []SeriesKey{checkout, payments}, keysOf(conds))
	assert.Equal(t, "own", conds[0].Labels[LabelExperiment])
	assert.Equal(t, "early", conds[1].Labels[LabelExperiment])
}

// TestSteadyStateSaysWhyNot: a scope that cannot compare logs why at
// debug level, once per reason.
func TestSteadyStateSaysWhyNot(t *testing.T) {
	core, logs := observer.New(zapcore.DebugLevel)
	rs := mustCompile(t, steady(nil))
	s, e := NewStore(rs), NewEvaluator(rs)
	e.SetLogger(zap.New(core))
	s.AddStart(start("checkout", 10, "x"))
	s.AddBucket(checkout, probes(10, 100, 90, 100))
	e.Evaluate(s, minute(11), nil)
	s.AddBucket(checkout, probes(11, 100, 90, 100))
	e.Evaluate(s, minute(12), nil)
	require.Equal(t, 1, logs.Len())
	entry := logs.All()[0]
	assert.Equal(t, "steady_state rule cannot compare", entry.Message)
	assert.Contains(t, entry.ContextMap()["reason"], "no baseline")
	assert.Equal(t, "checkout", entry.ContextMap()["scope_key"])
}

// TestMarkerList: starts kept sorted, the same start once, the newest
// few; the store keeps them only for steady_state rules.
func TestMarkerList(t *testing.T) {
	var l markerList
	for _, i := range []int{5, 3, 9, 3, 7} {
		l.add(start("a", i, "n"))
	}
	require.Equal(t, 4, l.n)
	m, found := l.at(minute(8))
	require.True(t, found)
	assert.Equal(t, minute(7), m.AtUnixNano)
	_, found = l.at(minute(2))
	assert.False(t, found)
	for i := 10; i < 20; i++ {
		l.add(start("a", i, "n"))
	}
	require.Equal(t, maxMarkersPerService, l.n)
	assert.Equal(t, minute(12), l.m[0].AtUnixNano, "the oldest are dropped")
	l.add(start("a", 1, "n"))
	assert.Equal(t, minute(12), l.m[0].AtUnixNano, "older than every one kept: ignored")

	plain := NewStore(mustCompile(t, ok(func(*Config) {})))
	plain.AddStart(start("a", 1, "n"))
	assert.Empty(t, plain.markers)
	assert.False(t, plain.WantsMarkers())

	s := NewStore(mustCompile(t, steady(nil)))
	for i := range maxMarkerServices + 10 {
		s.AddStart(StartMarker{Service: string(rune('a' + i)), AtUnixNano: minute(i + 1)})
	}
	assert.Len(t, s.markers, maxMarkerServices)
	assert.NotContains(t, s.markers, "a", "the service with the oldest start is forgotten")
}

// TestSteadyStateNaNFree: a window whose probes all failed and a
// baseline whose latency was 0 ms give finite values or none.
func TestSteadyStateNaNFree(t *testing.T) {
	conds := evaluate(t, minute(12), func(s *Store) {
		for i := range 10 {
			s.AddBucket(checkout, probes(i, 100, 0, 0))
		}
		s.AddBucket(checkout, probes(10, 100, 100, 500))
		s.AddBucket(checkout, probes(11, 100, 100, 500))
		s.AddStart(start("checkout", 10, "x"))
	}, steady(nil))
	require.Len(t, conds, 1)
	assert.InDelta(t, 1, conds[0].Value, 1e-9)
	assert.False(t, math.IsNaN(conds[0].Value))
}

// TestSteadyStateCompile: the defaults, an explicit 0, and every setting
// refused with an error naming its key.
func TestSteadyStateCompile(t *testing.T) {
	r := mustCompile(t, steady(nil))[0]
	assert.Equal(t, TypeSteadyState, r.Type)
	assert.Equal(t, []chaosconv.ScopeKind{chaosconv.ScopeService}, r.Scopes)
	assert.Equal(t, 2*time.Minute, r.Window)
	assert.Equal(t, chaosconv.SeverityCritical, r.Severity)
	assert.Equal(t, SteadyState{SuccessRatioDrop: 0.05, P95LatencyGrowth: 0.5, BaselineWindow: 10 * time.Minute,
		MinProbes: 5}, r.SteadyState)
	assert.Equal(t, []string{"description", "summary"}, sortedKeys(r.Annotations))

	r = mustCompile(t, Config{Name: "g", Type: TypeSteadyState, Scope: "global", Window: time.Minute,
		Severity: "warning", For: time.Minute, Annotations: map[string]string{"summary": "mine"},
		SteadyState: &SteadyStateConfig{SuccessRatioDrop: f64(0), P95LatencyGrowth: f64(2),
			BaselineWindow: 5 * time.Minute, MinProbes: 1, MaxImpactSeverity: 0.7, AllowEstimated: true}})[0]
	assert.Equal(t, TypeSteadyState, r.Type, "type steady_state without the preset")
	assert.Equal(t, SteadyState{SuccessRatioDrop: 0, P95LatencyGrowth: 2, BaselineWindow: 5 * time.Minute,
		MinProbes: 1, MaxImpactSeverity: 0.7, AllowEstimated: true}, r.SteadyState)
	assert.Equal(t, []chaosconv.ScopeKind{chaosconv.ScopeGlobal}, r.Scopes)
	assert.Equal(t, chaosconv.SeverityWarning, r.Severity)
	assert.Equal(t, time.Minute, r.For)

	// Two steady_state rules among others get a cache slot each.
	rs := mustCompile(t, ok(func(*Config) {}), steady(nil), Config{Name: "second", Preset: PresetSteadyState})
	assert.Equal(t, 0, rs[1].steadyIdx)
	assert.Equal(t, 1, rs[2].steadyIdx)

	ss := func(s SteadyStateConfig) Config { return Config{Name: "r", Preset: PresetSteadyState, SteadyState: &s} }
	tests := []struct {
		name string
		cfg  Config
		want error
		key  string
	}{
		{"success_ratio_drop above 1", ss(SteadyStateConfig{SuccessRatioDrop: f64(1.5)}), ErrSteadyState, "steady_state.success_ratio_drop"},
		{"success_ratio_drop negative", ss(SteadyStateConfig{SuccessRatioDrop: f64(-0.1)}), ErrSteadyState, "steady_state.success_ratio_drop"},
		{"success_ratio_drop NaN", ss(SteadyStateConfig{SuccessRatioDrop: f64(math.NaN())}), ErrSteadyState, "steady_state.success_ratio_drop"},
		{"p95_latency_growth negative", ss(SteadyStateConfig{P95LatencyGrowth: f64(-0.5)}), ErrSteadyState, "steady_state.p95_latency_growth"},
		{"p95_latency_growth infinite", ss(SteadyStateConfig{P95LatencyGrowth: f64(math.Inf(1))}), ErrSteadyState, "steady_state.p95_latency_growth"},
		{"baseline_window negative", ss(SteadyStateConfig{BaselineWindow: -time.Minute}), ErrSteadyState, "steady_state.baseline_window"},
		{"min_probes negative", ss(SteadyStateConfig{MinProbes: -1}), ErrSteadyState, "steady_state.min_probes"},
		{"max_impact_severity 1", ss(SteadyStateConfig{MaxImpactSeverity: 1}), ErrSteadyState, "steady_state.max_impact_severity"},
		{"max_impact_severity negative", ss(SteadyStateConfig{MaxImpactSeverity: -0.1}), ErrSteadyState, "steady_state.max_impact_severity"},
		{"window negative", Config{Name: "r", Preset: PresetSteadyState, Window: -time.Minute}, ErrWindow, "window"},
		{"scope", Config{Name: "r", Preset: PresetSteadyState, Scope: "pod"}, ErrScope, "scope"},
		{"severity", Config{Name: "r", Preset: PresetSteadyState, Severity: "page"}, ErrSeverity, "severity"},
		{"threshold", Config{Name: "r", Preset: PresetSteadyState, Threshold: f64(1)}, ErrNotApplicable, "threshold"},
		{"field", Config{Name: "r", Preset: PresetSteadyState, Field: "events"}, ErrNotApplicable, "field"},
		{"below", Config{Name: "r", Preset: PresetSteadyState, Below: f64(1)}, ErrNotApplicable, "below"},
		{"another type", Config{Name: "r", Preset: PresetSteadyState, Type: TypeHealth}, ErrNotApplicable, "type"},
		{"steady_state on a threshold rule", ok(func(c *Config) { c.SteadyState = &SteadyStateConfig{} }),
			ErrNotApplicable, "steady_state"},
		{"label measurement", Config{Name: "r", Preset: PresetSteadyState, Labels: map[string]string{"measurement": "x"}},
			ErrLabel, `"measurement"`},
		{"label experiment", Config{Name: "r", Preset: PresetSteadyState, Labels: map[string]string{"experiment": "x"}},
			ErrLabel, `"experiment"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Compile([]Config{tt.cfg})
			require.ErrorIs(t, err, tt.want)
			assert.Contains(t, err.Error(), tt.key)
			assert.Contains(t, err.Error(), "rules[0] (r)")
		})
	}

	// Every problem is reported, each naming its key.
	_, err := Compile([]Config{ss(SteadyStateConfig{SuccessRatioDrop: f64(2), MinProbes: -3, MaxImpactSeverity: 3})})
	for _, k := range []string{"success_ratio_drop", "min_probes", "max_impact_severity"} {
		assert.Contains(t, err.Error(), "steady_state."+k)
	}
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
