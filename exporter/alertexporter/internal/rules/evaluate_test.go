package rules

import (
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/otelcol-chaos/otelcol-chaos/internal/chaosconv"
)

// TestComparators: every comparator against a value of 10 and thresholds
// just below, at and just above it.
func TestComparators(t *testing.T) {
	tests := []struct {
		cmp              string
		below, at, above bool // fires with threshold 9, 10, 11
	}{
		{cmp: ">", below: true},
		{cmp: ">=", below: true, at: true},
		{cmp: "<", above: true},
		{cmp: "<=", at: true, above: true},
		{cmp: "==", at: true},
		{cmp: "!=", below: true, above: true},
	}
	require.Len(t, tests, len(comparators), "every comparator is tested")
	for _, tt := range tests {
		for th, want := range map[float64]bool{9: tt.below, 10: tt.at, 11: tt.above} {
			t.Run(fmt.Sprintf("10%s%v", tt.cmp, th), func(t *testing.T) {
				conds := evaluate(t, minute(1), func(s *Store) {
					s.AddBucket(global, bucket(0, func(p *Point) { p.Events = 10 }))
				}, Config{Name: "r", Field: "events", Aggregation: AggSum, Comparator: tt.cmp, Threshold: f64(th),
					Window: time.Minute})
				if !want {
					assert.Empty(t, conds)
					return
				}
				require.Len(t, conds, 1)
				assert.InDelta(t, 10, conds[0].Value, 0)
			})
		}
	}
}

// valueOf evaluates one rule "field agg != NaN" (always true when the
// aggregation has a value) over the points at minute(5) with a 5-minute
// window; ok is false when the rule produced no condition.
func valueOf(t *testing.T, field, agg string, pts []Point) (float64, bool) {
	t.Helper()
	conds := evaluate(t, minute(5), func(s *Store) {
		for _, p := range pts {
			s.AddBucket(global, p)
		}
	}, Config{Name: "r", Field: field, Aggregation: agg, Comparator: "!=", Threshold: f64(math.NaN()),
		Window: 5 * time.Minute})
	require.LessOrEqual(t, len(conds), 1)
	if len(conds) == 0 {
		return 0, false
	}
	return conds[0].Value, true
}

