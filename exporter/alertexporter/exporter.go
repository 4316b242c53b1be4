package alertexporter

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/exporter"
	"go.opentelemetry.io/collector/extension/xextension/storage"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.uber.org/zap"

	"github.com/otelcol-chaos/otelcol-chaos/exporter/alertexporter/internal/checkpointv1"
	"github.com/otelcol-chaos/otelcol-chaos/exporter/alertexporter/internal/dispatch"
	"github.com/otelcol-chaos/otelcol-chaos/exporter/alertexporter/internal/notify"
	"github.com/otelcol-chaos/otelcol-chaos/exporter/alertexporter/internal/rules"
	"github.com/otelcol-chaos/otelcol-chaos/internal/checkpoint"
	"github.com/otelcol-chaos/otelcol-chaos/internal/httpserve"
	"github.com/otelcol-chaos/otelcol-chaos/pkg/coordination"
	"github.com/otelcol-chaos/otelcol-chaos/pkg/dashboard"
)

// alertExporter is the collector component around the engine: it owns
// the handlers and their delivery, the evaluation loop, the coordinator
// gate and the checkpoint.
type alertExporter struct {
	cfg *Config
	set exporter.Settings
	eng *engine
	tel *telemetry

	deliverer  *notify.Deliverer
	store      storage.Client
	unregister func()

	apiServer *httpserve.Server // nil unless the API is enabled and started

	wake chan struct{}
	stop chan struct{}
	wg   sync.WaitGroup
}

// checkpointKey is the storage key of the exporter's state.
const checkpointKey = "alert_exporter_state"

func newAlertExporter(cfg *Config, set exporter.Settings) (*alertExporter, error) {
	compiled, err := rules.Compile(cfg.Rules)
	if err != nil {
		return nil, err
	}
	handlers := make([]dispatch.Handler, 0, len(cfg.Handlers))
	for _, h := range cfg.Handlers {
		repeat := h.ResendInterval
		if repeat == 0 && h.Alertmanager != nil {
			repeat = time.Minute // within Alertmanager's default resolve_timeout (5m)
		}
		// A resolved alert never aborts: the abort handler is not told of them.
		handlers = append(handlers, dispatch.Handler{Name: h.Name, SendResolved: h.sendResolved() && h.Abort == nil, Repeat: repeat})
	}
	eng := newEngine(cfg, compiled, handlers, set.Logger)
	return &alertExporter{cfg: cfg, set: set, eng: eng, wake: make(chan struct{}, 1), stop: make(chan struct{})}, nil
}

func (x *alertExporter) start(ctx context.Context, host component.Host) error {
	// The dashboard first: a missing one fails Start before anything runs.
	dash, err := dashboard.Lookup(host.GetExtensions(), x.cfg.Dashboard)
	switch {
	case errors.Is(err, dashboard.ErrAmbiguous):
		x.set.Logger.Warn("alert exporter publishes to no dashboard", zap.Error(err))
	case err != nil:
		return err
	}
	x.eng.dash = dash
	names := make([]string, len(x.cfg.Handlers))
	for i := range x.cfg.Handlers {
		names[i] = x.cfg.Handlers[i].Name
	}
	tel, err := newTelemetry(x.set.TelemetrySettings, names)
	if err != nil {
		return err
	}
	x.tel = tel
	x.eng.onEval = tel.evaluated

	handlers, err := x.buildHandlers(ctx, host)
	if err != nil {
		return err
	}
	aborts := map[string]*notify.AbortHandler{}
	var abortTargets []string
	for i, h := range handlers {
		if ah, ok := h.(*notify.AbortHandler); ok {
			aborts[ah.Name()] = ah
			abortTargets = append(abortTargets, x.cfg.Handlers[i].Abort.Target.Kind())
		}
	}
	tel.startAborts(abortTargets)
	onResult := tel.delivered
	if len(aborts) > 0 {
		// The abort handlers count and log the targets given up on.
		onResult = func(handler string, n *notify.Notification, err error, attempts int) {
			tel.delivered(handler, n, err, attempts)
			if ah := aborts[handler]; ah != nil {
				ah.Result(n, err, attempts)
			}
		}
	}
	x.deliverer, err = notify.NewDeliverer(handlers, notify.DelivererSettings{Config: x.cfg.Delivery,
		OnResult: onResult, Logger: x.set.Logger})
	if err != nil {
		for _, h := range handlers {
			if c, ok := h.(interface{ Close() error }); ok {
				_ = c.Close()
			}
		}
		return err
	}
	x.eng.send = func(n *notify.Notification) bool {
		ok := x.deliverer.Enqueue(n)
		if !ok {
			tel.dropped(n.Receiver)
		}
		return ok
	}

	if err := x.joinCoordinator(host); err != nil {
		return err
	}
	if x.cfg.Storage != nil {
		if x.store, err = checkpoint.Open(ctx, host, *x.cfg.Storage, component.KindExporter, x.set.ID); err != nil {
			return err
		}
		if err := x.restore(ctx); err != nil {
			return err
		}
	}
	x.wg.Add(1)
	go x.loop()
	return x.startAPI(ctx, host)
}

