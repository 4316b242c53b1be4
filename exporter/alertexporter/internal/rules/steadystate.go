package rules

import (
	"fmt"
	"maps"
	"math"
	"strconv"
	"strings"
	"time"

	"go.uber.org/zap"

	"github.com/otelcol-chaos/otelcol-chaos/internal/chaosconv"
)

// PresetSteadyState is the preset that makes a steady_state rule.
const PresetSteadyState = "steady_state"

// Labels a steady_state alert carries besides the exporter's usual ones
// (the contract's, in chaosconv). They are part of its identity (a new
// experiment is a new alert) and what an abort handler templates on.
const (
	LabelMeasurement = chaosconv.AlertLabelMeasurement
	LabelExperiment  = chaosconv.AlertLabelExperiment
)

// Values of LabelMeasurement.
const (
	MeasurementProbes    = chaosconv.AlertMeasurementProbes
	MeasurementEstimated = chaosconv.AlertMeasurementEstimated
)

// What made a steady_state condition hold (TemplateData.Criterion), in
// the order they are checked: the first that holds is the alert's value.
const (
	CriterionSuccessRatio = "success_ratio" // value: drop of the probe success ratio (0.37 = 37 points)
	CriterionP95Latency   = "p95_latency"   // value: relative growth of the p95 probe latency (2 = +200 %)
	CriterionEstimated    = "estimated_degradation"
	CriterionImpact       = "impact_severity" // value: the max impact severity of the window
)

const (
	steadyStateDefaultWindow   = 2 * time.Minute
	steadyStateDefaultSeverity = "critical"
	steadyStateSummary         = `{{ or .ScopeKey "global" }}: {{ .Comparison }}`
	steadyStateDescription     = `{{ .Description }}`
	// Bounds of the start markers: markers are kept per service, the
	// newest few (a replay may hand over several starts before the buckets
	// that follow them), for at most this many services.
	maxMarkersPerService = 8
	maxMarkerServices    = 1024
	// epsilon keeps "more than the tolerance" true to its word when the
	// observed change equals it up to floating point (0.99 − 0.94).
	epsilon = 1e-9
)

// SteadyState is a compiled steady_state rule's tolerances (see
// config.SteadyStateConfig; defaults filled in).
type SteadyState struct {
	SuccessRatioDrop  float64
	P95LatencyGrowth  float64
	BaselineWindow    time.Duration
	MinProbes         int
	MaxImpactSeverity float64
	AllowEstimated    bool
}

// applySteadyState fills a steady_state rule's defaults; the user's own
// settings win.
func applySteadyState(c Config) Config {
	c.Type = TypeSteadyState
	if c.Scope == "" {
		c.Scope = chaosconv.ScopeService.String()
	}
	if c.Window == 0 {
		c.Window = steadyStateDefaultWindow
	}
	if c.Severity == "" {
		c.Severity = steadyStateDefaultSeverity
	}
	a := maps.Clone(c.Annotations)
	if a == nil {
		a = map[string]string{}
	}
	if _, ok := a["summary"]; !ok {
		a["summary"] = steadyStateSummary
	}
	if _, ok := a["description"]; !ok {
		a["description"] = steadyStateDescription
	}
	c.Annotations = a
	return c
}

