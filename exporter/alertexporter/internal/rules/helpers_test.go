package rules

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/otelcol-chaos/otelcol-chaos/internal/chaosconv"
)

// t0 is the start of bucket 0; bucket i covers [minute(i), minute(i+1)).
var t0 = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC).UnixNano()

// minute is the time i minutes after t0.
func minute(i int) int64 { return t0 + int64(i)*int64(time.Minute) }

// bucket is the one-minute point starting at minute(i), filled by set.
func bucket(i int, set func(*Point)) Point {
	p := Point{StartUnixNano: minute(i), EndUnixNano: minute(i + 1)}
	if set != nil {
		set(&p)
	}
	return p
}

func f64(v float64) *float64 { return &v }

var (
	global = SeriesKey{Scope: chaosconv.ScopeGlobal}
)

func svc(name string) SeriesKey { return SeriesKey{Scope: chaosconv.ScopeService, Key: name} }
func ep(name string) SeriesKey  { return SeriesKey{Scope: chaosconv.ScopeEndpoint, Key: name} }

// mustCompile compiles rules that must be valid.
func mustCompile(t testing.TB, cfgs ...Config) []*Rule {
	t.Helper()
	rs, err := Compile(cfgs)
	require.NoError(t, err)
	require.Len(t, rs, len(cfgs))
	return rs
}

// evaluate compiles cfgs, builds a store for them with fill, and
// evaluates once at at.
func evaluate(t testing.TB, at int64, fill func(*Store), cfgs ...Config) []Condition {
	t.Helper()
	rs := mustCompile(t, cfgs...)
	s := NewStore(rs)
	fill(s)
	return NewEvaluator(rs).Evaluate(s, at, nil)
}

// keysOf is the scope of each condition, in order.
func keysOf(conds []Condition) []SeriesKey {
	out := make([]SeriesKey, 0, len(conds))
	for _, c := range conds {
		out = append(out, SeriesKey{Scope: chaosconv.ParseScopeKind(c.Labels[chaosconv.AlertLabelScope]),
			Key: c.Labels[chaosconv.AlertLabelScopeKey]})
	}
	return out
}

// addSeries adds n one-minute buckets (minutes from..from+n-1) to key.
func addSeries(s *Store, key SeriesKey, from, n int, set func(i int, p *Point)) {
	for i := from; i < from+n; i++ {
		s.AddBucket(key, bucket(i, func(p *Point) { set(i, p) }))
	}
}
