package store

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/otelcol-chaos/otelcol-chaos/extension/chaosdashboardextension/internal/stream"
	"github.com/otelcol-chaos/otelcol-chaos/pkg/dashboard"
)

func scenario(from, to string, at time.Time) dashboard.ScenarioTransition {
	return dashboard.ScenarioTransition{AtUnixNano: at.UnixNano(), Service: "api", From: from, To: to}
}

func TestScenario(t *testing.T) {
	s, c := newStore(t, Config{})
	out := newSink(t, true)
	require.Nil(t, s.Stats().Scenario)
	s.AddScenario(dashboard.ScenarioTransition{AtUnixNano: minute(2).UnixNano(), From: "normal", To: "degraded"}, out)
	s.AddScenario(dashboard.ScenarioTransition{AtUnixNano: minute(1).UnixNano(), From: "", To: "normal"}, out)
	msgs := out.take()
	require.Equal(t, []string{stream.TypeScenario, stream.TypeScenario}, types(msgs))
	require.Equal(t, Scenario{From: "normal", To: "degraded"}, msgs[0].Data)
	require.Equal(t, "", msgs[0].Scope)
	require.Equal(t, &Scenario{From: "normal", To: "degraded", At: minute(2)}, s.Stats().Scenario,
		"the latest by time, not by arrival")
	require.Equal(t, int64(2), c.stored[KindScenario])
	require.Equal(t, []Scenario{{From: "", To: "normal", At: minute(1)}, {From: "normal", To: "degraded", At: minute(2)}},
		s.Scenarios(time.Time{}, time.Time{}), "the history, by time")
}

// phases names transitions as "at:from>to" (at in minutes after t0).
func phases(sc []Scenario) []string {
	out := make([]string, len(sc))
	for i, x := range sc {
		out[i] = x.At.Sub(t0).String() + ":" + x.From + ">" + x.To
	}
	return out
}

func TestScenarioHistory(t *testing.T) {
	tests := []struct {
		name        string
		limit       int
		add         []dashboard.ScenarioTransition
		want        []string
		wantEvicted int64
	}{
		{name: "in order", add: []dashboard.ScenarioTransition{
			scenario("", "a", minute(0)), scenario("a", "b", minute(1)), scenario("b", "c", minute(2))},
			want: []string{"0s:>a", "1m0s:a>b", "2m0s:b>c"}},
		{name: "out of order is inserted in order", add: []dashboard.ScenarioTransition{
			scenario("b", "c", minute(2)), scenario("", "a", minute(0)), scenario("a", "b", minute(1))},
			want: []string{"0s:>a", "1m0s:a>b", "2m0s:b>c"}},
		{name: "a re-published transition is stored once", add: []dashboard.ScenarioTransition{
			scenario("", "a", minute(0)), scenario("a", "b", minute(1)), scenario("", "a", minute(0)),
			scenario("a", "b", minute(1))},
			want: []string{"0s:>a", "1m0s:a>b"}},
		{name: "the same time, other states: both, in arrival order", add: []dashboard.ScenarioTransition{
			scenario("a", "b", minute(1)), scenario("b", "c", minute(1)), scenario("a", "b", minute(1)),
			scenario("", "a", minute(0))},
			want: []string{"0s:>a", "1m0s:a>b", "1m0s:b>c"}},
		{name: "another service's same transition is the same phase", add: []dashboard.ScenarioTransition{
			scenario("", "a", minute(0)), {AtUnixNano: minute(0).UnixNano(), Service: "db", To: "a"}},
			want: []string{"0s:>a"}},
		{name: "bound: the oldest evicted", limit: 2, add: []dashboard.ScenarioTransition{
			scenario("", "a", minute(0)), scenario("a", "b", minute(1)), scenario("b", "c", minute(2)),
			scenario("c", "d", minute(3))},
			want: []string{"2m0s:b>c", "3m0s:c>d"}, wantEvicted: 2},
		{name: "bound: a late transition in the middle evicts the oldest", limit: 2, add: []dashboard.ScenarioTransition{
			scenario("", "a", minute(0)), scenario("b", "c", minute(2)), scenario("a", "b", minute(1))},
			want: []string{"1m0s:a>b", "2m0s:b>c"}, wantEvicted: 1},
		{name: "bound: a transition older than all held is evicted at once", limit: 2, add: []dashboard.ScenarioTransition{
			scenario("a", "b", minute(1)), scenario("b", "c", minute(2)), scenario("", "a", minute(0))},
			want: []string{"1m0s:a>b", "2m0s:b>c"}, wantEvicted: 1},
		{name: "bound: a duplicate of a held one evicts nothing", limit: 2, add: []dashboard.ScenarioTransition{
			scenario("a", "b", minute(1)), scenario("b", "c", minute(2)), scenario("a", "b", minute(1))},
			want: []string{"1m0s:a>b", "2m0s:b>c"}},
		{name: "bound of one", limit: 1, add: []dashboard.ScenarioTransition{
			scenario("", "a", minute(0)), scenario("b", "c", minute(2)), scenario("a", "b", minute(1))},
			want: []string{"2m0s:b>c"}, wantEvicted: 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, c := newStore(t, Config{MaxScenarios: tt.limit})
			out := newSink(t, true)
			for _, st := range tt.add {
				s.AddScenario(st, out)
			}
			require.Equal(t, tt.want, phases(s.Scenarios(time.Time{}, time.Time{})))
			require.Equal(t, tt.wantEvicted, c.evicted[KindScenario])
			// Every transition is accepted and streamed, as before the
			// history: a duplicate is stored once, as a bucket is.
			require.Equal(t, int64(len(tt.add)), c.stored[KindScenario])
			require.Len(t, out.take(), len(tt.add))
		})
	}
}

