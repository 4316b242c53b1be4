package notify // import "github.com/otelcol-chaos/otelcol-chaos/exporter/alertexporter/internal/notify"

import (
	"text/template"
	"time"

	"github.com/otelcol-chaos/otelcol-chaos/exporter/alertexporter/internal/templating"
)

// The data a handler receives and the template vocabulary over it live in
// internal/templating, which the exported config package also uses to check
// templates at start-up; the handlers name them as their own.
type (
	// Alert is one alert instance as a handler sees it.
	Alert = templating.Alert
	// Notification is one group of alerts to deliver to one handler.
	Notification = templating.Notification
	// Pair is one label or annotation, for templates that need a stable order.
	Pair = templating.Pair
	// WebhookTemplateData is what a webhook template executes on.
	WebhookTemplateData = templating.WebhookData
	// PagerDutyTemplateData is what the PagerDuty field templates execute on.
	PagerDutyTemplateData = templating.PagerDutyData
)

// Alert statuses, as the Alertmanager payloads spell them.
const (
	StatusFiring   = templating.StatusFiring
	StatusResolved = templating.StatusResolved
)

// Well-known label and annotation names the handlers read.
const (
	LabelAlertName        = templating.LabelAlertName
	LabelSeverity         = templating.LabelSeverity
	AnnotationSummary     = templating.AnnotationSummary
	AnnotationDescription = templating.AnnotationDescription
)

// Severities the rule engine assigns (label "severity").
const (
	SeverityInfo     = templating.SeverityInfo
	SeverityWarning  = templating.SeverityWarning
	SeverityCritical = templating.SeverityCritical
)

func parseTemplate(name, text string) (*template.Template, error) {
	return templating.Parse(name, text)
}

func render(t *template.Template, data any) (string, error) { return templating.Render(t, data) }

func sortedPairs(m map[string]string) []Pair { return templating.SortedPairs(m) }

func formatTime(t time.Time) string { return templating.FormatTime(t) }

func truncate(n int, s string) string { return templating.Truncate(n, s) }

func slackEscape(s string) string { return templating.SlackEscape(s) }