// TestAggregations checks every aggregation's value exactly on a plain
// count field, a true ratio field and a per-bucket gauge field, and what
// an empty window gives.
func TestAggregations(t *testing.T) {
	// events 10, 20, 30 in the window (minutes 2–4).
	counts := []Point{
		bucket(2, func(p *Point) { p.Events = 10 }),
		bucket(3, func(p *Point) { p.Events = 20 }),
		bucket(4, func(p *Point) { p.Events = 30 }),
	}
	// faults/events 5/10, 10/100 and a bucket with no events (no ratio):
	// Σfaults/Σevents = 15/110, the mean of the ratios would be 0.3.
	ratios := []Point{
		bucket(1, func(p *Point) { p.Events, p.Faults = 10, 5 }),
		bucket(2, func(p *Point) { p.Events, p.Faults = 100, 10 }),
		bucket(3, func(p *Point) { p.Faults = 7 }),
	}
	// latency max 50 (2 samples), a bucket without samples whose max must
	// be ignored, then 80 (3 samples).
	gauges := []Point{
		bucket(0, func(p *Point) { p.LatencyCount, p.LatencyMaxMs = 2, 50 }),
		bucket(1, func(p *Point) { p.LatencyMaxMs = 999 }),
		bucket(2, func(p *Point) { p.LatencyCount, p.LatencyMaxMs = 3, 80 }),
	}
	outside := []Point{bucket(-1, func(p *Point) { p.Events, p.Faults, p.LatencyCount = 10, 5, 1 })}
	type want struct {
		v  float64
		ok bool
	}
	tests := []struct {
		name, field string
		pts         []Point
		want        map[string]want
	}{
		{name: "counts", field: "events", pts: counts, want: map[string]want{
			AggSum: {60, true}, AggRate: {12, true}, AggAvg: {20, true}, AggMax: {30, true}, AggMin: {10, true},
			AggLast: {30, true}, AggCount: {3, true},
		}},
		{name: "ratio", field: "fault_ratio", pts: ratios, want: map[string]want{
			AggSum: {15, true}, AggRate: {3, true}, // Σnum (over buckets with a denominator)
			AggAvg: {15.0 / 110, true}, AggMax: {0.5, true}, AggMin: {0.1, true}, AggLast: {0.1, true},
			AggCount: {2, true},
		}},
		{name: "gauge", field: "latency_max_ms", pts: gauges, want: map[string]want{
			AggSum: {130, true}, AggRate: {26, true}, AggAvg: {65, true}, AggMax: {80, true}, AggMin: {50, true},
			AggLast: {80, true}, AggCount: {2, true},
		}},
		// The series exists, its only bucket ends at at-window.
		{name: "empty count field", field: "events", pts: outside, want: map[string]want{
			AggSum: {0, true}, AggRate: {0, true}, AggCount: {0, true},
			AggAvg: {}, AggMax: {}, AggMin: {}, AggLast: {},
		}},
		{name: "empty ratio field", field: "fault_ratio", pts: outside, want: map[string]want{
			AggCount: {0, true},
			AggSum:   {}, AggRate: {}, AggAvg: {}, AggMax: {}, AggMin: {}, AggLast: {},
		}},
		{name: "ratio field without denominators", field: "fault_ratio",
			pts: []Point{bucket(3, func(p *Point) { p.Faults = 3 })}, want: map[string]want{
				AggCount: {0, true},
				AggSum:   {}, AggRate: {}, AggAvg: {}, AggMax: {}, AggMin: {}, AggLast: {},
			}},
	}
	for _, tt := range tests {
		require.Len(t, tt.want, len(aggregations), "%s: every aggregation", tt.name)
		for agg, w := range tt.want {
			t.Run(tt.name+"/"+agg, func(t *testing.T) {
				v, ok := valueOf(t, tt.field, agg, tt.pts)
				require.Equal(t, w.ok, ok)
				assert.Equal(t, w.v, v) //nolint:testifylint // exact
			})
		}
	}
	// The ratio of sums is not the mean of the ratios.
	v, _ := valueOf(t, "fault_ratio", AggAvg, ratios)
	assert.NotEqual(t, (0.5+0.1)/2, v) //nolint:testifylint // exact
}

// TestEveryFieldReads: each field reads its own part of a Point.
func TestEveryFieldReads(t *testing.T) {
	p := bucket(4, func(p *Point) {
		p.Events, p.Faults, p.RateLimitViolations = 200, 50, 20
		p.LatencySumMs, p.LatencyCount, p.LatencyMaxMs, p.LatencyP95Ms = 3000, 10, 900, 700
		p.Probes, p.ProbeFailures = 8, 2
		p.ImpactSeverity, p.DegradationPct = 0.4, 12
		p.ObservedRequests, p.ObservedErrors, p.ObservedP95Ms = 400, 100, 250
	})
	want := map[string]float64{
		"events": 200, "faults": 50, "rate_limit_violations": 20, "fault_ratio": 0.25, "rate_limit_ratio": 0.1,
		"latency_avg_ms": 300, "latency_max_ms": 900, "latency_p95_ms": 700, "probe_failure_ratio": 0.25,
		"impact_severity": 0.4, "degradation_pct": 12,
		"observed_requests": 400, "observed_error_ratio": 0.25, "observed_latency_p95_ms": 250,
	}
	require.Equal(t, FieldNames(), sortedNames(want))
	for f, w := range want {
		v, ok := valueOf(t, f, AggLast, []Point{p})
		require.True(t, ok, f)
		assert.Equal(t, w, v, f) //nolint:testifylint // exact
	}
}

