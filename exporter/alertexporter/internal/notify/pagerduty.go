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
	"go.opentelemetry.io/collector/config/confighttp"
	"go.opentelemetry.io/collector/config/configopaque"
)

// PagerDuty Events API v2 constants
// (https://developer.pagerduty.com/docs/events-api-v2/trigger-events/).
const (
	DefaultPagerDutyURL  = "https://events.pagerduty.com/v2/enqueue"
	pdRoutingKeyLen      = 32
	pdMaxSummary         = 1024
	pdActionTrigger      = "trigger"
	pdActionResolve      = "resolve"
	pdSeverityError      = "error"
	defaultPagerDutyName = "otelcol-chaos"
)

// Default PagerDuty field templates, executed per alert on a
// PagerDutyTemplateData.
const (
	DefaultPagerDutySummary = `{{ .Labels.alertname }}{{ with .Annotations.summary }}: {{ . }}{{ end }}`
	DefaultPagerDutySource  = `{{ or .Labels.service .Labels.instance .Notification.Sender "otelcol-chaos" }}`
	DefaultPagerDutyClass   = `{{ .Labels.alertname }}`
)

// PagerDutyConfig configures the PagerDuty handler: one Events API v2 event
// per alert, "trigger" while firing and "resolve" once resolved, both with
// the alert's fingerprint as dedup_key so the resolve closes the very alert
// the trigger opened.
type PagerDutyConfig struct {
	// ClientConfig is the HTTP client; endpoint defaults to
	// https://events.pagerduty.com/v2/enqueue.
	ClientConfig confighttp.ClientConfig `mapstructure:",squash"`
	// RoutingKey is the 32-character integration key (required).
	RoutingKey configopaque.String `mapstructure:"routing_key"`
	// SendResolved sends "resolve" events (default true); without them
	// PagerDuty alerts stay open until someone resolves them by hand.
	SendResolved bool `mapstructure:"send_resolved"`
	// Client and ClientURL name the sender in PagerDuty ("View in
	// otelcol-chaos"); ClientURL defaults to the notification's ExternalURL.
	Client    string `mapstructure:"client"`
	ClientURL string `mapstructure:"client_url"`
	// Summary, Source, Component, Group and Class fill the event's payload
	// fields; each is a Go template executed per alert on a
	// PagerDutyTemplateData. Summary and source are required by PagerDuty;
	// an empty component, group or class is left out.
	Summary   string `mapstructure:"summary"`
	Source    string `mapstructure:"source"`
	Component string `mapstructure:"component"`
	Group     string `mapstructure:"group"`
	Class     string `mapstructure:"class"`

	// prevent unkeyed literal initialization
	_ struct{}
}

// NewDefaultPagerDutyConfig returns the PagerDuty handler's defaults.
func NewDefaultPagerDutyConfig() PagerDutyConfig {
	cc := confighttp.NewDefaultClientConfig()
	cc.Endpoint = DefaultPagerDutyURL
	cc.Timeout = defaultHTTPTimeout
	return PagerDutyConfig{
		ClientConfig: cc,
		SendResolved: true,
		Client:       defaultPagerDutyName,
		Summary:      DefaultPagerDutySummary,
		Source:       DefaultPagerDutySource,
		Class:        DefaultPagerDutyClass,
	}
}

// Validate checks the endpoint, the routing key and the templates.
func (cfg *PagerDutyConfig) Validate() error {
	var errs []error
	if err := validateHTTPURL("endpoint", cfg.ClientConfig.Endpoint); err != nil {
		errs = append(errs, err)
	}
	switch key := string(cfg.RoutingKey); {
	case key == "":
		errs = append(errs, errors.New("routing_key must not be empty: set the service's Events API v2 integration key"))
	case len(key) != pdRoutingKeyLen:
		// The key is a secret: report its length, never its value.
		errs = append(errs, fmt.Errorf("routing_key must be %d characters (PagerDuty integration key), got %d", pdRoutingKeyLen, len(key)))
	}
	if cfg.ClientURL != "" {
		if err := validateHTTPURL("client_url", cfg.ClientURL); err != nil {
			errs = append(errs, err)
		}
	}
	sample := pagerDutySample()
	for _, f := range cfg.templates() {
		if f.text == "" {
			if f.required {
				errs = append(errs, fmt.Errorf("%s must not be empty (PagerDuty requires it)", f.key))
			}
			continue
		}
		if err := checkTemplate(f.key, f.text, sample); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", f.key, err))
		}
	}
	return errors.Join(errs...)
}

type pdTemplateField struct {
	key      string
	text     string
	required bool
}

func (cfg *PagerDutyConfig) templates() []pdTemplateField {
	return []pdTemplateField{
		{"summary", cfg.Summary, true},
		{"source", cfg.Source, true},
		{"component", cfg.Component, false},
		{"group", cfg.Group, false},
		{"class", cfg.Class, false},
	}
}

// PagerDutyTemplateData is what the PagerDuty field templates execute on:
// one alert (its fields and methods at the top level: .Labels,
// .Annotations, .Fingerprint, .Status…) and the notification it belongs to.
type PagerDutyTemplateData struct {
	Alert
	Notification *Notification
}

func pagerDutySample() PagerDutyTemplateData {
	n := sampleNotification()
	return PagerDutyTemplateData{Alert: n.Alerts[0], Notification: n}
}

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
	for _, f := range cfg.templates() {
		if f.text == "" {
			continue
		}
		t, err := parseTemplate(f.key, f.text)
		if err != nil {
			return nil, err
		}
		h.tmpl[f.key] = t
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
