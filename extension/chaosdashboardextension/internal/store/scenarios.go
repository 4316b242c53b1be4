package store

import (
	"math"
	"sort"
	"time"

	"github.com/otelcol-chaos/otelcol-chaos/extension/chaosdashboardextension/internal/stream"
	"github.com/otelcol-chaos/otelcol-chaos/pkg/dashboard"
)

// scenarios is the scenario part of the store's state (under Store.mu).
type scenarios struct {
	// scenario is the latest scenario transition by time (the stats').
	scenario    dashboard.ScenarioTransition
	hasScenario bool
	// timeline is the history /api/v1/scenarios serves, so that a game
	// day can be split into its phases.
	timeline timeline
}

// timeline is scenario transitions ordered by time, transitions of the
// same time in arrival order, no two alike (same time, from and to).
type timeline []dashboard.ScenarioTransition

// put inserts st in time order, since a replay may deliver transitions
// out of order, unless it is held already: a re-published transition is
// the same transition, as a re-published bucket is the same bucket. The
// oldest beyond limit are dropped; put returns how many.
func (tl *timeline) put(limit int, st dashboard.ScenarioTransition) (evicted int) {
	s := *tl
	// After every transition of st's time: ties keep their arrival order.
	i := sort.Search(len(s), func(j int) bool { return s[j].AtUnixNano > st.AtUnixNano })
	for j := i - 1; j >= 0 && s[j].AtUnixNano == st.AtUnixNano; j-- {
		if s[j].From == st.From && s[j].To == st.To {
			return 0
		}
	}
	if i == 0 && len(s) >= limit {
		// Older than all of a full timeline: it would be the one dropped.
		return 1
	}
	s = append(s, dashboard.ScenarioTransition{})
	copy(s[i+1:], s[i:])
	s[i] = st
	if n := len(s) - limit; n > 0 {
		// Clear the dropped slots so that their strings can be collected.
		clear(s[:n])
		s, evicted = s[n:], n
	}
	*tl = s
	return evicted
}

// addScenario keeps the latest scenario transition by time, adds it to
// the timeline and publishes every one (each did happen).
func (s *Store) addScenario(limit int, st dashboard.ScenarioTransition, out Sink, active bool, t *tally) {
	if !s.hasScenario || st.AtUnixNano >= s.scenario.AtUnixNano {
		s.scenario, s.hasScenario = st, true
	}
	t.evicted[kScenario] += int64(s.timeline.put(limit, st))
	t.stored[kScenario]++
	if active {
		out.Publish(stream.Message{Type: stream.TypeScenario, At: utc(st.AtUnixNano),
			Data: Scenario{From: st.From, To: st.To}})
	}
}

// Scenarios returns the scenario transitions held whose time is in
// [from, to), oldest first; a zero from or to is no bound. Never nil.
func (s *Store) Scenarios(from, to time.Time) []Scenario {
	s.mu.RLock()
	defer s.mu.RUnlock()
	tl := s.timeline
	lo, hi := 0, len(tl)
	if !from.IsZero() {
		f := clampNano(from)
		lo = sort.Search(len(tl), func(j int) bool { return tl[j].AtUnixNano >= f })
	}
	if !to.IsZero() {
		e := clampNano(to)
		hi = sort.Search(len(tl), func(j int) bool { return tl[j].AtUnixNano >= e })
	}
	out := make([]Scenario, 0, max(hi-lo, 0))
	for _, st := range tl[lo:max(lo, hi)] {
		out = append(out, Scenario{From: st.From, To: st.To, At: utc(st.AtUnixNano)})
	}
	return out
}

// Bounds of the times a Unix nanosecond count holds (years 1677 to 2262).
var (
	minNanoTime = time.Unix(0, math.MinInt64)
	maxNanoTime = time.Unix(0, math.MaxInt64)
)

// clampNano is t in Unix nanoseconds, clamped to what int64 holds, since
// an API parameter may be any RFC 3339 time and UnixNano of one out of
// range is undefined.
func clampNano(t time.Time) int64 {
	switch {
	case t.Before(minNanoTime):
		return math.MinInt64
	case t.After(maxNanoTime):
		return math.MaxInt64
	}
	return t.UnixNano()
}
