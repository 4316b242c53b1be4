package alertexporter

import (
	"cmp"
	"slices"
	"sync"
	"time"

	"go.opentelemetry.io/collector/pdata/plog"
	"go.uber.org/zap"

	"github.com/otelcol-chaos/otelcol-chaos/exporter/alertexporter/internal/dispatch"
	"github.com/otelcol-chaos/otelcol-chaos/exporter/alertexporter/internal/lifecycle"
	"github.com/otelcol-chaos/otelcol-chaos/exporter/alertexporter/internal/notify"
	"github.com/otelcol-chaos/otelcol-chaos/exporter/alertexporter/internal/rules"
	"github.com/otelcol-chaos/otelcol-chaos/internal/chaosconv"
	"github.com/otelcol-chaos/otelcol-chaos/pkg/dashboard"
)

// engine is the exporter without the collector around it: records in,
// rules evaluated in event time, alerts through their lifecycle, groups
// timed on the wall clock, notifications out through send. Every method
// is safe for concurrent use.
type engine struct {
	cfg    *Config
	logger *zap.Logger
	now    func() time.Time
	// gate tells whether this node notifies; nil means no coordinator:
	// always, under term 0.
	gate   gate
	self   string
	send   func(*notify.Notification) bool
	onEval func(d time.Duration, counts map[lifecycle.State]int)
	// dash is told every transition the lifecycle makes; nil without a
	// dashboard (then it costs a nil check). Set before the engine runs.
	dash dashboard.Publisher
	// aborts is what the abort handlers did, for the alerts API (its own
	// lock: handlers report from their delivery goroutines).
	aborts *abortLog

	mu          sync.Mutex
	lastArrival time.Time // wall time data last arrived (or the start)
	store       *rules.Store
	eval        *rules.Evaluator
	life        *lifecycle.Manager
	disp        *dispatch.Dispatcher
	lastEval    int64             // event time of the last evaluation
	conds       []rules.Condition // reused between evaluations
	owed        []owed            // followers: notifications the leader owed, for a takeover
	changed     bool              // state changed since the last checkpoint
	// width is the bucket width the rules read: bucket_width, or, when
	// that is 0, the finest width the records have carried so far.
	width time.Duration
}

// gate is what the engine needs of the coordinator.
type gate interface {
	// Leading reports whether this node leads, and the fencing term.
	Leading() (bool, uint64)
	// Leader is the current leader ("" when unknown).
	Leader() string
	// LastHeartbeat is when this node last heard from member id.
	LastHeartbeat(id string) (time.Time, bool)
}

// owed is a notification a follower saw due, and which node led then.
type owed struct {
	at     time.Time
	leader string
	n      *notify.Notification
}

func newEngine(cfg *Config, compiled []*rules.Rule, handlers []dispatch.Handler, logger *zap.Logger) *engine {
	eval := rules.NewEvaluator(compiled)
	eval.SetLogger(logger)
	return &engine{cfg: cfg, logger: logger, now: time.Now,
		store: rules.NewStore(compiled), eval: eval,
		life: lifecycle.NewManager(compiled, cfg.ResolvedRetention, cfg.HistorySize),
		disp: dispatch.New(cfg.Route, handlers), aborts: newAbortLog(cfg.HistorySize)}
}

// item is one decoded record the rules read, at its event time (the end
// of the bucket it is about).
type item struct {
	at      int64
	key     rules.SeriesKey
	width   time.Duration // of the bucket the record is or is about
	point   rules.Point
	anomaly *chaosconv.Anomaly
	health  *chaosconv.Health
}

