// Package coordinatorextension coordinates a fleet of otelcol-chaos
// collectors: who leads (and with which fencing term), who is a member and
// how healthy, and who owns a piece of work. Other components find it
// through host.GetExtensions() with coordination.Find and use the
// coordination.Coordinator interface.
package coordinatorextension // import "github.com/otelcol-chaos/otelcol-chaos/extension/coordinatorextension"

import "github.com/otelcol-chaos/otelcol-chaos/pkg/coordination"

// Coordinator is the extension's interface: what other components use
// (coordination.Coordinator, which they find with coordination.Find without
// importing this package) and the ownership of work.
type Coordinator interface {
	coordination.Coordinator
	// Owner returns the node that owns key under a work mode; ok is false
	// when no healthy node can own it.
	Owner(mode Mode, key string) (node string, ok bool)
	// Owns reports whether this node owns key under mode.
	Owns(mode Mode, key string) bool
}

// Member and its statuses are coordination's.
type (
	Member       = coordination.Member
	MemberStatus = coordination.MemberStatus
)

// Member statuses.
const (
	StatusActive   = coordination.StatusActive
	StatusDegraded = coordination.StatusDegraded
	StatusFailed   = coordination.StatusFailed
)

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
