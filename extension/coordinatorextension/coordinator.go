package coordinatorextension

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"time"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/extension"
	"go.opentelemetry.io/collector/extension/extensioncapabilities"
	"go.opentelemetry.io/otel/metric"
	"go.uber.org/zap"

	"github.com/otelcol-chaos/otelcol-chaos/extension/coordinatorextension/internal/metadata"
	"github.com/otelcol-chaos/otelcol-chaos/internal/httpserve"
	"github.com/otelcol-chaos/otelcol-chaos/internal/telemetryattr"
)

// coordinator is the extension: a backend drives the shared state, which
// the Coordinator interface, the status endpoint and telemetry read.
type coordinator struct {
	*state
	cfg *Config
	set extension.Settings
	now func() time.Time

	backend backend
	hb      heartbeatCounters
	// newKubeClient builds the Kubernetes client; tests replace it with
	// client-go's fake clientset (there is no API server here).
	newKubeClient kubeClientFunc

	server *httpserve.Server // the status endpoint, nil until Start
	tb     *metadata.TelemetryBuilder
}

var (
	_ Coordinator                           = (*coordinator)(nil)
	_ extension.Extension                   = (*coordinator)(nil)
	_ extensioncapabilities.PipelineWatcher = (*coordinator)(nil)
)

func newCoordinator(cfg *Config, set extension.Settings) (*coordinator, error) {
	self := cfg.NodeID
	if self == "" {
		host, err := os.Hostname()
		if err != nil {
			return nil, errors.New("node_id is empty and the host name is unknown: set node_id")
		}
		self = host
	}
	tb, err := metadata.NewTelemetryBuilder(set.TelemetrySettings)
	if err != nil {
		return nil, err
	}
	return &coordinator{state: newState(self, cfg.Priority), cfg: cfg, set: set, now: time.Now,
		newKubeClient: newKubeClient, tb: tb}, nil
}

// Start runs the backend and the status endpoint.
func (c *coordinator) Start(ctx context.Context, host component.Host) error {
	if err := c.registerTelemetry(); err != nil {
		return err
	}
	bs := &backendSettings{cfg: c.cfg, state: c.state, roster: newRoster(c.cfg), logger: c.set.Logger,
		now: c.now, hb: &c.hb}
	switch c.cfg.Backend {
	case BackendStandalone:
		// One node: always the leader, under term 1, always active.
		c.setMembers([]Member{{ID: c.self, Status: StatusActive, LastHeartbeat: c.now()}})
		c.setLeader(c.self, 1)
	case BackendEtcd:
		c.backend = newEtcdBackend(bs)
	case BackendKubernetes:
		client, err := c.newKubeClient(&c.cfg.Kubernetes)
		if err != nil {
			return err
		}
		c.backend = newKubernetesBackend(bs, client)
	default:
		return errors.New("unknown backend " + c.cfg.Backend)
	}
	if c.backend != nil {
		if err := c.backend.start(ctx); err != nil {
			return err
		}
	}
	if c.cfg.Status.Enabled {
		return c.startStatus(ctx, host)
	}
	return nil
}

// Ready is called once the pipelines are running: leadership callbacks
// fire from now on, so no component acts as leader before it can.
func (c *coordinator) Ready() error {
	c.markReady()
	return nil
}

// NotReady is called before receivers stop.
func (c *coordinator) NotReady() error {
	c.markNotReady()
	return nil
}

// Shutdown resigns (standalone: nothing to hand over) and stops the endpoint.
func (c *coordinator) Shutdown(ctx context.Context) error {
	errs := []error{c.server.Shutdown(ctx)}
	if c.backend != nil {
		errs = append(errs, c.backend.shutdown(ctx))
	}
	if c.tb != nil {
		c.tb.Shutdown()
	}
	c.stepDown()
	return errors.Join(errs...)
}

// statusBody is the JSON of the status endpoint.
type statusBody struct {
	Self     string   `json:"self"`
	Backend  string   `json:"backend"`
	Leader   string   `json:"leader"`
	IsLeader bool     `json:"is_leader"`
	Term     uint64   `json:"term"`
	Members  []Member `json:"members"`
}

func (c *coordinator) status() statusBody {
	members := c.Members()
	if members == nil {
		members = []Member{}
	}
	return statusBody{Self: c.self, Backend: c.cfg.Backend, Leader: c.Leader(), IsLeader: c.IsLeader(),
		Term: c.Term(), Members: members}
}

func (c *coordinator) startStatus(ctx context.Context, host component.Host) error {
	mux := http.NewServeMux()
	mux.HandleFunc(c.cfg.Status.Path, func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, `{"error":"method_not_allowed"}`, http.StatusMethodNotAllowed)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(c.status())
	})
	var err error
	if c.server, err = httpserve.Start(ctx, &c.cfg.Status.ServerConfig, host, c.set.TelemetrySettings, mux); err != nil {
		return err
	}
	c.set.Logger.Info("coordinator status endpoint listening", zap.String("endpoint", c.server.Addr().String()),
		zap.String("path", c.cfg.Status.Path), zap.String("self", c.self), zap.String("backend", c.cfg.Backend))
	return nil
}

// registerTelemetry observes the state: is leader, term, members by
// status, leadership changes, heartbeats (the instruments are
// internal/metadata's; Shutdown unregisters the callbacks).
func (c *coordinator) registerTelemetry() error {
	locked := func(f func() int64) metric.Int64Callback {
		return func(_ context.Context, o metric.Int64Observer) error {
			c.mu.Lock()
			v := f()
			c.mu.Unlock()
			o.Observe(v)
			return nil
		}
	}
	return errors.Join(
		c.tb.RegisterExtensionCoordinatorIsLeaderCallback(locked(func() int64 {
			if c.leader == c.self && c.term > 0 {
				return 1
			}
			return 0
		})),
		c.tb.RegisterExtensionCoordinatorTermCallback(locked(func() int64 { return int64(c.term) })),
		c.tb.RegisterExtensionCoordinatorLeaderChangesCallback(locked(func() int64 { return int64(c.changes) })),
		c.tb.RegisterExtensionCoordinatorHeartbeatsSentCallback(func(_ context.Context, o metric.Int64Observer) error {
			o.Observe(int64(c.hb.sent.Load()))
			return nil
		}),
		c.tb.RegisterExtensionCoordinatorHeartbeatsMissedCallback(func(_ context.Context, o metric.Int64Observer) error {
			o.Observe(int64(c.hb.missed.Load()))
			return nil
		}),
		c.tb.RegisterExtensionCoordinatorMembersCallback(func(_ context.Context, o metric.Int64Observer) error {
			c.mu.Lock()
			byStatus := map[MemberStatus]int64{StatusActive: 0, StatusDegraded: 0, StatusFailed: 0}
			for _, m := range c.members {
				byStatus[m.Status]++
			}
			c.mu.Unlock()
			for _, st := range []MemberStatus{StatusActive, StatusDegraded, StatusFailed} {
				o.Observe(byStatus[st], telemetryattr.Option("status", string(st)))
			}
			return nil
		}),
	)
}
