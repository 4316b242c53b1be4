package rules

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/otelcol-chaos/otelcol-chaos/internal/chaosconv"
	"github.com/otelcol-chaos/otelcol-chaos/internal/sketch"
)

// perMinute is a scope's usual events per one-minute bucket.
var perMinute = map[string]float64{"global": 10000, "service": 100, "endpoint": 25, "any": 100}

// benchStore is 10,000 series — global, 2,000 services and 7,999
// endpoints — of 5–10 one-minute buckets ending at minute(10) with
// realistic counts, plus open anomalies and health scores. A chaos
// experiment stresses 10 services and their endpoints (about 0.5% of the
// series) for the last three minutes: many more faults, rate-limit
// violations, latency, probe failures and impact.
func benchStore(tb testing.TB, rs []*Rule) *Store {
	tb.Helper()
	rng := rand.New(rand.NewPCG(1, 2))
	s := NewStore(rs)
	add := func(k SeriesKey, scale float64, stressed bool) {
		n := 5 + rng.IntN(6)
		for i := 10 - n; i < 10; i++ {
			s.AddBucket(k, bucket(i, func(p *Point) {
				p.Events = math.Round(scale * (0.5 + rng.Float64()))
				p.Faults = math.Round(p.Events * 0.05 * rng.Float64())
				p.RateLimitViolations = math.Round(p.Events * 0.03 * rng.Float64())
				p.LatencyCount = math.Round(p.Events * (0.3 + 0.4*rng.Float64()))
				p.LatencySumMs = p.LatencyCount * (50 + 250*rng.Float64())
				p.Probes = float64(rng.IntN(5))
				p.ImpactSeverity = 0.3 * rng.Float64()
				p.DegradationPct = 10 * rng.Float64()
				if stressed && i >= 7 {
					p.Events *= 4
					p.Faults = math.Round(p.Events * (0.3 + 0.3*rng.Float64()))
					p.RateLimitViolations = math.Round(p.Events * (0.2 + 0.2*rng.Float64()))
					p.LatencyCount = math.Round(p.Events * 0.5)
					p.LatencySumMs = p.LatencyCount * (1500 + 1500*rng.Float64())
					p.ProbeFailures = p.Probes
					p.ImpactSeverity = 0.7 + 0.3*rng.Float64()
					p.DegradationPct = 30 + 30*rng.Float64()
				}
				if p.LatencyCount > 0 {
					p.LatencyMaxMs = 3 * p.LatencySumMs / p.LatencyCount
					p.LatencyP95Ms = 2 * p.LatencySumMs / p.LatencyCount
				}
			}))
		}
	}
	add(global, perMinute["global"], false)
	for i := range 2000 {
		add(svc(fmt.Sprintf("svc-%04d", i)), perMinute["service"], i%200 == 7)
	}
	for i := range 7999 {
		add(ep(fmt.Sprintf("/api/v%d/svc-%04d/op-%d", 1+i%3, i%2000, i/2000)), perMinute["endpoint"], i%2000%200 == 7)
	}
	sevs := []chaosconv.Severity{chaosconv.SeverityInfo, chaosconv.SeverityWarning, chaosconv.SeverityCritical}
	for i := range 30 {
		k := svc(fmt.Sprintf("svc-%04d", 7+200*(i%10)))
		if i%3 == 0 {
			k = ep(fmt.Sprintf("/api/v1/svc-%04d/op-0", 7+200*(i%10)))
		}
		a := anomaly(chaosconv.AnomalyTypes[i%len(chaosconv.AnomalyTypes)], k, sevs[i%3], 1+4*rng.Float64())
		a.AtUnixNano = minute(9)
		s.AddAnomaly(a)
	}
	s.AddHealth(&chaosconv.Health{Scope: chaosconv.ScopeRef{Kind: chaosconv.ScopeGlobal}, AtUnixNano: minute(10), Score: 72})
	for i := range 2000 {
		score := 70 + 30*rng.Float64()
		if i%200 == 7 {
			score = 40 * rng.Float64()
		}
		s.AddHealth(&chaosconv.Health{Scope: chaosconv.ScopeRef{Kind: chaosconv.ScopeService, Key: fmt.Sprintf("svc-%04d", i)},
			AtUnixNano: minute(10), Score: score})
	}
	if n := s.Series(); n != 10000 {
		tb.Fatalf("%d series", n)
	}
	return s
}

// benchThreshold is a threshold above a scope's usual values and below
// a stressed one's.
func benchThreshold(field, agg, scope string, window time.Duration) float64 {
	m, w := perMinute[scope], window.Minutes()
	perBucket := map[string]float64{"events": 1.8 * m, "faults": 0.2 * m, "rate_limit_violations": 0.15 * m,
		"fault_ratio": 0.25, "rate_limit_ratio": 0.15, "latency_avg_ms": 1000, "latency_max_ms": 3000,
		"latency_p95_ms": 2000, "probe_failure_ratio": 0.5, "impact_severity": 0.6, "degradation_pct": 25}[field]
	switch agg {
	case AggCount:
		return 3 // with "<": missing data
	case AggSum, AggRate:
		switch field {
		case "fault_ratio":
			perBucket = 0.2 * m
		case "rate_limit_ratio":
			perBucket = 0.15 * m
		case "latency_avg_ms":
			perBucket = 1000 * 0.5 * m
		case "probe_failure_ratio":
			perBucket = 2
		}
		if agg == AggSum {
			return perBucket * w
		}
	}
	return perBucket
}

