package notify // import "github.com/otelcol-chaos/otelcol-chaos/exporter/alertexporter/internal/notify"

import (
	"context"
	"encoding/json"
	"maps"
	"strconv"
	"strings"

	"go.opentelemetry.io/collector/component"
)

const (
	// alertmanagerPath is the Alertmanager API v2 endpoint for posting
	// alerts (postableAlerts in Alertmanager's OpenAPI spec).
	alertmanagerPath = "/api/v2/alerts"
	// AnnotationFencingTerm carries the sender's fencing term. An
	// annotation, never a label: Alertmanager identifies an alert by its
	// labels, and a new term must not make the same alert a new one.
	AnnotationFencingTerm = "fencing_term"
)

// AlertmanagerHandler posts alerts to Alertmanager's API v2.
type AlertmanagerHandler struct {
	name   string
	url    string
	sender *httpSender
}

var _ Handler = (*AlertmanagerHandler)(nil)

// NewAlertmanagerHandler builds the handler and its HTTP client.
func NewAlertmanagerHandler(ctx context.Context, name string, cfg *AlertmanagerConfig, host component.Host, set component.TelemetrySettings) (*AlertmanagerHandler, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cc := cfg.ClientConfig
	s, err := newHTTPSender(ctx, &cc, host, set)
	if err != nil {
		return nil, err
	}
	return &AlertmanagerHandler{name: name, url: alertsURL(cfg.ClientConfig.Endpoint), sender: s}, nil
}

func alertsURL(endpoint string) string {
	base := strings.TrimRight(endpoint, "/")
	if strings.HasSuffix(base, alertmanagerPath) {
		return base
	}
	return base + alertmanagerPath
}

// Name returns the handler's name.
func (h *AlertmanagerHandler) Name() string { return h.name }

// Close releases idle connections.
func (h *AlertmanagerHandler) Close() error {
	h.sender.close()
	return nil
}

// Notify posts every alert of the group, firing and resolved, in one
// request; Alertmanager answers 200. Resolved alerts carry endsAt, which is
// how Alertmanager learns they ended. Firing alerts carry no endsAt, so
// Alertmanager considers them ended after its resolve_timeout (5m by
// default) unless they are posted again before: the exporter must re-send
// firing alerts to this handler more often than that, as Prometheus does.
func (h *AlertmanagerHandler) Notify(ctx context.Context, n *Notification) error {
	body, err := json.Marshal(postableAlerts(n))
	if err != nil {
		return permanent(err)
	}
	return h.sender.post(ctx, h.url, contentTypeJSON, body, nil)
}

// postableAlert is one element of Alertmanager's postableAlerts.
type postableAlert struct {
	Labels       map[string]string `json:"labels"`
	Annotations  map[string]string `json:"annotations,omitempty"`
	StartsAt     string            `json:"startsAt,omitempty"`
	EndsAt       string            `json:"endsAt,omitempty"`
	GeneratorURL string            `json:"generatorURL,omitempty"`
}

func postableAlerts(n *Notification) []postableAlert {
	out := make([]postableAlert, 0, len(n.Alerts))
	for _, a := range n.Alerts {
		pa := postableAlert{
			Labels:       nonNil(a.Labels),
			Annotations:  a.Annotations,
			GeneratorURL: a.GeneratorURL,
		}
		if !a.StartsAt.IsZero() {
			pa.StartsAt = formatTime(a.StartsAt)
		}
		if a.Resolved() {
			pa.EndsAt = formatTime(a.EndsAt)
		}
		if n.Term > 0 {
			// Copy: the caller's map is shared with the other handlers.
			pa.Annotations = maps.Clone(a.Annotations)
			if pa.Annotations == nil {
				pa.Annotations = map[string]string{}
			}
			pa.Annotations[AnnotationFencingTerm] = strconv.FormatUint(n.Term, 10)
		}
		out = append(out, pa)
	}
	return out
}
