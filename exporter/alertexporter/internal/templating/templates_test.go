package templating

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestTemplateFuncs(t *testing.T) {
	n := testNotification()
	tests := []struct {
		name string
		text string
		want string
	}{
		{"upper status", `{{ upper .Status }}`, "FIRING"},
		{"lower", `{{ lower "ABC" }}`, "abc"},
		{"missing label is empty", `[{{ .GroupLabels.nope }}]`, "[]"},
		{"label pairs", `{{ labelPairs .GroupLabels }}`, "alertname=HighLatency, service=checkout"},
		{"without", `{{ labelPairs (without .GroupLabels "alertname") }}`, "service=checkout"},
		{"sorted pairs", `{{ range sortedPairs .GroupLabels }}{{ .Name }};{{ end }}`, "alertname;service;"},
		{"json", `{{ json .GroupLabels }}`, `{"alertname":"HighLatency","service":"checkout"}`},
		{"rfc3339", `{{ rfc3339 (index .Alerts 0).StartsAt }} {{ rfc3339 (index .Alerts 0).EndsAt }}`, "2026-03-01T10:00:00Z 0001-01-01T00:00:00Z"},
		{"truncate", `{{ truncate 5 "abcdefgh" }}`, "abcd…"},
		{"slack escape", `{{ slackEscape "a<b & c>d" }}`, "a&lt;b &amp; c&gt;d"},
		{"methods", `{{ len .Firing }}/{{ len .ResolvedAlerts }} {{ .CommonLabels.service }}`, "2/0 checkout"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tmpl, err := Parse(tt.name, tt.text)
			require.NoError(t, err)
			got, err := Render(tmpl, n)
			require.NoError(t, err)
			require.Equal(t, tt.want, got)
		})
	}
}

func TestJoin(t *testing.T) {
	tmpl, err := Parse("join", `{{ .List | join ", " }}`)
	require.NoError(t, err)
	got, err := Render(tmpl, struct{ List []string }{[]string{"a", "b"}})
	require.NoError(t, err)
	require.Equal(t, "a, b", got)
}

func TestTruncate(t *testing.T) {
	require.Equal(t, "abc", Truncate(3, "abc"))
	require.Equal(t, "ab…", Truncate(3, "abcd"))
	require.Equal(t, "é…", Truncate(2, "ééé"), "cut on runes, not bytes")
	require.Empty(t, Truncate(0, "abc"))
}

func TestCheckTemplate(t *testing.T) {
	require.NoError(t, Check("ok", `{{ .Status }} {{ len .Alerts }}`, SampleNotification()))
	require.ErrorContains(t, Check("syntax", `{{ .Status `, SampleNotification()), "unclosed action")
	require.ErrorContains(t, Check("func", `{{ nosuchfunc . }}`, SampleNotification()), "not defined")
	require.ErrorContains(t, Check("field", `{{ .NoSuchField }}`, SampleNotification()), "NoSuchField")
}

func TestFormatTime(t *testing.T) {
	require.Equal(t, "0001-01-01T00:00:00Z", FormatTime(time.Time{}))
	cest := time.FixedZone("CEST", 2*3600)
	require.Equal(t, "2026-03-01T10:00:00.5Z", FormatTime(time.Date(2026, 3, 1, 12, 0, 0, 5e8, cest)))
}

func TestSamplePagerDutyData(t *testing.T) {
	d := SamplePagerDutyData()
	require.False(t, d.Resolved(), "the firing alert")
	require.NoError(t, Check("pd", `{{ .Labels.alertname }} {{ .Notification.Sender }} {{ .Status }}`, d))
	require.NoError(t, Check("webhook", `{{ .Status }} {{ .TruncatedAlerts }}`, WebhookData{Notification: SampleNotification()}))
}

// testNotification is a group of two firing alerts of one rule.
func testNotification() *Notification {
	t0 := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	return &Notification{
		Receiver:    "r",
		GroupKey:    `{}:{alertname="HighLatency", service="checkout"}`,
		GroupLabels: map[string]string{"alertname": "HighLatency", "service": "checkout"},
		Alerts: []Alert{
			{Fingerprint: "a1b2c3d4e5f60718", StartsAt: t0,
				Labels: map[string]string{"alertname": "HighLatency", "severity": "critical", "service": "checkout", "endpoint": "/pay"}},
			{Fingerprint: "0f1e2d3c4b5a6978", StartsAt: t0.Add(30 * time.Second),
				Labels: map[string]string{"alertname": "HighLatency", "severity": "warning", "service": "checkout", "endpoint": "/cart"}},
		},
		Term: 7,
	}
}