// TestObservedFieldsNeedRequests: a bucket without observed traffic has
// no value for the observed fields (they are not read as 0), and the error
// ratio of a window is that of its summed requests.
func TestObservedFieldsNeedRequests(t *testing.T) {
	calm := bucket(2, func(p *Point) { p.Events = 10 })
	a := bucket(3, func(p *Point) { p.ObservedRequests, p.ObservedErrors = 100, 10 })
	b := bucket(4, func(p *Point) { p.ObservedRequests, p.ObservedErrors = 300, 90 })
	_, ok := valueOf(t, "observed_error_ratio", AggAvg, []Point{calm})
	require.False(t, ok)
	v, ok := valueOf(t, "observed_error_ratio", AggAvg, []Point{calm, a, b})
	require.True(t, ok)
	require.InDelta(t, 0.25, v, 1e-12, "Σerrors / Σrequests")
	v, _ = valueOf(t, "observed_requests", AggSum, []Point{calm, a, b})
	require.Equal(t, 400.0, v)
}

func sortedNames(m map[string]float64) []string {
	var out []string
	for _, n := range FieldNames() {
		if _, ok := m[n]; ok {
			out = append(out, n)
		}
	}
	if len(out) != len(m) {
		return nil
	}
	return out
}

// TestRatePerMinute: rate divides by the window's minutes, not by the
// buckets present.
func TestRatePerMinute(t *testing.T) {
	for _, w := range []time.Duration{time.Minute, 2 * time.Minute, 10 * time.Minute, 90 * time.Second} {
		conds := evaluate(t, minute(10), func(s *Store) {
			s.AddBucket(global, bucket(9, func(p *Point) { p.Events = 60 }))
		}, Config{Name: "r", Field: "events", Aggregation: AggRate, Comparator: ">=", Threshold: f64(0), Window: w})
		require.Len(t, conds, 1)
		assert.InDelta(t, 60/w.Minutes(), conds[0].Value, 1e-12, w)
	}
}

// TestWindowBoundaries: a window (at-window, at] holds buckets ending
// after at-window and at or before at.
func TestWindowBoundaries(t *testing.T) {
	fill := func(s *Store) {
		s.AddBucket(global, bucket(-1, func(p *Point) { p.Events = 1000 })) // ends at minute(0) = at-window: out
		s.AddBucket(global, bucket(0, func(p *Point) { p.Events = 1 }))     // first in
		s.AddBucket(global, bucket(4, func(p *Point) { p.Events = 10 }))    // ends at minute(5) = at: in
		s.AddBucket(global, bucket(5, func(p *Point) { p.Events = 100 }))   // ends after at: out
	}
	at := minute(5)
	for agg, want := range map[string]float64{AggSum: 11, AggCount: 2, AggLast: 10, AggMax: 10} {
		conds := evaluate(t, at, fill, Config{Name: "r", Field: "events", Aggregation: agg, Comparator: ">=",
			Threshold: f64(0), Window: 5 * time.Minute})
		require.Len(t, conds, 1, agg)
		assert.InDelta(t, want, conds[0].Value, 0, agg)
	}
	// A minute later, to the nanosecond, bucket 0 leaves and bucket 5 enters.
	for at, want := range map[int64]float64{minute(6) - 1: 11, minute(6): 110} {
		conds := evaluate(t, at, fill, Config{Name: "r", Field: "events", Aggregation: AggSum, Comparator: ">=",
			Threshold: f64(0), Window: 5 * time.Minute})
		require.Len(t, conds, 1)
		assert.InDelta(t, want, conds[0].Value, 0, at-t0)
	}
}