func (r *Rule) compileSteadyState(c Config) []error {
	var errs []error
	// What only other rule types read is refused, naming the key: a
	// guardrail must not be read differently from how it was written.
	for _, s := range []struct {
		key string
		set bool
	}{
		{"field", c.Field != ""}, {"aggregation", c.Aggregation != ""}, {"comparator", c.Comparator != ""},
		{"threshold", c.Threshold != nil}, {"below", c.Below != nil}, {"anomaly_types", len(c.AnomalyTypes) > 0},
		{"min_severity", c.MinSeverity != ""},
	} {
		if s.set {
			errs = append(errs, fmt.Errorf("%w: %s (a steady_state rule reads steady_state)", ErrNotApplicable, s.key))
		}
	}
	if err := c.SteadyState.Check(); err != nil {
		errs = append(errs, err)
	}
	ss := c.SteadyState.Resolved()
	r.SteadyState = SteadyState{SuccessRatioDrop: *ss.SuccessRatioDrop, P95LatencyGrowth: *ss.P95LatencyGrowth,
		BaselineWindow: ss.BaselineWindow, MinProbes: ss.MinProbes, MaxImpactSeverity: ss.MaxImpactSeverity,
		AllowEstimated: ss.AllowEstimated}
	r.Threshold = r.SteadyState.SuccessRatioDrop
	r.Window = c.Window
	if r.Window <= 0 {
		errs = append(errs, ErrWindow)
	}
	for _, k := range []string{LabelMeasurement, LabelExperiment} {
		if _, ok := c.Labels[k]; ok {
			errs = append(errs, fmt.Errorf("%w %q: a steady_state rule sets it", ErrLabel, k))
		}
	}
	return errs
}

// StartMarker is a chaos start: an experiment started or a scenario
// entered, at its event time, by the service its record names.
type StartMarker struct {
	// Service is the resource service.name of the record ("" when none).
	Service    string
	AtUnixNano int64
	// Name is the experiment or the scenario entered.
	Name string
}

// markerList is one service's newest markers, oldest first.
type markerList struct {
	n int
	m [maxMarkersPerService]StartMarker
}

// at is the newest marker at or before t.
func (l *markerList) at(t int64) (StartMarker, bool) {
	for i := l.n - 1; i >= 0; i-- {
		if l.m[i].AtUnixNano <= t {
			return l.m[i], true
		}
	}
	return StartMarker{}, false
}

func (l *markerList) add(m StartMarker) {
	i := l.n
	for i > 0 && l.m[i-1].AtUnixNano > m.AtUnixNano {
		i--
	}
	if i > 0 && l.m[i-1].AtUnixNano == m.AtUnixNano {
		l.m[i-1] = m // the same start again (a re-sent record): the newest name wins
		return
	}
	if l.n == len(l.m) {
		if i == 0 {
			return // older than every marker kept
		}
		copy(l.m[:], l.m[1:i]) // drop the oldest
		l.m[i-1] = m
		return
	}
	copy(l.m[i+1:l.n+1], l.m[i:l.n])
	l.m[i] = m
	l.n++
}

// later orders markers by time, then deterministically (map iteration
// order must not pick between two starts at the same instant).
func later(a, b StartMarker) bool {
	if a.AtUnixNano != b.AtUnixNano {
		return a.AtUnixNano > b.AtUnixNano
	}
	if a.Service != b.Service {
		return a.Service > b.Service
	}
	return a.Name > b.Name
}

// WantsMarkers reports whether a rule reads start markers (else AddStart
// keeps nothing, and the caller may skip decoding chaos.event records).
func (s *Store) WantsMarkers() bool { return s.steady }

// AddStart records a chaos start. Markers are not checkpointed: after a
// restart, steady_state rules wait for the next start.
func (s *Store) AddStart(m StartMarker) {
	if !s.steady || m.AtUnixNano <= 0 {
		return
	}
	l := s.markers[m.Service]
	if l == nil {
		if len(s.markers) >= maxMarkerServices {
			// Forget the service whose newest start is the oldest.
			var victim string
			oldest := int64(math.MaxInt64)
			for svc, o := range s.markers {
				if t := o.m[o.n-1].AtUnixNano; t < oldest || (t == oldest && svc < victim) {
					victim, oldest = svc, t
				}
			}
			delete(s.markers, victim)
		}
		l = &markerList{}
		s.markers[m.Service] = l
	}
	l.add(m)
}

// steadyCache is one steady_state rule's baseline of one series, kept so
// that the baseline outlives the buckets it was computed from (the store
// keeps them only a window and a baseline window after the newest data).
type steadyCache struct {
	start    int64  // the start the baseline is of (0: none computed)
	gen      uint64 // series.gen when computed: a late bucket recomputes it
	base     windowStats
	reason   string // the last reason logged for not firing, to log a change once
	computed bool
}

