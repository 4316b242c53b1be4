package lifecycle

import (
	"encoding/json"
	"fmt"
	"hash/fnv"
	"maps"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/otelcol-chaos/otelcol-chaos/exporter/alertexporter/internal/rules"
)

var t0 = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC).UnixNano()

// at is t0 plus d.
func at(d time.Duration) int64 { return t0 + int64(d) }

// rule compiles one health rule (the type does not matter here) with the
// given for and keep_firing_for.
func rule(t testing.TB, name string, forDur, keep time.Duration) *rules.Rule {
	t.Helper()
	below := 50.0
	rs, err := rules.Compile([]rules.Config{{Name: name, Type: rules.TypeHealth, Below: &below, For: forDur,
		KeepFiringFor: keep}})
	require.NoError(t, err)
	return rs[0]
}

func labels(r *rules.Rule, key string) map[string]string {
	return map[string]string{"alertname": r.Name, "severity": "warning", "scope": "service", "scope_key": key,
		"rule_type": r.Type}
}

func cond(r *rules.Rule, key string, v float64) rules.Condition {
	return rules.Condition{Rule: r, Labels: labels(r, key), Value: v,
		Annotations: map[string]string{"summary": fmt.Sprint(v)}}
}

// step is one evaluation: whether the condition holds, the transitions
// expected (as "from→to"), and the alert's state after (""= none kept).
type step struct {
	at    time.Duration
	holds bool
	trans []string
	state State
}

func arrows(ts []Transition) []string {
	var out []string
	for _, t := range ts {
		out = append(out, string(t.From)+"→"+string(t.To))
	}
	return out
}

