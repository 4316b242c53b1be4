package notify

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestTemplateFuncs(t *testing.T) {
	n := firingNotification("r")
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
			tmpl, err := parseTemplate(tt.name, tt.text)
			require.NoError(t, err)
			got, err := render(tmpl, n)
			require.NoError(t, err)
			require.Equal(t, tt.want, got)
		})
	}
}

func TestJoin(t *testing.T) {
	tmpl, err := parseTemplate("join", `{{ .List | join ", " }}`)
	require.NoError(t, err)
	got, err := render(tmpl, struct{ List []string }{[]string{"a", "b"}})
	require.NoError(t, err)
	require.Equal(t, "a, b", got)
}

func TestTruncate(t *testing.T) {
	require.Equal(t, "abc", truncate(3, "abc"))
	require.Equal(t, "ab…", truncate(3, "abcd"))
	require.Equal(t, "é…", truncate(2, "ééé"), "cut on runes, not bytes")
	require.Empty(t, truncate(0, "abc"))
}

func TestCheckTemplate(t *testing.T) {
	require.NoError(t, checkTemplate("ok", `{{ .Status }} {{ len .Alerts }}`, sampleNotification()))
	require.ErrorContains(t, checkTemplate("syntax", `{{ .Status `, sampleNotification()), "unclosed action")
	require.ErrorContains(t, checkTemplate("func", `{{ nosuchfunc . }}`, sampleNotification()), "not defined")
	require.ErrorContains(t, checkTemplate("field", `{{ .NoSuchField }}`, sampleNotification()), "NoSuchField")
}

func TestFormatTime(t *testing.T) {
	require.Equal(t, "0001-01-01T00:00:00Z", formatTime(time.Time{}))
	cest := time.FixedZone("CEST", 2*3600)
	require.Equal(t, "2026-03-01T10:00:00.5Z", formatTime(time.Date(2026, 3, 1, 12, 0, 0, 5e8, cest)))
}