func (x *alertExporter) buildHandlers(ctx context.Context, host component.Host) ([]notify.Handler, error) {
	var out []notify.Handler
	var errs []error
	ts := x.set.TelemetrySettings
	for i := range x.cfg.Handlers {
		h := &x.cfg.Handlers[i]
		var hd notify.Handler
		var err error
		switch {
		case h.Log != nil:
			hd, err = notify.NewLogHandler(h.Name, h.Log, x.set.Logger.Named("alerts"))
		case h.Webhook != nil:
			hd, err = notify.NewWebhookHandler(ctx, h.Name, h.Webhook, host, ts)
		case h.Slack != nil:
			hd, err = notify.NewSlackHandler(ctx, h.Name, h.Slack, host, ts)
		case h.PagerDuty != nil:
			hd, err = notify.NewPagerDutyHandler(ctx, h.Name, h.PagerDuty, host, ts)
		case h.Alertmanager != nil:
			hd, err = notify.NewAlertmanagerHandler(ctx, h.Name, h.Alertmanager, host, ts)
		case h.Abort != nil:
			// Like every handler, it is called only on the leader when a
			// coordinator is configured (engine.deliver): one collector of
			// a fleet stops the chaos.
			hd, err = notify.NewAbortHandler(ctx, h.Name, h.Abort, host, ts, notify.AbortSettings{
				ExperimentLabel: rules.LabelExperiment,
				Logger:          x.set.Logger.Named("abort"),
				OnAbort: func(r notify.AbortRecord) {
					x.tel.aborted(r)
					x.eng.aborts.add(r)
				},
			})
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("handler %q: %w", h.Name, err))
			continue
		}
		out = append(out, hd)
	}
	return out, errors.Join(errs...)
}

// joinCoordinator gates notifications on leadership when a coordinator
// extension is there: the one named, or the only one configured.
func (x *alertExporter) joinCoordinator(host component.Host) error {
	coord, ok := coordination.Find(host.GetExtensions(), x.cfg.Coordinator)
	if !ok {
		if x.cfg.Coordinator != nil {
			return fmt.Errorf("coordinator %q: no such coordinator extension; add it under extensions and service::extensions", x.cfg.Coordinator)
		}
		x.set.Logger.Info("alert exporter notifies on its own (no coordinator extension)")
		return nil
	}
	x.eng.self = coord.Self()
	x.eng.gate = coordinatorGate{coord}
	x.unregister = coord.RegisterCallbacks(func(term uint64) {
		x.eng.gained(term)
	}, nil)
	return nil
}

// coordinatorGate adapts the Coordinator interface to the engine's gate.
type coordinatorGate struct {
	c coordination.Coordinator
}

func (g coordinatorGate) Leading() (bool, uint64) { return g.c.IsLeader(), g.c.Term() }
func (g coordinatorGate) Leader() string          { return g.c.Leader() }
func (g coordinatorGate) LastHeartbeat(id string) (time.Time, bool) {
	for _, m := range g.c.Members() {
		if m.ID == id {
			return m.LastHeartbeat, true
		}
	}
	return time.Time{}, false
}

func (x *alertExporter) consume(_ context.Context, ld plog.Logs) error {
	if bad := x.eng.ingest(ld); bad > 0 {
		x.tel.badRecords(bad)
	}
	select {
	case x.wake <- struct{}{}:
	default:
	}
	return nil
}

