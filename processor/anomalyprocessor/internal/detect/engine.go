package detect

import (
	"math"
	"slices"
	"time"

	"github.com/otelcol-chaos/otelcol-chaos/internal/chaosconv"
)

// typeIndex orders the anomaly types for per-scope arrays.
var typeIndex = map[chaosconv.AnomalyType]int{
	chaosconv.AnomalyEventSpike: 0, chaosconv.AnomalyLatency: 1, chaosconv.AnomalyHighErrorRate: 2,
	chaosconv.AnomalyResourceExhaustion: 3, chaosconv.AnomalyUnexpectedQuiet: 4,
}

// maxGap bounds the empty buckets filled in for a scope that went silent,
// so one scope back after a day does not cost a day of points.
const maxGap = 120

// Output is what the engine produced since the last Drain.
type Output struct {
	Anomalies []chaosconv.Anomaly
	Trends    []chaosconv.Trend
	Forecasts []chaosconv.Forecast
	Health    []chaosconv.Health
}

// Stats are counters for telemetry.
type Stats struct {
	Points, Gaps, DroppedScopes, Ignored uint64
}

type scopeState struct {
	ref    chaosconv.ScopeRef
	last   int64 // start of the last bucket observed
	seen   bool
	series [metricCount]*series
	life   [5]lifecycle
	since  int // points since trends were last emitted
}

// Engine keeps the streaming state of every scope.
type Engine struct {
	cfg    Config
	width  int64
	scopes map[chaosconv.ScopeRef]*scopeState
	order  []*scopeState // creation order: deterministic output

	// cascade: scopes affected (error rate over its floor) per bucket time,
	// evaluated once a later bucket shows that time is complete.
	affected map[int64]int
	cascade  lifecycle
	prevHit  int // affected scopes at the previously evaluated time
	maxAt    int64

	out   Output
	stats Stats
}

// New returns an engine for buckets of the given width.
func New(cfg Config, width time.Duration) *Engine {
	return &Engine{cfg: cfg, width: int64(width), scopes: map[chaosconv.ScopeRef]*scopeState{},
		affected: map[int64]int{}, maxAt: math.MinInt64}
}

func (e *Engine) scope(ref chaosconv.ScopeRef) *scopeState {
	if s, ok := e.scopes[ref]; ok {
		return s
	}
	if e.cfg.MaxScopes > 0 && len(e.scopes) >= e.cfg.MaxScopes {
		e.stats.DroppedScopes++
		return nil
	}
	s := &scopeState{ref: ref}
	for m := range s.series {
		s.series[m] = newSeries(&e.cfg, m)
	}
	e.scopes[ref] = s
	e.order = append(e.order, s)
	return s
}

// Observe takes one closed bucket summary. Buckets of another width are
// ignored (counted). A scope's missing buckets since its last one are
// filled with empty points first: the analytics processor emits nothing
// for a scope without events, and silence is what unexpected_quiet needs.
func (e *Engine) Observe(b *chaosconv.Bucket) {
	if int64(b.Width) != e.width {
		e.stats.Ignored++
		return
	}
	s := e.scope(chaosconv.ScopeRef{Kind: b.Scope, Key: b.Key})
	if s == nil {
		return
	}
	if s.seen && b.StartUnixNano <= s.last {
		e.stats.Ignored++ // a duplicate or out-of-order summary
		return
	}
	e.fillGap(s, b.StartUnixNano)
	p := PointOf(b)
	e.observe(s, p)
	if b.Scope != chaosconv.ScopeGlobal && p.Values[mErrors] >= e.cfg.Types[chaosconv.AnomalyHighErrorRate].MinValue && b.Events > 0 {
		e.affected[b.StartUnixNano]++
	} else if _, ok := e.affected[b.StartUnixNano]; !ok {
		e.affected[b.StartUnixNano] = 0
	}
	if b.StartUnixNano > e.maxAt {
		e.maxAt = b.StartUnixNano
	}
}

