package templating // import "github.com/otelcol-chaos/otelcol-chaos/exporter/alertexporter/internal/templating"

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"text/template"
	"time"
	"unicode/utf8"
)

// Pair is one label or annotation, for templates that need a stable order.
type Pair struct {
	Name  string
	Value string
}

// funcs is the vocabulary every user template (webhook body, Slack
// title/text, PagerDuty fields) shares, so a user learns it once:
//
//	upper, lower            strings.ToUpper / ToLower
//	join SEP LIST           strings.Join, pipeline-friendly: {{ .X | join ", " }}
//	json V                  V as JSON (for building JSON bodies safely)
//	sortedPairs MAP         []Pair sorted by name
//	without MAP KEY...      a copy of MAP without KEYs
//	labelPairs MAP          "k1=v1, k2=v2" sorted by key
//	rfc3339 TIME            UTC RFC 3339 with nanoseconds (zero time as Go prints it)
//	truncate N S            S cut to N characters, ending in "…" when cut
//	slackEscape S           escapes &, <, > as Slack's message format requires
var funcs = template.FuncMap{
	"upper": strings.ToUpper,
	"lower": strings.ToLower,
	"join":  func(sep string, list []string) string { return strings.Join(list, sep) },
	"json": func(v any) (string, error) {
		b, err := json.Marshal(v)
		return string(b), err
	},
	"sortedPairs": SortedPairs,
	"without": func(m map[string]string, keys ...string) map[string]string {
		out := maps.Clone(m)
		for _, k := range keys {
			delete(out, k)
		}
		return out
	},
	"labelPairs":  labelPairs,
	"rfc3339":     FormatTime,
	"truncate":    Truncate,
	"slackEscape": SlackEscape,
}

// Parse parses a user template with the shared functions. Missing
// map keys render as "" (missingkey=zero) rather than "<no value>", so
// {{ .Labels.service }} is simply empty on alerts without that label.
func Parse(name, text string) (*template.Template, error) {
	return template.New(name).Option("missingkey=zero").Funcs(funcs).Parse(text)
}

// Check parses text and executes it once on sample data, so that
// Validate reports, at start-up, not only syntax errors but also references
// to fields that do not exist.
func Check(name, text string, sample any) error {
	t, err := Parse(name, text)
	if err != nil {
		return err
	}
	return t.Execute(&bytes.Buffer{}, sample)
}

// Render executes t on data and returns the result without surrounding
// white space (templates are easier to write with line breaks).
func Render(t *template.Template, data any) (string, error) {
	var b bytes.Buffer
	if err := t.Execute(&b, data); err != nil {
		return "", fmt.Errorf("template %q: %w", t.Name(), err)
	}
	return strings.TrimSpace(b.String()), nil
}

// SortedPairs returns the entries of m sorted by name.
func SortedPairs(m map[string]string) []Pair {
	out := make([]Pair, 0, len(m))
	for _, k := range slices.Sorted(maps.Keys(m)) {
		out = append(out, Pair{Name: k, Value: m[k]})
	}
	return out
}

func labelPairs(m map[string]string) string {
	var b strings.Builder
	for i, p := range SortedPairs(m) {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(p.Name)
		b.WriteByte('=')
		b.WriteString(p.Value)
	}
	return b.String()
}

// FormatTime is the one timestamp format of every payload: RFC 3339 in UTC
// (fractional seconds only when present), so that the zero time reads
// "0001-01-01T00:00:00Z" exactly as Alertmanager writes it for firing alerts.
func FormatTime(t time.Time) string {
	return t.UTC().Format(time.RFC3339Nano)
}

// Truncate cuts s to at most n characters (runes, not bytes, so UTF-8 stays
// valid), marking the cut with "…".
func Truncate(n int, s string) string {
	if n <= 0 {
		return ""
	}
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

var slackReplacer = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

// SlackEscape escapes the three characters Slack's message format reserves,
// so that label values such as "a<b" are not read as links or mentions.
func SlackEscape(s string) string { return slackReplacer.Replace(s) }

// SampleNotification is what Validate executes templates on: one firing and
// one resolved alert with the usual labels, so that templates ranging over
// either kind are exercised.
func SampleNotification() *Notification {
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	labels := map[string]string{LabelAlertName: "SampleAlert", LabelSeverity: SeverityWarning, "service": "checkout"}
	return &Notification{
		Receiver:    "sample",
		GroupKey:    `{}:{alertname="SampleAlert"}`,
		GroupLabels: map[string]string{LabelAlertName: "SampleAlert"},
		Alerts: []Alert{
			{Fingerprint: "0123456789abcdef", Labels: labels, Annotations: map[string]string{AnnotationSummary: "sample"}, StartsAt: start},
			{Fingerprint: "fedcba9876543210", Labels: labels, Annotations: map[string]string{AnnotationSummary: "sample"}, StartsAt: start, EndsAt: start.Add(time.Minute)},
		},
		Term:        1,
		Sender:      "node-1",
		ExternalURL: "http://localhost",
	}
}

// WebhookData is what a webhook template executes on: the notification
// after send_resolved and max_alerts are applied (so .Alerts, .Status,
// .CommonLabels… and every Notification field), plus how many alerts
// max_alerts cut.
type WebhookData struct {
	*Notification
	TruncatedAlerts int
}

// PagerDutyData is what the PagerDuty field templates execute on: one alert
// (its fields and methods at the top level: .Labels, .Annotations,
// .Fingerprint, .Status…) and the notification it belongs to.
type PagerDutyData struct {
	Alert
	Notification *Notification
}

// SamplePagerDutyData is what Validate executes PagerDuty templates on: the
// first (firing) alert of SampleNotification.
func SamplePagerDutyData() PagerDutyData {
	n := SampleNotification()
	return PagerDutyData{Alert: n.Alerts[0], Notification: n}
}
