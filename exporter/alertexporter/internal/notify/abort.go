package notify // import "github.com/otelcol-chaos/otelcol-chaos/exporter/alertexporter/internal/notify"

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	"go.opentelemetry.io/collector/component"
	"go.uber.org/zap"

	"github.com/otelcol-chaos/otelcol-chaos/exporter/alertexporter/config"
)

// AbortConfig is the abort handler's configuration.
type AbortConfig = config.AbortConfig

// Abort target kinds (the "target" attribute of the aborts counter).
const (
	AbortTargetMockForge = "mockforge"
	AbortTargetChaosMesh = "chaos_mesh"
	AbortTargetLitmus    = "litmus"
	AbortTargetHTTP      = "http"
)

// Abort outcomes (the "outcome" attribute of the aborts counter).
const (
	// AbortStopped: the target's stop call succeeded.
	AbortStopped = "stopped"
	// AbortAlreadyStopped: the target was stopped for this experiment
	// before (within once_per, or by the alert still firing), or the chaos
	// tool reports it stopped already (Chaos Mesh paused, Litmus stop):
	// nothing was sent, or only a read.
	AbortAlreadyStopped = "already_stopped"
	// AbortDryRun: dry_run is set; what would have been sent was logged.
	AbortDryRun = "dry_run"
	// AbortFailed: the stop call was given up on (permanent error or
	// retries exhausted): the chaos may still be running.
	AbortFailed = "failed"
)

// maxAbortRecords bounds the targets remembered for idempotency.
const maxAbortRecords = 1024

// AbortRecord is one abort decision, reported to AbortSettings.OnAbort.
type AbortRecord struct {
	Handler     string
	Target      string // target kind: mockforge, chaos_mesh, litmus, http
	TargetRef   string // the resolved target, e.g. "PodChaos chaos/pod-kill"
	Experiment  string // the alerts' experiment label ("" when absent)
	Rule        string // the alertname that triggered it
	Fingerprint string // the triggering alert's fingerprint
	Outcome     string // stopped, already_stopped, dry_run, failed
	DryRun      bool
	At          time.Time
	Err         error // the last error, for failed
}

// AbortSettings are the abort handler's collaborators.
type AbortSettings struct {
	// ExperimentLabel is the alert label naming the experiment (the
	// steady_state rule's). Alerts of one experiment stop a target once.
	ExperimentLabel string
	// Logger logs dry runs (info), stops (info) and give-ups (error).
	Logger *zap.Logger
	// Now is the clock of once_per and of the aborted events. Optional.
	Now func() time.Time
	// OnAbort is told every outcome (for telemetry and history). Optional.
	OnAbort func(AbortRecord)
	// NewKubeClient builds the Kubernetes client of the chaos_mesh and
	// litmus targets. Optional: client-go from the target's auth settings.
	NewKubeClient KubeClientFunc
}

// AbortHandler stops the chaos when one of its rules fires: the guardrail.
// It acts on the firing alerts of its rules only; a notification without
// any is delivered as a no-op, and resolved alerts never abort.
//
// Each such alert resolves the target (templates see the notification
// narrowed to that alert, so .CommonLabels are its labels); alerts that
// resolve to the same target and experiment are one abort. A target stopped
// for an experiment is not stopped again while the alert that stopped it
// stays firing (same fingerprint and start), nor for that experiment within
// once_per. Notify makes one attempt at each target not yet stopped and
// reports a classified error for the Deliverer to retry; Result, called with
// the Deliverer's final outcome, counts the targets given up on.
type AbortHandler struct {
	name     string
	cfg      AbortConfig
	set      AbortSettings
	rules    map[string]bool
	target   abortTarget
	feedback *abortFeedback // nil when disabled

	mu   sync.Mutex
	done map[string]*abortDone
	// lastN and lastDone: the targets this very notification stopped, so a
	// retry of it (the same pointer) skips them silently instead of
	// counting them already_stopped.
	lastN    *Notification
	lastDone map[string]bool
}

// abortDone is a target stopped (or dry-run) for an experiment.
type abortDone struct {
	at          time.Time
	activations map[string]bool // fingerprint@start of alerts it covers
}

var _ Handler = (*AbortHandler)(nil)

