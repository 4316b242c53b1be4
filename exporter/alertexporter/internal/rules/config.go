package rules

import (
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"text/template"
	"time"

	"github.com/otelcol-chaos/otelcol-chaos/exporter/alertexporter/config"
	"github.com/otelcol-chaos/otelcol-chaos/internal/chaosconv"
)

// Rule types.
const (
	TypeThreshold = "threshold"
	TypeAnomaly   = "anomaly"
	TypeHealth    = "health"
	TypeAbsent    = "absent"
	// TypeSteadyState is what preset steady_state makes a rule: a scope's
	// probes during chaos against its own pre-chaos baseline.
	TypeSteadyState = "steady_state"
)

// Scopes a rule selects ("any" = every scope kind).
const ScopeAny = "any"

// Config is one rule as the user writes it: the exported config package's
// RuleConfig.
type Config = config.RuleConfig

// SteadyStateConfig is a steady_state rule's tolerances as the user writes
// them.
type SteadyStateConfig = config.SteadyStateConfig

// Errors of Compile.
var (
	ErrName        = errors.New("a rule needs a name")
	ErrDuplicate   = errors.New("two rules have the same name")
	ErrType        = errors.New("type must be threshold, anomaly, health, absent or steady_state")
	ErrPreset      = errors.New("unknown preset")
	ErrField       = errors.New("unknown field")
	ErrAggregation = errors.New("unknown aggregation")
	ErrComparator  = errors.New("comparator must be one of > >= < <= == !=")
	ErrThreshold   = errors.New("threshold is required")
	ErrWindow      = errors.New("window must be positive")
	ErrScope       = errors.New("scope must be global, service, endpoint or any")
	ErrMatch       = errors.New("match is not a valid regular expression")
	ErrSeverity    = errors.New("severity must be info, warning or critical")
	ErrAnomalyType = errors.New("unknown anomaly type")
	ErrBelow       = errors.New("health rules need below (a score 0–100)")
	ErrDuration    = errors.New("for and keep_firing_for must not be negative")
	ErrLabel       = errors.New("bad label")
	ErrTemplate    = errors.New("annotation template does not parse")
	// ErrSteadyState is a steady_state setting out of its domain (the
	// config package's sentinel: errors.Is holds for either name).
	ErrSteadyState = config.ErrSteadyState
	// ErrNotApplicable is a setting the rule's type does not read (for
	// example a threshold on a steady_state rule): refused rather than
	// ignored, so that a guardrail cannot be silently misconfigured.
	ErrNotApplicable = errors.New("setting does not apply to this rule type")
)

// Rule is a compiled rule.
type Rule struct {
	Index         int
	Name          string
	Type          string
	Field         string
	Aggregation   string
	Comparator    string
	Threshold     float64
	Window        time.Duration
	Scopes        []chaosconv.ScopeKind // nil = any
	Match         *regexp.Regexp        // nil = every key
	AnomalyTypes  []chaosconv.AnomalyType
	MinSeverity   chaosconv.Severity
	For           time.Duration
	KeepFiringFor time.Duration
	Severity      chaosconv.Severity
	Labels        map[string]string
	Annotations   map[string]*template.Template
	// SteadyState is a steady_state rule's tolerances, defaults filled in.
	SteadyState SteadyState

	field field
	// steadyIdx is the rule's ordinal among the steady_state rules of its
	// Compile: the slot of its baseline cache in every series.
	steadyIdx int
	ratio     bool
	cmp       func(a, b float64) bool
}

var comparators = map[string]func(a, b float64) bool{
	">": func(a, b float64) bool { return a > b }, ">=": func(a, b float64) bool { return a >= b },
	"<": func(a, b float64) bool { return a < b }, "<=": func(a, b float64) bool { return a <= b },
	"==": func(a, b float64) bool { return a == b }, "!=": func(a, b float64) bool { return a != b },
}

// templateFuncs are the annotation templates' functions beyond text/template's.
var templateFuncs = template.FuncMap{
	"mul": func(a, b float64) float64 { return a * b },
	"pct": func(v float64) string { return fmt.Sprintf("%.1f%%", 100*v) },
}