// windowStats is what a steady_state rule reads of a run of buckets.
type windowStats struct {
	buckets          int     // with data (events or probes)
	probes, failures float64 // probe results
	latN             uint64  // probe latencies measured
	p95              float64 // of the probe latencies (latN > 0)
	degSum           float64 // Σ DegradationPct of the buckets with data
	maxSev           float64 // the largest impact severity
	measuredBuckets  int     // buckets whose degradation probes measured
}

func (w *windowStats) ratio() float64 { return 1 - w.failures/w.probes }
func (w *windowStats) deg() float64   { return w.degSum / float64(w.buckets) }

// stats reads the points starting at or after notBefore; the probe
// latency sketches merge into the evaluator's scratch sketch, so that the
// p95 is the window's, not a mean of the buckets' p95s.
func (e *Evaluator) stats(pts []Point, notBefore int64) windowStats {
	var w windowStats
	e.scratch.Reset()
	for i := range pts {
		p := &pts[i]
		if p.StartUnixNano < notBefore || p.Events+p.Probes <= 0 {
			continue
		}
		if w.buckets == 0 || p.ImpactSeverity > w.maxSev {
			w.maxSev = p.ImpactSeverity
		}
		w.buckets++
		w.probes += p.Probes
		w.failures += p.ProbeFailures
		w.degSum += p.DegradationPct
		if p.Probes > 0 {
			w.measuredBuckets++
		}
		if p.ProbeLatency != nil {
			e.scratch.Merge(p.ProbeLatency)
		}
	}
	if w.latN = e.scratch.Count(); w.latN > 0 {
		w.p95, _ = e.scratch.Quantile(0.95)
	}
	return w
}

// resolveStarts finds, once per evaluation, the newest start at or
// before at of any service, and of the services that are not probed.
func (e *Evaluator) resolveStarts(s *Store, at int64) {
	e.starts.gen = e.gen
	e.starts.any, e.starts.wide = StartMarker{}, StartMarker{}
	e.starts.hasAny, e.starts.hasWide = false, false
	for svc, l := range s.markers {
		m, ok := l.at(at)
		if !ok {
			continue
		}
		if !e.starts.hasAny || later(m, e.starts.any) {
			e.starts.any, e.starts.hasAny = m, true
		}
		if !s.probed(svc) && (!e.starts.hasWide || later(m, e.starts.wide)) {
			e.starts.wide, e.starts.hasWide = m, true
		}
	}
}

// startFor is the start a scope's baseline is taken before: for a
// service, its own newest start or that of a service that is not probed
// (a generator or a chaos tool reporting under its own name), whichever is
// later; for global and endpoints (which name no service), any service's.
func (e *Evaluator) startFor(s *Store, k SeriesKey, at int64) (StartMarker, bool) {
	if k.Scope != chaosconv.ScopeService {
		return e.starts.any, e.starts.hasAny
	}
	m, ok := StartMarker{}, false
	if l := s.markers[k.Key]; l != nil {
		m, ok = l.at(at)
	}
	if e.starts.hasWide && (!ok || later(e.starts.wide, m)) {
		return e.starts.wide, true
	}
	return m, ok
}

// baseline is the series' baseline before start for rule r, from the
// cache unless the buckets it came from are still held and changed.
func (e *Evaluator) baseline(sr *series, r *Rule, start int64) windowStats {
	if len(sr.steady) <= r.steadyIdx {
		sr.steady = append(sr.steady, make([]steadyCache, r.steadyIdx+1-len(sr.steady))...)
	}
	c := &sr.steady[r.steadyIdx]
	from := start - int64(r.SteadyState.BaselineWindow)
	intact := sr.trimmedTo <= from
	if c.computed && c.start == start && (c.gen == sr.gen || !intact) {
		return c.base
	}
	c.base = e.stats(window(sr.points, from, start), from)
	c.start, c.gen, c.computed = start, sr.gen, true
	return c.base
}

