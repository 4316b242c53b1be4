// Package templating is what the alert exporter's user templates see: the
// Notification and Alert types they execute on, the functions they may call
// (see Parse), and the sample data their checks at start-up execute them on.
// The notify package sends notifications of these types; the exported
// config package checks templates with this package, as it cannot import
// notify (notify's handlers take config's types).
package templating // import "github.com/otelcol-chaos/otelcol-chaos/exporter/alertexporter/internal/templating"

import (
	"time"

	"github.com/otelcol-chaos/otelcol-chaos/internal/chaosconv"
)

// Alert statuses, as the Alertmanager payloads spell them.
const (
	StatusFiring   = "firing"
	StatusResolved = "resolved"
)

// Well-known label and annotation names the handlers read; the labels
// are the contract's (internal/chaosconv).
const (
	LabelAlertName        = chaosconv.AlertLabelName
	LabelSeverity         = chaosconv.AlertLabelSeverity
	AnnotationSummary     = "summary"
	AnnotationDescription = "description"
)

// Severities the rule engine assigns (label "severity").
const (
	SeverityInfo     = string(chaosconv.SeverityInfo)
	SeverityWarning  = string(chaosconv.SeverityWarning)
	SeverityCritical = string(chaosconv.SeverityCritical)
)

// Alert is one alert instance as a handler sees it. Its identity is its
// label set; Fingerprint is a hash of it that the caller computes once, so
// every handler (and the PagerDuty dedup_key) agrees on it.
type Alert struct {
	Fingerprint  string            // hex fingerprint of Labels (computed by the caller)
	Labels       map[string]string // includes "alertname" and "severity" (info|warning|critical)
	Annotations  map[string]string // e.g. "summary", "description"
	StartsAt     time.Time
	EndsAt       time.Time // zero while firing
	GeneratorURL string
}

// Resolved tells whether the alert has ended: the caller sets EndsAt only
// when it resolves the alert, so a zero EndsAt means "still firing".
func (a Alert) Resolved() bool { return !a.EndsAt.IsZero() }

// Status is "firing" or "resolved".
func (a Alert) Status() string {
	if a.Resolved() {
		return StatusResolved
	}
	return StatusFiring
}

// Notification is one group of alerts to deliver to one handler. The
// exporter builds one per receiver of a group each time the group is due
// (group_wait, group_interval, repeat_interval); the Deliverer routes it by
// Receiver.
type Notification struct {
	Receiver    string            // the handler's name
	GroupKey    string            // identifies the group (stable across notifications)
	GroupLabels map[string]string // the group_by labels' values
	Alerts      []Alert           // firing and resolved alerts of one group, sorted by the caller
	Term        uint64            // the coordinator's fencing term (0 = no coordinator)
	Sender      string            // node id that sent it
	ExternalURL string            // link back to the collector / dashboard
}

// Status is "firing" when any alert is firing, else "resolved": a group is
// resolved only when every alert in it is.
func (n *Notification) Status() string {
	for i := range n.Alerts {
		if !n.Alerts[i].Resolved() {
			return StatusFiring
		}
	}
	return StatusResolved
}

// Firing returns the alerts still firing, in order.
func (n *Notification) Firing() []Alert {
	return n.filter(false)
}

// ResolvedAlerts returns the resolved alerts, in order.
func (n *Notification) ResolvedAlerts() []Alert {
	return n.filter(true)
}

func (n *Notification) filter(resolved bool) []Alert {
	out := make([]Alert, 0, len(n.Alerts))
	for _, a := range n.Alerts {
		if a.Resolved() == resolved {
			out = append(out, a)
		}
	}
	return out
}

// CommonLabels returns the labels whose key and value are equal in every
// alert (empty, never nil, when there are no alerts, so payloads show {}).
func (n *Notification) CommonLabels() map[string]string {
	return common(n.Alerts, func(a *Alert) map[string]string { return a.Labels })
}

// CommonAnnotations returns the annotations whose key and value are equal in
// every alert.
func (n *Notification) CommonAnnotations() map[string]string {
	return common(n.Alerts, func(a *Alert) map[string]string { return a.Annotations })
}

func common(alerts []Alert, get func(*Alert) map[string]string) map[string]string {
	out := map[string]string{}
	if len(alerts) == 0 {
		return out
	}
	for k, v := range get(&alerts[0]) {
		out[k] = v
	}
	for i := 1; i < len(alerts) && len(out) > 0; i++ {
		m := get(&alerts[i])
		for k, v := range out {
			if w, ok := m[k]; !ok || w != v {
				delete(out, k)
			}
		}
	}
	return out
}

// WithAlerts returns a shallow copy of n holding alerts instead of its own:
// handlers filter (send_resolved) or truncate (max_alerts) without touching
// the caller's notification, which a retry will hand them again.
func (n *Notification) WithAlerts(alerts []Alert) *Notification {
	c := *n
	c.Alerts = alerts
	return &c
}
