package store

import (
	"time"

	"github.com/otelcol-chaos/otelcol-chaos/internal/chaosconv"
)

// healthHistory is every health record per scope and key (under
// Store.mu), for /api/v1/health/history: a game day's summary wants its
// lowest score, which the latest alone does not tell. It is bounded as the
// buckets are: by data time per retention class, and by number of rings
// (store.max_series).
type healthHistory struct {
	healthRings map[scopeRef]*healthRing
	// healthNewest is the newest at seen per retention class. Health has
	// its own clock: its records may come without any bucket.
	healthNewest clock
}

func (hh *healthHistory) init() { hh.healthRings = map[scopeRef]*healthRing{} }

// keepHealth stores h in its scope's ring, evicting what the new data time
// leaves behind. It reports false when h is refused: older than the
// retention or opening a ring beyond max_series.
func (s *Store) keepHealth(cfg Config, h *chaosconv.Health, t *tally) bool {
	class := classOf(h.Scope.Kind)
	cutoff, moved := s.healthNewest.advance(cfg, class, h.AtUnixNano)
	if moved {
		s.evictHealth(class, cutoff, t)
	}
	if h.AtUnixNano <= cutoff {
		t.refused[rTooOld]++
		return false
	}
	ref := refOf(h.Scope)
	ring := s.healthRings[ref]
	if ring == nil {
		if len(s.healthRings) >= cfg.MaxSeries {
			t.refused[rSeriesLimit]++
			return false
		}
		ring = &healthRing{}
		s.healthRings[ref] = ring
	}
	ring.put(h)
	return true
}

// evictHealth drops, from every ring of the class, the records at or
// before cutoff, and the rings left empty. As for buckets, it runs when
// the class's data time advances. The latest health per scope stays
// (/api/v1/health is not bounded by retention).
func (s *Store) evictHealth(class int, cutoff int64, t *tally) {
	for ref, ring := range s.healthRings {
		if classOf(ref.scope) != class {
			continue
		}
		t.evicted[kHealth] += int64(ring.evictBefore(cutoff))
		if len(*ring) == 0 {
			delete(s.healthRings, ref)
		}
	}
}

// HealthHistory returns the health records of the scope and key whose at
// lies in [from, to), oldest first (never nil).
func (s *Store) HealthHistory(scope chaosconv.ScopeKind, key string, from, to time.Time) []Health {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var sel []*chaosconv.Health
	if ring := s.healthRings[scopeRef{scope: scope, key: key}]; ring != nil {
		sel = ring.window(from.UnixNano(), to.UnixNano())
	}
	out := make([]Health, len(sel))
	for i, h := range sel {
		out[i] = healthOf(h)
	}
	return out
}
