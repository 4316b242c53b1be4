package coordinatorextension

import (
	"context"
	"sync/atomic"
	"time"

	"go.uber.org/zap"
)

// backend elects the leader and publishes this node's heartbeats; it
// drives the shared state (setLeader, stepDown, setMembers) from its own
// goroutines, all of which stop in shutdown.
type backend interface {
	// start connects and begins campaigning and heartbeating. It returns
	// once the loops run; it fails only on configuration that cannot work.
	start(ctx context.Context) error
	// shutdown resigns leadership (so a follower takes over at once),
	// withdraws this node's membership and stops every goroutine.
	shutdown(ctx context.Context) error
}

// backendSettings is what every backend is given.
type backendSettings struct {
	cfg    *Config
	state  *state
	roster *roster
	logger *zap.Logger
	now    func() time.Time
	hb     *heartbeatCounters
}

// heartbeatCounters count this node's own heartbeats, for telemetry.
type heartbeatCounters struct {
	sent   atomic.Uint64 // published
	missed atomic.Uint64 // failed or timed out
}

// publishMembers pushes the roster's view into the shared state.
func (b *backendSettings) publishMembers() {
	b.state.setMembers(b.roster.members(b.now()))
}
