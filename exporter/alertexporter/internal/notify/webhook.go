package notify // import "github.com/otelcol-chaos/otelcol-chaos/exporter/alertexporter/internal/notify"

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"text/template"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/config/confighttp"
)

// webhookVersion is the Alertmanager webhook payload version we emit.
const webhookVersion = "4"

// WebhookConfig configures the generic webhook handler. By default the body
// is the Alertmanager webhook_config payload (version "4"), so any receiver
// written for Alertmanager (alerta, jiralert, custom bots…) accepts it.
type WebhookConfig struct {
	// ClientConfig is the HTTP client: endpoint (required), tls, headers,
	// auth, timeout, proxy_url… A named squashed field: embedding would
	// promote its Unmarshal and break confmap decoding of our own keys.
	ClientConfig confighttp.ClientConfig `mapstructure:",squash"`
	// SendResolved also sends resolved alerts (default true). When false,
	// resolved alerts are left out and an all-resolved group sends nothing.
	SendResolved bool `mapstructure:"send_resolved"`
	// MaxAlerts caps the alerts of one payload; the rest are cut and counted
	// in truncatedAlerts. 0 sends all.
	MaxAlerts int `mapstructure:"max_alerts"`
	// Template, when set, replaces the JSON payload: a Go text/template
	// executed on the notification (see WebhookTemplateData) whose output is
	// the request body.
	Template string `mapstructure:"template"`
	// ContentType of a templated body (default application/json).
	ContentType string `mapstructure:"content_type"`

	// prevent unkeyed literal initialization
	_ struct{}
}

// NewDefaultWebhookConfig returns the webhook handler's defaults.
func NewDefaultWebhookConfig() WebhookConfig {
	cc := confighttp.NewDefaultClientConfig()
	cc.Timeout = defaultHTTPTimeout
	return WebhookConfig{ClientConfig: cc, SendResolved: true}
}

// Validate checks the endpoint, max_alerts and the template (parsed and
// executed once on a sample notification).
func (cfg *WebhookConfig) Validate() error {
	var errs []error
	if err := validateHTTPURL("endpoint", cfg.ClientConfig.Endpoint); err != nil {
		errs = append(errs, err)
	}
	if cfg.MaxAlerts < 0 {
		errs = append(errs, errors.New("max_alerts must be >= 0 (0 sends all alerts)"))
	}
	if cfg.Template != "" {
		if err := checkTemplate("template", cfg.Template, WebhookTemplateData{Notification: sampleNotification()}); err != nil {
			errs = append(errs, fmt.Errorf("template: %w", err))
		}
	} else if cfg.ContentType != "" {
		errs = append(errs, errors.New("content_type applies only with template (the default payload is always application/json)"))
	}
	return errors.Join(errs...)
}

// WebhookTemplateData is what a webhook template executes on: the
// notification after send_resolved and max_alerts are applied (so
// .Alerts, .Status, .CommonLabels… and every Notification field), plus how
// many alerts max_alerts cut.
type WebhookTemplateData struct {
	*Notification
	TruncatedAlerts int
}

// WebhookHandler POSTs notifications to a URL.
type WebhookHandler struct {
	name        string
	cfg         WebhookConfig
	tmpl        *template.Template
	contentType string
	sender      *httpSender
}

var _ Handler = (*WebhookHandler)(nil)

// NewWebhookHandler builds the handler and its HTTP client (which may use
// the host's auth extensions).
func NewWebhookHandler(ctx context.Context, name string, cfg *WebhookConfig, host component.Host, set component.TelemetrySettings) (*WebhookHandler, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	h := &WebhookHandler{name: name, cfg: *cfg, contentType: contentTypeJSON}
	if cfg.Template != "" {
		t, err := parseTemplate("template", cfg.Template)
		if err != nil {
			return nil, err
		}
		h.tmpl = t
		if cfg.ContentType != "" {
			h.contentType = cfg.ContentType
		}
	}
	s, err := newHTTPSender(ctx, &h.cfg.ClientConfig, host, set)
	if err != nil {
		return nil, err
	}
	h.sender = s
	return h, nil
}

// Name returns the handler's name.
func (h *WebhookHandler) Name() string { return h.name }

