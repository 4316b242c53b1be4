package store

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"github.com/otelcol-chaos/otelcol-chaos/extension/chaosdashboardextension/internal/stream"
	"github.com/otelcol-chaos/otelcol-chaos/internal/chaosconv"
)

// anomalyEntry is the latest state of one anomaly. closedSeq tells a
// closed anomaly's place in the eviction queue from a stale one (an
// anomaly re-published after it closed is queued again).
type anomalyEntry struct {
	a         *chaosconv.Anomaly
	closedSeq uint64
}

type closedRef struct {
	id  string
	seq uint64
}

// anomalies is the anomaly part of the store's state (under Store.mu).
type anomalies struct {
	byID map[string]*anomalyEntry
	// closedQueue is the closed anomalies in the order they closed (with
	// stale references skipped when popped); closedCount the live ones.
	closedQueue []closedRef
	closedCount int
	closedSeq   uint64
	openCount   int
}

func (a *anomalies) init() { a.byID = map[string]*anomalyEntry{} }

func isClosed(a *chaosconv.Anomaly) bool { return a.State == chaosconv.AnomalyClosed }

// addAnomaly keeps the latest state of the anomaly. A record older than
// the one stored is refused (too_old); on a tie a closed state wins, so a
// close is never undone by a late update.
func (s *Store) addAnomaly(maxClosed int, a *chaosconv.Anomaly, out Sink, active bool, t *tally) {
	prev, known := s.byID[a.ID]
	if known && (a.AtUnixNano < prev.a.AtUnixNano ||
		(a.AtUnixNano == prev.a.AtUnixNano && isClosed(prev.a) && !isClosed(a))) {
		t.refused[rTooOld]++
		return
	}
	msgType := stream.TypeAnomalyUpdated
	switch {
	case isClosed(a):
		msgType = stream.TypeAnomalyClosed
	case !known || isClosed(prev.a):
		// The first time this id is seen open (or open again).
		msgType = stream.TypeAnomalyOpened
	}
	if !known {
		prev = &anomalyEntry{}
		s.byID[a.ID] = prev
	} else if isClosed(prev.a) {
		s.closedCount--
	} else {
		s.openCount--
	}
	prev.a = a
	if isClosed(a) {
		s.closedSeq++
		prev.closedSeq = s.closedSeq
		s.closedQueue = append(s.closedQueue, closedRef{id: a.ID, seq: s.closedSeq})
		s.closedCount++
	} else {
		s.openCount++
	}
	t.stored[kAnomaly]++
	t.evicted[kAnomaly] += int64(s.evictClosed(maxClosed))
	if active {
		out.Publish(stream.Message{Type: msgType, At: utc(a.AtUnixNano), Scope: a.Scope.Kind.String(),
			Key: a.Scope.Key, Data: anomalyOf(a)})
	}
}

// evictClosed drops the earliest closed anomalies beyond max.
func (a *anomalies) evictClosed(maxClosed int) int {
	n := 0
	for a.closedCount > maxClosed && len(a.closedQueue) > 0 {
		ref := a.closedQueue[0]
		a.closedQueue[0] = closedRef{}
		a.closedQueue = a.closedQueue[1:]
		if e, ok := a.byID[ref.id]; ok && isClosed(e.a) && e.closedSeq == ref.seq {
			delete(a.byID, ref.id)
			a.closedCount--
			n++
		}
	}
	return n
}

// StateFilter selects anomalies by state.
type StateFilter uint8

// State filters: open includes the updated ones (still open).
const (
	StateOpen StateFilter = iota
	StateClosed
	StateAll
)

// ParseStateFilter maps "open", "closed" and "all" to their filter.
func ParseStateFilter(s string) (StateFilter, bool) {
	switch s {
	case "open":
		return StateOpen, true
	case "closed":
		return StateClosed, true
	case "all":
		return StateAll, true
	}
	return 0, false
}

func (f StateFilter) match(a *chaosconv.Anomaly) bool {
	switch f {
	case StateOpen:
		return !isClosed(a)
	case StateClosed:
		return isClosed(a)
	}
	return true
}

// Anomalies returns the latest state of the anomalies in the filter whose
// latest record is at or after since (zero: all), most recent first, ties
// by id. Never nil.
func (s *Store) Anomalies(since time.Time, state StateFilter) []Anomaly {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var from int64
	if !since.IsZero() {
		from = since.UnixNano()
	}
	sel := make([]*chaosconv.Anomaly, 0, len(s.byID))
	for _, e := range s.byID {
		if e.a.AtUnixNano >= from && state.match(e.a) {
			sel = append(sel, e.a)
		}
	}
	slices.SortFunc(sel, func(x, y *chaosconv.Anomaly) int {
		if c := cmp.Compare(y.AtUnixNano, x.AtUnixNano); c != 0 {
			return c
		}
		return strings.Compare(x.ID, y.ID)
	})
	out := make([]Anomaly, len(sel))
	for i, a := range sel {
		out[i] = anomalyOf(a)
	}
	return out
}