// TestScopeSelection: scope picks the scope kinds and match an anchored
// regular expression on the scope key.
func TestScopeSelection(t *testing.T) {
	all := []SeriesKey{global, svc("cart"), svc("checkout"), ep("/api/cart"), ep("/api/checkout")}
	fill := func(s *Store) {
		for _, k := range all {
			s.AddBucket(k, bucket(0, func(p *Point) { p.Events = 5 }))
		}
	}
	tests := []struct {
		scope, match string
		want         []SeriesKey
	}{
		{scope: "", want: all}, // any is the default
		{scope: "any", want: all},
		{scope: "global", want: []SeriesKey{global}},
		{scope: "service", want: []SeriesKey{svc("cart"), svc("checkout")}},
		{scope: "endpoint", want: []SeriesKey{ep("/api/cart"), ep("/api/checkout")}},
		{scope: "any", match: "check.*", want: []SeriesKey{svc("checkout")}}, // anchored at the start
		{scope: "any", match: "/api/.*", want: []SeriesKey{ep("/api/cart"), ep("/api/checkout")}},
		{scope: "service", match: "art", want: nil},                                              // anchored at both ends
		{scope: "service", match: "cart", want: []SeriesKey{svc("cart")}},                        // not /api/cart
		{scope: "any", match: "cart|/api/cart", want: []SeriesKey{svc("cart"), ep("/api/cart")}}, // alternation stays anchored
		{scope: "endpoint", match: ".*cart", want: []SeriesKey{ep("/api/cart")}},
		{scope: "global", match: ".*", want: []SeriesKey{global}}, // "" matches .*
		{scope: "any", match: ".+", want: all[1:]},
	}
	for _, tt := range tests {
		t.Run(tt.scope+" "+tt.match, func(t *testing.T) {
			conds := evaluate(t, minute(1), fill, Config{Name: "r", Field: "events", Aggregation: AggSum,
				Threshold: f64(0), Window: time.Minute, Scope: tt.scope, Match: tt.match})
			assert.Equal(t, tt.want, nilIfEmpty(keysOf(conds)))
		})
	}
}

func nilIfEmpty(k []SeriesKey) []SeriesKey {
	if len(k) == 0 {
		return nil
	}
	return k
}

// TestEvaluateOrderAndCache: conditions come in rule order then scope
// order; rules sharing a signal agree; the match cache survives
// evaluations with new keys.
func TestEvaluateOrderAndCache(t *testing.T) {
	rs := mustCompile(t,
		Config{Name: "b", Field: "events", Aggregation: AggSum, Threshold: f64(0), Window: time.Minute, Match: "x.*"},
		Config{Name: "a", Field: "events", Aggregation: AggSum, Threshold: f64(0), Window: time.Minute, Severity: "critical"},
		Config{Name: "c", Field: "events", Aggregation: AggSum, Threshold: f64(7), Window: time.Minute, Match: "x.*"},
	)
	s := NewStore(rs)
	s.AddBucket(svc("xb"), bucket(0, func(p *Point) { p.Events = 8 }))
	s.AddBucket(svc("xa"), bucket(0, func(p *Point) { p.Events = 5 }))
	s.AddBucket(global, bucket(0, func(p *Point) { p.Events = 13 }))
	e := NewEvaluator(rs)
	got := func(conds []Condition) []string {
		var out []string
		for _, c := range conds {
			out = append(out, fmt.Sprintf("%s %s %s=%v", c.Labels["alertname"], c.Labels["scope"], c.Labels["scope_key"], c.Value))
		}
		return out
	}
	assert.Equal(t, []string{
		"b service xa=5", "b service xb=8",
		"a global =13", "a service xa=5", "a service xb=8",
		"c service xb=8",
	}, got(e.Evaluate(s, minute(1), nil)))

	s.AddBucket(svc("xc"), bucket(1, func(p *Point) { p.Events = 9 }))
	s.AddBucket(svc("y"), bucket(1, func(p *Point) { p.Events = 9 }))
	out := make([]Condition, 1, 8) // Evaluate appends
	out = e.Evaluate(s, minute(2), out)
	assert.Equal(t, []string{"b service xc=9", "a service xc=9", "a service y=9", "c service xc=9"}, got(out[1:]))
}