// benchRules is 1,000 rules: 600 presets with various thresholds,
// windows, scopes and matches, 200 threshold rules over every field and
// aggregation, 100 anomaly, 80 health and 20 absent rules.
func benchRules(tb testing.TB) []*Rule {
	tb.Helper()
	scopes := []string{"global", "service", "endpoint", "any"}
	matches := []string{"", "", "svc-0[0-4].*", "/api/v1/.*", "svc-1[0-9]{3}", ".*/op-[12]"}
	windows := []time.Duration{time.Minute, 3 * time.Minute, 5 * time.Minute, 10 * time.Minute}
	names := thresholdPresetNames()
	var cfgs []Config
	for i := range 600 {
		c := Config{Name: fmt.Sprintf("preset_%d", i), Preset: names[i%len(names)], Window: windows[i%len(windows)],
			Match: matches[i%len(matches)], Scope: scopes[(i/len(names))%len(scopes)]}
		if c.Preset == "endpoint_stress" {
			c.Scope = "endpoint"
		}
		p := presets[c.Preset]
		th := benchThreshold(p.field, p.aggregation, c.Scope, c.Window) * (1 + 0.02*float64(i%7))
		c.Threshold = &th
		cfgs = append(cfgs, c)
	}
	fieldNames := FieldNames()
	for i := range 200 {
		c := Config{Name: fmt.Sprintf("threshold_%d", i), Field: fieldNames[i%len(fieldNames)],
			Aggregation: aggregations[(i/len(fieldNames))%len(aggregations)], Window: windows[i%len(windows)],
			Scope: scopes[i%len(scopes)], Match: matches[i%len(matches)],
			Annotations: map[string]string{"summary": "{{ .ScopeLabel }} {{ .Value }}"}}
		th := benchThreshold(c.Field, c.Aggregation, c.Scope, c.Window)
		c.Threshold = &th
		if c.Aggregation == AggCount {
			c.Comparator = "<"
		}
		cfgs = append(cfgs, c)
	}
	sevs := []string{"info", "warning", "critical"}
	for i := range 100 {
		c := Config{Name: fmt.Sprintf("anomaly_%d", i), Type: TypeAnomaly, MinSeverity: sevs[i%3],
			Scope: scopes[i%len(scopes)]}
		if i%2 == 0 {
			c.AnomalyTypes = []string{string(chaosconv.AnomalyTypes[i%len(chaosconv.AnomalyTypes)])}
		}
		cfgs = append(cfgs, c)
	}
	for i := range 80 {
		below := 20 + float64(i%5)*5
		cfgs = append(cfgs, Config{Name: fmt.Sprintf("health_%d", i), Type: TypeHealth, Below: &below,
			Scope: scopes[i%len(scopes)], Match: matches[i%len(matches)]})
	}
	for i := range 20 {
		cfgs = append(cfgs, Config{Name: fmt.Sprintf("absent_%d", i), Type: TypeAbsent, Scope: scopes[i%3],
			Window: windows[i%len(windows)]})
	}
	rs, err := Compile(cfgs)
	if err != nil {
		tb.Fatal(err)
	}
	if len(rs) != 1000 {
		tb.Fatalf("%d rules", len(rs))
	}
	return rs
}

// BenchmarkEvaluate1000RulesOver10000Series is one evaluation of 1,000
// rules over 10,000 series with one evaluator reused, as the exporter
// does at every bucket end.
func BenchmarkEvaluate1000RulesOver10000Series(b *testing.B) {
	rs := benchRules(b)
	s := benchStore(b, rs)
	e := NewEvaluator(rs)
	at := minute(10)
	var out []Condition
	b.ReportAllocs()
	for b.Loop() {
		out = e.Evaluate(s, at, out[:0])
	}
	pairs := float64(len(rs)) * float64(s.Series())
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/pairs, "ns/rule*series")
	b.ReportMetric(float64(len(out)), "conditions/op")
}

// BenchmarkEvaluateSteadyState is ten steady_state rules (every scope,
// some with the estimated and plain forms) over the 10,000 series of
// benchStore, every bucket with probe latencies, after a start that
// applies to every scope (the generator's: a service without probes) at
// minute 7, when the stressed scopes degrade: every series has a baseline
// (minutes ≤ 7) and a window during chaos to compare. The baselines come
// from the cache after the first evaluation, as they do live.
func BenchmarkEvaluateSteadyState(b *testing.B) {
	scopes := []string{"service", "any", "endpoint", "global", "service"}
	var cfgs []Config
	for i := range 10 {
		c := Config{Name: fmt.Sprintf("steady_%d", i), Preset: PresetSteadyState, Scope: scopes[i%len(scopes)],
			SteadyState: &SteadyStateConfig{MinProbes: 1 + i%3, AllowEstimated: i%2 == 1}}
		if i%4 == 3 {
			c.SteadyState.MaxImpactSeverity = 0.8
		}
		cfgs = append(cfgs, c)
	}
	rs := mustCompile(b, cfgs...)
	s := benchStore(b, rs)
	calm, slow := &sketch.Sketch{}, &sketch.Sketch{}
	for i := range 20 {
		calm.Add(80 + float64(i))
		slow.Add(400 + 10*float64(i))
	}
	for _, sr := range s.series {
		for i := range sr.points {
			if p := &sr.points[i]; p.Probes > 0 {
				p.ProbeLatency = calm
				if p.ProbeFailures > 0 && p.StartUnixNano >= minute(7) {
					p.ProbeLatency = slow
				}
			}
		}
	}
	s.AddStart(StartMarker{Service: "chaosgen", AtUnixNano: minute(7), Name: "bench"})
	e := NewEvaluator(rs)
	at := minute(10)
	out := e.Evaluate(s, at, nil)
	b.ReportAllocs()
	for b.Loop() {
		out = e.Evaluate(s, at, out[:0])
	}
	pairs := float64(len(rs)) * float64(s.Series())
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/pairs, "ns/rule*series")
	b.ReportMetric(float64(len(out)), "conditions/op")
}