// NewAbortHandler builds the handler, its target's client and the feedback
// client.
func NewAbortHandler(ctx context.Context, name string, cfg *AbortConfig, host component.Host, ts component.TelemetrySettings, set AbortSettings) (*AbortHandler, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if set.Logger == nil {
		set.Logger = zap.NewNop()
	}
	if set.Now == nil {
		set.Now = time.Now
	}
	if set.OnAbort == nil {
		set.OnAbort = func(AbortRecord) {}
	}
	if set.NewKubeClient == nil {
		set.NewKubeClient = NewKubeClient
	}
	h := &AbortHandler{name: name, cfg: *cfg, set: set, rules: map[string]bool{}, done: map[string]*abortDone{}}
	for _, r := range cfg.Rules {
		h.rules[r] = true
	}
	t, err := newAbortTarget(ctx, &h.cfg.Target, host, ts, set.NewKubeClient)
	if err != nil {
		return nil, err
	}
	h.target = t
	if h.cfg.Feedback.ClientConfig.Endpoint != "" {
		fb, err := newAbortFeedback(ctx, &h.cfg.Feedback, host, ts)
		if err != nil {
			t.close()
			return nil, fmt.Errorf("feedback: %w", err)
		}
		h.feedback = fb
	}
	return h, nil
}

// Name returns the handler's name.
func (h *AbortHandler) Name() string { return h.name }

// Close releases the clients' idle connections.
func (h *AbortHandler) Close() error {
	h.target.close()
	if h.feedback != nil {
		h.feedback.sender.close()
	}
	return nil
}

// abortGroup is the alerts of one notification that resolve to one target
// and experiment: one abort.
type abortGroup struct {
	key        string // identity + experiment
	plan       *abortPlan
	experiment string
	alerts     []Alert
}

// groups resolves the target of each firing alert of the handler's rules.
func (h *AbortHandler) groups(n *Notification) ([]*abortGroup, error) {
	var out []*abortGroup
	byKey := map[string]*abortGroup{}
	var errs []error
	for _, a := range n.Alerts {
		if a.Resolved() || !h.rules[a.Labels[LabelAlertName]] {
			continue
		}
		plan, err := h.target.plan(n.WithAlerts([]Alert{a}))
		if err != nil {
			errs = append(errs, fmt.Errorf("alert %s (%s): %w", a.Labels[LabelAlertName], a.Fingerprint, err))
			continue
		}
		exp := a.Labels[h.set.ExperimentLabel]
		key := plan.identity + "\x00" + exp
		g := byKey[key]
		if g == nil {
			g = &abortGroup{key: key, plan: plan, experiment: exp}
			byKey[key] = g
			out = append(out, g)
		}
		g.alerts = append(g.alerts, a)
	}
	return out, errors.Join(errs...)
}

func activation(a *Alert) string {
	return a.Fingerprint + "@" + strconv.FormatInt(a.StartsAt.UnixNano(), 10)
}

// Notify stops each target its firing alerts resolve to, once.
func (h *AbortHandler) Notify(ctx context.Context, n *Notification) error {
	groups, planErr := h.groups(n)
	var errs []error
	if planErr != nil {
		errs = append(errs, permanent(planErr))
	}
	for _, g := range groups {
		if err := h.abort(ctx, n, g); err != nil {
			errs = append(errs, err)
		}
	}
	return joinDeliveryErrors(errs)
}

func (h *AbortHandler) abort(ctx context.Context, n *Notification, g *abortGroup) error {
	now := h.set.Now()
	switch h.check(n, g, now) {
	case checkSkipSilently:
		return nil
	case checkAlreadyStopped:
		h.report(g, AbortAlreadyStopped, now, nil)
		return nil
	}
	if h.cfg.DryRun {
		h.set.Logger.Info("Abort dry run: the chaos would be stopped; nothing sent (dry_run: true)",
			zap.String("handler", h.name), zap.String("target", h.target.kind()),
			zap.String("target_ref", g.plan.ref), zap.String("experiment", g.experiment),
			zap.String("rule", g.alerts[0].Labels[LabelAlertName]), zap.Strings("requests", g.plan.requests))
		h.markDone(n, g, now)
		h.report(g, AbortDryRun, now, nil)
		h.sendFeedback(ctx, g, AbortDryRun, now)
		return nil
	}
	already, err := g.plan.run(ctx)
	if err != nil {
		return err
	}
	outcome := AbortStopped
	if already {
		outcome = AbortAlreadyStopped
	}
	h.set.Logger.Info("Chaos stopped by the abort handler", zap.String("handler", h.name),
		zap.String("target", h.target.kind()), zap.String("target_ref", g.plan.ref),
		zap.String("experiment", g.experiment), zap.String("rule", g.alerts[0].Labels[LabelAlertName]),
		zap.String("outcome", outcome), zap.Strings("requests", g.plan.requests))
	h.markDone(n, g, now)
	h.report(g, outcome, now, nil)
	h.sendFeedback(ctx, g, outcome, now)
	return nil
}

