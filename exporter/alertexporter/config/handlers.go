package config // import "github.com/otelcol-chaos/otelcol-chaos/exporter/alertexporter/config"

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"go.opentelemetry.io/collector/config/confighttp"
	"go.opentelemetry.io/collector/config/configopaque"

	"github.com/otelcol-chaos/otelcol-chaos/exporter/alertexporter/internal/templating"
)

// defaultHTTPTimeout is set in the HTTP handlers' default configs: a
// handler without a timeout could hang its worker until shutdown.
const defaultHTTPTimeout = 10 * time.Second

// LogConfig configures the log handler, which writes alerts to the
// collector's own log: the zero-setup handler, useful for trying rules out
// and as an audit trail next to the paging handlers.
type LogConfig struct {
	// Level is the zap level of the lines: debug, info, warn or error.
	// Default info.
	Level string `mapstructure:"level"`

	// prevent unkeyed literal initialization
	_ struct{}
}

// NewDefaultLogConfig returns the log handler's defaults.
func NewDefaultLogConfig() LogConfig {
	return LogConfig{Level: "info"}
}

// Validate checks the level name.
func (cfg *LogConfig) Validate() error {
	switch cfg.Level {
	case "debug", "info", "warn", "error":
		return nil
	}
	return fmt.Errorf("level %q: must be one of debug, info, warn, error", cfg.Level)
}

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
	// executed on the notification (after send_resolved and max_alerts:
	// .Alerts, .Status, .CommonLabels…, plus .TruncatedAlerts, how many
	// alerts max_alerts cut) whose output is the request body.
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
		if err := templating.Check("template", cfg.Template, templating.WebhookData{Notification: templating.SampleNotification()}); err != nil {
			errs = append(errs, fmt.Errorf("template: %w", err))
		}
	} else if cfg.ContentType != "" {
		errs = append(errs, errors.New("content_type applies only with template (the default payload is always application/json)"))
	}
	return errors.Join(errs...)
}

// Default Slack templates, used when title or text is empty. The title
// reads like Alertmanager's ("[FIRING:2] HighLatency (service=checkout)");
// the text lists one line per alert. Values are passed through slackEscape
// because Slack reads &, < and > as markup.
const (
	DefaultSlackTitle = `[{{ upper .Status }}{{ if eq .Status "firing" }}:{{ len .Firing }}{{ end }}] ` +
		`{{ slackEscape (or .GroupLabels.alertname .CommonLabels.alertname "alerts") }}` +
		`{{ with without .GroupLabels "alertname" }} ({{ slackEscape (labelPairs .) }}){{ end }}`
	DefaultSlackText = `{{ range .Alerts }}• *{{ if .Resolved }}resolved{{ else }}{{ or .Labels.severity "firing" }}{{ end }}* ` +
		`{{ slackEscape (or .Annotations.summary .Labels.alertname) }}` +
		`{{ with .Annotations.description }} — {{ slackEscape . }}{{ end }}
{{ end }}`
)

// SlackConfig configures the Slack handler, which posts to an incoming
// webhook (https://api.slack.com/messaging/webhooks) one message per
// notification, as a legacy "attachment" so it gets a severity colour bar.
type SlackConfig struct {
	// ClientConfig is the HTTP client (tls, proxy_url, timeout, headers…).
	// Its endpoint must stay empty: the URL is webhook_url, a secret.
	ClientConfig confighttp.ClientConfig `mapstructure:",squash"`
	// WebhookURL is the incoming webhook URL (required). It embeds the
	// token, hence configopaque.
	WebhookURL configopaque.String `mapstructure:"webhook_url"`
	// Channel, Username and IconEmoji override the webhook's defaults
	// where Slack allows it (legacy webhooks; app webhooks ignore them).
	Channel   string `mapstructure:"channel"`
	Username  string `mapstructure:"username"`
	IconEmoji string `mapstructure:"icon_emoji"`
	// Title and Text are Go templates over the Notification; empty means
	// DefaultSlackTitle / DefaultSlackText.
	Title string `mapstructure:"title"`
	Text  string `mapstructure:"text"`
	// SendResolved also posts when a group resolves (default true).
	SendResolved bool `mapstructure:"send_resolved"`

	// prevent unkeyed literal initialization
	_ struct{}
}

