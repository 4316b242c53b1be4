package detect

import (
	"math"
	"slices"
	"time"

	"github.com/otelcol-chaos/otelcol-chaos/internal/chaosconv"
)

// detector is one detector run on each scope: an anomaly type watching one
// series. Its name is how the checkpoint keys its state: the type alone
// for the chaos-event series, type@metric for the series of the scope's
// own requests, added later.
type detector struct {
	typ    chaosconv.AnomalyType
	metric int
	name   string
}

// perScopeDetectors are the detectors run on each scope, in a fixed order:
// the order of the records they emit in one bucket must not depend on Go's
// map iteration. Their position is their index in per-scope arrays.
var perScopeDetectors = []detector{
	{chaosconv.AnomalyEventSpike, mEvents, string(chaosconv.AnomalyEventSpike)},
	{chaosconv.AnomalyLatency, mLatency, string(chaosconv.AnomalyLatency)},
	{chaosconv.AnomalyHighErrorRate, mErrors, string(chaosconv.AnomalyHighErrorRate)},
	{chaosconv.AnomalyResourceExhaustion, mSaturation, string(chaosconv.AnomalyResourceExhaustion)},
	{chaosconv.AnomalyUnexpectedQuiet, mEvents, string(chaosconv.AnomalyUnexpectedQuiet)},
	// The scope's own requests: failing, slowing down, or stopping.
	{chaosconv.AnomalyHighErrorRate, mReqErrors, string(chaosconv.AnomalyHighErrorRate) + "@" + MetricRequestErrorRatio},
	{chaosconv.AnomalyLatency, mReqLatency, string(chaosconv.AnomalyLatency) + "@" + MetricRequestLatencyP95},
	{chaosconv.AnomalyUnexpectedQuiet, mRequests, string(chaosconv.AnomalyUnexpectedQuiet) + "@" + MetricRequests},
}

// detectorCount is len(perScopeDetectors), for per-scope arrays.
const detectorCount = 8

// dErrors is the detector whose verdict a cascade counts (the chaos
// events' error rate).
const dErrors = 2

// detectorIndex is each detector's position in perScopeDetectors, by name.
var detectorIndex = func() map[string]int {
	m := map[string]int{}
	for i, d := range perScopeDetectors {
		m[d.name] = i
	}
	return m
}()

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
	life   [detectorCount]lifecycle
	// runZ, runN: the z-scores' sum and count of the current run of
	// points neither normal nor anomalous, per detector (see evaluate).
	runZ  [detectorCount]float64
	runN  [detectorCount]int
	since int // points since trends were last emitted
	// held counts, per metric, the consecutive anomalous points the
	// baseline did not learn.
	held [metricCount]int
	// affected: the last point's error rate is anomalous (its
	// high_error_rate detector hit, or holds an open anomaly): what a
	// cascade counts.
	affected bool
}

// spread counts, in one bucket time and per scope kind (0 services, 1
// endpoints), the scopes whose error rate is anomalous and, of those, the
// ones that joined: not affected at their previous point.
type spread struct {
	affected, joined [2]int
	endpoints        bool // the time has endpoint summaries
}

// Engine keeps the streaming state of every scope.
type Engine struct {
	cfg    Config
	width  int64
	scopes map[chaosconv.ScopeRef]*scopeState
	order  []*scopeState // creation order: deterministic output

	// cascade: the spread of a high error rate per bucket time, evaluated
	// once a later bucket shows that time is complete.
	affected map[int64]*spread
	cascade  lifecycle
	maxAt    int64

	out   Output
	stats Stats
}

// Width is the bucket width the engine analyses (0: not known yet).
func (e *Engine) Width() time.Duration { return time.Duration(e.width) }

