package checkpointv1

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/otelcol-chaos/otelcol-chaos/exporter/alertexporter/internal/dispatch"
	"github.com/otelcol-chaos/otelcol-chaos/exporter/alertexporter/internal/lifecycle"
	"github.com/otelcol-chaos/otelcol-chaos/exporter/alertexporter/internal/notify"
	"github.com/otelcol-chaos/otelcol-chaos/exporter/alertexporter/internal/rules"
	"github.com/otelcol-chaos/otelcol-chaos/internal/chaosconv"
	"github.com/otelcol-chaos/otelcol-chaos/internal/checkpoint"
)

// State is what a checkpoint holds, in the exporter's in-memory types.
type State struct {
	Store       rules.StoreSnapshot
	Alerts      []lifecycle.Alert
	Groups      []*dispatch.Group
	LastEval    int64
	Undelivered []*notify.Notification
}

// Marshal encodes s as a version-1 checkpoint.
func Marshal(s State) ([]byte, error) {
	cp := FromState(s)
	return json.Marshal(&cp)
}

// Unmarshal decodes a version-1 checkpoint. Another version, or a body
// that is not exactly version 1's, is an error (a *checkpoint.VersionError
// for another version): the caller starts fresh.
func Unmarshal(data []byte) (State, error) {
	var cp Checkpoint
	if err := checkpoint.DecodeJSON(data, Version, &cp); err != nil {
		return State{}, err
	}
	return cp.ToState()
}

// scopeKinds fixes the number each scope kind has in ScopeRef.Kind.
var scopeKinds = map[int]chaosconv.ScopeKind{1: chaosconv.ScopeGlobal, 2: chaosconv.ScopeService, 3: chaosconv.ScopeEndpoint}

func scopeRef(s chaosconv.ScopeRef) ScopeRef {
	for n, k := range scopeKinds {
		if k == s.Kind {
			return ScopeRef{Kind: n, Key: s.Key}
		}
	}
	return ScopeRef{Key: s.Key} // unknown in memory: 0, refused on reading
}

func (s ScopeRef) toRef() (chaosconv.ScopeRef, error) {
	k, ok := scopeKinds[s.Kind]
	if !ok {
		return chaosconv.ScopeRef{}, fmt.Errorf("unknown scope kind %d", s.Kind)
	}
	return chaosconv.ScopeRef{Kind: k, Key: s.Key}, nil
}

