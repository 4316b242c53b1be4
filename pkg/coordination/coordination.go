// Package coordination is what a component needs to act as one member of a
// fleet of collectors: whether this node leads, with which fencing term, who
// leads, who the members are. The coordinator extension implements it;
// components find it among the host's extensions with Find and never import
// the extension. Package coordinatortest is a fake for their tests.
package coordination // import "github.com/otelcol-chaos/otelcol-chaos/pkg/coordination"

import (
	"time"

	"go.opentelemetry.io/collector/component"
)

// Coordinator is the part of the coordinator extension other components
// use. Implementations are safe for concurrent use.
type Coordinator interface {
	// Self is this node's identity.
	Self() string
	// IsLeader reports whether this node leads now. A leader that cannot
	// renew its lease stops being leader before another can take it.
	IsLeader() bool
	// Term is the fencing term: it grows with every leadership change and
	// is 0 before any leader is known.
	Term() uint64
	// Leader is the current leader's identity ("" when unknown).
	Leader() string
	// Members is every known node with its status, ordered by identity.
	Members() []Member
	// RegisterCallbacks is told, after the collector's pipelines are
	// ready, when this node gains leadership (with the new term) and when
	// it loses it; either may be nil. It returns a function that
	// unregisters them.
	RegisterCallbacks(onGained func(term uint64), onLost func()) (unregister func())
}

// MemberStatus is a node's health as its heartbeats show it.
type MemberStatus string

// Member statuses: active (heartbeats on time), degraded (late), failed
// (missing); a failed node whose heartbeats return is active again.
const (
	StatusActive   MemberStatus = "active"
	StatusDegraded MemberStatus = "degraded"
	StatusFailed   MemberStatus = "failed"
)

// Member is one node of the fleet.
type Member struct {
	ID            string       `json:"id"`
	Status        MemberStatus `json:"status"`
	LastHeartbeat time.Time    `json:"last_heartbeat"`
}

// Find returns the coordinator with the given id from the host's
// extensions, or the only one when id is nil. ok is false when there is
// none, when id names an extension that is not a coordinator, and when id
// is nil and there are several (the component must then name one).
func Find(extensions map[component.ID]component.Component, id *component.ID) (c Coordinator, ok bool) {
	if id != nil {
		c, ok = extensions[*id].(Coordinator)
		return c, ok
	}
	for _, ext := range extensions {
		if found, is := ext.(Coordinator); is {
			if c != nil {
				return nil, false
			}
			c = found
		}
	}
	return c, c != nil
}
