package notify // import "github.com/otelcol-chaos/otelcol-chaos/exporter/alertexporter/internal/notify"

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"text/template"

	"go.opentelemetry.io/collector/component"
)

// webhookVersion is the Alertmanager webhook payload version we emit.
const webhookVersion = "4"

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
		n = n.WithAlerts(n.Firing())
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
		if err := h.tmpl.Execute(&b, WebhookTemplateData{Notification: n.WithAlerts(shown), TruncatedAlerts: truncated}); err != nil {
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