// Advance declares every bucket starting before through complete: scopes
// that sent nothing since get empty points (the processor calls it from
// the wall clock, so silence is seen while it lasts), and cascades of
// those times are evaluated.
func (e *Engine) Advance(through int64) {
	next := floorTo(through, e.width)
	for _, s := range e.order {
		e.fillGap(s, next)
	}
	e.settle(next)
}

func (e *Engine) fillGap(s *scopeState, next int64) {
	if !s.seen {
		return
	}
	gap := (next - s.last) / e.width
	if gap > maxGap {
		s.last = next - maxGap*e.width
	}
	for t := s.last + e.width; t < next; t += e.width {
		e.stats.Gaps++
		e.observe(s, ZeroPoint(t))
	}
}

// Settle evaluates cascades for the bucket times known complete (older
// than the newest seen). The processor calls it after each batch.
func (e *Engine) Settle() { e.settle(e.maxAt) }

func (e *Engine) settle(before int64) {
	var times []int64
	for t := range e.affected {
		if t < before {
			times = append(times, t)
		}
	}
	slices.Sort(times)
	cfg := e.cfg.Types[chaosconv.AnomalyCascadingFailure]
	for _, t := range times {
		n := e.affected[t]
		delete(e.affected, t)
		if !cfg.Enabled {
			continue
		}
		o := observation{value: float64(n), expected: float64(e.prevHit), lo: 0, hi: cfg.MinValue,
			score: float64(n - e.prevHit)}
		o.hit = float64(n) >= cfg.MinValue && n > e.prevHit
		o.normal = float64(n) < cfg.MinValue
		if e.cascade.open != nil && float64(n) >= cfg.MinValue && n <= e.prevHit {
			o.hit = false // still spread but no longer spreading: hold
		}
		e.prevHit = n
		ref := chaosconv.ScopeRef{Kind: chaosconv.ScopeGlobal}
		if a := e.cascade.step(&cfg, e.width, t, o, func(a *chaosconv.Anomaly) {
			describe(a, chaosconv.AnomalyCascadingFailure, ref, "affected_scopes")
		}); a != nil {
			e.out.Anomalies = append(e.out.Anomalies, *a)
		}
	}
}

// observe runs every detector of a scope on one point, then learns it.
func (e *Engine) observe(s *scopeState, p Point) {
	e.stats.Points++
	s.seen, s.last = true, p.At
	for typ, i := range typeIndex {
		cfg := e.cfg.Types[typ]
		if !cfg.Enabled {
			continue
		}
		o := e.evaluate(typ, &cfg, s, p)
		metric := metricOf(typ)
		if a := s.life[i].step(&cfg, e.width, p.At, o, func(a *chaosconv.Anomaly) { describe(a, typ, s.ref, metric) }); a != nil {
			e.out.Anomalies = append(e.out.Anomalies, *a)
		}
	}
	for m, v := range p.Values {
		if !math.IsNaN(v) {
			s.series[m].update(v)
		}
	}
	e.health(s, p)
	s.since++
	if e.cfg.TrendEvery > 0 && s.since >= e.cfg.TrendEvery {
		s.since = 0
		e.trends(s, p.At)
	}
}

func metricOf(t chaosconv.AnomalyType) string {
	switch t {
	case chaosconv.AnomalyLatency:
		return MetricLatencyP95
	case chaosconv.AnomalyHighErrorRate:
		return MetricErrorRate
	case chaosconv.AnomalyResourceExhaustion:
		return MetricSaturation
	}
	return MetricEvents
}

