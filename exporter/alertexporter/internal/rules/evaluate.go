package rules

import (
	"maps"
	"slices"
	"strings"
	"time"

	"go.uber.org/zap"

	"github.com/otelcol-chaos/otelcol-chaos/internal/chaosconv"
	"github.com/otelcol-chaos/otelcol-chaos/internal/sketch"
)

// Condition is one rule holding for one scope at one evaluation: the
// alert lifecycle turns conditions into alerts (one per label set).
type Condition struct {
	Rule        *Rule
	Labels      map[string]string
	Annotations map[string]string
	Value       float64
}

// TemplateData is what annotation templates see.
type TemplateData struct {
	Rule        string
	Value       float64
	Threshold   float64
	Window      time.Duration
	Scope       string
	ScopeKey    string
	ScopeLabel  string // "global", "service checkout", "endpoint /api/cart"
	Labels      map[string]string
	Description string // an anomaly's description; a steady_state rule's account of baseline vs current

	// Steady_state rules only. Threshold is then the tolerance of the
	// criterion that held, Value what was observed against it.
	Criterion   string    // success_ratio, p95_latency, estimated_degradation or impact_severity
	Baseline    float64   // before the start: success ratio, p95 ms or degradation %
	Current     float64   // during chaos, in the same unit
	Measurement string    // probes or estimated
	Experiment  string    // the experiment started or the scenario entered
	StartedAt   time.Time // the start
	Comparison  string    // one sentence: current vs baseline against the tolerance
}

// signal is what a threshold rule computes per series; rules sharing one
// share the computation within an evaluation.
type signal struct {
	field, agg string
	window     time.Duration
}

// Evaluator evaluates rules against a store. It caches what does not
// change between evaluations (scope-key matches) and what rules share
// within one (the series each scope/match selects, signals). Not safe for
// concurrent use.
type Evaluator struct {
	rules   []*Rule
	sels    []selector                 // rules[i]'s series selection
	shared  map[signal]bool            // signals more than one rule reads
	matches map[string]map[string]bool // pattern → scope key → matches
	started int64                      // first evaluation: absent rules with no series wait a window from it

	// Per evaluation (gen counts them): the store's scopes in order, their
	// series, what each selector picks (indexes into keys) and the values
	// of shared signals (by key index).
	gen         uint64
	keys        []SeriesKey
	series      []*series
	selected    map[selector]*selection
	values      map[signal]*valueCache
	healthKeys  []SeriesKey
	anomalyKeys []anomalyKey
	sorted      struct{ health, anomalies uint64 } // gen healthKeys / anomalyKeys were sorted at

	// steady_state rules: the starts resolved for the evaluation (gen),
	// the sketch probe latencies merge into, and where they say why they
	// cannot compare.
	starts struct {
		gen             uint64
		any, wide       StartMarker
		hasAny, hasWide bool
	}
	scratch sketch.Sketch
	logger  *zap.Logger
}

// selector is what decides which scopes a rule reads.
type selector struct {
	any    bool   // Scopes == nil
	scopes string // the scope kinds, one byte each
	match  string // the Match pattern ("" = none)
}

type selection struct {
	gen uint64
	idx []int32
}

type valueCache struct {
	gen uint64
	vs  []valueOK
}

type valueOK struct {
	v        float64
	ok, done bool
}

// NewEvaluator returns an evaluator of the compiled rules.
func NewEvaluator(rules []*Rule) *Evaluator {
	e := &Evaluator{rules: rules, sels: make([]selector, len(rules)), shared: map[signal]bool{},
		matches: map[string]map[string]bool{}, selected: map[selector]*selection{},
		values: map[signal]*valueCache{}, logger: zap.NewNop()}
	seen := map[signal]bool{}
	for i, r := range rules {
		sel := selector{any: r.Scopes == nil}
		if r.Match != nil {
			sel.match = r.Match.String()
		}
		for _, k := range r.Scopes {
			sel.scopes += string(rune(k))
		}
		e.sels[i] = sel
		if r.Type == TypeThreshold {
			sig := signal{field: r.Field, agg: r.Aggregation, window: r.Window}
			e.shared[sig] = seen[sig]
			seen[sig] = true
		}
	}
	return e
}

// SetLogger sets where rules log at debug level why they do not fire
// when that is not obvious (a steady_state rule without a baseline).
func (e *Evaluator) SetLogger(l *zap.Logger) { e.logger = l }

// Rules are the compiled rules.
func (e *Evaluator) Rules() []*Rule { return e.rules }