// TestTransitions runs each state transition through one alert.
func TestTransitions(t *testing.T) {
	const m = time.Minute
	tests := []struct {
		name      string
		forDur    time.Duration
		keep      time.Duration
		retention time.Duration
		steps     []step
		check     func(t *testing.T, a Alert)
	}{
		{name: "inactive→pending", forDur: m, steps: []step{
			{at: 0, holds: true, trans: []string{"→pending"}, state: StatePending},
		}, check: func(t *testing.T, a Alert) {
			assert.Equal(t, at(0), a.ActiveAt)
			assert.Zero(t, a.FiredAt)
		}},
		{name: "inactive→firing with for 0", steps: []step{
			{at: 0, holds: true, trans: []string{"→firing"}, state: StateFiring},
		}, check: func(t *testing.T, a Alert) {
			assert.Equal(t, at(0), a.ActiveAt)
			assert.Equal(t, at(0), a.FiredAt)
		}},
		{name: "pending→firing when for elapses", forDur: 2 * m, steps: []step{
			{at: 0, holds: true, trans: []string{"→pending"}, state: StatePending},
			{at: m, holds: true, state: StatePending},
			{at: 2*m - 1, holds: true, state: StatePending},
			{at: 2 * m, holds: true, trans: []string{"pending→firing"}, state: StateFiring},
		}, check: func(t *testing.T, a Alert) {
			assert.Equal(t, at(0), a.ActiveAt)
			assert.Equal(t, at(2*m), a.FiredAt)
		}},
		{name: "pending→inactive when the condition clears", forDur: 5 * m, steps: []step{
			{at: 0, holds: true, trans: []string{"→pending"}, state: StatePending},
			{at: m, holds: true, state: StatePending},
			{at: 2 * m, trans: []string{"pending→"}},
			{at: 3 * m},
		}},
		{name: "pending restarts after clearing", forDur: 2 * m, steps: []step{
			{at: 0, holds: true, trans: []string{"→pending"}, state: StatePending},
			{at: m, trans: []string{"pending→"}},
			{at: 2 * m, holds: true, trans: []string{"→pending"}, state: StatePending},
			{at: 3 * m, holds: true, state: StatePending}, // for counts from the new activation
			{at: 4 * m, holds: true, trans: []string{"pending→firing"}, state: StateFiring},
		}},
		{name: "firing stays firing", steps: []step{
			{at: 0, holds: true, trans: []string{"→firing"}, state: StateFiring},
			{at: m, holds: true, state: StateFiring},
			{at: 2 * m, holds: true, state: StateFiring},
			{at: 3 * m, holds: true, state: StateFiring},
		}, check: func(t *testing.T, a Alert) {
			assert.Equal(t, at(0), a.ActiveAt)
			assert.Equal(t, at(0), a.FiredAt)
			assert.Equal(t, at(3*m), a.LastSeen)
		}},
		{name: "firing→resolved", steps: []step{
			{at: 0, holds: true, trans: []string{"→firing"}, state: StateFiring},
			{at: m, trans: []string{"firing→resolved"}, state: StateResolved},
			{at: 2 * m, state: StateResolved},
		}, retention: time.Hour, check: func(t *testing.T, a Alert) {
			assert.Equal(t, at(m), a.ResolvedAt)
			assert.Equal(t, at(0), a.LastSeen)
		}},
		{name: "keep_firing_for holds then resolves", keep: 3 * m, retention: time.Hour, steps: []step{
			{at: 0, holds: true, trans: []string{"→firing"}, state: StateFiring},
			{at: m, state: StateFiring},
			{at: 3*m - 1, state: StateFiring},
			{at: 3 * m, trans: []string{"firing→resolved"}, state: StateResolved},
		}, check: func(t *testing.T, a Alert) {
			assert.Equal(t, at(3*m), a.ResolvedAt)
		}},
		{name: "keep_firing_for restarts when the condition holds again", keep: 3 * m, retention: time.Hour, steps: []step{
			{at: 0, holds: true, trans: []string{"→firing"}, state: StateFiring},
			{at: 2 * m, state: StateFiring},
			{at: 2*m + 1, holds: true, state: StateFiring},
			{at: 5 * m, state: StateFiring},
			{at: 5*m + 1, trans: []string{"firing→resolved"}, state: StateResolved},
		}, check: func(t *testing.T, a Alert) {
			assert.Equal(t, at(0), a.FiredAt, "one firing alert throughout")
		}},
		{name: "keep_firing_for does not hold a pending alert", forDur: m, keep: 3 * m, steps: []step{
			{at: 0, holds: true, trans: []string{"→pending"}, state: StatePending},
			{at: 30 * time.Second, trans: []string{"pending→"}},
		}},
		{name: "resolved→pending: a new activation", forDur: m, retention: time.Hour, steps: []step{
			{at: 0, holds: true, trans: []string{"→pending"}, state: StatePending},
			{at: m, holds: true, trans: []string{"pending→firing"}, state: StateFiring},
			{at: 2 * m, trans: []string{"firing→resolved"}, state: StateResolved},
			{at: 3 * m, holds: true, trans: []string{"→pending"}, state: StatePending},
		}, check: func(t *testing.T, a Alert) {
			assert.Equal(t, at(3*m), a.ActiveAt)
			assert.Zero(t, a.FiredAt)
			assert.Zero(t, a.ResolvedAt)
		}},
		{name: "resolved→firing: a new activation", retention: time.Hour, steps: []step{
			{at: 0, holds: true, trans: []string{"→firing"}, state: StateFiring},
			{at: m, trans: []string{"firing→resolved"}, state: StateResolved},
			{at: 10 * m, holds: true, trans: []string{"→firing"}, state: StateFiring},
		}, check: func(t *testing.T, a Alert) {
			assert.Equal(t, at(10*m), a.ActiveAt)
			assert.Equal(t, at(10*m), a.FiredAt)
			assert.Zero(t, a.ResolvedAt)
		}},
		{name: "resolved alert forgotten after retention", retention: 5 * m, steps: []step{
			{at: 0, holds: true, trans: []string{"→firing"}, state: StateFiring},
			{at: m, trans: []string{"firing→resolved"}, state: StateResolved},
			{at: 6 * m, state: StateResolved}, // exactly retention: still kept
			{at: 6*m + 1},                     // forgotten, without a transition
			{at: 7 * m},
		}},
		{name: "zero retention", steps: []step{
			{at: 0, holds: true, trans: []string{"→firing"}, state: StateFiring},
			{at: m, trans: []string{"firing→resolved"}, state: StateResolved}, // visible for one evaluation
			{at: 2 * m},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := rule(t, "r", tt.forDur, tt.keep)
			mgr := NewManager([]*rules.Rule{r}, tt.retention, 100)
			fp := Fingerprint(labels(r, "checkout"))
			var total int
			for i, s := range tt.steps {
				var conds []rules.Condition
				if s.holds {
					conds = append(conds, cond(r, "checkout", float64(i)))
				}
				trans := mgr.Update(conds, at(s.at))
				total += len(trans)
				require.Equal(t, s.trans, arrows(trans), "step %d at %v", i, s.at)
				for _, tr := range trans {
					assert.Equal(t, fp, tr.Fingerprint)
					assert.Equal(t, at(s.at), tr.At)
					assert.Equal(t, "r", tr.Rule)
				}
				alerts := mgr.Alerts()
				if s.state == "" {
					require.Empty(t, alerts, "step %d at %v", i, s.at)
					continue
				}
				require.Len(t, alerts, 1, "one alert per label set (step %d)", i)
				assert.Equal(t, s.state, alerts[0].State, "step %d at %v", i, s.at)
				assert.Equal(t, fp, alerts[0].Fingerprint)
				if s.holds {
					assert.InDelta(t, float64(i), alerts[0].Value, 0, "the value follows the condition")
					assert.Equal(t, fmt.Sprint(i), alerts[0].Annotations["summary"])
					assert.Equal(t, at(s.at), alerts[0].LastSeen)
				}
			}
			assert.Equal(t, total, mgr.History().Len(), "every transition is in the history")
			if tt.check != nil {
				alerts := mgr.Alerts()
				require.Len(t, alerts, 1)
				tt.check(t, alerts[0])
			}
		})
	}
}