// ingest reads the records the rules use (buckets of the width read,
// anomalies, health), stores them in event-time order and evaluates at
// every new bucket end as it goes, so a replay walks through event time as
// a live run does, however many minutes one batch holds. Records at or
// before the last evaluation are stored (and count from the next one) but
// do not rewind it.
func (e *engine) ingest(ld plog.Logs) (bad int) {
	var items []item
	var starts []rules.StartMarker
	var b chaosconv.Bucket
	var ev chaosconv.Event
	impactCfg := chaosconv.DefaultImpactConfig()
	// Set once at construction: whether a steady_state rule reads starts.
	wantStarts := e.store.WantsMarkers()
	for _, rl := range ld.ResourceLogs().All() {
		for _, sl := range rl.ScopeLogs().All() {
			for _, lr := range sl.LogRecords().All() {
				switch lr.EventName() {
				case chaosconv.RecordEvent:
					if !wantStarts {
						continue
					}
					m, ok, err := startOf(rl, lr, &ev)
					if err != nil {
						bad++
						continue
					}
					if ok {
						starts = append(starts, m)
					}
				case chaosconv.RecordBucket:
					if err := chaosconv.DecodeBucket(lr, &b); err != nil {
						bad++
						continue
					}
					// The producer's impact (under its latency budget);
					// computed here under the contract's defaults only if absent.
					var im chaosconv.Impact
					if sev, deg, ok := chaosconv.RecordedImpact(lr); ok {
						im.Severity, im.DegradationPct = sev, deg
					} else {
						im = b.Impact(&impactCfg)
					}
					items = append(items, item{at: b.EndUnixNano(), width: b.Width,
						key: rules.SeriesKey{Scope: b.Scope, Key: b.Key}, point: rules.PointOf(&b, &im)})
				case chaosconv.RecordAnomaly:
					a := &chaosconv.Anomaly{}
					if err := chaosconv.DecodeAnomaly(lr, a); err != nil {
						bad++
						continue
					}
					// Analysis records name their bucket by its start.
					items = append(items, item{at: a.AtUnixNano, width: a.Width, anomaly: a})
				case chaosconv.RecordHealth:
					h := &chaosconv.Health{}
					if err := chaosconv.DecodeHealth(lr, h); err != nil {
						bad++
						continue
					}
					items = append(items, item{at: h.AtUnixNano, width: h.Width, health: h})
				}
			}
		}
	}
	if len(items) == 0 && len(starts) == 0 {
		return bad
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	// Starts are stored as they come, not evaluated at: a rule reads the
	// newest start at or before its evaluation time, so the order they
	// arrive in among the buckets does not matter.
	for _, m := range starts {
		e.store.AddStart(m)
	}
	if len(items) == 0 {
		return bad
	}
	items = e.placeLocked(items)
	slices.SortStableFunc(items, func(a, b item) int { return cmp.Compare(a.at, b.at) })
	e.lastArrival = e.now()
	for i := 0; i < len(items); {
		at := items[i].at
		for ; i < len(items) && items[i].at == at; i++ {
			switch it := &items[i]; {
			case it.anomaly != nil:
				e.store.AddAnomaly(it.anomaly)
			case it.health != nil:
				e.store.AddHealth(it.health)
			default:
				e.store.AddBucket(it.key, it.point)
			}
		}
		// The same time again is evaluated again: anomalies about a
		// bucket may come in a later batch than the bucket itself.
		if at >= e.lastEval {
			e.evaluateLocked(at)
		}
	}
	return bad
}

// tick moves evaluation on by the wall clock once data has stopped for
// data_delay — to now − data_delay, so that conditions on stale data
// resolve and absent-data rules see the silence — and sends the
// notifications due now. While data flows, evaluation follows it alone.
// placeLocked keeps the buckets of the width read and dates analysis
// records at the end of their bucket. With bucket_width 0 the width read is
// the finest carried so far: a finer one replaces it, and the buckets
// stored at the coarser width are dropped (a window must not count the
// same events at two widths).
func (e *engine) placeLocked(items []item) []item {
	if e.cfg.BucketWidth > 0 {
		e.width = e.cfg.BucketWidth
	} else {
		finest := e.width
		for i := range items {
			if w := items[i].width; items[i].anomaly == nil && items[i].health == nil && w > 0 && (finest == 0 || w < finest) {
				finest = w
			}
		}
		if finest != e.width {
			if e.width != 0 {
				e.store.DropBuckets()
				e.logger.Info("alert exporter reads a finer bucket width; buckets of the coarser one dropped",
					zap.Duration("width", finest), zap.Duration("was", e.width))
			}
			e.width = finest
		}
	}
	kept := items[:0]
	for _, it := range items {
		switch {
		case it.anomaly != nil || it.health != nil:
			w := it.width
			if w == 0 { // not recorded (an older producer): the width read
				w = e.width
			}
			it.at += int64(w)
		case it.width != e.width:
			continue
		}
		kept = append(kept, it)
	}
	return kept
}

func (e *engine) tick() {
	e.mu.Lock()
	now := e.now()
	at := e.lastEval
	if e.lastArrival.IsZero() {
		e.lastArrival = now // the start counts as an arrival
	}
	if now.Sub(e.lastArrival) >= e.cfg.DataDelay {
		at = max(e.store.Latest(), now.Add(-e.cfg.DataDelay).UnixNano())
	}
	if at > e.lastEval {
		e.evaluateLocked(at)
	}
	due := e.disp.Due(now)
	if len(due) > 0 {
		e.changed = true
	}
	e.mu.Unlock()
	e.deliver(due, now)
}

func (e *engine) evaluateLocked(at int64) {
	start := time.Now()
	e.conds = e.eval.Evaluate(e.store, at, e.conds[:0])
	transitions := e.life.Update(e.conds, at)
	e.lastEval = at
	// Dispatch sees firing alerts at every evaluation (annotations follow
	// the value) and resolved ones once, when they resolve.
	var view []notify.Alert
	for _, a := range e.life.Alerts() {
		if a.State == lifecycle.StateFiring {
			view = append(view, e.notifyAlert(&a))
		}
	}
	for _, t := range transitions {
		if t.To == lifecycle.StateResolved {
			for _, a := range e.life.Alerts() {
				if a.Fingerprint == t.Fingerprint {
					view = append(view, e.notifyAlert(&a))
				}
			}
		}
		e.logger.Debug("alert transition", zap.String("rule", t.Rule), zap.String("fingerprint", t.Fingerprint),
			zap.String("from", string(t.From)), zap.String("to", string(t.To)), zap.Float64("value", t.Value))
		e.publishLocked(&t)
	}
	e.disp.Update(view, e.now())
	e.store.Forget(at - 4*int64(max(e.cfg.ResolvedRetention, time.Hour)))
	if len(transitions) > 0 {
		e.changed = true
	}
	if e.onEval != nil {
		e.onEval(time.Since(start), e.life.Counts())
	}
}

// publishLocked tells the dashboard of a transition, at the wall time the
// engine's clock says (t.At is the event time of the evaluation). It is
// called under mu, at the transition, so the dashboard sees an alert's
// transitions in the order they were made even when an ingest and a tick
// evaluate in turn; the dashboard returns promptly. Every node evaluates
// (a follower keeps the leader's state), so a follower publishes the
// transitions its own engine makes, though only the leader notifies. The
// maps are the alert's: the rules make new ones at every evaluation and
// nothing changes them afterwards.
func (e *engine) publishLocked(t *lifecycle.Transition) {
	if e.dash == nil {
		return
	}
	e.dash.PublishAlert(dashboard.AlertTransition{AtUnixNano: e.now().UnixNano(), Fingerprint: t.Fingerprint,
		Rule: t.Rule, Labels: t.Labels, Annotations: t.Annotations, From: string(t.From), To: string(t.To), Value: t.Value})
}

// notifyAlert is the alert as handlers see it. Its times are event times,
// but never later than the wall clock: a receiver (Alertmanager) must not
// see an alert start, or end, in its future.
func (e *engine) notifyAlert(a *lifecycle.Alert) notify.Alert {
	now := e.now().UTC()
	n := notify.Alert{Fingerprint: a.Fingerprint, Labels: a.Labels, Annotations: a.Annotations,
		StartsAt: minTime(time.Unix(0, a.ActiveAt).UTC(), now), GeneratorURL: e.cfg.ExternalURL}
	if a.State == lifecycle.StateResolved {
		n.EndsAt = minTime(time.Unix(0, a.ResolvedAt).UTC(), now)
	}
	return n
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// deliver sends what is due when this node leads, stamped with the
// fencing term; a follower keeps it as owed for a takeover.
func (e *engine) deliver(due []*notify.Notification, now time.Time) {
	if len(due) == 0 {
		return
	}
	leading, term := true, uint64(0)
	if e.gate != nil {
		leading, term = e.gate.Leading()
	}
	if !leading {
		leader := e.gate.Leader()
		e.mu.Lock()
		for _, n := range due {
			e.owed = append(e.owed, owed{at: now, leader: leader, n: n})
		}
		e.trimOwedLocked(now)
		e.mu.Unlock()
		return
	}
	for _, n := range due {
		n.Term, n.Sender, n.ExternalURL = term, e.self, e.cfg.ExternalURL
		if !e.send(n) {
			e.logger.Warn("alert notification dropped: the handler's queue is full", zap.String("handler", n.Receiver),
				zap.String("group", n.GroupKey))
		}
	}
}

func (e *engine) trimOwedLocked(now time.Time) {
	i := 0
	for i < len(e.owed) && now.Sub(e.owed[i].at) > e.cfg.TakeoverResend {
		i++
	}
	e.owed = slices.Delete(e.owed, 0, i)
}

// gained is called when this node becomes leader. Followers keep the
// same state as the leader and mark what falls due as told; what fell due
// within takeover_resend is re-sent unless the leader of the time was
// heard from after it fell due (it was alive to send it). So a leader
// that dies before sending loses nothing, and a graceful hand-over
// repeats nothing.
func (e *engine) gained(term uint64) {
	e.mu.Lock()
	now := e.now()
	e.trimOwedLocked(now)
	resend := make([]*notify.Notification, 0, len(e.owed))
	for _, o := range e.owed {
		if o.leader != "" && e.gate != nil {
			if hb, ok := e.gate.LastHeartbeat(o.leader); ok && hb.After(o.at) {
				continue
			}
		}
		resend = append(resend, o.n)
	}
	e.owed = nil
	e.mu.Unlock()
	if len(resend) > 0 {
		e.logger.Info("alert exporter took over: sending what the previous leader may not have",
			zap.Uint64("term", term), zap.Int("notifications", len(resend)))
	}
	e.deliver(resend, now)
}

// nextWake is when the dispatcher next has a group due (zero: none).
func (e *engine) nextWake() time.Time {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.disp.NextFlush()
}

// alerts returns the current alerts and the newest history entries.
func (e *engine) alerts(historyLimit int) ([]lifecycle.Alert, []lifecycle.Transition) {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.life.Alerts(), e.life.History().Newest(historyLimit, nil)
}

// engineState is what a checkpoint keeps of the engine: what the rules
// read, the alerts, the groups with what each handler was told, and the
// event time of the last evaluation. Its values are copies, the engine's
// own types; the stored form is the checkpoint schema's (exporter.go).
type engineState struct {
	Store    rules.StoreSnapshot
	Alerts   []lifecycle.Alert
	Groups   []*dispatch.Group
	LastEval int64
}

// snapshot returns a copy of the state, and whether it changed since the
// previous snapshot; it is then counted as saved.
func (e *engine) snapshot() (engineState, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	st := engineState{Store: e.store.Snapshot(), Alerts: e.life.Alerts(), Groups: e.disp.Groups(), LastEval: e.lastEval}
	changed := e.changed
	e.changed = false
	return st, changed
}

// changedSinceSnapshot reports whether the state changed since the last
// snapshot, without copying it.
func (e *engine) changedSinceSnapshot() bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.changed
}

// restore replaces the state with a checkpoint's, then delivers the
// notifications that were not delivered before the restart (a follower
// keeps them as owed, for a takeover).
func (e *engine) restore(st engineState, undelivered []*notify.Notification) {
	e.mu.Lock()
	e.store.Restore(st.Store)
	e.life.Restore(st.Alerts)
	e.disp.Restore(st.Groups)
	e.lastEval = st.LastEval
	e.mu.Unlock()
	e.deliver(undelivered, e.now())
}