var labelName = regexp.MustCompile(`^[a-zA-Z_][a-zA-Z0-9_]*$`)

// Compile checks every rule and returns them compiled; the error lists
// every problem, each naming its rule.
func Compile(cfgs []Config) ([]*Rule, error) {
	var errs []error
	seen := map[string]bool{}
	out := make([]*Rule, 0, len(cfgs))
	for i := range cfgs {
		r, err := compile(i, cfgs[i])
		if err != nil {
			errs = append(errs, fmt.Errorf("rules[%d] (%s): %w", i, cfgs[i].Name, err))
			continue
		}
		if seen[r.Name] {
			errs = append(errs, fmt.Errorf("rules[%d]: %w: %q", i, ErrDuplicate, r.Name))
		}
		seen[r.Name] = true
		out = append(out, r)
	}
	n := 0
	for _, r := range out {
		if r.Type == TypeSteadyState {
			r.steadyIdx = n
			n++
		}
	}
	return out, errors.Join(errs...)
}

func compile(i int, c Config) (*Rule, error) {
	var errs []error
	if c.Type == "" {
		c.Type = TypeThreshold
	}
	switch p, ok := presets[c.Preset]; {
	case c.Preset == "":
	case c.Preset == PresetSteadyState:
		if c.Type != TypeThreshold && c.Type != TypeSteadyState {
			return nil, fmt.Errorf("%w: preset %s makes a %s rule (got type %q)", ErrNotApplicable, PresetSteadyState,
				TypeSteadyState, c.Type)
		}
		c = applySteadyState(c)
	case !ok:
		return nil, fmt.Errorf("%w %q (want one of %s)", ErrPreset, c.Preset, strings.Join(PresetNames(), ", "))
	default:
		c = p.apply(c)
	}
	if c.Type == TypeSteadyState && c.Preset == "" {
		c = applySteadyState(c)
	}
	if c.Name == "" {
		errs = append(errs, ErrName)
	}
	r := &Rule{Index: i, Name: c.Name, Type: c.Type, For: c.For, KeepFiringFor: c.KeepFiringFor,
		Labels: maps.Clone(c.Labels), Annotations: map[string]*template.Template{}}
	if c.For < 0 || c.KeepFiringFor < 0 {
		errs = append(errs, ErrDuration)
	}
	r.Severity = chaosconv.Severity(c.Severity)
	if c.Severity == "" {
		r.Severity = chaosconv.SeverityWarning
	}
	if !validSeverity(r.Severity) {
		errs = append(errs, fmt.Errorf("%w (got %q)", ErrSeverity, c.Severity))
	}
	switch c.Type {
	case TypeThreshold:
		errs = append(errs, r.compileThreshold(c)...)
	case TypeAnomaly:
		errs = append(errs, r.compileAnomaly(c)...)
	case TypeHealth:
		if c.Below == nil || *c.Below <= 0 || *c.Below > 100 {
			errs = append(errs, ErrBelow)
		} else {
			r.Threshold, r.Comparator = *c.Below, "<"
		}
	case TypeAbsent:
		r.Window = c.Window
		if c.Window <= 0 {
			errs = append(errs, ErrWindow)
		}
		if c.Scope == "" {
			c.Scope = chaosconv.ScopeGlobal.String()
		}
	case TypeSteadyState:
		errs = append(errs, r.compileSteadyState(c)...)
	default:
		errs = append(errs, fmt.Errorf("%w (got %q)", ErrType, c.Type))
	}
	if c.SteadyState != nil && c.Type != TypeSteadyState {
		errs = append(errs, fmt.Errorf("%w: steady_state (only preset %s reads it)", ErrNotApplicable, PresetSteadyState))
	}
	if c.Scope == "" {
		c.Scope = ScopeAny
	}
	if c.Scope != ScopeAny {
		k := chaosconv.ParseScopeKind(c.Scope)
		if k == chaosconv.ScopeUnknown {
			errs = append(errs, fmt.Errorf("%w (got %q)", ErrScope, c.Scope))
		}
		r.Scopes = []chaosconv.ScopeKind{k}
	}
	if c.Match != "" {
		// The pattern must stand alone before it is anchored, so that one
		// like `a)|(b` cannot escape the anchors.
		_, err := regexp.Compile(c.Match)
		var re *regexp.Regexp
		if err == nil {
			re, err = regexp.Compile("^(?:" + c.Match + ")$")
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("%w: %w", ErrMatch, err))
		}
		r.Match = re
	}
	for k := range c.Labels {
		if !labelName.MatchString(k) || slices.Contains(chaosconv.AlertLabels, k) {
			errs = append(errs, fmt.Errorf("%w %q: a label name is [a-zA-Z_][a-zA-Z0-9_]* and not one the exporter sets", ErrLabel, k))
		}
	}
	for _, k := range slices.Sorted(maps.Keys(c.Annotations)) {
		t, err := template.New(k).Option("missingkey=zero").Funcs(templateFuncs).Parse(c.Annotations[k])
		if err != nil {
			errs = append(errs, fmt.Errorf("%w: %s: %w", ErrTemplate, k, err))
			continue
		}
		r.Annotations[k] = t
	}
	return r, errors.Join(errs...)
}