// TestOneAlertPerCondition: conditions of several rules and scopes are
// separate alerts; each keeps its fingerprint over many evaluations.
func TestOneAlertPerCondition(t *testing.T) {
	a, b := rule(t, "a", 0, 0), rule(t, "b", time.Minute, 0)
	mgr := NewManager([]*rules.Rule{a, b}, time.Hour, 10)
	conds := []rules.Condition{cond(a, "x", 1), cond(a, "y", 2), cond(b, "x", 3)}
	trans := mgr.Update(conds, at(0))
	assert.Equal(t, []string{"→firing", "→firing", "→pending"}, arrows(trans))
	first := mgr.Alerts()
	require.Len(t, first, 3)
	for i := 1; i <= 50; i++ {
		trans := mgr.Update(conds, at(time.Duration(i)*time.Second))
		assert.Empty(t, trans, "evaluation %d", i)
	}
	again := mgr.Alerts()
	require.Len(t, again, 3)
	for i := range first {
		assert.Equal(t, first[i].Fingerprint, again[i].Fingerprint)
		assert.Equal(t, first[i].ActiveAt, again[i].ActiveAt)
	}
	assert.Equal(t, map[State]int{StatePending: 1, StateFiring: 2, StateResolved: 0}, mgr.Counts())
	trans = mgr.Update(conds, at(time.Minute))
	assert.Equal(t, []string{"pending→firing"}, arrows(trans))
	assert.Equal(t, Fingerprint(labels(b, "x")), trans[0].Fingerprint)
	assert.Equal(t, map[State]int{StatePending: 0, StateFiring: 3, StateResolved: 0}, mgr.Counts())

	// Only a/y clears; the others keep firing.
	trans = mgr.Update([]rules.Condition{conds[0], conds[2]}, at(2*time.Minute))
	require.Len(t, trans, 1)
	assert.Equal(t, Fingerprint(labels(a, "y")), trans[0].Fingerprint)
	assert.Equal(t, map[State]int{StatePending: 0, StateFiring: 2, StateResolved: 1}, mgr.Counts())
}

// TestAlertsAreCopiesAndRestore: Alerts returns copies ordered by
// fingerprint; a manager restored from them (through JSON) continues
// without new transitions.
func TestAlertsAreCopiesAndRestore(t *testing.T) {
	a := rule(t, "a", time.Minute, 0)
	mgr := NewManager([]*rules.Rule{a}, time.Hour, 10)
	conds := []rules.Condition{cond(a, "x", 1), cond(a, "y", 1), cond(a, "z", 1)}
	mgr.Update(conds, at(0))
	mgr.Update(conds[:2], at(time.Minute)) // x, y fire; z pending clears
	mgr.Update(conds[:1], at(2*time.Minute))
	alerts := mgr.Alerts()
	require.Len(t, alerts, 2)
	assert.Less(t, alerts[0].Fingerprint, alerts[1].Fingerprint)
	alerts[0].State = "mangled"
	assert.NotEqual(t, State("mangled"), mgr.Alerts()[0].State)

	body, err := json.Marshal(mgr.Alerts())
	require.NoError(t, err)
	var saved []Alert
	require.NoError(t, json.Unmarshal(body, &saved))
	restored := NewManager([]*rules.Rule{a}, time.Hour, 10)
	restored.Restore(saved)
	assert.Equal(t, mgr.Alerts(), restored.Alerts())
	assert.Equal(t, mgr.Counts(), restored.Counts())
	assert.Empty(t, restored.Update(conds[:1], at(3*time.Minute)), "x keeps firing, y stays resolved")
	assert.Equal(t, map[State]int{StatePending: 0, StateFiring: 1, StateResolved: 1}, restored.Counts())
}

