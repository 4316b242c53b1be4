package gameday

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/otelcol-chaos/otelcol-chaos/internal/chaosconv"
)

// Phase names.
const (
	phaseCalm     = "calm"
	phaseRecovery = "recovery"
	stormPrefix   = "storm: "
	baseline      = "baseline" // chaosgen's calm scenario
)

// phasesOf splits [from, to) at the scenario transitions: the baseline
// before any other scenario is the calm, a baseline after one is the
// recovery, the rest is the storm.
func phasesOf(sc []scenarioJSON, from, to time.Time) []Phase {
	var out []Phase
	stormSeen := false
	for i, s := range sc {
		if s.At.Before(from) || !s.At.Before(to) {
			continue
		}
		end := to
		if i+1 < len(sc) && sc[i+1].At.Before(to) {
			end = sc[i+1].At
		}
		p := Phase{Scenario: s.To, From: s.At, To: end}
		switch {
		case s.To == baseline && !stormSeen:
			p.Name = phaseCalm
		case s.To == baseline:
			p.Name = phaseRecovery
		default:
			p.Name, p.Storm, stormSeen = stormPrefix+s.To, true, true
		}
		out = append(out, p)
	}
	return out
}

// phaseAt names the phase t falls in ("" outside every phase).
func phaseAt(phases []Phase, t time.Time) string {
	for _, p := range phases {
		if !t.Before(p.From) && t.Before(p.To) {
			return p.Name
		}
	}
	return ""
}

// Summarize reads what the collector concluded about [from, to).
func Summarize(ctx context.Context, a *APIs, from, to time.Time) (*Summary, error) {
	sc, err := a.scenarios(ctx, from, to)
	if err != nil {
		return nil, err
	}
	s := &Summary{From: from, To: to, Phases: phasesOf(sc, from, to)}
	if len(s.Phases) == 0 {
		return nil, fmt.Errorf("the collector saw no scenario transition between %s and %s", rfc3339(from), rfc3339(to))
	}
	for i := range s.Phases {
		p := &s.Phases[i]
		im, err := a.impact(ctx, p.From, p.To)
		if err != nil {
			return nil, err
		}
		p.Events, p.Faults = im.Events, im.Faults
		p.Severity, p.DegradationPct, p.Measured = im.Impact.Severity, im.Impact.DegradationPct, im.Impact.Measured
	}

	an, err := a.anomalies(ctx, from)
	if err != nil {
		return nil, err
	}
	for _, x := range an {
		if x.Opened.Before(from) || !x.Opened.Before(to) {
			continue
		}
		y := Anomaly{Type: x.Type, Severity: x.Severity, Scope: x.Scope, Key: x.Key, Opened: x.Opened,
			Phase: phaseAt(s.Phases, x.Opened)}
		if x.State == "closed" {
			y.Closed, y.CloseReason = x.At, x.CloseReason
		}
		s.Anomalies = append(s.Anomalies, y)
	}
	sortByTime(s.Anomalies, func(x *Anomaly) time.Time { return x.Opened })

	trs, ann, err := a.alertHistory(ctx)
	if err != nil {
		return nil, err
	}
	s.Alerts = alertsOf(trs, ann, s.Phases, from, to)

	hs, err := a.healthHistory(ctx, from, to)
	if err != nil {
		return nil, err
	}
	for _, h := range hs {
		if s.LowestHealth == nil || h.Score < s.LowestHealth.Score {
			s.LowestHealth = &Health{Score: h.Score, At: h.At, Components: h.Components, Factors: h.Factors,
				Phase: phaseAt(s.Phases, h.At)}
		}
	}
	return s, nil
}

// alertsOf pairs each alert's firing with its resolution, in the order
// the alerts fired.
func alertsOf(trs []transitionJSON, ann map[string]map[string]string, phases []Phase, from, to time.Time) []Alert {
	var out []Alert
	open := map[string]int{} // fingerprint → index in out of its latest firing
	for _, t := range trs {
		switch {
		case t.To == "firing":
			if t.At.Before(from) || !t.At.Before(to) {
				continue
			}
			open[t.Fingerprint] = len(out)
			out = append(out, Alert{Rule: t.Rule, Scope: t.Labels[chaosconv.AlertLabelScope],
				Key: t.Labels[chaosconv.AlertLabelScopeKey], Severity: t.Labels[chaosconv.AlertLabelSeverity], Fired: t.At,
				Summary: ann[t.Fingerprint]["summary"],
				Phase:   phaseAt(phases, t.At)})
		case t.From == "firing" && t.To == "resolved":
			if i, ok := open[t.Fingerprint]; ok {
				out[i].Resolved = t.At
				delete(open, t.Fingerprint)
			}
		}
	}
	return out
}

// sortByTime sorts xs by at, stably.
func sortByTime[T any](xs []T, at func(*T) time.Time) {
	slices.SortStableFunc(xs, func(a, b T) int { return at(&a).Compare(at(&b)) })
}
