package notify // import "github.com/otelcol-chaos/otelcol-chaos/exporter/alertexporter/internal/notify"

import "github.com/otelcol-chaos/otelcol-chaos/exporter/alertexporter/config"

// The handlers' and the Deliverer's configuration types are the exported
// config package's (with their defaults and Validate); the handlers name
// them as their own.
type (
	DeliveryConfig     = config.DeliveryConfig
	BackoffConfig      = config.BackoffConfig
	LogConfig          = config.LogConfig
	WebhookConfig      = config.WebhookConfig
	SlackConfig        = config.SlackConfig
	PagerDutyConfig    = config.PagerDutyConfig
	AlertmanagerConfig = config.AlertmanagerConfig
)
