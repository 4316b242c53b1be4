package rules

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/otelcol-chaos/otelcol-chaos/internal/chaosconv"
)

// ok is a valid threshold rule to break one setting of.
func ok(mod func(*Config)) Config {
	c := Config{Name: "r", Field: "events", Aggregation: AggSum, Comparator: ">", Threshold: f64(1),
		Window: time.Minute}
	mod(&c)
	return c
}

// TestCompileErrors: every sentinel error, each from one bad setting.
func TestCompileErrors(t *testing.T) {
	tests := []struct {
		name string
		cfgs []Config
		want error
	}{
		{name: "no name", cfgs: []Config{ok(func(c *Config) { c.Name = "" })}, want: ErrName},
		{name: "duplicate", cfgs: []Config{ok(func(*Config) {}), ok(func(c *Config) { c.Threshold = f64(2) })},
			want: ErrDuplicate},
		{name: "type", cfgs: []Config{ok(func(c *Config) { c.Type = "gauge" })}, want: ErrType},
		{name: "preset", cfgs: []Config{{Name: "r", Preset: "nope"}}, want: ErrPreset},
		{name: "field", cfgs: []Config{ok(func(c *Config) { c.Field = "nope" })}, want: ErrField},
		{name: "no field", cfgs: []Config{ok(func(c *Config) { c.Field = "" })}, want: ErrField},
		{name: "aggregation", cfgs: []Config{ok(func(c *Config) { c.Aggregation = "median" })}, want: ErrAggregation},
		{name: "comparator", cfgs: []Config{ok(func(c *Config) { c.Comparator = "=>" })}, want: ErrComparator},
		{name: "threshold", cfgs: []Config{ok(func(c *Config) { c.Threshold = nil })}, want: ErrThreshold},
		{name: "window zero", cfgs: []Config{ok(func(c *Config) { c.Window = 0 })}, want: ErrWindow},
		{name: "window negative", cfgs: []Config{ok(func(c *Config) { c.Window = -time.Minute })}, want: ErrWindow},
		{name: "absent window", cfgs: []Config{{Name: "r", Type: TypeAbsent}}, want: ErrWindow},
		{name: "scope", cfgs: []Config{ok(func(c *Config) { c.Scope = "cluster" })}, want: ErrScope},
		{name: "match", cfgs: []Config{ok(func(c *Config) { c.Match = "(" })}, want: ErrMatch},
		{name: "severity", cfgs: []Config{ok(func(c *Config) { c.Severity = "fatal" })}, want: ErrSeverity},
		{name: "min_severity", cfgs: []Config{{Name: "r", Type: TypeAnomaly, MinSeverity: "high"}}, want: ErrSeverity},
		{name: "anomaly type", cfgs: []Config{{Name: "r", Type: TypeAnomaly, AnomalyTypes: []string{"event_spike", "nope"}}},
			want: ErrAnomalyType},
		{name: "no below", cfgs: []Config{{Name: "r", Type: TypeHealth}}, want: ErrBelow},
		{name: "below zero", cfgs: []Config{{Name: "r", Type: TypeHealth, Below: f64(0)}}, want: ErrBelow},
		{name: "below over 100", cfgs: []Config{{Name: "r", Type: TypeHealth, Below: f64(100.5)}}, want: ErrBelow},
		{name: "for", cfgs: []Config{ok(func(c *Config) { c.For = -time.Second })}, want: ErrDuration},
		{name: "keep_firing_for", cfgs: []Config{ok(func(c *Config) { c.KeepFiringFor = -time.Second })}, want: ErrDuration},
		{name: "label name", cfgs: []Config{ok(func(c *Config) { c.Labels = map[string]string{"bad-name": "x"} })},
			want: ErrLabel},
		{name: "label digit", cfgs: []Config{ok(func(c *Config) { c.Labels = map[string]string{"1x": "x"} })},
			want: ErrLabel},
		{name: "reserved label", cfgs: []Config{ok(func(c *Config) { c.Labels = map[string]string{"severity": "x"} })},
			want: ErrLabel},
		{name: "template", cfgs: []Config{ok(func(c *Config) { c.Annotations = map[string]string{"summary": "{{ .Value "} })},
			want: ErrTemplate},
		{name: "template function", cfgs: []Config{ok(func(c *Config) { c.Annotations = map[string]string{"s": "{{ nofunc 1 }}"} })},
			want: ErrTemplate},
	}
	sentinels := []error{ErrName, ErrDuplicate, ErrType, ErrPreset, ErrField, ErrAggregation, ErrComparator,
		ErrThreshold, ErrWindow, ErrScope, ErrMatch, ErrSeverity, ErrAnomalyType, ErrBelow, ErrDuration, ErrLabel,
		ErrTemplate}
	covered := map[error]bool{}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Compile(tt.cfgs)
			require.ErrorIs(t, err, tt.want)
			for _, s := range sentinels {
				if s != tt.want {
					assert.NotErrorIs(t, err, s, "only the broken setting is reported")
				}
			}
			assert.Contains(t, err.Error(), "rules[", "the error names its rule")
		})
		covered[tt.want] = true
	}
	for _, s := range sentinels {
		assert.True(t, covered[s], "%v is tested", s)
	}
}

