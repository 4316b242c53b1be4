package chaosdashboardextension

import (
	"fmt"
	"os"
	"sync"
	"time"

	"go.opentelemetry.io/collector/component"
	"go.uber.org/zap"

	"github.com/otelcol-chaos/otelcol-chaos/extension/chaosdashboardextension/internal/api"
	"github.com/otelcol-chaos/otelcol-chaos/extension/chaosdashboardextension/internal/stream"
	"github.com/otelcol-chaos/otelcol-chaos/pkg/coordination"
)

// fleetWatcher reads the fleet from the coordinator extension, found
// through the host like every component finds it, for /api/v1/fleet, and
// streams a leadership message when the leader or the term changes. It
// polls: the coordinator's callbacks tell only this node's own gains and
// losses, not that another node took over.
type fleetWatcher struct {
	interval  time.Duration
	hub       *stream.Hub
	logger    *zap.Logger
	newTicker func(time.Duration) (<-chan time.Time, func())

	coord coordination.Coordinator // nil: standalone
	done  chan struct{}
	wg    sync.WaitGroup

	// last is the leader and term last streamed (poll goroutine only).
	lastLeader string
	lastTerm   uint64
}

func newFleetWatcher(interval time.Duration, hub *stream.Hub, logger *zap.Logger) *fleetWatcher {
	return &fleetWatcher{
		interval: interval,
		hub:      hub,
		logger:   logger,
		newTicker: func(d time.Duration) (<-chan time.Time, func()) {
			t := time.NewTicker(d)
			return t.C, t.Stop
		},
		done: make(chan struct{}),
	}
}

// start finds the coordinator: the one named by id (an error when it is
// missing: the user asked for it), else the only one, else none.
func (f *fleetWatcher) start(host component.Host, id *component.ID) error {
	coord, ok := coordination.Find(host.GetExtensions(), id)
	switch {
	case !ok && id != nil:
		return fmt.Errorf("chaos_dashboard: coordinator %q is not a configured coordinator extension (add it to service.extensions)", id.String())
	case !ok:
		f.logger.Debug("chaos_dashboard: no coordinator extension (or several and none named): the fleet shows this node alone")
		return nil
	}
	f.coord = coord
	f.lastLeader, f.lastTerm = coord.Leader(), coord.Term()
	c, stop := f.newTicker(f.interval)
	f.wg.Add(1)
	go func() {
		defer f.wg.Done()
		defer stop()
		for {
			select {
			case <-f.done:
				return
			case <-c:
				f.poll()
			}
		}
	}()
	return nil
}

// poll streams a leadership message when the leader or the term changed.
func (f *fleetWatcher) poll() {
	leader, term := f.coord.Leader(), f.coord.Term()
	if leader == f.lastLeader && term == f.lastTerm {
		return
	}
	f.lastLeader, f.lastTerm = leader, term
	f.hub.Publish(stream.Message{Type: stream.TypeLeadership, Data: leadershipData{Leader: leader, Term: term}})
}

type leadershipData struct {
	Leader string `json:"leader"`
	Term   uint64 `json:"term"`
}

// view is the fleet as /api/v1/fleet shows it.
func (f *fleetWatcher) view() api.Fleet {
	if f.coord == nil {
		self, _ := os.Hostname()
		return api.Fleet{Self: self, Leader: self, IsLeader: true, Standalone: true,
			Members: []api.Member{{ID: self, Status: string(coordination.StatusActive)}}}
	}
	members := f.coord.Members()
	out := api.Fleet{Self: f.coord.Self(), Leader: f.coord.Leader(), Term: f.coord.Term(),
		IsLeader: f.coord.IsLeader(), Members: make([]api.Member, 0, len(members))}
	for _, m := range members {
		out.Members = append(out.Members, api.Member{ID: m.ID, Status: string(m.Status), LastHeartbeat: m.LastHeartbeat})
	}
	return out
}

func (f *fleetWatcher) shutdown() error {
	select {
	case <-f.done:
	default:
		close(f.done)
	}
	f.wg.Wait()
	return nil
}