// evaluate is each detector's test of one point against its series'
// baseline, before the point is learnt.
func (e *Engine) evaluate(typ chaosconv.AnomalyType, cfg *TypeConfig, s *scopeState, p Point) observation {
	clear := cfg.Threshold * e.cfg.ClearRatio
	switch typ {
	case chaosconv.AnomalyUnexpectedQuiet:
		sr := s.series[mEvents]
		x, mean := p.Values[mEvents], sr.mean()
		o := observation{value: x, expected: mean, lo: e.cfg.QuietRatio * mean, hi: math.Inf(1)}
		if !sr.warm() || mean < cfg.MinValue {
			o.normal = true
			return o
		}
		o.score = -(mean - x) / sr.scale()
		o.hit = x <= e.cfg.QuietRatio*mean
		o.normal = x >= 0.5*mean
		return o
	default:
		m := metricIndex(metricOf(typ))
		sr := s.series[m]
		x := p.Values[m]
		if math.IsNaN(x) {
			return observation{normal: true, value: x}
		}
		lo, hi := sr.band(cfg.Threshold)
		o := observation{value: x, expected: sr.mean(), lo: lo, hi: hi}
		if !sr.warm() {
			o.normal = true
			return o
		}
		o.score = sr.z(x)
		o.hit = o.score >= cfg.Threshold && x >= cfg.MinValue
		o.normal = o.score < clear || x < cfg.MinValue
		return o
	}
}

func metricIndex(name string) int {
	for i, m := range Metrics {
		if m == name {
			return i
		}
	}
	return 0
}

// health scores a scope's bucket, 0..100; see the README for the formula.
func (e *Engine) health(s *scopeState, p Point) {
	comps := map[string]float64{}
	weights := map[string]float64{"availability": 0.3, "latency": 0.2, "capacity": 0.15, "stability": 0.15, "steady_state": 0.2}
	comps["availability"] = 100 * (1 - math.Min(1, p.Values[mErrors]))
	comps["latency"] = 100
	if lat := p.Values[mLatency]; !math.IsNaN(lat) && e.cfg.LatencyBudgetMs > 0 {
		comps["latency"] = 100 * (1 - math.Min(1, lat/e.cfg.LatencyBudgetMs))
	}
	comps["capacity"] = 100 * (1 - math.Min(1, p.Values[mSaturation]))
	open := 0
	for i := range s.life {
		if s.life[i].open != nil {
			open++
		}
	}
	comps["stability"] = math.Max(0, 100-25*float64(open))
	if math.IsNaN(p.ProbeSuccessRatio) {
		delete(weights, "steady_state")
	} else {
		comps["steady_state"] = 100 * p.ProbeSuccessRatio
	}
	var score, total float64
	var factors []string
	for _, name := range []string{"availability", "latency", "capacity", "stability", "steady_state"} {
		w, ok := weights[name]
		if !ok {
			continue
		}
		score += w * comps[name]
		total += w
		if comps[name] < 80 {
			factors = append(factors, name)
		}
	}
	e.out.Health = append(e.out.Health, chaosconv.Health{Scope: s.ref, AtUnixNano: p.At, Score: score / total,
		Components: comps, Factors: factors})
}

func (e *Engine) trends(s *scopeState, at int64) {
	for m, name := range Metrics {
		sr := s.series[m]
		if tr, ok := sr.trendOf(); ok {
			tr.Scope, tr.Metric, tr.AtUnixNano = s.ref, name, at
			e.out.Trends = append(e.out.Trends, tr)
		}
		if v, lo, hi, ok := sr.forecast(e.cfg.ForecastHorizon); ok {
			e.out.Forecasts = append(e.out.Forecasts, chaosconv.Forecast{Scope: s.ref, Metric: name, AtUnixNano: at,
				TargetUnixNano: at + int64(e.cfg.ForecastHorizon)*e.width, Horizon: e.cfg.ForecastHorizon,
				Value: v, Low: lo, High: hi, Confidence: 0.95})
		}
	}
}

// Drain returns and clears the output.
func (e *Engine) Drain() Output {
	out := e.out
	e.out = Output{}
	return out
}

// Stats returns the counters.
func (e *Engine) Stats() Stats { return e.stats }

// Scopes is the number of scopes tracked.
func (e *Engine) Scopes() int { return len(e.scopes) }

func floorTo(t, w int64) int64 {
	r := t % w
	if r < 0 {
		r += w
	}
	return t - r
}