// FromState converts the in-memory state to the schema.
func FromState(s State) Checkpoint {
	cp := Checkpoint{Version: Version, LastEval: s.LastEval, Store: Store{Latest: s.Store.Latest},
		Alerts: make([]Alert, 0, len(s.Alerts)), Groups: make([]Group, 0, len(s.Groups))}
	for _, sr := range s.Store.Series {
		out := Series{Scope: sr.Scope, Key: sr.Key, LastData: sr.LastData, Points: make([]Point, 0, len(sr.Points))}
		for _, p := range sr.Points {
			out.Points = append(out.Points, Point{StartUnixNano: p.StartUnixNano, EndUnixNano: p.EndUnixNano,
				Events: p.Events, Faults: p.Faults, RateLimitViolations: p.RateLimitViolations,
				LatencySumMs: p.LatencySumMs, LatencyCount: p.LatencyCount, LatencyMaxMs: p.LatencyMaxMs,
				LatencyP95Ms: p.LatencyP95Ms, Probes: p.Probes, ProbeFailures: p.ProbeFailures,
				ImpactSeverity: p.ImpactSeverity, DegradationPct: p.DegradationPct,
				ObservedRequests: p.ObservedRequests, ObservedErrors: p.ObservedErrors, ObservedP95Ms: p.ObservedP95Ms})
		}
		cp.Store.Series = append(cp.Store.Series, out)
	}
	for i := range s.Store.Anomalies {
		a := &s.Store.Anomalies[i]
		cp.Store.Anomalies = append(cp.Store.Anomalies, Anomaly{ID: a.ID, Type: string(a.Type), State: string(a.State),
			Scope: scopeRef(a.Scope), Metric: a.Metric, AtUnixNano: a.AtUnixNano, Width: int64(a.Width),
			Start: a.Start, End: a.End, PeakTime: a.PeakTime, PeakValue: a.PeakValue, Observed: a.Observed,
			Expected: a.Expected, BandLow: a.BandLow, BandHigh: a.BandHigh, Score: a.Score,
			Severity: string(a.Severity), Description: a.Description, Actions: a.Actions,
			CloseReason: string(a.CloseReason)})
	}
	for i := range s.Store.Health {
		h := &s.Store.Health[i]
		cp.Store.Health = append(cp.Store.Health, Health{Scope: scopeRef(h.Scope), AtUnixNano: h.AtUnixNano,
			Width: int64(h.Width), Score: h.Score, Components: h.Components, Factors: h.Factors})
	}
	for i := range s.Alerts {
		a := &s.Alerts[i]
		cp.Alerts = append(cp.Alerts, Alert{Fingerprint: a.Fingerprint, Rule: a.Rule, Labels: a.Labels,
			Annotations: a.Annotations, State: string(a.State), Value: a.Value, ActiveAt: a.ActiveAt,
			FiredAt: a.FiredAt, LastSeen: a.LastSeen, ResolvedAt: a.ResolvedAt})
	}
	for _, g := range s.Groups {
		out := Group{Key: g.Key, Labels: g.Labels, NextFlush: g.NextFlush,
			Alerts: make(map[string]NotifyAlert, len(g.Alerts)), Sent: make(map[string]Sent, len(g.Sent))}
		for fp, a := range g.Alerts {
			out.Alerts[fp] = notifyAlert(a)
		}
		for h, st := range g.Sent {
			out.Sent[h] = Sent{Firing: st.Firing, Resolved: st.Resolved, At: st.At}
		}
		cp.Groups = append(cp.Groups, out)
	}
	for _, n := range s.Undelivered {
		out := Notification{Receiver: n.Receiver, GroupKey: n.GroupKey, GroupLabels: n.GroupLabels,
			Term: n.Term, Sender: n.Sender, ExternalURL: n.ExternalURL, Alerts: make([]NotifyAlert, 0, len(n.Alerts))}
		for _, a := range n.Alerts {
			out.Alerts = append(out.Alerts, notifyAlert(a))
		}
		cp.Undelivered = append(cp.Undelivered, out)
	}
	return cp
}

func notifyAlert(a notify.Alert) NotifyAlert {
	return NotifyAlert{Fingerprint: a.Fingerprint, Labels: a.Labels, Annotations: a.Annotations,
		StartsAt: a.StartsAt, EndsAt: a.EndsAt, GeneratorURL: a.GeneratorURL}
}

func (a NotifyAlert) toAlert() notify.Alert {
	return notify.Alert{Fingerprint: a.Fingerprint, Labels: a.Labels, Annotations: a.Annotations,
		StartsAt: a.StartsAt, EndsAt: a.EndsAt, GeneratorURL: a.GeneratorURL}
}

var alertStates = map[string]lifecycle.State{string(lifecycle.StatePending): lifecycle.StatePending,
	string(lifecycle.StateFiring): lifecycle.StateFiring, string(lifecycle.StateResolved): lifecycle.StateResolved}

