package gameday

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// clock formats an event time as the summary shows it.
func clock(t time.Time) string { return t.UTC().Format("15:04") }

func scopeName(scope, key string) string {
	if key == "" {
		return scope
	}
	return scope + " " + key
}

// Render writes the summary as the terminal shows it.
func (s *Summary) Render(w io.Writer) {
	p := func(format string, a ...any) { fmt.Fprintf(w, format, a...) }
	p("Game day %s – %s UTC (event time), as the collector concluded it:\n\n", clock(s.From), clock(s.To))
	p("  %-24s %-13s %7s %7s %9s %12s\n", "phase", "time", "events", "faults", "severity", "degradation")
	for _, ph := range s.Phases {
		p("  %-24s %-13s %7d %7d %9.2f %11.1f%%\n", ph.Name, clock(ph.From)+"–"+clock(ph.To), ph.Events, ph.Faults,
			ph.Severity, ph.DegradationPct)
	}

	p("\nAnomalies: %d opened, %d closed (by type and the phase they opened in)\n", len(s.Anomalies), s.closedAnomalies())
	if len(s.Anomalies) == 0 {
		p("  none\n")
	}
	for _, g := range groupBy(s.Anomalies, func(a *Anomaly) (string, string, string, string, time.Time, time.Time) {
		return a.Type, a.Phase, a.Severity, scopeName(a.Scope, a.Key), a.Opened, a.Closed
	}) {
		p("  %-20s %-8s opened %-11s in %-24s %s\n", g.name, g.severity, g.when(), g.phase, g.closing("closed"))
		p("  %20s %8s on %s\n", "", "", g.scopesText())
	}

	if h := s.LowestHealth; h != nil {
		p("\nLowest health: %.0f/100 at %s in %s", h.Score, clock(h.At), h.Phase)
		if len(h.Factors) > 0 {
			// The factors are the components that lowered the score.
			parts := make([]string, 0, len(h.Factors))
			for _, f := range h.Factors {
				if v, ok := h.Components[f]; ok {
					parts = append(parts, fmt.Sprintf("%s %.0f", f, v))
				} else {
					parts = append(parts, f)
				}
			}
			p(", lowered by %s", strings.Join(parts, ", "))
		}
		p("\n")
	}

	p("\nAlerts: %d fired, %d resolved (by rule and the phase they fired in)\n", len(s.Alerts), s.resolvedAlerts())
	if len(s.Alerts) == 0 {
		p("  none\n")
	}
	for _, g := range groupBy(s.Alerts, func(a *Alert) (string, string, string, string, time.Time, time.Time) {
		return a.Rule, a.Phase, a.Severity, scopeName(a.Scope, a.Key), a.Fired, a.Resolved
	}) {
		p("  %-20s %-8s fired  %-11s in %-24s %s\n", g.name, g.severity, g.when(), g.phase, g.closing("resolved"))
		p("  %20s %8s on %s\n", "", "", g.scopesText())
	}

	p("\nWhere to look next (the demo's collector has stopped; `make run` serves these, and\n" +
		"`go run ./cmd/chaosgen -fast -scenario gameday` replays this game day into it):\n")
	for _, n := range s.Next {
		p("  %-34s %s\n", n.What, n.Where)
	}
}

func (s *Summary) closedAnomalies() int {
	n := 0
	for _, a := range s.Anomalies {
		if !a.Closed.IsZero() {
			n++
		}
	}
	return n
}

func (s *Summary) resolvedAlerts() int {
	n := 0
	for _, a := range s.Alerts {
		if !a.Resolved.IsZero() {
			n++
		}
	}
	return n
}