// TestAbsent: an absent rule holds for a series whose last bucket with
// events ended a window or more ago, and for a never-seen global scope
// once a window has passed since evaluations began.
func TestAbsent(t *testing.T) {
	t.Run("series that stops", func(t *testing.T) {
		rs := mustCompile(t, Config{Name: "quiet", Type: TypeAbsent, Scope: "service", Window: 3 * time.Minute})
		s := NewStore(rs)
		e := NewEvaluator(rs)
		addSeries(s, svc("a"), 0, 5, func(_ int, p *Point) { p.Events = 1 })
		addSeries(s, svc("b"), 0, 5, func(_ int, p *Point) { p.Events = 1 })
		require.Empty(t, e.Evaluate(s, minute(5), nil))
		// b keeps sending buckets, but empty ones.
		addSeries(s, svc("a"), 5, 5, func(_ int, p *Point) { p.Events = 2 })
		addSeries(s, svc("b"), 5, 5, func(_ int, p *Point) { p.Events = 0 })
		require.Empty(t, e.Evaluate(s, minute(8)-1, nil), "less than a window since b's last events")
		conds := e.Evaluate(s, minute(8), nil)
		require.Len(t, conds, 1)
		assert.Equal(t, []SeriesKey{svc("b")}, keysOf(conds))
		assert.InDelta(t, 180, conds[0].Value, 0, "seconds since the last data")
		assert.Equal(t, TypeAbsent, conds[0].Labels[chaosconv.AlertLabelRuleType])
		conds = e.Evaluate(s, minute(10), nil)
		require.Len(t, conds, 1)
		assert.InDelta(t, 300, conds[0].Value, 0)
		// Data again: the condition clears.
		s.AddBucket(svc("b"), bucket(10, func(p *Point) { p.Events = 1 }))
		assert.Empty(t, e.Evaluate(s, minute(11), nil))
	})
	t.Run("never-seen global", func(t *testing.T) {
		rs := mustCompile(t,
			Config{Name: "nothing", Type: TypeAbsent, Window: 5 * time.Minute}, // scope defaults to global
			Config{Name: "svc", Type: TypeAbsent, Scope: "service", Window: 5 * time.Minute},
			Config{Name: "matched", Type: TypeAbsent, Scope: "global", Match: ".*", Window: 5 * time.Minute},
		)
		s := NewStore(rs)
		e := NewEvaluator(rs)
		require.Empty(t, e.Evaluate(s, minute(0), nil))
		require.Empty(t, e.Evaluate(s, minute(5)-1, nil))
		conds := e.Evaluate(s, minute(5), nil)
		require.Len(t, conds, 1, "only a fixed global scope can be absent without a series")
		assert.Equal(t, "nothing", conds[0].Labels[chaosconv.AlertLabelName])
		assert.Equal(t, []SeriesKey{global}, keysOf(conds))
		assert.InDelta(t, 300, conds[0].Value, 0)
		// Global data arrives: clears.
		s.AddBucket(global, bucket(5, func(p *Point) { p.Events = 3 }))
		assert.Empty(t, e.Evaluate(s, minute(6), nil))
	})
	t.Run("series with only empty buckets waits a window", func(t *testing.T) {
		rs := mustCompile(t, Config{Name: "nothing", Type: TypeAbsent, Window: 5 * time.Minute})
		s := NewStore(rs)
		e := NewEvaluator(rs)
		addSeries(s, global, 0, 3, func(_ int, p *Point) { p.Probes = 4 }) // probes, no events
		require.Empty(t, e.Evaluate(s, minute(3), nil), "evaluations began less than a window ago")
		conds := e.Evaluate(s, minute(8), nil)
		require.Len(t, conds, 1)
		assert.InDelta(t, 300, conds[0].Value, 0, "seconds since evaluations began, not since 1970")
	})
}

func anomaly(typ chaosconv.AnomalyType, k SeriesKey, sev chaosconv.Severity, score float64) *chaosconv.Anomaly {
	return &chaosconv.Anomaly{ID: string(typ) + k.Key, Type: typ, State: chaosconv.AnomalyOpen,
		Scope: chaosconv.ScopeRef{Kind: k.Scope, Key: k.Key}, AtUnixNano: minute(1), Score: score, Severity: sev,
		Description: fmt.Sprintf("%s on %s", typ, k.Scope)}
}

