package notify // import "github.com/otelcol-chaos/otelcol-chaos/exporter/alertexporter/internal/notify"

import (
	"context"
	"encoding/json"
	"strconv"
	"time"

	"go.opentelemetry.io/collector/component"
	"go.uber.org/zap"

	"github.com/otelcol-chaos/otelcol-chaos/exporter/alertexporter/config"
	"github.com/otelcol-chaos/otelcol-chaos/internal/chaosconv"
)

// AbortEventSource is the source of the aborted events.
const AbortEventSource = "otelcol-chaos"

// abortEvent is the chaos receiver's native event, kind experiment
// (receiver/chaosreceiver README, "the native shape"): experiment and phase
// are required; source, service and metadata are the optional fields every
// native event may carry.
type abortEvent struct {
	Kind       string            `json:"kind"`
	Timestamp  string            `json:"timestamp"`
	Experiment string            `json:"experiment"`
	Phase      string            `json:"phase"`
	Source     string            `json:"source"`
	Service    string            `json:"service,omitempty"`
	Metadata   map[string]string `json:"metadata"`
}

type abortFeedback struct {
	endpoint string
	sender   *httpSender
}

func newAbortFeedback(ctx context.Context, cfg *config.AbortFeedbackConfig, host component.Host, ts component.TelemetrySettings) (*abortFeedback, error) {
	cc := cfg.ClientConfig
	s, err := newHTTPSender(ctx, &cc, host, ts)
	if err != nil {
		return nil, err
	}
	return &abortFeedback{endpoint: cfg.ClientConfig.Endpoint, sender: s}, nil
}

// newAbortEvent is the aborted event of g: the experiment is the alerts'
// experiment label, else the target's name.
func (h *AbortHandler) newAbortEvent(g *abortGroup, outcome string, at time.Time) abortEvent {
	a := g.alerts[0]
	exp := g.experiment
	if exp == "" {
		exp = g.plan.name
	}
	ev := abortEvent{
		Kind:       chaosconv.KindExperiment.String(),
		Timestamp:  at.UTC().Format(time.RFC3339Nano),
		Experiment: exp,
		Phase:      chaosconv.PhaseAborted,
		Source:     AbortEventSource,
		Metadata: map[string]string{
			chaosconv.AbortMetaRule:        a.Labels[LabelAlertName],
			chaosconv.AbortMetaHandler:     h.name,
			chaosconv.AbortMetaTarget:      h.target.kind(),
			chaosconv.AbortMetaTargetRef:   g.plan.ref,
			chaosconv.AbortMetaOutcome:     outcome,
			chaosconv.AbortMetaDryRun:      strconv.FormatBool(h.cfg.DryRun),
			chaosconv.AbortMetaFingerprint: a.Fingerprint,
		},
	}
	if scope := a.Labels[chaosconv.AlertLabelScope]; scope != "" {
		ev.Metadata[chaosconv.AbortMetaScope] = scope
		ev.Metadata[chaosconv.AbortMetaScopeKey] = a.Labels[chaosconv.AlertLabelScopeKey]
		if scope == chaosconv.ScopeService.String() {
			ev.Service = a.Labels[chaosconv.AlertLabelScopeKey]
		}
	}
	return ev
}

// sendFeedback posts the aborted event once; a failure is logged, never
// retried through the Deliverer (the chaos is stopped: repeating the stop
// to report it would be wrong).
func (h *AbortHandler) sendFeedback(ctx context.Context, g *abortGroup, outcome string, at time.Time) {
	if h.feedback == nil {
		return
	}
	body, err := json.Marshal(h.newAbortEvent(g, outcome, at))
	if err == nil {
		_, _, err = h.feedback.sender.do(ctx, "POST", h.feedback.endpoint, contentTypeJSON, body, nil)
	}
	if err != nil {
		h.set.Logger.Warn("Aborted event not reported to the chaos receiver (the abort itself is done)",
			zap.String("handler", h.name), zap.String("target_ref", g.plan.ref), zap.Error(err))
	}
}
