// Package lifecycle turns rule conditions into alerts with Prometheus'
// lifecycle: inactive → pending (while `for` has not elapsed) → firing →
// resolved, optionally held firing for `keep_firing_for`. An alert's
// identity is the fingerprint of its label set, so one condition is one
// alert however many evaluations see it.
package lifecycle // import "github.com/otelcol-chaos/otelcol-chaos/exporter/alertexporter/internal/lifecycle"

import (
	"fmt"
	"hash/fnv"
	"maps"
	"slices"
	"time"

	"github.com/otelcol-chaos/otelcol-chaos/exporter/alertexporter/internal/rules"
)

// State of an alert.
type State string

// States (inactive alerts are not kept).
const (
	StatePending  State = "pending"
	StateFiring   State = "firing"
	StateResolved State = "resolved"
)

// Alert is one alert. Times are event time (unix ns) of the evaluations.
// The API and the checkpoint (internal/checkpointv1) each have their own
// schema for it.
type Alert struct {
	Fingerprint string
	Rule        string
	Labels      map[string]string
	Annotations map[string]string
	State       State
	Value       float64
	ActiveAt    int64 // the condition first held
	FiredAt     int64 // it started firing (0 while pending)
	LastSeen    int64 // the condition last held
	ResolvedAt  int64 // 0 unless resolved
}

// Transition is one change of state, for history and telemetry.
type Transition struct {
	At          int64             `json:"at"`
	Fingerprint string            `json:"fingerprint"`
	Rule        string            `json:"rule"`
	Labels      map[string]string `json:"labels"`
	// Annotations are the alert's as of the transition (those of the
	// evaluation that last saw its condition hold).
	Annotations map[string]string `json:"annotations,omitempty"`
	From        State             `json:"from"` // "" = inactive
	To          State             `json:"to"`   // "" = inactive
	Value       float64           `json:"value"`
}

// Fingerprint is a stable hash of a label set (FNV-64a over the sorted
// name/value pairs, separated by bytes that cannot occur in UTF-8).
func Fingerprint(labels map[string]string) string {
	h := fnv.New64a()
	for _, k := range slices.Sorted(maps.Keys(labels)) {
		_, _ = h.Write([]byte(k))
		_, _ = h.Write([]byte{0xff})
		_, _ = h.Write([]byte(labels[k]))
		_, _ = h.Write([]byte{0xfe})
	}
	return fmt.Sprintf("%016x", h.Sum64())
}

// Manager holds the alerts and applies evaluations to them. Not safe for
// concurrent use.
type Manager struct {
	rules     map[string]*rules.Rule
	alerts    map[string]*Alert
	retention time.Duration // how long a resolved alert stays visible
	history   *History
}

// NewManager returns a manager for the rules, keeping resolved alerts for
// retention and the last historySize transitions.
func NewManager(rs []*rules.Rule, retention time.Duration, historySize int) *Manager {
	m := &Manager{rules: map[string]*rules.Rule{}, alerts: map[string]*Alert{}, retention: retention,
		history: NewHistory(historySize)}
	for _, r := range rs {
		m.rules[r.Name] = r
	}
	return m
}

// History is the bounded transition history.
func (m *Manager) History() *History { return m.history }

// Update applies the conditions holding at time at (all rules evaluated)
// and returns the transitions it made.
func (m *Manager) Update(conds []rules.Condition, at int64) []Transition {
	var out []Transition
	held := make(map[string]bool, len(conds))
	for i := range conds {
		c := &conds[i]
		fp := Fingerprint(c.Labels)
		held[fp] = true
		a := m.alerts[fp]
		if a == nil || a.State == StateResolved {
			// A new activation (a resolved alert that holds again starts over).
			a = &Alert{Fingerprint: fp, Rule: c.Rule.Name, Labels: c.Labels, ActiveAt: at}
			m.alerts[fp] = a
		}
		from := a.State
		a.Annotations, a.Value, a.LastSeen = c.Annotations, c.Value, at
		switch {
		case a.State == StateFiring:
		case time.Duration(at-a.ActiveAt) >= c.Rule.For:
			a.State, a.FiredAt = StateFiring, at
		default:
			a.State = StatePending
		}
		if a.State != from {
			out = append(out, m.record(a, from, at))
		}
	}
	for _, fp := range slices.Sorted(maps.Keys(m.alerts)) {
		a := m.alerts[fp]
		if held[fp] {
			continue
		}
		switch a.State {
		case StatePending:
			delete(m.alerts, fp)
			out = append(out, m.recordTo(a, StatePending, "", at))
		case StateFiring:
			if r := m.rules[a.Rule]; r != nil && time.Duration(at-a.LastSeen) < r.KeepFiringFor {
				continue
			}
			a.State, a.ResolvedAt = StateResolved, at
			out = append(out, m.record(a, StateFiring, at))
		case StateResolved:
			if time.Duration(at-a.ResolvedAt) > m.retention {
				delete(m.alerts, fp)
			}
		}
	}
	return out
}

func (m *Manager) record(a *Alert, from State, at int64) Transition {
	return m.recordTo(a, from, a.State, at)
}

func (m *Manager) recordTo(a *Alert, from, to State, at int64) Transition {
	t := Transition{At: at, Fingerprint: a.Fingerprint, Rule: a.Rule, Labels: a.Labels, Annotations: a.Annotations,
		From: from, To: to, Value: a.Value}
	m.history.Add(t)
	return t
}

// Alerts returns the alerts (pending, firing, resolved within retention)
// ordered by fingerprint; they are copies.
func (m *Manager) Alerts() []Alert {
	out := make([]Alert, 0, len(m.alerts))
	for _, fp := range slices.Sorted(maps.Keys(m.alerts)) {
		out = append(out, *m.alerts[fp])
	}
	return out
}

// Counts returns how many alerts are in each state.
func (m *Manager) Counts() map[State]int {
	c := map[State]int{StatePending: 0, StateFiring: 0, StateResolved: 0}
	for _, a := range m.alerts {
		c[a.State]++
	}
	return c
}

// Restore replaces the alerts (from a checkpoint).
func (m *Manager) Restore(alerts []Alert) {
	m.alerts = make(map[string]*Alert, len(alerts))
	for i := range alerts {
		a := alerts[i]
		m.alerts[a.Fingerprint] = &a
	}
}