// TestScenarioHistoryKeepsStats: the stats' scenario is the latest by
// time even when the history's bound dropped transitions.
func TestScenarioHistoryKeepsStats(t *testing.T) {
	s, _ := newStore(t, Config{MaxScenarios: 1})
	s.AddScenario(scenario("b", "c", minute(2)), nil)
	s.AddScenario(scenario("a", "b", minute(1)), nil)
	require.Equal(t, &Scenario{From: "b", To: "c", At: minute(2)}, s.Stats().Scenario)
}

func TestScenariosWindow(t *testing.T) {
	s, _ := newStore(t, Config{})
	for i, to := range []string{"a", "b", "c", "d"} {
		s.AddScenario(scenario("", to, minute(i)), nil)
	}
	far := time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name     string
		from, to time.Time
		want     []string
	}{
		{name: "no bounds: all", want: []string{"a", "b", "c", "d"}},
		{name: "from is inclusive", from: minute(1), want: []string{"b", "c", "d"}},
		{name: "to is exclusive", to: minute(2), want: []string{"a", "b"}},
		{name: "both", from: minute(1), to: minute(3), want: []string{"b", "c"}},
		{name: "between transitions", from: minute(1).Add(time.Second), to: minute(2).Add(time.Second), want: []string{"c"}},
		{name: "after all", from: minute(4), want: []string{}},
		{name: "before all", to: minute(0), want: []string{}},
		{name: "reversed", from: minute(3), to: minute(1), want: []string{}},
		{name: "beyond Unix nanoseconds", from: time.Date(1, 1, 1, 0, 0, 1, 0, time.UTC), to: far,
			want: []string{"a", "b", "c", "d"}},
		{name: "far future only", from: far, want: []string{}},
		{name: "another zone", from: minute(2).In(time.FixedZone("CET", 3600)), want: []string{"c", "d"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := s.Scenarios(tt.from, tt.to)
			require.NotNil(t, got)
			tos := make([]string, len(got))
			for i, x := range got {
				tos[i] = x.To
				require.Equal(t, time.UTC, x.At.Location())
			}
			require.Equal(t, tt.want, tos)
		})
	}
}