// TestFingerprint: stable, independent of map order, distinct for
// distinct label sets.
func TestFingerprint(t *testing.T) {
	a := map[string]string{"alertname": "HighLatency", "severity": "warning", "scope": "service", "scope_key": "checkout"}
	fp := Fingerprint(a)
	require.Len(t, fp, 16)
	for range 200 {
		// A fresh map with another insertion order (and Go's random iteration).
		b := map[string]string{}
		keys := []string{"scope_key", "scope", "severity", "alertname"}
		for _, k := range keys {
			b[k] = a[k]
		}
		require.Equal(t, fp, Fingerprint(b))
		require.Equal(t, fp, Fingerprint(maps.Clone(a)))
	}
	// Pinned: FNV-64a over name 0xff value 0xfe, names sorted.
	h := fnv.New64a()
	for _, kv := range [][2]string{{"alertname", "HighLatency"}, {"scope", "service"}, {"scope_key", "checkout"},
		{"severity", "warning"}} {
		_, _ = h.Write([]byte(kv[0] + "\xff" + kv[1] + "\xfe"))
	}
	assert.Equal(t, fmt.Sprintf("%016x", h.Sum64()), fp)

	distinct := []map[string]string{
		nil,
		{"a": ""},
		{"a": "1"},
		{"a": "1", "b": ""},
		{"a": "1", "b": "2"},
		{"a": "12"},
		{"a": "1b2"},
		{"ab": "12"},
		{"a": "12", "b": ""},
		{"b": "1", "a": "2"},
		{"a": "2", "b": "1", "c": "1"},
	}
	seen := map[string]int{}
	for i, l := range distinct {
		f := Fingerprint(l)
		if j, dup := seen[f]; dup {
			t.Errorf("label sets %d and %d share fingerprint %s", j, i, f)
		}
		seen[f] = i
	}
	assert.Equal(t, Fingerprint(nil), Fingerprint(map[string]string{}))
}

// TestHistory: bounded, newest first, limit and filter.
func TestHistory(t *testing.T) {
	h := NewHistory(3)
	assert.Zero(t, h.Len())
	assert.Empty(t, h.Newest(0, nil))
	ats := func(ts []Transition) []int64 {
		var out []int64
		for _, t := range ts {
			out = append(out, t.At)
		}
		return out
	}
	for i := int64(1); i <= 2; i++ {
		h.Add(Transition{At: i, Rule: fmt.Sprint("r", i%2)})
	}
	assert.Equal(t, 2, h.Len())
	assert.Equal(t, []int64{2, 1}, ats(h.Newest(0, nil)))
	for i := int64(3); i <= 7; i++ {
		h.Add(Transition{At: i, Rule: fmt.Sprint("r", i%2)})
		assert.Equal(t, []int64{i, i - 1, i - 2}, ats(h.Newest(0, nil)), "after %d", i)
	}
	assert.Equal(t, 3, h.Len())
	assert.Equal(t, []int64{7, 6}, ats(h.Newest(2, nil)))
	assert.Equal(t, []int64{7, 6, 5}, ats(h.Newest(10, nil)))
	assert.Equal(t, []int64{7, 6, 5}, ats(h.Newest(-1, nil)))
	odd := func(t *Transition) bool { return t.Rule == "r1" }
	assert.Equal(t, []int64{7, 5}, ats(h.Newest(0, odd)))
	assert.Equal(t, []int64{7}, ats(h.Newest(1, odd)))
	assert.Empty(t, h.Newest(0, func(*Transition) bool { return false }))

	one := NewHistory(0) // at least 1
	one.Add(Transition{At: 1})
	one.Add(Transition{At: 2})
	assert.Equal(t, []int64{2}, ats(one.Newest(0, nil)))
}

// TestManagerHistory: the manager records its transitions, bounded.
func TestManagerHistory(t *testing.T) {
	r := rule(t, "r", 0, 0)
	mgr := NewManager([]*rules.Rule{r}, 0, 4)
	for i := range 5 {
		d := time.Duration(i) * time.Minute
		mgr.Update([]rules.Condition{cond(r, "k", float64(i))}, at(2*d))
		mgr.Update(nil, at(2*d+time.Minute))
	}
	assert.Equal(t, 4, mgr.History().Len())
	hist := mgr.History().Newest(0, nil)
	assert.Equal(t, []string{"firing→resolved", "→firing", "firing→resolved", "→firing"}, arrows(hist))
	assert.Equal(t, at(9*time.Minute), hist[0].At)
	assert.InDelta(t, 4, hist[0].Value, 0)
	resolved := mgr.History().Newest(0, func(t *Transition) bool { return t.To == StateResolved })
	assert.Len(t, resolved, 2)
}