// loop evaluates every evaluation_interval and flushes each group when it
// is due (group_wait after its first alert, then every group_interval).
func (x *alertExporter) loop() {
	defer x.wg.Done()
	nextEval := time.Now().Add(x.cfg.EvaluationInterval)
	timer := time.NewTimer(time.Until(nextEval))
	defer timer.Stop()
	for {
		select {
		case <-x.stop:
			return
		case <-x.wake:
		case <-timer.C:
		}
		now := time.Now()
		if !now.Before(nextEval) {
			nextEval = now.Add(x.cfg.EvaluationInterval)
		}
		x.eng.tick()
		x.saveIfChanged()
		wakeAt := nextEval
		if f := x.eng.nextWake(); !f.IsZero() && f.Before(wakeAt) {
			wakeAt = f
		}
		timer.Reset(max(time.Until(wakeAt), time.Millisecond))
	}
}

func (x *alertExporter) shutdown(ctx context.Context) error {
	if x.unregister != nil {
		x.unregister()
	}
	errs := []error{x.apiServer.Shutdown(ctx)}
	close(x.stop)
	x.wg.Wait()
	var undelivered []*notify.Notification
	if x.deliverer != nil {
		x.drain(ctx)
		var err error
		undelivered, err = x.deliverer.Shutdown(ctx)
		errs = append(errs, err)
	}
	if x.store != nil {
		errs = append(errs, x.save(ctx, undelivered), x.store.Close(ctx))
	} else if len(undelivered) > 0 {
		x.set.Logger.Warn("alert notifications not delivered at shutdown (configure storage to keep them)",
			zap.Int("notifications", len(undelivered)))
	}
	if x.tel != nil {
		errs = append(errs, x.tel.shutdown())
	}
	return errors.Join(errs...)
}

// drain gives queued notifications up to drain_timeout (or the shutdown
// deadline) to go out before delivery stops: a leader shut down gracefully
// sends what it owes rather than leave it to a checkpoint or a follower.
func (x *alertExporter) drain(ctx context.Context) {
	if x.cfg.DrainTimeout <= 0 {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, x.cfg.DrainTimeout)
	defer cancel()
	t := time.NewTicker(10 * time.Millisecond)
	defer t.Stop()
	for {
		busy := false
		for _, st := range x.deliverer.Stats() {
			busy = busy || st.Queued > 0 || st.InFlight
		}
		if !busy {
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// The checkpoint is the engine's state and the notifications delivery had
// not done, stored as internal/checkpointv1's schema (JSON, version 1).

func (x *alertExporter) saveIfChanged() {
	if x.store == nil || !x.eng.changedSinceSnapshot() {
		return
	}
	if err := x.save(context.Background(), nil); err != nil {
		x.set.Logger.Warn("alert exporter checkpoint failed", zap.Error(err))
	}
}

func (x *alertExporter) save(ctx context.Context, undelivered []*notify.Notification) error {
	st, _ := x.eng.snapshot()
	body, err := encodeCheckpoint(st, undelivered)
	if err != nil {
		return err
	}
	return x.store.Set(ctx, checkpointKey, body)
}

// encodeCheckpoint is the stored form of the engine's state and the
// notifications not delivered.
func encodeCheckpoint(st engineState, undelivered []*notify.Notification) ([]byte, error) {
	return checkpointv1.Marshal(checkpointv1.State{Store: st.Store, Alerts: st.Alerts, Groups: st.Groups,
		LastEval: st.LastEval, Undelivered: undelivered})
}

// restore loads the checkpoint of a previous run, if any. One of another
// format version, or that cannot be read as version 1, is logged and left:
// the exporter starts fresh rather than misread it.
func (x *alertExporter) restore(ctx context.Context) error {
	body, err := x.store.Get(ctx, checkpointKey)
	if err != nil || body == nil {
		return err
	}
	cp, err := checkpointv1.Unmarshal(body)
	if err != nil {
		checkpoint.Refused(x.set.Logger, "alert exporter", checkpointv1.Version, err)
		return nil
	}
	// Notifications not delivered before the restart go out now (or, on a
	// follower, wait to be owed at a takeover).
	x.eng.restore(engineState{Store: cp.Store, Alerts: cp.Alerts, Groups: cp.Groups, LastEval: cp.LastEval}, cp.Undelivered)
	x.set.Logger.Info("alert exporter state restored", zap.Int("alerts", len(cp.Alerts)),
		zap.Int("groups", len(cp.Groups)), zap.Int("undelivered", len(cp.Undelivered)))
	return nil
}