// Evaluate appends to out every condition holding at time at (unix ns,
// event time), in rule order then scope order.
func (e *Evaluator) Evaluate(s *Store, at int64, out []Condition) []Condition {
	if e.started == 0 {
		e.started = at
	}
	e.gen++
	e.keys = slices.AppendSeq(e.keys[:0], maps.Keys(s.series))
	slices.SortFunc(e.keys, compareKeys)
	e.series = e.series[:0]
	for _, k := range e.keys {
		e.series = append(e.series, s.series[k])
	}
	for i, r := range e.rules {
		switch r.Type {
		case TypeThreshold:
			out = e.threshold(r, e.selection(i, r), at, out)
		case TypeAbsent:
			out = e.absent(r, e.selection(i, r), at, out)
		case TypeAnomaly:
			out = e.anomaly(s, r, out)
		case TypeHealth:
			out = e.health(s, r, out)
		case TypeSteadyState:
			out = e.steadyState(s, r, e.selection(i, r), at, out)
		}
	}
	// Hold no series or scope between evaluations.
	clear(e.series)
	clear(e.keys)
	return out
}

// selection is the indexes (into e.keys, ascending) of the series rule i
// reads, computed once per evaluation per selector.
func (e *Evaluator) selection(i int, r *Rule) []int32 {
	sel := e.selected[e.sels[i]]
	if sel == nil {
		sel = &selection{}
		e.selected[e.sels[i]] = sel
	}
	if sel.gen != e.gen {
		sel.gen, sel.idx = e.gen, sel.idx[:0]
		for j, k := range e.keys {
			if e.selects(r, k) {
				sel.idx = append(sel.idx, int32(j))
			}
		}
	}
	return sel.idx
}

func compareKeys(a, b SeriesKey) int {
	if a.Scope != b.Scope {
		return int(a.Scope) - int(b.Scope)
	}
	return strings.Compare(a.Key, b.Key)
}

func (e *Evaluator) selects(r *Rule, k SeriesKey) bool {
	if r.Scopes != nil && !slices.Contains(r.Scopes, k.Scope) {
		return false
	}
	if r.Match == nil {
		return true
	}
	// Rules with the same pattern share their matches.
	m := e.matches[r.Match.String()]
	if m == nil {
		m = map[string]bool{}
		e.matches[r.Match.String()] = m
	}
	ok, cached := m[k.Key]
	if !cached {
		ok = r.Match.MatchString(k.Key)
		m[k.Key] = ok
	}
	return ok
}

func (e *Evaluator) threshold(r *Rule, sel []int32, at int64, out []Condition) []Condition {
	var cache []valueOK
	if sig := (signal{field: r.Field, agg: r.Aggregation, window: r.Window}); e.shared[sig] {
		vc := e.values[sig]
		if vc == nil {
			vc = &valueCache{}
			e.values[sig] = vc
		}
		if vc.gen != e.gen {
			vc.gen = e.gen
			if cap(vc.vs) < len(e.keys) {
				vc.vs = make([]valueOK, len(e.keys))
			} else {
				vc.vs = vc.vs[:len(e.keys)]
				clear(vc.vs)
			}
		}
		cache = vc.vs
	}
	from := at - int64(r.Window)
	minutes := r.Window.Minutes()
	for _, i := range sel {
		var vo valueOK
		if cache != nil && cache[i].done {
			vo = cache[i]
		} else {
			pts := window(e.series[i].points, from, at)
			vo.v, vo.ok = aggregate(r.field, r.ratio, r.Aggregation, pts, minutes)
			vo.done = true
			if cache != nil {
				cache[i] = vo
			}
		}
		if vo.ok && r.cmp(vo.v, r.Threshold) {
			out = append(out, r.condition(e.keys[i], vo.v, ""))
		}
	}
	return out
}

// window is the points whose bucket ends within (from, to].
func window(pts []Point, from, to int64) []Point {
	i := endAfter(pts, from)
	return pts[i : i+endAfter(pts[i:], to)]
}

