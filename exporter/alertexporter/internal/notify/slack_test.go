package notify

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/config/configopaque"

	"github.com/otelcol-chaos/otelcol-chaos/exporter/alertexporter/config"
)

func newSlack(t *testing.T, url string, mutate func(*SlackConfig)) *SlackHandler {
	t.Helper()
	cfg := config.NewDefaultSlackConfig()
	cfg.WebhookURL = configopaque.String(url)
	if mutate != nil {
		mutate(&cfg)
	}
	h, err := NewSlackHandler(context.Background(), "slack", &cfg, nopHost(), nopSettings())
	require.NoError(t, err)
	t.Cleanup(func() { _ = h.Close() })
	return h
}

// slackOK answers like Slack: 200 with the body "ok".
func slackOK(w http.ResponseWriter, _ *http.Request, _ int) {
	w.Header().Set("Content-Type", "text/plain")
	_, _ = w.Write([]byte("ok"))
}

func TestSlackPayloadGolden(t *testing.T) {
	tests := []struct {
		golden string
		n      *Notification
	}{
		{"slack_firing.json", firingNotification("slack")},
		{"slack_resolved.json", resolvedNotification("slack")},
	}
	for _, tt := range tests {
		t.Run(tt.golden, func(t *testing.T) {
			srv := newCaptureServer(t, slackOK)
			h := newSlack(t, srv.URL+"/services/T000/B000/XXXX", func(c *SlackConfig) {
				c.Channel = "#chaos-alerts"
				c.Username = "otelcol-chaos"
				c.IconEmoji = ":rotating_light:"
			})
			require.NoError(t, h.Notify(context.Background(), tt.n))

			req := srv.only(t)
			require.Equal(t, http.MethodPost, req.Method)
			require.Equal(t, "/services/T000/B000/XXXX", req.Path)
			require.Equal(t, "application/json", req.Header.Get("Content-Type"))
			assertGolden(t, tt.golden, req.Body)
		})
	}
}

func slackAttachmentOf(t *testing.T, body []byte) slackAttachment {
	t.Helper()
	var msg slackMessage
	require.NoError(t, json.Unmarshal(body, &msg))
	require.Len(t, msg.Attachments, 1)
	return msg.Attachments[0]
}

func TestSlackDefaultTitle(t *testing.T) {
	tests := []struct {
		name string
		n    *Notification
		want string
	}{
		{"firing with group labels", firingNotification("slack"), "[FIRING:2] HighLatency (service=checkout)"},
		{"one firing of two", mixedNotification("slack"), "[FIRING:1] HighLatency (service=checkout)"},
		{"resolved", resolvedNotification("slack"), "[RESOLVED] HighLatency (service=checkout)"},
		{"grouped by nothing", func() *Notification {
			n := firingNotification("slack")
			n.GroupLabels = nil
			return n
		}(), "[FIRING:2] HighLatency"},
		{"different alertnames, grouped by nothing", &Notification{Alerts: []Alert{
			{Labels: map[string]string{"alertname": "A"}}, {Labels: map[string]string{"alertname": "B"}},
		}}, "[FIRING:2] alerts"},
		{"escaped", &Notification{GroupLabels: map[string]string{"alertname": "X", "endpoint": "/a<b>"}, Alerts: []Alert{
			{Labels: map[string]string{"alertname": "X"}},
		}}, "[FIRING:1] X (endpoint=/a&lt;b&gt;)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newCaptureServer(t, slackOK)
			h := newSlack(t, srv.URL, nil)
			require.NoError(t, h.Notify(context.Background(), tt.n))
			att := slackAttachmentOf(t, srv.only(t).Body)
			require.Equal(t, tt.want, att.Title)
			require.Equal(t, tt.want, att.Fallback)
		})
	}
}