// TestAnomalyRules: types filter, min_severity ranking, scope, labels,
// value and description; update keeps, closed removes.
func TestAnomalyRules(t *testing.T) {
	fill := func(s *Store) {
		s.AddAnomaly(anomaly(chaosconv.AnomalyEventSpike, global, chaosconv.SeverityCritical, 5))
		s.AddAnomaly(anomaly(chaosconv.AnomalyLatency, svc("checkout"), chaosconv.SeverityWarning, 3))
		s.AddAnomaly(anomaly(chaosconv.AnomalyHighErrorRate, ep("/api/cart"), chaosconv.SeverityInfo, 1))
		s.AddAnomaly(anomaly(chaosconv.AnomalyEventSpike, svc("checkout"), chaosconv.SeverityInfo, 2))
	}
	type got struct {
		typ string
		key SeriesKey
	}
	tests := []struct {
		name  string
		cfg   Config
		wants []got
	}{
		{name: "all", cfg: Config{}, wants: []got{
			{"event_spike", global}, {"event_spike", svc("checkout")}, {"latency_anomaly", svc("checkout")},
			{"high_error_rate", ep("/api/cart")},
		}},
		{name: "types", cfg: Config{AnomalyTypes: []string{"latency_anomaly", "high_error_rate"}}, wants: []got{
			{"latency_anomaly", svc("checkout")}, {"high_error_rate", ep("/api/cart")},
		}},
		{name: "min info", cfg: Config{MinSeverity: "info"}, wants: []got{
			{"event_spike", global}, {"event_spike", svc("checkout")}, {"latency_anomaly", svc("checkout")},
			{"high_error_rate", ep("/api/cart")},
		}},
		{name: "min warning", cfg: Config{MinSeverity: "warning"}, wants: []got{
			{"event_spike", global}, {"latency_anomaly", svc("checkout")},
		}},
		{name: "min critical", cfg: Config{MinSeverity: "critical"}, wants: []got{{"event_spike", global}}},
		{name: "scope", cfg: Config{Scope: "service"}, wants: []got{
			{"event_spike", svc("checkout")}, {"latency_anomaly", svc("checkout")},
		}},
		{name: "match", cfg: Config{Match: "/api/.*"}, wants: []got{{"high_error_rate", ep("/api/cart")}}},
		{name: "types and severity", cfg: Config{AnomalyTypes: []string{"event_spike"}, MinSeverity: "warning"},
			wants: []got{{"event_spike", global}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := tt.cfg
			cfg.Name, cfg.Type = "anom", TypeAnomaly
			conds := evaluate(t, minute(2), fill, cfg)
			var gots []got
			for _, c := range conds {
				gots = append(gots, got{c.Labels[chaosconv.AlertLabelAnomalyType], keysOf([]Condition{c})[0]})
				assert.Equal(t, TypeAnomaly, c.Labels[chaosconv.AlertLabelRuleType])
				assert.Equal(t, "warning", c.Labels[chaosconv.AlertLabelSeverity], "the rule's severity, not the anomaly's")
				assert.Len(t, c.Labels, 6)
			}
			assert.Equal(t, tt.wants, gots)
		})
	}

	rs := mustCompile(t, Config{Name: "anom", Type: TypeAnomaly, Severity: "critical",
		Annotations: map[string]string{"summary": "{{ .Rule }} {{ .ScopeLabel }} score {{ .Value }}: {{ .Description }}"}})
	s := NewStore(rs)
	e := NewEvaluator(rs)
	a := anomaly(chaosconv.AnomalyLatency, svc("checkout"), chaosconv.SeverityWarning, 3.5)
	s.AddAnomaly(a)
	conds := e.Evaluate(s, minute(2), nil)
	require.Len(t, conds, 1)
	assert.InDelta(t, 3.5, conds[0].Value, 0)
	assert.Equal(t, map[string]string{
		"summary":     "anom service checkout score 3.5: latency_anomaly on service",
		"description": "latency_anomaly on service",
	}, conds[0].Annotations)
	assert.Equal(t, "critical", conds[0].Labels[chaosconv.AlertLabelSeverity])

	// An update replaces (new score), a closed record removes.
	up := *a
	up.State, up.Score = chaosconv.AnomalyUpdate, 4
	s.AddAnomaly(&up)
	conds = e.Evaluate(s, minute(3), nil)
	require.Len(t, conds, 1)
	assert.InDelta(t, 4, conds[0].Value, 0)
	closed := up
	closed.State = chaosconv.AnomalyClosed
	s.AddAnomaly(&closed)
	assert.Empty(t, e.Evaluate(s, minute(4), nil))
}