// steadyState evaluates a steady_state rule over its scopes at at.
func (e *Evaluator) steadyState(s *Store, r *Rule, sel []int32, at int64, out []Condition) []Condition {
	if e.starts.gen != e.gen {
		e.resolveStarts(s, at)
	}
	if !e.starts.hasAny {
		return out // no chaos started: nothing to compare
	}
	ss := &r.SteadyState
	from := at - int64(r.Window)
	for _, i := range sel {
		k, sr := e.keys[i], e.series[i]
		m, ok := e.startFor(s, k, at)
		if !ok {
			continue
		}
		cur := e.stats(window(sr.points, from, at), m.AtUnixNano)
		if cur.buckets == 0 {
			continue // started, but no bucket during chaos yet
		}
		base := e.baseline(sr, r, m.AtUnixNano)
		c := &sr.steady[r.steadyIdx]
		hasBase := base.buckets > 0
		probesCur := cur.probes >= float64(ss.MinProbes)
		probesBase := hasBase && base.probes >= float64(ss.MinProbes)
		v := steadyVerdict{}
		reason := ""
		switch {
		case probesBase && probesCur:
			v = ss.compareProbes(&base, &cur)
		case ss.AllowEstimated && hasBase:
			v = ss.compareEstimated(&base, &cur)
		case !hasBase:
			reason = "no baseline: no bucket with data in the baseline window before the start"
		default:
			reason = fmt.Sprintf("too few probes (baseline %g, during chaos %g; min_probes %d) and allow_estimated is off",
				base.probes, cur.probes, ss.MinProbes)
		}
		if v.criterion == "" && ss.MaxImpactSeverity > 0 && (probesCur || ss.AllowEstimated) &&
			cur.maxSev > ss.MaxImpactSeverity {
			v = steadyVerdict{criterion: CriterionImpact, value: cur.maxSev, current: cur.maxSev,
				baseline: base.maxSev, tolerance: ss.MaxImpactSeverity, measurement: MeasurementEstimated}
			if probesCur {
				v.measurement = MeasurementProbes
			}
		}
		if v.criterion == "" {
			if reason != c.reason && reason != "" {
				e.logger.Debug("steady_state rule cannot compare", zap.String("rule", r.Name),
					zap.String("scope", k.Scope.String()), zap.String("scope_key", k.Key),
					zap.Time("start", time.Unix(0, m.AtUnixNano).UTC()), zap.String("reason", reason))
			}
			c.reason = reason
			continue
		}
		c.reason = ""
		out = append(out, r.steadyCondition(k, &m, &v, &base, &cur))
	}
	return out
}

// steadyVerdict is the criterion that held (criterion "" when none).
type steadyVerdict struct {
	criterion         string
	value             float64
	baseline, current float64
	tolerance         float64
	measurement       string
}

func (ss *SteadyState) compareProbes(base, cur *windowStats) steadyVerdict {
	v := steadyVerdict{measurement: MeasurementProbes}
	if drop := base.ratio() - cur.ratio(); drop > ss.SuccessRatioDrop+epsilon {
		v.criterion, v.value, v.baseline, v.current, v.tolerance = CriterionSuccessRatio, drop, base.ratio(), cur.ratio(),
			ss.SuccessRatioDrop
		return v
	}
	// The latency needs as many measured latencies as the ratio needs
	// probes (a failed probe may carry none).
	if base.latN >= uint64(ss.MinProbes) && cur.latN >= uint64(ss.MinProbes) && base.p95 > 0 {
		if grow := cur.p95/base.p95 - 1; grow > ss.P95LatencyGrowth+epsilon {
			v.criterion, v.value, v.baseline, v.current, v.tolerance = CriterionP95Latency, grow, base.p95, cur.p95,
				ss.P95LatencyGrowth
		}
	}
	return v
}

