package notify // import "github.com/otelcol-chaos/otelcol-chaos/exporter/alertexporter/internal/notify"

import (
	"context"
	"encoding/json"
	"fmt"
	"text/template"

	"go.opentelemetry.io/collector/component"

	"github.com/otelcol-chaos/otelcol-chaos/exporter/alertexporter/config"
)

// Slack attachment colours: the three Slack names, plus Slack's blue for a
// group whose firing alerts are all below warning.
const (
	slackColorCritical = "danger"
	slackColorWarning  = "warning"
	slackColorResolved = "good"
	slackColorInfo     = "#439FE0"
)

// SlackHandler posts notifications to a Slack incoming webhook.
type SlackHandler struct {
	name   string
	cfg    SlackConfig
	title  *template.Template
	text   *template.Template
	sender *httpSender
}

var _ Handler = (*SlackHandler)(nil)

// NewSlackHandler builds the handler and its HTTP client.
func NewSlackHandler(ctx context.Context, name string, cfg *SlackConfig, host component.Host, set component.TelemetrySettings) (*SlackHandler, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	h := &SlackHandler{name: name, cfg: *cfg}
	var err error
	if h.title, err = parseTemplate("title", orDefault(cfg.Title, config.DefaultSlackTitle)); err != nil {
		return nil, err
	}
	if h.text, err = parseTemplate("text", orDefault(cfg.Text, config.DefaultSlackText)); err != nil {
		return nil, err
	}
	if h.sender, err = newHTTPSender(ctx, &h.cfg.ClientConfig, host, set); err != nil {
		return nil, err
	}
	return h, nil
}

// Name returns the handler's name.
func (h *SlackHandler) Name() string { return h.name }

// Close releases idle connections.
func (h *SlackHandler) Close() error {
	h.sender.close()
	return nil
}

// Notify posts one message for the group. Slack answers 200 "ok"; 429 comes
// with Retry-After; 4xx such as invalid_payload or channel_not_found are
// permanent.
func (h *SlackHandler) Notify(ctx context.Context, n *Notification) error {
	if !h.cfg.SendResolved {
		n = n.WithAlerts(n.Firing())
		if len(n.Alerts) == 0 {
			return nil
		}
	}
	msg, err := h.message(n)
	if err != nil {
		return permanent(err)
	}
	body, err := json.Marshal(msg)
	if err != nil {
		return permanent(err)
	}
	return h.sender.post(ctx, string(h.cfg.WebhookURL), contentTypeJSON, body, nil)
}

// slackMessage is the incoming-webhook body: top-level channel/username/
// icon_emoji overrides and one attachment
// (https://api.slack.com/reference/messaging/attachments).
type slackMessage struct {
	Channel     string            `json:"channel,omitempty"`
	Username    string            `json:"username,omitempty"`
	IconEmoji   string            `json:"icon_emoji,omitempty"`
	Attachments []slackAttachment `json:"attachments"`
}

type slackAttachment struct {
	// Fallback is the plain-text summary Slack shows in notifications and
	// clients that cannot render attachments.
	Fallback  string       `json:"fallback"`
	Color     string       `json:"color"`
	Title     string       `json:"title"`
	TitleLink string       `json:"title_link,omitempty"`
	Text      string       `json:"text"`
	Fields    []slackField `json:"fields,omitempty"`
	Footer    string       `json:"footer"`
	MrkdwnIn  []string     `json:"mrkdwn_in"`
}

type slackField struct {
	Title string `json:"title"`
	Value string `json:"value"`
	Short bool   `json:"short"`
}

func (h *SlackHandler) message(n *Notification) (slackMessage, error) {
	title, err := render(h.title, n)
	if err != nil {
		return slackMessage{}, err
	}
	text, err := render(h.text, n)
	if err != nil {
		return slackMessage{}, err
	}
	att := slackAttachment{
		Fallback:  title,
		Color:     slackColor(n),
		Title:     title,
		TitleLink: titleLink(n),
		Text:      text,
		Footer:    "otelcol-chaos",
		MrkdwnIn:  []string{"text"},
	}
	if n.Term > 0 {
		att.Footer = fmt.Sprintf("otelcol-chaos term %d", n.Term)
	}
	// The group labels are what the alerts of the message share by
	// construction: shown as short fields, in key order.
	for _, p := range sortedPairs(n.GroupLabels) {
		att.Fields = append(att.Fields, slackField{Title: p.Name, Value: slackEscape(p.Value), Short: true})
	}
	return slackMessage{
		Channel:     h.cfg.Channel,
		Username:    h.cfg.Username,
		IconEmoji:   h.cfg.IconEmoji,
		Attachments: []slackAttachment{att},
	}, nil
}

// slackColor is green when the group is resolved, else the colour of the
// most severe firing alert.
func slackColor(n *Notification) string {
	if n.Status() == StatusResolved {
		return slackColorResolved
	}
	color := slackColorInfo
	for _, a := range n.Firing() {
		switch a.Labels[LabelSeverity] {
		case SeverityCritical:
			return slackColorCritical
		case SeverityWarning:
			color = slackColorWarning
		}
	}
	return color
}

// titleLink points at the collector's external URL, else at what generated
// the first alert.
func titleLink(n *Notification) string {
	if n.ExternalURL != "" {
		return n.ExternalURL
	}
	for _, a := range n.Alerts {
		if a.GeneratorURL != "" {
			return a.GeneratorURL
		}
	}
	return ""
}

// orDefault returns s, or def when s is empty.
func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