// New returns an engine for buckets of the given width.
func New(cfg Config, width time.Duration) *Engine {
	return &Engine{cfg: cfg, width: int64(width), scopes: map[chaosconv.ScopeRef]*scopeState{},
		affected: map[int64]*spread{}, maxAt: math.MinInt64}
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

// Observe takes one closed bucket summary without a recorded latency
// factor (the health score then has no latency component); see
// ObserveRecorded.
func (e *Engine) Observe(b *chaosconv.Bucket) { e.ObserveRecorded(b, math.NaN()) }

// ObserveRecorded takes one closed bucket summary and the latency factor
// its record carries (chaos.impact.latency_factor, NaN when absent). Buckets of another width are
// ignored (counted). A scope's missing buckets since its last one are
// filled with empty points first: the analytics processor emits nothing
// for a scope without events, and silence is what unexpected_quiet needs.
func (e *Engine) ObserveRecorded(b *chaosconv.Bucket, latencyFactor float64) {
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
	was := s.affected
	p := PointOf(b)
	p.LatencyFactor = latencyFactor
	e.observe(s, p)
	sp := e.affected[b.StartUnixNano]
	if sp == nil {
		sp = &spread{}
		e.affected[b.StartUnixNano] = sp
	}
	k := -1
	switch b.Scope {
	case chaosconv.ScopeService:
		k = 0
	case chaosconv.ScopeEndpoint:
		k, sp.endpoints = 1, true
	}
	if k >= 0 && s.affected {
		sp.affected[k]++
		if !was {
			sp.joined[k]++
		}
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
		sp := e.affected[t]
		delete(e.affected, t)
		if !cfg.Enabled {
			continue
		}
		// The endpoints are counted, or the services where there are no
		// endpoint summaries: a failing endpoint's service is affected
		// too, and counting both would count one failure twice (and a
		// service crossing its threshold a bucket after its endpoint would
		// look like spreading).
		k := 0
		if sp.endpoints {
			k = 1
		}
		n, joined := sp.affected[k], sp.joined[k]
		o := observation{value: float64(n), expected: float64(n - joined), lo: 0, hi: cfg.MinValue,
			score: float64(joined)}
		// Spreading is scopes joining the ones already affected: the
		// first bucket of an outage, however many scopes it hits at once,
		// is its onset, not spreading. Counting joins rather than the
		// growth of n keeps a scope whose noisy error rate drops out for a
		// bucket from breaking the streak. Still spread but no longer
		// spreading holds an open cascade.
		o.hit = float64(n) >= cfg.MinValue && joined > 0 && n > joined
		o.normal = float64(n) < cfg.MinValue
		ref := chaosconv.ScopeRef{Kind: chaosconv.ScopeGlobal}
		if a := e.cascade.step(&cfg, e.width, t, o, func(a *chaosconv.Anomaly) {
			describe(a, chaosconv.AnomalyCascadingFailure, ref, "affected_scopes")
		}); a != nil {
			e.out.Anomalies = append(e.out.Anomalies, *a)
		}
	}
}

// observe runs every detector of a scope on one point, then learns it.
// Trends and forecasts see every point.
//
// A metric's baseline does not learn a point that one of its detectors
// finds anomalous (a hit, or an open anomaly not back to normal), for at
// most MaxHold points in a row. The robust baseline clips each point, but
// learning a sustained anomaly still drags its level and inflates its
// scale for about an hour (a ten-bucket error burst doubles the scale),
// which hides the next anomaly of the same scope — in chaos experiments
// the same fault comes back. A change that lasts longer than MaxHold is
// the new normal and is learnt.
func (e *Engine) observe(s *scopeState, p Point) {
	e.stats.Points++
	s.seen, s.last = true, p.At
	var hold [metricCount]bool
	for i, d := range perScopeDetectors {
		typ := d.typ
		cfg := e.cfg.Types[typ]
		// A cascade counts the scopes whose high_error_rate detector
		// finds their error rate anomalous: with cascades on, that
		// detector runs even when disabled, without records.
		silent := !cfg.Enabled && i == dErrors && e.cfg.Types[chaosconv.AnomalyCascadingFailure].Enabled
		if !cfg.Enabled && !silent {
			continue
		}
		o := e.evaluate(i, &cfg, s, p)
		metric := Metrics[d.metric]
		if a := s.life[i].step(&cfg, e.width, p.At, o, func(a *chaosconv.Anomaly) { describe(a, typ, s.ref, metric) }); a != nil && !silent {
			e.out.Anomalies = append(e.out.Anomalies, *a)
		}
		anomalous := o.hit || (s.life[i].open != nil && !o.normal)
		if anomalous {
			hold[d.metric] = true
		}
		if i == dErrors {
			s.affected = anomalous
		}
	}
	for m, v := range p.Values {
		if !math.IsNaN(v) {
			s.series[m].follow(v)
		}
		if !hold[m] {
			s.held[m] = 0
		} else if s.held[m] < e.cfg.MaxHold {
			s.held[m]++
			continue
		}
		if !math.IsNaN(v) {
			s.series[m].learn(v)
		}
	}
	e.health(s, p)
	s.since++
	if e.cfg.TrendEvery > 0 && s.since >= e.cfg.TrendEvery {
		s.since = 0
		e.trends(s, p.At)
	}
}

// evaluate is each detector's test of one point against its series'
// baseline, before the point is learnt.
//
// Persistence has the same hysteresis as clearing: a streak starts with a
// point over the threshold and goes on while the points are not back to
// normal, so that an anomalous level whose buckets scatter around the
// threshold (a high error rate measured over a few dozen events) is not
// restarted by each bucket that happens to fall a little short.
//
// A detector that opens on a single point (Persist 1: event spikes) has
// no streak to gather evidence in, and a spike of a few buckets, each
// short of the threshold, would go unseen: there, a run of consecutive
// points that are not normal is also a hit when its combined z-score
// (Stouffer's: the sum over √n) reaches the threshold — as unlikely in
// noise as one point over it.
func (e *Engine) evaluate(i int, cfg *TypeConfig, s *scopeState, p Point) observation {
	o, judged := e.test(perScopeDetectors[i], cfg, s, p)
	o.unjudged = !judged
	if judged && !o.hit && !o.normal && s.life[i].streak > 0 {
		o.hit = true
	}
	if cfg.Persist <= 1 && cfg.Threshold > 0 && judged { // a z-score detector
		if o.normal || s.life[i].open != nil {
			s.runZ[i], s.runN[i] = 0, 0
		} else {
			s.runZ[i] += o.score
			s.runN[i]++
			if s.runN[i] > 1 && s.runZ[i]/math.Sqrt(float64(s.runN[i])) >= cfg.Threshold && o.value >= cfg.MinValue {
				o.hit = true
			}
		}
	}
	return o
}

// test is the detector's verdict on p alone; judged is false when p says
// nothing either way (a ratio of too few events).
func (e *Engine) test(d detector, cfg *TypeConfig, s *scopeState, p Point) (o observation, judged bool) {
	clear := cfg.Threshold * e.cfg.ClearRatio
	switch d.typ {
	case chaosconv.AnomalyUnexpectedQuiet:
		sr := s.series[d.metric]
		x, mean := p.Values[d.metric], sr.mean()
		if math.IsNaN(x) {
			// Nothing known of the requests in this bucket: no verdict.
			return observation{normal: true, value: x}, true
		}
		o = observation{value: x, expected: mean, lo: e.cfg.QuietRatio * mean, hi: math.Inf(1)}
		if !sr.warm() || mean < cfg.MinValue {
			o.normal = true
			return o, true
		}
		o.score = -(mean - x) / sr.scale()
		o.hit = x <= e.cfg.QuietRatio*mean
		o.normal = x >= 0.5*mean
		return o, true
	default:
		m := d.metric
		sr := s.series[m]
		x := p.Values[m]
		if math.IsNaN(x) {
			return observation{normal: true, value: x}, true
		}
		lo, hi := sr.band(cfg.Threshold)
		o = observation{value: x, expected: sr.mean(), lo: lo, hi: hi}
		if !sr.warm() {
			o.normal = true
			return o, true
		}
		if ((m == mErrors || m == mSaturation) && p.Values[mEvents] < float64(e.cfg.MinRatioEvents)) ||
			(m == mReqErrors && p.Values[mRequests] < float64(e.cfg.MinRatioEvents)) {
			// A ratio of a handful of events (1 fault out of 2) is no
			// evidence either way: an open anomaly is held, a streak
			// is not continued.
			return o, false
		}
		switch mean, sd := sr.mean(), sr.scale(); {
		case (m == mEvents || m == mRequests) && mean > 0:
			// Counts are tested on the square-root scale, their
			// variance-stabilising transform (Anscombe): a count of
			// mean 3 reaches 12 by chance far more often than the
			// Gaussian z says. The σ of √x is sd/(2√mean) (delta
			// method), with sd floored at the Poisson √mean: a count is
			// at least that noisy, and a spread estimated from a few
			// dozen points can come out low.
			sd = math.Max(sd, math.Sqrt(mean))
			o.score = 2 * math.Sqrt(mean) * (math.Sqrt(x) - math.Sqrt(mean)) / sd
			o.lo, o.hi = sqrtBand(mean, sd, -cfg.Threshold), sqrtBand(mean, sd, cfg.Threshold)
		case (m == mLatency || m == mReqLatency) && mean > 0:
			// A p95 delay is positive and right-skewed (for lognormal
			// delays its sampling distribution is close to lognormal: a
			// bucket's p95 of a dozen delays doubles by chance far more
			// often than it halves). It is tested on the log scale, with
			// the baseline's relative scale as the σ of log x (delta
			// method), which makes its noise symmetric again.
			o.score = logZ(x, mean, sd)
			o.lo, o.hi = logBand(mean, sd, -cfg.Threshold), logBand(mean, sd, cfg.Threshold)
		default:
			o.score = sr.z(x)
		}
		o.hit = o.score >= cfg.Threshold && x >= cfg.MinValue
		o.normal = o.score < clear || x < cfg.MinValue
		return o, true
	}
}

// sqrtBand is the count whose square-root z-score is z (see test).
func sqrtBand(mean, sd, z float64) float64 {
	r := math.Sqrt(mean) + z*sd/(2*math.Sqrt(mean))
	if r < 0 {
		return 0
	}
	return r * r
}

// logZ is the z-score of log x against a baseline of level mean > 0 and
// scale sd: log(x/mean) / (sd/mean).
func logZ(x, mean, sd float64) float64 {
	if !(x > 0) {
		return math.Inf(-1)
	}
	return math.Log(x/mean) / (sd / mean)
}

// logBand is the value whose logZ is z.
func logBand(mean, sd, z float64) float64 { return mean * math.Exp(z*sd/mean) }

// health scores a scope's bucket, 0..100; see the README for the formula.
func (e *Engine) health(s *scopeState, p Point) {
	comps := map[string]float64{}
	weights := map[string]float64{"availability": 0.3, "latency": 0.2, "capacity": 0.15, "stability": 0.15, "steady_state": 0.2}
	// Availability is what the scope's own requests saw when its spans
	// are there; else the share of chaos events that were faults or failed
	// probes.
	if math.IsNaN(p.ObservedErrorRatio) {
		comps["availability"] = 100 * (1 - math.Min(1, p.Values[mErrors]))
	} else {
		comps["availability"] = 100 * (1 - math.Min(1, p.ObservedErrorRatio))
	}
	// The latency component is the producer's: its latency factor is the
	// p95 injected delay over its latency budget (impact.latency_budget of
	// chaos_analytics), so the budget is set in one place.
	if math.IsNaN(p.LatencyFactor) {
		delete(weights, "latency")
	} else {
		comps["latency"] = 100 * (1 - math.Min(1, math.Max(0, p.LatencyFactor)))
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
