package coordinatorextension

import (
	"sync"
	"time"
)

// roster turns heartbeat observations into member statuses. Ages are
// measured on this node's clock, from the moment a new heartbeat is seen,
// so clock skew between nodes cannot make a member look healthy or dead.
type roster struct {
	degradedAfter, failedAfter, forgetAfter time.Duration

	mu   sync.Mutex
	seen map[string]*sighting
}

type sighting struct {
	token    string    // what identifies the last heartbeat (a revision, a renew time)
	lastSeen time.Time // local time it was first seen
	gone     bool      // its lease or key disappeared: failed at once
}

func newRoster(cfg *Config) *roster {
	return &roster{degradedAfter: cfg.DegradedAfter, failedAfter: cfg.FailedAfter, forgetAfter: cfg.ForgetAfter,
		seen: map[string]*sighting{}}
}

// heartbeat records that member id published the heartbeat token, seen at
// local time at. A token seen before is not a new heartbeat.
func (r *roster) heartbeat(id, token string, at time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	s, ok := r.seen[id]
	if !ok {
		r.seen[id] = &sighting{token: token, lastSeen: at}
		return
	}
	if s.token != token || s.gone {
		s.token, s.lastSeen, s.gone = token, at, false
	}
}

// gone records that member id's lease or key disappeared: it is failed
// until a heartbeat returns or it is forgotten.
func (r *roster) gone(id string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if s, ok := r.seen[id]; ok {
		s.gone, s.token = true, ""
	}
}

// members is every member not forgotten, with its status at now.
func (r *roster) members(now time.Time) []Member {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]Member, 0, len(r.seen))
	for id, s := range r.seen {
		age := now.Sub(s.lastSeen)
		if age > r.forgetAfter {
			delete(r.seen, id)
			continue
		}
		st := StatusActive
		switch {
		case s.gone || age > r.failedAfter:
			st = StatusFailed
		case age > r.degradedAfter:
			st = StatusDegraded
		}
		out = append(out, Member{ID: id, Status: st, LastHeartbeat: s.lastSeen})
	}
	return out
}
