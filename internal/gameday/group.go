package gameday

import (
	"fmt"
	"strings"
	"time"
)

// group is the anomalies of one type (or the alerts of one rule) that
// opened in one phase: the summary shows them on one line, since a storm
// opens the same anomaly on many scopes at once.
type group struct {
	name, phase, severity string
	scopes                []string
	first, last           time.Time // opened or fired
	closedAll             bool
	lastClose             time.Time // the latest close or resolution
}

// scopesText lists up to three scopes and counts the rest.
func (g *group) scopesText() string {
	const shown = 3
	if len(g.scopes) <= shown {
		return strings.Join(g.scopes, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(g.scopes[:shown], ", "), len(g.scopes)-shown)
}

// when is "23:30" or "23:30–23:32".
func (g *group) when() string {
	if clock(g.first) == clock(g.last) {
		return clock(g.first)
	}
	return clock(g.first) + "–" + clock(g.last)
}

// groupBy groups items in the order their groups first appear.
func groupBy[T any](items []T, key func(*T) (name, phase, severity, scope string, at, closed time.Time)) []*group {
	var out []*group
	index := map[string]*group{}
	for i := range items {
		name, phase, sev, scope, at, closed := key(&items[i])
		k := name + "\x00" + phase
		g := index[k]
		if g == nil {
			g = &group{name: name, phase: phase, severity: sev, first: at, closedAll: true}
			index[k] = g
			out = append(out, g)
		}
		if severityRank(sev) > severityRank(g.severity) {
			g.severity = sev
		}
		g.scopes = append(g.scopes, scope)
		if at.Before(g.first) {
			g.first = at
		}
		if at.After(g.last) {
			g.last = at
		}
		if closed.IsZero() {
			g.closedAll = false
		} else if closed.After(g.lastClose) {
			g.lastClose = closed
		}
	}
	return out
}

func severityRank(s string) int {
	switch s {
	case "critical":
		return 3
	case "warning":
		return 2
	case "info":
		return 1
	}
	return 0
}

// closing says whether every member closed ("closed by 23:37") or not.
func (g *group) closing(verb string) string {
	if !g.closedAll {
		return "not all " + verb
	}
	return "all " + verb + " by " + clock(g.lastClose)
}
