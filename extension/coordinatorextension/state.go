package coordinatorextension

import (
	"slices"
	"sync"
)

// state is what every backend drives and what the Coordinator interface
// reads: leader and term, members, and the leadership callbacks, which
// fire only once the collector's pipelines are ready.
type state struct {
	self     string
	priority []string

	mu      sync.Mutex
	leader  string
	term    uint64
	members []Member
	ready   bool
	nextID  int
	cbs     map[int]callbacks
	changes uint64 // leadership changes seen, for telemetry
}

type callbacks struct {
	gained func(term uint64)
	lost   func()
}

func newState(self string, priority []string) *state {
	return &state{self: self, priority: priority, cbs: map[int]callbacks{}}
}

// setLeader records a leadership observation. Terms only grow: an older
// or equal term naming another leader is ignored, so no two leaders ever
// share a term. Callbacks run outside the lock.
func (s *state) setLeader(leader string, term uint64) {
	s.mu.Lock()
	if term < s.term || (term == s.term && leader != s.leader && s.leader != "") {
		s.mu.Unlock()
		return
	}
	wasLeader := s.leader == s.self && s.term > 0
	changed := leader != s.leader || term != s.term
	s.leader, s.term = leader, term
	if changed {
		s.changes++
	}
	isLeader := leader == s.self
	fire := s.ready && changed
	cbs := s.snapshotCallbacks()
	s.mu.Unlock()
	if !fire {
		return
	}
	for _, cb := range cbs {
		switch {
		case isLeader && !wasLeader:
			if cb.gained != nil {
				cb.gained(term)
			}
		case !isLeader && wasLeader:
			if cb.lost != nil {
				cb.lost()
			}
		case isLeader && wasLeader:
			// Re-elected under a new term: lost then gained, so a component
			// fences with the new term.
			if cb.lost != nil {
				cb.lost()
			}
			if cb.gained != nil {
				cb.gained(term)
			}
		}
	}
}

// stepDown is called by a backend that can no longer prove leadership:
// this node stops acting as leader at once; the term is kept.
func (s *state) stepDown() {
	s.mu.Lock()
	if s.leader != s.self {
		s.mu.Unlock()
		return
	}
	s.leader = ""
	s.changes++
	fire := s.ready
	cbs := s.snapshotCallbacks()
	s.mu.Unlock()
	if fire {
		for _, cb := range cbs {
			if cb.lost != nil {
				cb.lost()
			}
		}
	}
}

// clearLeader is called by a follower whose view of another node's
// leadership ran out (its lease expired or was released): the leader
// becomes unknown, the term is kept. This node's own leadership is left
// alone (stepDown ends it).
func (s *state) clearLeader() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.leader != "" && s.leader != s.self {
		s.leader = ""
		s.changes++
	}
}

func (s *state) setMembers(ms []Member) {
	sorted := slices.Clone(ms)
	slices.SortFunc(sorted, func(a, b Member) int {
		switch {
		case a.ID < b.ID:
			return -1
		case a.ID > b.ID:
			return 1
		}
		return 0
	})
	s.mu.Lock()
	s.members = sorted
	s.mu.Unlock()
}

// markReady fires gained for a node already leading when pipelines become ready.
func (s *state) markReady() {
	s.mu.Lock()
	s.ready = true
	leading, term := s.leader == s.self && s.term > 0, s.term
	cbs := s.snapshotCallbacks()
	s.mu.Unlock()
	if leading {
		for _, cb := range cbs {
			if cb.gained != nil {
				cb.gained(term)
			}
		}
	}
}

func (s *state) markNotReady() {
	s.mu.Lock()
	s.ready = false
	s.mu.Unlock()
}

func (s *state) snapshotCallbacks() []callbacks {
	ids := make([]int, 0, len(s.cbs))
	for id := range s.cbs {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	out := make([]callbacks, 0, len(ids))
	for _, id := range ids {
		out = append(out, s.cbs[id])
	}
	return out
}

// The Coordinator interface.

func (s *state) Self() string { return s.self }

func (s *state) IsLeader() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.leader == s.self && s.term > 0
}

func (s *state) Term() uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.term
}

func (s *state) Leader() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.leader
}

func (s *state) Members() []Member {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.members)
}

func (s *state) healthy() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, m := range s.members {
		if m.Status == StatusActive {
			out = append(out, m.ID)
		}
	}
	return out
}

func (s *state) Owner(mode Mode, key string) (string, bool) {
	switch mode {
	case ModeLeader:
		l := s.Leader()
		return l, l != ""
	case ModeAll:
		return s.self, true
	case ModeSharded:
		return rendezvous(s.healthy(), key)
	case ModeOrdered:
		return firstHealthy(s.priority, s.healthy())
	}
	return "", false
}

func (s *state) Owns(mode Mode, key string) bool {
	owner, ok := s.Owner(mode, key)
	return ok && owner == s.self
}

func (s *state) RegisterCallbacks(onGained func(term uint64), onLost func()) func() {
	s.mu.Lock()
	id := s.nextID
	s.nextID++
	s.cbs[id] = callbacks{gained: onGained, lost: onLost}
	leading, ready, term := s.leader == s.self && s.term > 0, s.ready, s.term
	s.mu.Unlock()
	if leading && ready && onGained != nil {
		onGained(term) // registered late: told at once
	}
	return func() {
		s.mu.Lock()
		delete(s.cbs, id)
		s.mu.Unlock()
	}
}