// ToState converts the schema to the in-memory state. A value the schema
// does not define (a scope kind, an alert state) is an error.
func (cp *Checkpoint) ToState() (State, error) {
	s := State{LastEval: cp.LastEval, Store: rules.StoreSnapshot{Latest: cp.Store.Latest}}
	for _, sr := range cp.Store.Series {
		if chaosconv.ParseScopeKind(sr.Scope) == chaosconv.ScopeUnknown {
			return State{}, fmt.Errorf("series %q: unknown scope %q", sr.Key, sr.Scope)
		}
		out := rules.SeriesSnapshot{Scope: sr.Scope, Key: sr.Key, LastData: sr.LastData,
			Points: make([]rules.Point, 0, len(sr.Points))}
		for _, p := range sr.Points {
			out.Points = append(out.Points, rules.Point{StartUnixNano: p.StartUnixNano, EndUnixNano: p.EndUnixNano,
				Events: p.Events, Faults: p.Faults, RateLimitViolations: p.RateLimitViolations,
				LatencySumMs: p.LatencySumMs, LatencyCount: p.LatencyCount, LatencyMaxMs: p.LatencyMaxMs,
				LatencyP95Ms: p.LatencyP95Ms, Probes: p.Probes, ProbeFailures: p.ProbeFailures,
				ImpactSeverity: p.ImpactSeverity, DegradationPct: p.DegradationPct,
				ObservedRequests: p.ObservedRequests, ObservedErrors: p.ObservedErrors, ObservedP95Ms: p.ObservedP95Ms})
		}
		s.Store.Series = append(s.Store.Series, out)
	}
	for _, a := range cp.Store.Anomalies {
		ref, err := a.Scope.toRef()
		if err != nil {
			return State{}, fmt.Errorf("anomaly %s: %w", a.ID, err)
		}
		s.Store.Anomalies = append(s.Store.Anomalies, chaosconv.Anomaly{ID: a.ID, Type: chaosconv.AnomalyType(a.Type),
			State: chaosconv.AnomalyState(a.State), Scope: ref, Metric: a.Metric, AtUnixNano: a.AtUnixNano,
			Width: time.Duration(a.Width), Start: a.Start, End: a.End, PeakTime: a.PeakTime, PeakValue: a.PeakValue,
			Observed: a.Observed, Expected: a.Expected, BandLow: a.BandLow, BandHigh: a.BandHigh, Score: a.Score,
			Severity: chaosconv.Severity(a.Severity), Description: a.Description, Actions: a.Actions,
			CloseReason: chaosconv.CloseReason(a.CloseReason)})
	}
	for _, h := range cp.Store.Health {
		ref, err := h.Scope.toRef()
		if err != nil {
			return State{}, fmt.Errorf("health: %w", err)
		}
		s.Store.Health = append(s.Store.Health, chaosconv.Health{Scope: ref, AtUnixNano: h.AtUnixNano, Score: h.Score})
	}
	s.Alerts = make([]lifecycle.Alert, 0, len(cp.Alerts))
	for _, a := range cp.Alerts {
		st, ok := alertStates[a.State]
		if !ok {
			return State{}, fmt.Errorf("alert %s: unknown state %q", a.Fingerprint, a.State)
		}
		s.Alerts = append(s.Alerts, lifecycle.Alert{Fingerprint: a.Fingerprint, Rule: a.Rule, Labels: a.Labels,
			Annotations: a.Annotations, State: st, Value: a.Value, ActiveAt: a.ActiveAt, FiredAt: a.FiredAt,
			LastSeen: a.LastSeen, ResolvedAt: a.ResolvedAt})
	}
	s.Groups = make([]*dispatch.Group, 0, len(cp.Groups))
	for _, g := range cp.Groups {
		out := &dispatch.Group{Key: g.Key, Labels: g.Labels, NextFlush: g.NextFlush,
			Alerts: make(map[string]notify.Alert, len(g.Alerts)), Sent: make(map[string]*dispatch.Sent, len(g.Sent))}
		for fp, a := range g.Alerts {
			out.Alerts[fp] = a.toAlert()
		}
		for h, st := range g.Sent {
			out.Sent[h] = &dispatch.Sent{Firing: nonNil(st.Firing), Resolved: nonNil(st.Resolved), At: st.At}
		}
		s.Groups = append(s.Groups, out)
	}
	for _, n := range cp.Undelivered {
		out := &notify.Notification{Receiver: n.Receiver, GroupKey: n.GroupKey, GroupLabels: n.GroupLabels,
			Term: n.Term, Sender: n.Sender, ExternalURL: n.ExternalURL, Alerts: make([]notify.Alert, 0, len(n.Alerts))}
		for _, a := range n.Alerts {
			out.Alerts = append(out.Alerts, a.toAlert())
		}
		s.Undelivered = append(s.Undelivered, out)
	}
	return s, nil
}

// nonNil: the dispatcher writes into these maps.
func nonNil(m map[string]bool) map[string]bool {
	if m == nil {
		return map[string]bool{}
	}
	return m
}
