package store

import (
	"cmp"
	"maps"
	"slices"
	"strings"

	"github.com/otelcol-chaos/otelcol-chaos/extension/chaosdashboardextension/internal/stream"
	"github.com/otelcol-chaos/otelcol-chaos/pkg/dashboard"
)

// Alert states of dashboard.AlertTransition ("" is inactive).
const (
	AlertPending  = "pending"
	AlertFiring   = "firing"
	AlertResolved = "resolved"
)

// alerts is the alert part of the store's state (under Store.mu).
type alerts struct {
	// active is the latest transition of each fingerprint whose state is
	// pending or firing.
	active map[string]dashboard.AlertTransition
	// history is the newest transitions, in arrival order.
	history ring
}

func (a *alerts) init(historySize int) {
	a.active = map[string]dashboard.AlertTransition{}
	a.history = ring{buf: make([]dashboard.AlertTransition, historySize)}
}

// ring is a fixed-size ring of transitions; the oldest is overwritten.
type ring struct {
	buf     []dashboard.AlertTransition
	next, n int
}

// push adds tr and reports whether an older one was overwritten.
func (r *ring) push(tr dashboard.AlertTransition) (evicted bool) {
	r.buf[r.next] = tr
	r.next = (r.next + 1) % len(r.buf)
	if r.n == len(r.buf) {
		return true
	}
	r.n++
	return false
}

// newest returns up to limit transitions, newest first (limit ≤ 0: all).
func (r *ring) newest(limit int) []dashboard.AlertTransition {
	n := r.n
	if limit > 0 && limit < n {
		n = limit
	}
	out := make([]dashboard.AlertTransition, n)
	for i := range n {
		out[i] = r.buf[(r.next-1-i+2*len(r.buf))%len(r.buf)]
	}
	return out
}

func isActive(state string) bool { return state == AlertPending || state == AlertFiring }

// addAlert records the transition in the history (in arrival order) and
// updates the fingerprint's active state unless a newer transition of it
// is already known.
func (s *Store) addAlert(tr dashboard.AlertTransition, out Sink, active bool, t *tally) {
	// The publisher may reuse its maps: keep copies.
	tr.Labels, tr.Annotations = maps.Clone(tr.Labels), maps.Clone(tr.Annotations)
	if s.history.push(tr) {
		t.evicted[kAlert]++
	}
	t.stored[kAlert]++
	prev, wasActive := s.active[tr.Fingerprint]
	if !wasActive || tr.AtUnixNano >= prev.AtUnixNano {
		if isActive(tr.To) {
			s.active[tr.Fingerprint] = tr
		} else {
			delete(s.active, tr.Fingerprint)
		}
	}
	if active {
		out.Publish(stream.Message{Type: alertMessageType(tr.To), At: utc(tr.AtUnixNano), Data: transitionOf(&tr)})
	}
}

func alertMessageType(to string) string {
	switch to {
	case AlertPending:
		return stream.TypeAlertPending
	case AlertFiring:
		return stream.TypeAlertFired
	}
	// resolved, or inactive (a pending alert whose condition cleared).
	return stream.TypeAlertResolved
}

func transitionOf(tr *dashboard.AlertTransition) Transition {
	labels, annotations := tr.Labels, tr.Annotations
	if labels == nil {
		labels = map[string]string{}
	}
	if annotations == nil {
		annotations = map[string]string{}
	}
	return Transition{At: utc(tr.AtUnixNano), Fingerprint: tr.Fingerprint, Rule: tr.Rule, Labels: labels,
		Annotations: annotations, From: tr.From, To: tr.To, Value: Float(tr.Value)}
}

// Alerts returns the active alerts (most recent first, ties by
// fingerprint) and up to limit transitions of the history, newest first
// (limit ≤ 0: all kept). Never nil.
func (s *Store) Alerts(limit int) (active, history []Transition) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	act := slices.Collect(maps.Values(s.active))
	slices.SortFunc(act, func(x, y dashboard.AlertTransition) int {
		if c := cmp.Compare(y.AtUnixNano, x.AtUnixNano); c != 0 {
			return c
		}
		return strings.Compare(x.Fingerprint, y.Fingerprint)
	})
	active = make([]Transition, len(act))
	for i := range act {
		active[i] = transitionOf(&act[i])
	}
	hist := s.history.newest(limit)
	history = make([]Transition, len(hist))
	for i := range hist {
		history[i] = transitionOf(&hist[i])
	}
	return active, history
}