func (r *Rule) compileThreshold(c Config) []error {
	var errs []error
	f, ok := fields[c.Field]
	if !ok {
		errs = append(errs, fmt.Errorf("%w %q (want one of %s)", ErrField, c.Field, strings.Join(FieldNames(), ", ")))
	}
	r.Field, r.field, r.ratio = c.Field, f, isRatio(c.Field)
	r.Aggregation = c.Aggregation
	if r.Aggregation == "" {
		r.Aggregation = AggAvg
	}
	if !slices.Contains(aggregations, r.Aggregation) {
		errs = append(errs, fmt.Errorf("%w %q (want one of %s)", ErrAggregation, c.Aggregation, strings.Join(aggregations, ", ")))
	}
	r.Comparator = c.Comparator
	if r.Comparator == "" {
		r.Comparator = ">"
	}
	if r.cmp = comparators[r.Comparator]; r.cmp == nil {
		errs = append(errs, fmt.Errorf("%w (got %q)", ErrComparator, c.Comparator))
	}
	if c.Threshold == nil {
		errs = append(errs, ErrThreshold)
	} else {
		r.Threshold = *c.Threshold
	}
	r.Window = c.Window
	if r.Window <= 0 {
		errs = append(errs, ErrWindow)
	}
	return errs
}

func (r *Rule) compileAnomaly(c Config) []error {
	var errs []error
	for _, t := range c.AnomalyTypes {
		if !slices.Contains(chaosconv.AnomalyTypes, chaosconv.AnomalyType(t)) {
			errs = append(errs, fmt.Errorf("%w %q", ErrAnomalyType, t))
		}
		r.AnomalyTypes = append(r.AnomalyTypes, chaosconv.AnomalyType(t))
	}
	r.MinSeverity = chaosconv.Severity(c.MinSeverity)
	if c.MinSeverity == "" {
		r.MinSeverity = chaosconv.SeverityInfo
	}
	if !validSeverity(r.MinSeverity) {
		errs = append(errs, fmt.Errorf("min_severity: %w (got %q)", ErrSeverity, c.MinSeverity))
	}
	return errs
}

func validSeverity(s chaosconv.Severity) bool {
	return s == chaosconv.SeverityInfo || s == chaosconv.SeverityWarning || s == chaosconv.SeverityCritical
}

// severityRank orders severities for min_severity.
func severityRank(s chaosconv.Severity) int {
	switch s {
	case chaosconv.SeverityCritical:
		return 3
	case chaosconv.SeverityWarning:
		return 2
	case chaosconv.SeverityInfo:
		return 1
	}
	return 0
}

// FieldNames lists the threshold fields, sorted.
func FieldNames() []string { return slices.Sorted(maps.Keys(fields)) }