// TestHealthRules: a health score below the rule's threshold holds; the
// newest score wins; scope and match apply.
func TestHealthRules(t *testing.T) {
	h := func(k SeriesKey, at int64, score float64) *chaosconv.Health {
		return &chaosconv.Health{Scope: chaosconv.ScopeRef{Kind: k.Scope, Key: k.Key}, AtUnixNano: at, Score: score}
	}
	fill := func(s *Store) {
		s.AddHealth(h(global, minute(1), 40))
		s.AddHealth(h(svc("a"), minute(1), 80))
		s.AddHealth(h(svc("b"), minute(1), 49.9))
		s.AddHealth(h(svc("c"), minute(1), 50)) // not below 50
		s.AddHealth(h(ep("/x"), minute(1), 10))
	}
	tests := []struct {
		scope, match string
		want         []SeriesKey
		values       []float64
	}{
		{want: []SeriesKey{global, svc("b"), ep("/x")}, values: []float64{40, 49.9, 10}},
		{scope: "service", want: []SeriesKey{svc("b")}, values: []float64{49.9}},
		{scope: "global", want: []SeriesKey{global}, values: []float64{40}},
		{scope: "any", match: "/.*", want: []SeriesKey{ep("/x")}, values: []float64{10}},
	}
	for _, tt := range tests {
		t.Run(tt.scope+tt.match, func(t *testing.T) {
			conds := evaluate(t, minute(2), fill, Config{Name: "h", Type: TypeHealth, Below: f64(50), Scope: tt.scope,
				Match: tt.match})
			assert.Equal(t, tt.want, keysOf(conds))
			var values []float64
			for _, c := range conds {
				values = append(values, c.Value)
				assert.Equal(t, TypeHealth, c.Labels[chaosconv.AlertLabelRuleType])
			}
			assert.Equal(t, tt.values, values)
		})
	}

	rs := mustCompile(t, Config{Name: "h", Type: TypeHealth, Below: f64(50)})
	s := NewStore(rs)
	e := NewEvaluator(rs)
	s.AddHealth(h(global, minute(2), 30))
	require.Len(t, e.Evaluate(s, minute(2), nil), 1)
	s.AddHealth(h(global, minute(1), 90)) // older: ignored
	require.Len(t, e.Evaluate(s, minute(3), nil), 1)
	s.AddHealth(h(global, minute(3), 90)) // newer: recovered
	assert.Empty(t, e.Evaluate(s, minute(3), nil))
}

// TestAnnotationTemplates: every TemplateData field and function renders;
// a template that fails at execution renders an error string.
func TestAnnotationTemplates(t *testing.T) {
	conds := evaluate(t, minute(5), func(s *Store) {
		s.AddBucket(svc("checkout"), bucket(4, func(p *Point) { p.Events, p.Faults = 8, 2 }))
	}, Config{Name: "faulty", Field: "fault_ratio", Aggregation: AggAvg, Threshold: f64(0.2), Window: 5 * time.Minute,
		Severity: "info", Labels: map[string]string{"team": "payments"},
		Annotations: map[string]string{
			"all": "{{ .Rule }}|{{ .Value }}|{{ .Threshold }}|{{ .Window }}|{{ .Scope }}|{{ .ScopeKey }}|" +
				"{{ .ScopeLabel }}|{{ .Labels.team }}|{{ index .Labels \"severity\" }}|{{ .Description }}|" +
				"{{ pct .Value }}|{{ mul .Value 4 }}|{{ .Labels.missing }}",
			"bad_field": "before {{ .Nope }} after",
			"bad_call":  "{{ mul .Value \"x\" }}",
			"empty":     "",
		}})
	require.Len(t, conds, 1)
	ann := conds[0].Annotations
	assert.Equal(t, "faulty|0.25|0.2|5m0s|service|checkout|service checkout|payments|info||25.0%|1|", ann["all"])
	assert.True(t, strings.HasPrefix(ann["bad_field"], "template error: "), ann["bad_field"])
	assert.Contains(t, ann["bad_field"], "Nope")
	assert.NotContains(t, ann["bad_field"], "before", "no partial output")
	assert.True(t, strings.HasPrefix(ann["bad_call"], "template error: "), ann["bad_call"])
	assert.Empty(t, ann["empty"])
	assert.NotContains(t, ann, "description", "no description without an anomaly")
	assert.Equal(t, "payments", conds[0].Labels["team"])

	// Exporter labels win over a rule's (Compile refuses them; a rule
	// built otherwise still cannot override them).
	r := &Rule{Name: "x", Type: TypeHealth, Severity: chaosconv.SeverityInfo, Labels: map[string]string{"alertname": "y"}}
	c := r.condition(global, 1, "")
	assert.Equal(t, "x", c.Labels[chaosconv.AlertLabelName])
}

