// Package coordinatorextension coordinates a fleet of otelcol-chaos
// collectors: who leads (and with which fencing term), who is a member and
// how healthy, and who owns a piece of work. Other components find it
// through host.GetExtensions() and use the Coordinator interface.
package coordinatorextension // import "github.com/otelcol-chaos/otelcol-chaos/extension/coordinatorextension"

import (
	"time"

	"go.opentelemetry.io/collector/component"
)

// Coordinator is what other components use. It is safe for concurrent use.
type Coordinator interface {
	// Self is this node's identity.
	Self() string
	// IsLeader reports whether this node leads now. A leader that cannot
	// renew its lease stops being leader before another can take it.
	IsLeader() bool
	// Term is the fencing term: it grows with every leadership change and
	// is 0 before any leader is known. Notifications carry it.
	Term() uint64
	// Leader is the current leader's identity ("" when unknown).
	Leader() string
	// Members is every known node with its status, ordered by identity.
	Members() []Member
	// Owner returns the node that owns key under a work mode; ok is false
	// when no healthy node can own it.
	Owner(mode Mode, key string) (node string, ok bool)
	// Owns reports whether this node owns key under mode.
	Owns(mode Mode, key string) bool
	// RegisterCallbacks is told, after the collector's pipelines are
	// ready, when this node gains leadership (with the new term) and when
	// it loses it. It returns a function that unregisters them.
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

// Mode is how a piece of work is owned.
type Mode string

// Work modes (the seed's LeaderAssigned, Parallel, PeerToPeer, Sequential).
const (
	// ModeLeader: the leader owns every key.
	ModeLeader Mode = "leader"
	// ModeAll: every node owns every key (each does the work).
	ModeAll Mode = "all"
	// ModeSharded: rendezvous hashing of the key over the healthy members.
	ModeSharded Mode = "sharded"
	// ModeOrdered: the first healthy node of the configured priority list.
	ModeOrdered Mode = "ordered"
)

// Find returns the coordinator extension with the given id from the
// host's extensions, or the only one when id is nil.
func Find(extensions map[component.ID]component.Component, id *component.ID) (Coordinator, bool) {
	if id != nil {
		c, ok := extensions[*id].(Coordinator)
		return c, ok
	}
	var found Coordinator
	for _, ext := range extensions {
		if c, ok := ext.(Coordinator); ok {
			if found != nil {
				return nil, false // ambiguous: the component must name one
			}
			found = c
		}
	}
	return found, found != nil
}