func TestSlackColor(t *testing.T) {
	withSeverities := func(sev ...string) *Notification {
		n := &Notification{}
		for _, s := range sev {
			n.Alerts = append(n.Alerts, Alert{Labels: map[string]string{"severity": s}})
		}
		return n
	}
	resolvedCritical := withSeverities("critical")
	resolvedCritical.Alerts[0].EndsAt = t1
	mixed := withSeverities("critical", "info")
	mixed.Alerts[0].EndsAt = t1 // the critical one resolved

	tests := []struct {
		name string
		n    *Notification
		want string
	}{
		{"critical firing", withSeverities("info", "critical", "warning"), "danger"},
		{"warning firing", withSeverities("info", "warning"), "warning"},
		{"info only", withSeverities("info"), "#439FE0"},
		{"unknown severity", withSeverities("page-me"), "#439FE0"},
		{"resolved", resolvedCritical, "good"},
		{"resolved critical does not colour the rest", mixed, "#439FE0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.Equal(t, tt.want, slackColor(tt.n))
		})
	}
}

func TestSlackCustomTemplatesAndNoTerm(t *testing.T) {
	srv := newCaptureServer(t, slackOK)
	h := newSlack(t, srv.URL, func(c *SlackConfig) {
		c.Title = `{{ .CommonLabels.service }} is {{ .Status }}`
		c.Text = `{{ range .Alerts }}{{ .Labels.endpoint }} {{ end }}`
	})
	n := firingNotification("slack")
	n.Term = 0
	n.ExternalURL = ""
	require.NoError(t, h.Notify(context.Background(), n))

	att := slackAttachmentOf(t, srv.only(t).Body)
	require.Equal(t, "checkout is firing", att.Title)
	require.Equal(t, "/pay /cart", att.Text)
	require.Equal(t, "otelcol-chaos", att.Footer, "no term without a coordinator")
	require.Equal(t, n.Alerts[0].GeneratorURL, att.TitleLink, "falls back to the generator URL")

	var raw map[string]any
	require.NoError(t, json.Unmarshal(srv.only(t).Body, &raw))
	require.NotContains(t, raw, "channel", "unset overrides are left out")
	require.NotContains(t, raw, "username")
	require.NotContains(t, raw, "icon_emoji")
}

func TestSlackSendResolvedFalse(t *testing.T) {
	srv := newCaptureServer(t, slackOK)
	h := newSlack(t, srv.URL, func(c *SlackConfig) { c.SendResolved = false })
	require.NoError(t, h.Notify(context.Background(), resolvedNotification("slack")))
	require.Empty(t, srv.requests())
	require.NoError(t, h.Notify(context.Background(), mixedNotification("slack")))
	require.Equal(t, "[FIRING:1] HighLatency (service=checkout)", slackAttachmentOf(t, srv.only(t).Body).Title)
}

func TestSlackErrors(t *testing.T) {
	tests := []struct {
		name       string
		respond    func(http.ResponseWriter, *http.Request, int)
		retryable  bool
		retryAfter time.Duration
	}{
		{"rate limited", status(http.StatusTooManyRequests, "30"), true, 30 * time.Second},
		{"invalid_payload", func(w http.ResponseWriter, _ *http.Request, _ int) {
			w.WriteHeader(http.StatusBadRequest)
			_, _ = w.Write([]byte("invalid_payload"))
		}, false, 0},
		{"channel_not_found", status(http.StatusNotFound, ""), false, 0},
		{"server error", status(http.StatusInternalServerError, ""), true, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newCaptureServer(t, tt.respond)
			h := newSlack(t, srv.URL+"/services/T000/B000/SECRET", nil)
			err := h.Notify(context.Background(), firingNotification("slack"))
			var de *DeliveryError
			require.ErrorAs(t, err, &de)
			require.Equal(t, tt.retryable, de.Retryable)
			require.Equal(t, tt.retryAfter, de.RetryAfter)
			require.NotContains(t, err.Error(), "SECRET")
		})
	}
}

func TestSlackNetworkErrorHidesWebhookURL(t *testing.T) {
	srv := newCaptureServer(t, slackOK)
	url := srv.URL + "/services/T000/B000/SECRET"
	srv.Close()
	h := newSlack(t, url, nil)
	err := h.Notify(context.Background(), firingNotification("slack"))
	require.True(t, IsRetryable(err))
	require.NotContains(t, err.Error(), "SECRET", "the webhook URL is a secret")
}