// TestSharedSelectionsAndSignals: rules sharing a signal, a pattern or a
// scope each still read exactly their own series, across evaluations
// where series come and go; a reused evaluator agrees with a fresh one.
func TestSharedSelectionsAndSignals(t *testing.T) {
	th := func(name, scope, match string, threshold float64) Config {
		return Config{Name: name, Field: "events", Aggregation: AggSum, Threshold: f64(threshold), Window: 2 * time.Minute,
			Scope: scope, Match: match}
	}
	rs := mustCompile(t,
		th("svc_x", "service", "x.*", 0),
		th("ep_x", "endpoint", "x.*", 0), // same pattern, other scope
		th("any_x", "any", "x.*", 0),
		th("svc_x_high", "service", "x.*", 15), // same signal and selection, other threshold
		th("global", "global", "", 0),
		Config{Name: "svc_x_rate", Field: "events", Aggregation: AggRate, Threshold: f64(0), Window: 2 * time.Minute,
			Scope: "service", Match: "x.*"}, // same selection, other signal
		Config{Name: "abs", Type: TypeAbsent, Scope: "service", Match: "x.*", Window: time.Minute},
	)
	s := NewStore(rs)
	s.AddBucket(global, bucket(0, func(p *Point) { p.Events = 1 }))
	s.AddBucket(svc("xa"), bucket(0, func(p *Point) { p.Events = 10 }))
	s.AddBucket(svc("xb"), bucket(0, func(p *Point) { p.Events = 20 }))
	s.AddBucket(svc("y"), bucket(0, func(p *Point) { p.Events = 30 }))
	s.AddBucket(ep("xe"), bucket(0, func(p *Point) { p.Events = 40 }))
	e := NewEvaluator(rs)
	render := func(conds []Condition) []string {
		var out []string
		for _, c := range conds {
			out = append(out, fmt.Sprintf("%s %s=%v", c.Labels["alertname"], c.Labels["scope_key"], c.Value))
		}
		return out
	}
	check := func(at int64, want []string) {
		t.Helper()
		got := e.Evaluate(s, at, nil)
		assert.Equal(t, want, render(got))
		assert.Equal(t, render(NewEvaluator(rs).Evaluate(s, at, nil)), render(got))
	}
	check(minute(1), []string{
		"svc_x xa=10", "svc_x xb=20",
		"ep_x xe=40",
		"any_x xa=10", "any_x xb=20", "any_x xe=40",
		"svc_x_high xb=20",
		"global =1",
		"svc_x_rate xa=5", "svc_x_rate xb=10",
	})
	// xa goes (forgotten), xc and a new endpoint come.
	s.AddBucket(svc("xb"), bucket(1, func(p *Point) { p.Events = 1 }))
	s.AddBucket(svc("xc"), bucket(1, func(p *Point) { p.Events = 16 }))
	s.AddBucket(ep("xf"), bucket(1, func(p *Point) { p.Events = 2 }))
	s.Forget(minute(2))
	require.Equal(t, 3, s.Series())
	check(minute(2), []string{
		"svc_x xb=21", "svc_x xc=16",
		"ep_x xf=2",
		"any_x xb=21", "any_x xc=16", "any_x xf=2",
		"svc_x_high xb=21", "svc_x_high xc=16",
		"svc_x_rate xb=10.5", "svc_x_rate xc=8",
	})
	// Bucket 0 leaves the windows; xb and xc have had no events for a minute.
	check(minute(3)+1, []string{
		"svc_x xb=1", "svc_x xc=16",
		"ep_x xf=2",
		"any_x xb=1", "any_x xc=16", "any_x xf=2",
		"svc_x_high xc=16",
		"svc_x_rate xb=0.5", "svc_x_rate xc=8",
		"abs xb=60.000000001", "abs xc=60.000000001",
	})
}
