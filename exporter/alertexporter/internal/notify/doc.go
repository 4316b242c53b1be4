// Package notify is the alert exporter's notification layer: the data a
// handler receives (Notification, Alert), the handlers that turn it into the
// documented payload of each destination (log, Alertmanager webhook, Slack,
// PagerDuty Events v2, Alertmanager API v2), and the Deliverer that sends
// them, one worker and one bounded queue per handler, with retries.
//
// Payloads, each following its destination's documentation:
//
//   - log: one zap line per alert.
//   - webhook: Alertmanager's webhook_config body, version "4", plus a
//     top-level "term" and the X-Otelcol-Chaos-Term header; or a user
//     template.
//   - slack: an incoming-webhook message with one (legacy, still supported)
//     attachment: colour bar, title, text, fields, footer.
//   - pagerduty: Events API v2 alert events (POST /v2/enqueue), one per
//     alert, trigger/resolve with dedup_key = the alert's fingerprint.
//   - alertmanager: Alertmanager API v2 postableAlerts
//     (POST /api/v2/alerts), endsAt set only on resolve.
//
// The rule engine, the alert lifecycle and the grouping/timing live in the
// exporter; this package never decides *whether* to notify, only *how*.
package notify // import "github.com/otelcol-chaos/otelcol-chaos/exporter/alertexporter/internal/notify"