// TestCompileReportsEveryProblem: one rule's several problems and
// several rules' problems all come back, each naming its rule.
func TestCompileReportsEveryProblem(t *testing.T) {
	rs, err := Compile([]Config{
		ok(func(c *Config) { c.Name, c.Field, c.Comparator = "first", "nope", "~" }),
		ok(func(c *Config) { c.Name = "good" }),
		{Name: "third", Type: TypeHealth, Severity: "loud"},
	})
	require.ErrorIs(t, err, ErrField)
	require.ErrorIs(t, err, ErrComparator)
	require.ErrorIs(t, err, ErrBelow)
	require.ErrorIs(t, err, ErrSeverity)
	assert.Contains(t, err.Error(), "rules[0] (first)")
	assert.Contains(t, err.Error(), "rules[2] (third)")
	assert.NotContains(t, err.Error(), "good")
	require.Len(t, rs, 1)
	assert.Equal(t, "good", rs[0].Name)
	assert.Equal(t, 1, rs[0].Index)
}

// TestCompileDefaults: what an empty setting means for each type.
func TestCompileDefaults(t *testing.T) {
	rs := mustCompile(t,
		Config{Name: "t", Field: "events", Threshold: f64(1), Window: time.Minute},
		Config{Name: "a", Type: TypeAnomaly},
		Config{Name: "h", Type: TypeHealth, Below: f64(100)},
		Config{Name: "q", Type: TypeAbsent, Window: time.Minute},
		Config{Name: "m", Field: "events", Threshold: f64(1), Window: time.Minute, Match: "x|y", Scope: "endpoint",
			For: time.Minute, KeepFiringFor: 2 * time.Minute, Labels: map[string]string{"team": "sre"}},
	)
	th, an, he, ab, m := rs[0], rs[1], rs[2], rs[3], rs[4]
	assert.Equal(t, TypeThreshold, th.Type)
	assert.Equal(t, AggAvg, th.Aggregation)
	assert.Equal(t, ">", th.Comparator)
	assert.Nil(t, th.Scopes, "any scope")
	assert.Nil(t, th.Match)
	assert.Equal(t, chaosconv.SeverityWarning, th.Severity)
	assert.Empty(t, th.Annotations)
	assert.Equal(t, chaosconv.SeverityInfo, an.MinSeverity)
	assert.Empty(t, an.AnomalyTypes)
	assert.Nil(t, an.Scopes)
	assert.Equal(t, "<", he.Comparator)
	assert.InDelta(t, 100, he.Threshold, 0)
	assert.Equal(t, []chaosconv.ScopeKind{chaosconv.ScopeGlobal}, ab.Scopes, "absent defaults to the global scope")
	assert.Equal(t, []chaosconv.ScopeKind{chaosconv.ScopeEndpoint}, m.Scopes)
	assert.True(t, m.Match.MatchString("y"))
	assert.False(t, m.Match.MatchString("xy"))
	assert.Equal(t, time.Minute, m.For)
	assert.Equal(t, 2*time.Minute, m.KeepFiringFor)
	for i, r := range rs {
		assert.Equal(t, i, r.Index)
	}

	// The rule's labels are a copy of the config's.
	cfg := Config{Name: "c", Type: TypeAnomaly, Labels: map[string]string{"team": "a"}}
	rs = mustCompile(t, cfg)
	cfg.Labels["team"] = "b"
	assert.Equal(t, "a", rs[0].Labels["team"])
}

// TestCompileErrorNamesValidChoices: unknown names list the valid ones.
func TestCompileErrorNamesValidChoices(t *testing.T) {
	_, err := Compile([]Config{{Name: "p", Preset: "nope"}, ok(func(c *Config) { c.Name, c.Field = "f", "nope" })})
	require.Error(t, err)
	for _, p := range PresetNames() {
		assert.Contains(t, err.Error(), p)
	}
	assert.Contains(t, err.Error(), strings.Join(FieldNames(), ", "))
	assert.Len(t, PresetNames(), 8)
	assert.Contains(t, PresetNames(), PresetSteadyState)
	var joined interface{ Unwrap() []error }
	require.ErrorAs(t, err, &joined)
	assert.Len(t, joined.Unwrap(), 2)
	assert.True(t, errors.Is(err, ErrPreset) && errors.Is(err, ErrField))
}

func TestMatchCannotEscapeItsAnchors(t *testing.T) {
	threshold := 1.0
	_, err := Compile([]Config{{Name: "x", Field: "events", Threshold: &threshold, Window: time.Minute, Match: "a)|(b"}})
	require.ErrorIs(t, err, ErrMatch)
}
