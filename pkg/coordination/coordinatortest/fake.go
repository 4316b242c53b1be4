// Package coordinatortest is a coordinator for the tests of components that
// consume one: leadership, term and members are set by the test, and the
// registered callbacks fire as a real coordinator's would, without etcd.
package coordinatortest // import "github.com/otelcol-chaos/otelcol-chaos/pkg/coordination/coordinatortest"

import (
	"context"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"go.opentelemetry.io/collector/component"

	"github.com/otelcol-chaos/otelcol-chaos/pkg/coordination"
)

// Fake is a coordination.Coordinator and a component.Component, so it can
// be put among a host's extensions.
type Fake struct {
	self string

	mu        sync.Mutex
	leader    string
	term      uint64
	members   []coordination.Member
	callbacks map[int]callbacks
	nextID    int
}

type callbacks struct {
	gained func(term uint64)
	lost   func()
}

var (
	_ coordination.Coordinator = (*Fake)(nil)
	_ component.Component      = (*Fake)(nil)
)

// New is a coordinator for node self with no leader yet (term 0), self the
// only member, active.
func New(self string) *Fake {
	return &Fake{self: self, callbacks: map[int]callbacks{},
		members: []coordination.Member{{ID: self, Status: coordination.StatusActive}}}
}

// Start does nothing: the fake is driven by the test.
func (*Fake) Start(context.Context, component.Host) error { return nil }

// Shutdown does nothing.
func (*Fake) Shutdown(context.Context) error { return nil }

// Self is this node's identity.
func (f *Fake) Self() string { return f.self }

// IsLeader reports whether self leads.
func (f *Fake) IsLeader() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.leader == f.self
}

// Term is the term set by the last SetLeader.
func (f *Fake) Term() uint64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.term
}

// Leader is the leader set by the last SetLeader.
func (f *Fake) Leader() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.leader
}

// Members is a copy of the members, ordered by identity.
func (f *Fake) Members() []coordination.Member {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.members)
}

// RegisterCallbacks keeps the callbacks until unregister is called.
func (f *Fake) RegisterCallbacks(onGained func(term uint64), onLost func()) (unregister func()) {
	f.mu.Lock()
	defer f.mu.Unlock()
	id := f.nextID
	f.nextID++
	f.callbacks[id] = callbacks{gained: onGained, lost: onLost}
	return func() {
		f.mu.Lock()
		defer f.mu.Unlock()
		delete(f.callbacks, id)
	}
}

// SetLeader makes leader the leader at term. As a real coordinator does,
// it calls the gained callbacks when self becomes leader and the lost
// callbacks when self stops being leader, outside the fake's lock and
// before it returns.
func (f *Fake) SetLeader(leader string, term uint64) {
	f.mu.Lock()
	was := f.leader == f.self
	f.leader, f.term = leader, term
	now := leader == f.self
	cbs := make([]callbacks, 0, len(f.callbacks))
	for _, id := range slices.Sorted(maps.Keys(f.callbacks)) {
		cbs = append(cbs, f.callbacks[id])
	}
	f.mu.Unlock()
	for _, cb := range cbs {
		switch {
		case now && !was && cb.gained != nil:
			cb.gained(term)
		case was && !now && cb.lost != nil:
			cb.lost()
		}
	}
}

// SetMember adds member id, or updates its status and last heartbeat.
func (f *Fake) SetMember(id string, status coordination.MemberStatus, lastHeartbeat time.Time) {
	f.mu.Lock()
	defer f.mu.Unlock()
	m := coordination.Member{ID: id, Status: status, LastHeartbeat: lastHeartbeat}
	if i := slices.IndexFunc(f.members, func(m coordination.Member) bool { return m.ID == id }); i >= 0 {
		f.members[i] = m
		return
	}
	f.members = append(f.members, m)
	slices.SortFunc(f.members, func(a, b coordination.Member) int { return strings.Compare(a.ID, b.ID) })
}

// RemoveMember forgets member id.
func (f *Fake) RemoveMember(id string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.members = slices.DeleteFunc(f.members, func(m coordination.Member) bool { return m.ID == id })
}