type checkResult int

const (
	checkProceed checkResult = iota
	checkAlreadyStopped
	checkSkipSilently
)

// check decides whether g's target is stopped already for its experiment.
func (h *AbortHandler) check(n *Notification, g *abortGroup, now time.Time) checkResult {
	h.mu.Lock()
	defer h.mu.Unlock()
	if n == h.lastN && h.lastDone[g.key] {
		return checkSkipSilently // a retry of the notification that stopped it
	}
	rec := h.done[g.key]
	if rec == nil {
		return checkProceed
	}
	covered := false
	for i := range g.alerts {
		covered = covered || rec.activations[activation(&g.alerts[i])]
	}
	if !covered && (h.cfg.OncePer <= 0 || now.Sub(rec.at) >= h.cfg.OncePer) {
		return checkProceed
	}
	// Alerts of the same experiment firing meanwhile are covered too, so
	// they stay quiet while they keep firing.
	for i := range g.alerts {
		rec.activations[activation(&g.alerts[i])] = true
	}
	return checkAlreadyStopped
}

func (h *AbortHandler) markDone(n *Notification, g *abortGroup, now time.Time) {
	h.mu.Lock()
	defer h.mu.Unlock()
	rec := &abortDone{at: now, activations: map[string]bool{}}
	for i := range g.alerts {
		rec.activations[activation(&g.alerts[i])] = true
	}
	h.done[g.key] = rec
	if len(h.done) > maxAbortRecords {
		h.evictOldestLocked()
	}
	if n != h.lastN {
		h.lastN, h.lastDone = n, map[string]bool{}
	}
	h.lastDone[g.key] = true
}

func (h *AbortHandler) evictOldestLocked() {
	var oldest string
	var at time.Time
	for k, r := range h.done {
		if oldest == "" || r.at.Before(at) {
			oldest, at = k, r.at
		}
	}
	delete(h.done, oldest)
}

func (h *AbortHandler) stopped(key string) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.done[key] != nil
}

func (h *AbortHandler) report(g *abortGroup, outcome string, at time.Time, err error) {
	a := g.alerts[0]
	h.set.OnAbort(AbortRecord{Handler: h.name, Target: h.target.kind(), TargetRef: g.plan.ref,
		Experiment: g.experiment, Rule: a.Labels[LabelAlertName], Fingerprint: a.Fingerprint,
		Outcome: outcome, DryRun: h.cfg.DryRun, At: at, Err: err})
}

// Result is told the Deliverer's final outcome of n (wire it into the
// Deliverer's OnResult). On failure, every target of n not stopped is
// counted failed and logged as an error: the chaos may still be running.
func (h *AbortHandler) Result(n *Notification, err error, attempts int) {
	if err == nil {
		return
	}
	groups, planErr := h.groups(n)
	now := h.set.Now()
	if planErr != nil {
		h.set.Logger.Error("Abort handler could not resolve its target: the chaos was NOT stopped; fix the target's templates or the alerts' labels",
			zap.String("handler", h.name), zap.Error(planErr))
		h.set.OnAbort(AbortRecord{Handler: h.name, Target: h.target.kind(), Outcome: AbortFailed, DryRun: h.cfg.DryRun, At: now, Err: planErr})
	}
	for _, g := range groups {
		if h.stopped(g.key) {
			continue
		}
		h.set.Logger.Error("Abort handler gave up: the chaos was NOT stopped; stop it by hand",
			zap.String("handler", h.name), zap.String("target", h.target.kind()),
			zap.String("target_ref", g.plan.ref), zap.String("experiment", g.experiment),
			zap.Strings("requests", g.plan.requests), zap.Int("attempts", attempts), zap.Error(err))
		h.report(g, AbortFailed, now, err)
	}
}

// joinDeliveryErrors merges the errors of one attempt at several targets:
// retryable if any is (the stopped targets are skipped on the retry), with
// the longest Retry-After.
func joinDeliveryErrors(errs []error) error {
	switch len(errs) {
	case 0:
		return nil
	case 1:
		return errs[0]
	}
	out := &DeliveryError{Err: errors.Join(errs...)}
	for _, err := range errs {
		if IsRetryable(err) {
			out.Retryable = true
			out.RetryAfter = max(out.RetryAfter, retryAfter(err))
		}
	}
	return out
}