// NewDefaultSlackConfig returns the Slack handler's defaults.
func NewDefaultSlackConfig() SlackConfig {
	cc := confighttp.NewDefaultClientConfig()
	cc.Timeout = defaultHTTPTimeout
	return SlackConfig{ClientConfig: cc, SendResolved: true}
}

// Validate checks the webhook URL and the templates.
func (cfg *SlackConfig) Validate() error {
	var errs []error
	if err := validateHTTPURL("webhook_url", string(cfg.WebhookURL)); err != nil {
		errs = append(errs, err)
	}
	if cfg.ClientConfig.Endpoint != "" {
		errs = append(errs, errors.New("endpoint must be empty for slack: set webhook_url (kept secret) instead"))
	}
	for key, text := range map[string]string{"title": cfg.Title, "text": cfg.Text} {
		if text == "" {
			continue
		}
		if err := templating.Check(key, text, templating.SampleNotification()); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", key, err))
		}
	}
	return errors.Join(errs...)
}

// PagerDuty Events API v2 defaults
// (https://developer.pagerduty.com/docs/events-api-v2/trigger-events/).
const (
	DefaultPagerDutyURL  = "https://events.pagerduty.com/v2/enqueue"
	pdRoutingKeyLen      = 32
	defaultPagerDutyName = "otelcol-chaos"
)

// Default PagerDuty field templates, executed per alert (see
// PagerDutyConfig.Summary).
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
	// fields; each is a Go template executed per alert, on the alert (its
	// fields and methods at the top level: .Labels, .Annotations,
	// .Fingerprint, .Status…) and .Notification, the notification it
	// belongs to. Summary and source are required by PagerDuty; an empty
	// component, group or class is left out.
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
	sample := templating.SamplePagerDutyData()
	for _, f := range cfg.Templates() {
		if f.Text == "" {
			if f.Required {
				errs = append(errs, fmt.Errorf("%s must not be empty (PagerDuty requires it)", f.Key))
			}
			continue
		}
		if err := templating.Check(f.Key, f.Text, sample); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", f.Key, err))
		}
	}
	return errors.Join(errs...)
}

// PagerDutyTemplate is one of the PagerDuty payload fields filled from a
// template.
type PagerDutyTemplate struct {
	Key      string // the payload field and config key: summary, source…
	Text     string // the template; empty leaves the field out
	Required bool   // PagerDuty requires the field
}

// Templates lists the payload fields filled from templates, in the order
// PagerDuty documents them.
func (cfg *PagerDutyConfig) Templates() []PagerDutyTemplate {
	return []PagerDutyTemplate{
		{"summary", cfg.Summary, true},
		{"source", cfg.Source, true},
		{"component", cfg.Component, false},
		{"group", cfg.Group, false},
		{"class", cfg.Class, false},
	}
}

// AlertmanagerConfig configures the Alertmanager handler, which hands our
// alerts to an existing Alertmanager as Prometheus does, so its routing,
// silences and inhibition apply.
type AlertmanagerConfig struct {
	// ClientConfig is the HTTP client; endpoint (required) is
	// Alertmanager's base URL, e.g. http://alertmanager:9093 (a path prefix
	// such as /alertmanager is kept); /api/v2/alerts is appended unless
	// already there. Basic auth through an auth extension or headers.
	ClientConfig confighttp.ClientConfig `mapstructure:",squash"`

	// prevent unkeyed literal initialization
	_ struct{}
}

// NewDefaultAlertmanagerConfig returns the Alertmanager handler's defaults.
func NewDefaultAlertmanagerConfig() AlertmanagerConfig {
	cc := confighttp.NewDefaultClientConfig()
	cc.Timeout = defaultHTTPTimeout
	return AlertmanagerConfig{ClientConfig: cc}
}

// Validate checks the endpoint.
func (cfg *AlertmanagerConfig) Validate() error {
	return validateHTTPURL("endpoint", cfg.ClientConfig.Endpoint)
}

// validateHTTPURL checks that s is an absolute http(s) URL with a host.
// what names the setting in the error; the URL itself is not echoed since
// it may be a secret.
func validateHTTPURL(what, s string) error {
	if strings.TrimSpace(s) == "" {
		return fmt.Errorf("%s must not be empty", what)
	}
	u, err := url.Parse(s)
	if err != nil {
		return fmt.Errorf("%s is not a valid URL", what)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return fmt.Errorf("%s must be an http:// or https:// URL", what)
	}
	if u.Host == "" {
		return fmt.Errorf("%s must include a host", what)
	}
	return nil
}
