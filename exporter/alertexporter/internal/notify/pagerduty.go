package notify // import "github.com/otelcol-chaos/otelcol-chaos/exporter/alertexporter/internal/notify"

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"text/template"

	"go.opentelemetry.io/collector/component"
)

// PagerDuty Events API v2 constants
// (https://developer.pagerduty.com/docs/events-api-v2/trigger-events/).
const (
	pdMaxSummary         = 1024
	pdActionTrigger      = "trigger"
	pdActionResolve      = "resolve"
	pdSeverityError      = "error"
	defaultPagerDutyName = "otelcol-chaos"
)

// PagerDutyHandler sends Events API v2 events.
type PagerDutyHandler struct {
	name   string
	cfg    PagerDutyConfig
	tmpl   map[string]*template.Template
	sender *httpSender
}

var _ Handler = (*PagerDutyHandler)(nil)

// NewPagerDutyHandler builds the handler and its HTTP client.
func NewPagerDutyHandler(ctx context.Context, name string, cfg *PagerDutyConfig, host component.Host, set component.TelemetrySettings) (*PagerDutyHandler, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	h := &PagerDutyHandler{name: name, cfg: *cfg, tmpl: map[string]*template.Template{}}
	for _, f := range cfg.Templates() {
		if f.Text == "" {
			continue
		}
		t, err := parseTemplate(f.Key, f.Text)
		if err != nil {
			return nil, err
		}
		h.tmpl[f.Key] = t
	}
	s, err := newHTTPSender(ctx, &h.cfg.ClientConfig, host, set)
	if err != nil {
		return nil, err
	}
	h.sender = s
	return h, nil
}

// Name returns the handler's name.
func (h *PagerDutyHandler) Name() string { return h.name }

// Close releases idle connections.
func (h *PagerDutyHandler) Close() error {
	h.sender.close()
	return nil
}

// Notify sends one event per alert, in order. PagerDuty answers 202; a
// retryable failure (429, 5xx, network) stops the loop and the Deliverer
// retries the whole notification, which is safe: a repeated trigger only
// adds a log entry to the open alert and a repeated resolve is dropped.
// A permanent failure (400) of one event does not stop the others.
func (h *PagerDutyHandler) Notify(ctx context.Context, n *Notification) error {
	var failed []error
	for i := range n.Alerts {
		a := &n.Alerts[i]
		if a.Resolved() && !h.cfg.SendResolved {
			continue
		}
		ev, err := h.event(n, a)
		if err != nil {
			failed = append(failed, err)
			continue
		}
		body, err := json.Marshal(ev)
		if err != nil {
			failed = append(failed, err)
			continue
		}
		if err := h.sender.post(ctx, h.cfg.ClientConfig.Endpoint, contentTypeJSON, body, nil); err != nil {
			if IsRetryable(err) {
				return err
			}
			failed = append(failed, fmt.Errorf("alert %s: %w", ev.DedupKey, err))
		}
	}
	if len(failed) > 0 {
		return permanent(errors.Join(failed...))
	}
	return nil
}

// pdEvent is an Events API v2 alert event. A resolve carries only
// routing_key, event_action and dedup_key, as the API documents.
type pdEvent struct {
	RoutingKey  string     `json:"routing_key"`
	EventAction string     `json:"event_action"`
	DedupKey    string     `json:"dedup_key"`
	Payload     *pdPayload `json:"payload,omitempty"`
	Client      string     `json:"client,omitempty"`
	ClientURL   string     `json:"client_url,omitempty"`
}

type pdPayload struct {
	Summary       string    `json:"summary"`
	Source        string    `json:"source"`
	Severity      string    `json:"severity"`
	Timestamp     string    `json:"timestamp,omitempty"`
	Component     string    `json:"component,omitempty"`
	Group         string    `json:"group,omitempty"`
	Class         string    `json:"class,omitempty"`
	CustomDetails pdDetails `json:"custom_details"`
}

// pdDetails is shown in the PagerDuty alert's details: everything needed
// to find the alert again, including the fencing term of the sender.
type pdDetails struct {
	Labels       map[string]string `json:"labels"`
	Annotations  map[string]string `json:"annotations"`
	Fingerprint  string            `json:"fingerprint"`
	GroupKey     string            `json:"group_key"`
	Term         uint64            `json:"term"`
	Sender       string            `json:"sender,omitempty"`
	GeneratorURL string            `json:"generator_url,omitempty"`
}

func (h *PagerDutyHandler) event(n *Notification, a *Alert) (*pdEvent, error) {
	ev := &pdEvent{
		RoutingKey: string(h.cfg.RoutingKey),
		DedupKey:   DedupKey(a),
	}
	if a.Resolved() {
		ev.EventAction = pdActionResolve
		return ev, nil
	}
	ev.EventAction = pdActionTrigger
	fields := map[string]string{}
	data := PagerDutyTemplateData{Alert: *a, Notification: n}
	for key, t := range h.tmpl {
		s, err := render(t, data)
		if err != nil {
			return nil, err
		}
		fields[key] = s
	}
	ev.Payload = &pdPayload{
		Summary:   truncate(pdMaxSummary, orDefault(fields["summary"], orDefault(a.Labels[LabelAlertName], "alert"))),
		Source:    orDefault(fields["source"], defaultPagerDutyName),
		Severity:  PagerDutySeverity(a.Labels[LabelSeverity]),
		Timestamp: formatTime(a.StartsAt),
		Component: fields["component"],
		Group:     fields["group"],
		Class:     fields["class"],
		CustomDetails: pdDetails{
			Labels:       nonNil(a.Labels),
			Annotations:  nonNil(a.Annotations),
			Fingerprint:  a.Fingerprint,
			GroupKey:     n.GroupKey,
			Term:         n.Term,
			Sender:       n.Sender,
			GeneratorURL: a.GeneratorURL,
		},
	}
	if a.StartsAt.IsZero() {
		ev.Payload.Timestamp = "" // let PagerDuty stamp it rather than claim year 1
	}
	ev.Client = h.cfg.Client
	ev.ClientURL = orDefault(h.cfg.ClientURL, n.ExternalURL)
	return ev, nil
}

// PagerDutySeverity maps the alert's severity label to PagerDuty's four
// levels: critical, error, warning and info pass through (error is not one
// of ours but a user rule may set it); anything else, including a missing
// label, becomes "error" — a severity PagerDuty pages on, since an alert we
// cannot classify is safer over-reported than silently downgraded.
func PagerDutySeverity(severity string) string {
	switch s := strings.ToLower(severity); s {
	case SeverityCritical, pdSeverityError, SeverityWarning, SeverityInfo:
		return s
	}
	return pdSeverityError
}

// DedupKey is the PagerDuty dedup_key of an alert: its fingerprint, which
// depends only on its labels, so the trigger and the resolve of one alert
// (and the re-sends in between) always carry the same key, whatever group
// or notification they travel in. Without a fingerprint (a caller bug) it
// falls back to a hash of the labels, still stable.
func DedupKey(a *Alert) string {
	if a.Fingerprint != "" {
		return a.Fingerprint
	}
	h := sha256.New()
	for _, p := range sortedPairs(a.Labels) {
		h.Write([]byte(p.Name))
		h.Write([]byte{0})
		h.Write([]byte(p.Value))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil)[:8])
}