func (ss *SteadyState) compareEstimated(base, cur *windowStats) steadyVerdict {
	v := steadyVerdict{measurement: MeasurementEstimated}
	// The estimated degradation is the share of traffic taken as degraded:
	// its rise is a fall of the (estimated) success ratio, under the same
	// tolerance.
	if rise := (cur.deg() - base.deg()) / 100; rise > ss.SuccessRatioDrop+epsilon {
		v.criterion, v.value, v.baseline, v.current, v.tolerance = CriterionEstimated, rise, base.deg(), cur.deg(),
			ss.SuccessRatioDrop
	}
	return v
}

// num formats a number for a sentence: one decimal at most.
func num(v float64) string { return strconv.FormatFloat(math.Round(v*10)/10, 'f', -1, 64) }

// steadyCondition builds the condition, its labels and the sentences its
// templates see (.Comparison, .Description). It runs only for conditions
// that hold, so its allocations are not on the hot path.
func (r *Rule) steadyCondition(k SeriesKey, m *StartMarker, v *steadyVerdict, base, cur *windowStats) Condition {
	var cmp string
	switch v.criterion {
	case CriterionSuccessRatio:
		cmp = "probe success " + num(100*v.current) + " % during chaos vs " + num(100*v.baseline) + " % before (drop " +
			num(100*v.value) + " points > " + num(100*v.tolerance) + ")"
	case CriterionP95Latency:
		cmp = "probe p95 latency " + num(v.current) + " ms during chaos vs " + num(v.baseline) + " ms before (+" +
			num(100*v.value) + " % > +" + num(100*v.tolerance) + " %)"
	case CriterionEstimated:
		cmp = "estimated degradation " + num(v.current) + " % during chaos vs " + num(v.baseline) + " % before (up " +
			num(100*v.value) + " points > " + num(100*v.tolerance) + "; estimated from the injected chaos, too few probes)"
	case CriterionImpact:
		cmp = "impact severity " + num2(v.current) + " during chaos (> " + num2(v.tolerance) + ")"
		if v.measurement == MeasurementEstimated {
			cmp += "; estimated from the injected chaos, too few probes"
		}
	}
	var d strings.Builder
	d.WriteString("Steady state broken during ")
	if m.Name != "" {
		d.WriteString(m.Name)
	} else {
		d.WriteString("chaos")
	}
	d.WriteString(" (started " + time.Unix(0, m.AtUnixNano).UTC().Format(time.RFC3339) + ")")
	if base.probes > 0 || cur.probes > 0 {
		d.WriteString(": probe success ")
		d.WriteString(pctOf(cur) + " of " + num(cur.probes) + " probes vs " + pctOf(base) + " of " + num(base.probes) +
			" before")
		if base.latN > 0 && cur.latN > 0 {
			d.WriteString("; probe p95 latency " + num(cur.p95) + " ms vs " + num(base.p95) + " ms before")
		}
	} else {
		d.WriteString(": no probe results")
	}
	if v.measurement == MeasurementEstimated {
		d.WriteString("; estimated degradation " + num(cur.deg()) + " % vs ")
		if base.buckets > 0 {
			d.WriteString(num(base.deg()) + " % before")
		} else {
			d.WriteString("no baseline")
		}
		d.WriteString(" (no probe measured it: allow_estimated)")
	}
	d.WriteString(". Measurement: " + v.measurement + ".")
	return r.build(k, v.value, d.String(), steadyData{threshold: v.tolerance, baseline: v.baseline, current: v.current,
		criterion: v.criterion, measurement: v.measurement, experiment: m.Name, comparison: cmp,
		startedAt: time.Unix(0, m.AtUnixNano).UTC()}, LabelMeasurement, v.measurement, LabelExperiment, m.Name)
}

func num2(v float64) string { return strconv.FormatFloat(v, 'f', 2, 64) }

func pctOf(w *windowStats) string {
	if w.probes <= 0 {
		return "n/a"
	}
	return num(100*w.ratio()) + " %"
}