// Close releases idle connections.
func (h *WebhookHandler) Close() error {
	h.sender.close()
	return nil
}

// Notify POSTs one payload for the whole group, with the fencing term both
// in the body ("term") and in the X-Otelcol-Chaos-Term header.
func (h *WebhookHandler) Notify(ctx context.Context, n *Notification) error {
	if !h.cfg.SendResolved {
		n = n.withAlerts(n.Firing())
		if len(n.Alerts) == 0 {
			return nil
		}
	}
	body, err := h.body(n)
	if err != nil {
		return permanent(err)
	}
	hdr := http.Header{TermHeader: []string{strconv.FormatUint(n.Term, 10)}}
	return h.sender.post(ctx, h.cfg.ClientConfig.Endpoint, h.contentType, body, hdr)
}

func (h *WebhookHandler) body(n *Notification) ([]byte, error) {
	shown, truncated := n.Alerts, 0
	if h.cfg.MaxAlerts > 0 && len(shown) > h.cfg.MaxAlerts {
		shown, truncated = shown[:h.cfg.MaxAlerts], len(shown)-h.cfg.MaxAlerts
	}
	if h.tmpl != nil {
		var b bytes.Buffer
		if err := h.tmpl.Execute(&b, WebhookTemplateData{Notification: n.withAlerts(shown), TruncatedAlerts: truncated}); err != nil {
			return nil, fmt.Errorf("template: %w", err)
		}
		return b.Bytes(), nil
	}
	return json.Marshal(newWebhookMessage(n, shown, truncated))
}

// webhookMessage is the Alertmanager webhook payload, version 4
// (https://prometheus.io/docs/alerting/latest/configuration/#webhook_config),
// plus "term": receivers ignore fields they do not know.
type webhookMessage struct {
	Version           string            `json:"version"`
	GroupKey          string            `json:"groupKey"`
	TruncatedAlerts   int               `json:"truncatedAlerts"`
	Status            string            `json:"status"`
	Receiver          string            `json:"receiver"`
	GroupLabels       map[string]string `json:"groupLabels"`
	CommonLabels      map[string]string `json:"commonLabels"`
	CommonAnnotations map[string]string `json:"commonAnnotations"`
	ExternalURL       string            `json:"externalURL"`
	Alerts            []webhookAlert    `json:"alerts"`
	Term              uint64            `json:"term"`
}

type webhookAlert struct {
	Status       string            `json:"status"`
	Labels       map[string]string `json:"labels"`
	Annotations  map[string]string `json:"annotations"`
	StartsAt     string            `json:"startsAt"`
	EndsAt       string            `json:"endsAt"`
	GeneratorURL string            `json:"generatorURL"`
	Fingerprint  string            `json:"fingerprint"`
}

// newWebhookMessage builds the payload. Status and the common labels and
// annotations describe the whole group (all of n's alerts), as in
// Alertmanager, even when max_alerts shows only some of them.
func newWebhookMessage(n *Notification, shown []Alert, truncated int) webhookMessage {
	m := webhookMessage{
		Version:           webhookVersion,
		GroupKey:          n.GroupKey,
		TruncatedAlerts:   truncated,
		Status:            n.Status(),
		Receiver:          n.Receiver,
		GroupLabels:       nonNil(n.GroupLabels),
		CommonLabels:      n.CommonLabels(),
		CommonAnnotations: n.CommonAnnotations(),
		ExternalURL:       n.ExternalURL,
		Alerts:            make([]webhookAlert, 0, len(shown)),
		Term:              n.Term,
	}
	for _, a := range shown {
		m.Alerts = append(m.Alerts, webhookAlert{
			Status:       a.Status(),
			Labels:       nonNil(a.Labels),
			Annotations:  nonNil(a.Annotations),
			StartsAt:     formatTime(a.StartsAt),
			EndsAt:       formatTime(a.EndsAt),
			GeneratorURL: a.GeneratorURL,
			Fingerprint:  a.Fingerprint,
		})
	}
	return m
}

// nonNil makes absent maps encode as {} rather than null, as receivers
// written for Alertmanager expect objects.
func nonNil(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}