// endAfter is the index of the first point (sorted by end) whose bucket
// ends after t, len(pts) when none does.
func endAfter(pts []Point, t int64) int {
	lo, hi := 0, len(pts)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if pts[m].EndUnixNano <= t {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo
}

func (e *Evaluator) absent(r *Rule, sel []int32, at int64, out []Condition) []Condition {
	for _, i := range sel {
		last := e.series[i].lastData
		if last == 0 {
			// Buckets but never an event: as for a never-seen scope, wait
			// a window from the first evaluation (not from 1970).
			last = e.started
		}
		if at-last >= int64(r.Window) {
			out = append(out, r.condition(e.keys[i], float64(at-last)/float64(time.Second), ""))
		}
	}
	// Nothing ever seen for a fixed scope: absent once a window has
	// passed since evaluations began.
	if len(sel) == 0 && r.Match == nil && len(r.Scopes) == 1 && r.Scopes[0] == chaosconv.ScopeGlobal &&
		at-e.started >= int64(r.Window) {
		out = append(out, r.condition(SeriesKey{Scope: chaosconv.ScopeGlobal}, float64(at-e.started)/float64(time.Second), ""))
	}
	return out
}

func (e *Evaluator) anomaly(s *Store, r *Rule, out []Condition) []Condition {
	if e.sorted.anomalies != e.gen {
		e.sorted.anomalies = e.gen
		e.anomalyKeys = slices.AppendSeq(e.anomalyKeys[:0], maps.Keys(s.anomalies))
		slices.SortFunc(e.anomalyKeys, func(a, b anomalyKey) int {
			if c := compareKeys(a.Scope, b.Scope); c != 0 {
				return c
			}
			return strings.Compare(string(a.Type), string(b.Type))
		})
	}
	for _, k := range e.anomalyKeys {
		a := s.anomalies[k]
		if (len(r.AnomalyTypes) > 0 && !slices.Contains(r.AnomalyTypes, a.Type)) ||
			severityRank(a.Severity) < severityRank(r.MinSeverity) || !e.selects(r, k.Scope) {
			continue
		}
		c := r.conditionWith(k.Scope, a.Score, a.Description, chaosconv.AlertLabelAnomalyType, string(a.Type))
		out = append(out, c)
	}
	return out
}

func (e *Evaluator) health(s *Store, r *Rule, out []Condition) []Condition {
	if e.sorted.health != e.gen {
		e.sorted.health = e.gen
		e.healthKeys = slices.AppendSeq(e.healthKeys[:0], maps.Keys(s.health))
		slices.SortFunc(e.healthKeys, compareKeys)
	}
	for _, k := range e.healthKeys {
		if h := s.health[k]; e.selects(r, k) && h.score < r.Threshold {
			out = append(out, r.condition(k, h.score, ""))
		}
	}
	return out
}

func (r *Rule) condition(k SeriesKey, v float64, description string) Condition {
	return r.conditionWith(k, v, description, "", "")
}

// conditionWith builds the labels (the rule's, then the exporter's, which
// win) and renders the annotations.
func (r *Rule) conditionWith(k SeriesKey, v float64, description, extraKey, extraValue string) Condition {
	if extraKey == "" {
		return r.build(k, v, description, steadyData{})
	}
	return r.build(k, v, description, steadyData{}, extraKey, extraValue)
}

// steadyData is what a steady_state rule adds to TemplateData (zero for
// the other rules). Passed by value: the template data stays one
// allocation.
type steadyData struct {
	threshold                                      float64
	baseline, current                              float64
	criterion, measurement, experiment, comparison string
	startedAt                                      time.Time
}

// build is conditionWith with any number of extra labels (key, value
// pairs) and a steady_state rule's template data.
func (r *Rule) build(k SeriesKey, v float64, description string, sd steadyData, extra ...string) Condition {
	labels := make(map[string]string, len(r.Labels)+5+len(extra)/2)
	maps.Copy(labels, r.Labels)
	labels[chaosconv.AlertLabelName] = r.Name
	labels[chaosconv.AlertLabelSeverity] = string(r.Severity)
	labels[chaosconv.AlertLabelScope] = k.Scope.String()
	labels[chaosconv.AlertLabelScopeKey] = k.Key
	labels[chaosconv.AlertLabelRuleType] = r.Type
	for i := 0; i+1 < len(extra); i += 2 {
		labels[extra[i]] = extra[i+1]
	}
	scopeLabel := k.Scope.String()
	if k.Key != "" {
		scopeLabel += " " + k.Key
	}
	data := TemplateData{Rule: r.Name, Value: v, Threshold: r.Threshold, Window: r.Window, Scope: k.Scope.String(),
		ScopeKey: k.Key, ScopeLabel: scopeLabel, Labels: labels, Description: description}
	if sd.criterion != "" {
		data.Threshold, data.Baseline, data.Current = sd.threshold, sd.baseline, sd.current
		data.Criterion, data.Measurement, data.Experiment = sd.criterion, sd.measurement, sd.experiment
		data.Comparison, data.StartedAt = sd.comparison, sd.startedAt
	}
	// Boxed once for every template (Execute takes an interface), and
	// only when there is one.
	var boxed any
	if len(r.Annotations) > 0 {
		boxed = data
	}
	ann := make(map[string]string, len(r.Annotations)+1)
	for name, t := range r.Annotations {
		var b strings.Builder
		if err := t.Execute(&b, boxed); err != nil {
			b.Reset()
			b.WriteString("template error: " + err.Error())
		}
		ann[name] = b.String()
	}
	if description != "" && ann["description"] == "" {
		ann["description"] = description
	}
	return Condition{Rule: r, Labels: labels, Annotations: ann, Value: v}
}
