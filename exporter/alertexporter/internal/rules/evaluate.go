package rules

import (
	"maps"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/otelcol-chaos/otelcol-chaos/internal/chaosconv"
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
	Description string // an anomaly's description
}

// signal is what a threshold rule computes per series; rules sharing one
// share the computation within an evaluation.
type signal struct {
	field, agg string
	window     time.Duration
}

// Evaluator evaluates rules against a store. It caches what does not
// change between evaluations (scope-key matches) and what rules share
// within one (signals). Not safe for concurrent use.
type Evaluator struct {
	rules   []*Rule
	matches map[*regexp.Regexp]map[string]bool
	values  map[signal]map[SeriesKey]valueOK
	started int64 // first evaluation: absent rules with no series wait a window from it
}

type valueOK struct {
	v  float64
	ok bool
}

// NewEvaluator returns an evaluator of the compiled rules.
func NewEvaluator(rules []*Rule) *Evaluator {
	return &Evaluator{rules: rules, matches: map[*regexp.Regexp]map[string]bool{}}
}

// Rules are the compiled rules.
func (e *Evaluator) Rules() []*Rule { return e.rules }

// Evaluate appends to out every condition holding at time at (unix ns,
// event time), in rule order then scope order.
func (e *Evaluator) Evaluate(s *Store, at int64, out []Condition) []Condition {
	if e.started == 0 {
		e.started = at
	}
	keys := slices.SortedFunc(maps.Keys(s.series), compareKeys)
	e.values = map[signal]map[SeriesKey]valueOK{}
	for _, r := range e.rules {
		switch r.Type {
		case TypeThreshold:
			out = e.threshold(s, r, keys, at, out)
		case TypeAbsent:
			out = e.absent(s, r, keys, at, out)
		case TypeAnomaly:
			out = e.anomaly(s, r, out)
		case TypeHealth:
			out = e.health(s, r, out)
		}
	}
	return out
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
	m := e.matches[r.Match]
	if m == nil {
		m = map[string]bool{}
		e.matches[r.Match] = m
	}
	ok, cached := m[k.Key]
	if !cached {
		ok = r.Match.MatchString(k.Key)
		m[k.Key] = ok
	}
	return ok
}

func (e *Evaluator) threshold(s *Store, r *Rule, keys []SeriesKey, at int64, out []Condition) []Condition {
	sig := signal{field: r.Field, agg: r.Aggregation, window: r.Window}
	cache := e.values[sig]
	if cache == nil {
		cache = map[SeriesKey]valueOK{}
		e.values[sig] = cache
	}
	from := at - int64(r.Window)
	for _, k := range keys {
		if !e.selects(r, k) {
			continue
		}
		vo, done := cache[k]
		if !done {
			pts := window(s.series[k].points, from, at)
			vo.v, vo.ok = aggregate(r.field, r.ratio, r.Aggregation, pts, r.Window.Minutes())
			cache[k] = vo
		}
		if vo.ok && r.cmp(vo.v, r.Threshold) {
			out = append(out, r.condition(k, vo.v, ""))
		}
	}
	return out
}

// window is the points whose bucket ends within (from, to].
func window(pts []Point, from, to int64) []Point {
	i, _ := slices.BinarySearchFunc(pts, from, func(p Point, t int64) int {
		if p.EndUnixNano <= t {
			return -1
		}
		return 1
	})
	j, _ := slices.BinarySearchFunc(pts, to, func(p Point, t int64) int {
		if p.EndUnixNano <= t {
			return -1
		}
		return 1
	})
	return pts[i:j]
}

func (e *Evaluator) absent(s *Store, r *Rule, keys []SeriesKey, at int64, out []Condition) []Condition {
	seen := false
	for _, k := range keys {
		if !e.selects(r, k) {
			continue
		}
		seen = true
		last := s.series[k].lastData
		if last == 0 {
			// Buckets but never an event: as for a never-seen scope, wait
			// a window from the first evaluation (not from 1970).
			last = e.started
		}
		if at-last >= int64(r.Window) {
			out = append(out, r.condition(k, float64(at-last)/float64(time.Second), ""))
		}
	}
	// Nothing ever seen for a fixed scope: absent once a window has
	// passed since evaluations began.
	if !seen && r.Match == nil && len(r.Scopes) == 1 && r.Scopes[0] == chaosconv.ScopeGlobal &&
		at-e.started >= int64(r.Window) {
		out = append(out, r.condition(SeriesKey{Scope: chaosconv.ScopeGlobal}, float64(at-e.started)/float64(time.Second), ""))
	}
	return out
}

func (e *Evaluator) anomaly(s *Store, r *Rule, out []Condition) []Condition {
	keys := slices.SortedFunc(maps.Keys(s.anomalies), func(a, b anomalyKey) int {
		if c := compareKeys(a.Scope, b.Scope); c != 0 {
			return c
		}
		return strings.Compare(string(a.Type), string(b.Type))
	})
	for _, k := range keys {
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
	keys := slices.SortedFunc(maps.Keys(s.health), compareKeys)
	for _, k := range keys {
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
	labels := make(map[string]string, len(r.Labels)+6)
	maps.Copy(labels, r.Labels)
	labels[chaosconv.AlertLabelName] = r.Name
	labels[chaosconv.AlertLabelSeverity] = string(r.Severity)
	labels[chaosconv.AlertLabelScope] = k.Scope.String()
	labels[chaosconv.AlertLabelScopeKey] = k.Key
	labels[chaosconv.AlertLabelRuleType] = r.Type
	if extraKey != "" {
		labels[extraKey] = extraValue
	}
	scopeLabel := k.Scope.String()
	if k.Key != "" {
		scopeLabel += " " + k.Key
	}
	data := TemplateData{Rule: r.Name, Value: v, Threshold: r.Threshold, Window: r.Window, Scope: k.Scope.String(),
		ScopeKey: k.Key, ScopeLabel: scopeLabel, Labels: labels, Description: description}
	ann := make(map[string]string, len(r.Annotations)+1)
	for name, t := range r.Annotations {
		var b strings.Builder
		if err := t.Execute(&b, data); err != nil {
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
