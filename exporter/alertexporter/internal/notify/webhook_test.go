package notify

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/config/configopaque"
)

func TestWebhookPayloadGolden(t *testing.T) {
	tests := []struct {
		golden string
		n      *Notification
	}{
		{"webhook_firing.json", firingNotification("webhook")},
		{"webhook_resolved.json", resolvedNotification("webhook")},
	}
	for _, tt := range tests {
		t.Run(tt.golden, func(t *testing.T) {
			srv := newCaptureServer(t, nil)
			h := newWebhook(t, srv.URL+"/hooks/alerts", nil)
			require.NoError(t, h.Notify(context.Background(), tt.n))

			req := srv.only(t)
			require.Equal(t, http.MethodPost, req.Method)
			require.Equal(t, "/hooks/alerts", req.Path)
			require.Equal(t, "application/json", req.Header.Get("Content-Type"))
			require.Equal(t, "7", req.Header.Get(TermHeader))
			require.Equal(t, "otelcol-chaos", req.Header.Get("User-Agent"))
			assertGolden(t, tt.golden, req.Body)
		})
	}
}

func TestWebhookConfiguredHeaders(t *testing.T) {
	srv := newCaptureServer(t, nil)
	h := newWebhook(t, srv.URL, func(c *WebhookConfig) {
		c.ClientConfig.Headers = configopaque.MapList{{Name: "Authorization", Value: "Bearer s3cret"}}
	})
	require.NoError(t, h.Notify(context.Background(), firingNotification("webhook")))
	require.Equal(t, "Bearer s3cret", srv.only(t).Header.Get("Authorization"))
}

func TestWebhookMaxAlertsTruncates(t *testing.T) {
	srv := newCaptureServer(t, nil)
	h := newWebhook(t, srv.URL, func(c *WebhookConfig) { c.MaxAlerts = 1 })
	require.NoError(t, h.Notify(context.Background(), mixedNotification("webhook")))

	var got webhookMessage
	require.NoError(t, json.Unmarshal(srv.only(t).Body, &got))
	require.Equal(t, 1, got.TruncatedAlerts)
	require.Len(t, got.Alerts, 1)
	require.Equal(t, "a1b2c3d4e5f60718", got.Alerts[0].Fingerprint, "the first alerts are kept")
	require.Equal(t, StatusFiring, got.Status, "status describes the whole group, cut alerts included")
	require.Equal(t, map[string]string{"alertname": "HighLatency", "service": "checkout"}, got.CommonLabels,
		"common labels are computed over every alert, as in Alertmanager")
}

func TestWebhookMaxAlertsAboveCountSendsAll(t *testing.T) {
	srv := newCaptureServer(t, nil)
	h := newWebhook(t, srv.URL, func(c *WebhookConfig) { c.MaxAlerts = 5 })
	require.NoError(t, h.Notify(context.Background(), firingNotification("webhook")))
	var got webhookMessage
	require.NoError(t, json.Unmarshal(srv.only(t).Body, &got))
	require.Zero(t, got.TruncatedAlerts)
	require.Len(t, got.Alerts, 2)
}

func TestWebhookSendResolvedFalse(t *testing.T) {
	srv := newCaptureServer(t, nil)
	h := newWebhook(t, srv.URL, func(c *WebhookConfig) { c.SendResolved = false })

	n := mixedNotification("webhook")
	require.NoError(t, h.Notify(context.Background(), n))
	var got webhookMessage
	require.NoError(t, json.Unmarshal(srv.only(t).Body, &got))
	require.Len(t, got.Alerts, 1)
	require.Equal(t, StatusFiring, got.Alerts[0].Status)
	require.Len(t, n.Alerts, 2, "the caller's notification is untouched")

	require.NoError(t, h.Notify(context.Background(), resolvedNotification("webhook")))
	require.Len(t, srv.requests(), 1, "an all-resolved group sends nothing")
}

func TestWebhookTemplate(t *testing.T) {
	srv := newCaptureServer(t, nil)
	h := newWebhook(t, srv.URL, func(c *WebhookConfig) {
		c.Template = `{"text": {{ json (printf "%s: %d firing, %d cut, term %d" .Status (len .Firing) .TruncatedAlerts .Term) }},
 "labels": {{ json .CommonLabels }},
 "ids": [{{ range $i, $a := .Alerts }}{{ if $i }},{{ end }}{{ json $a.Fingerprint }}{{ end }}]}`
		c.ContentType = "application/vnd.example+json"
		c.MaxAlerts = 1
	})
	require.NoError(t, h.Notify(context.Background(), firingNotification("webhook")))

	req := srv.only(t)
	require.Equal(t, "application/vnd.example+json", req.Header.Get("Content-Type"))
	require.Equal(t, "7", req.Header.Get(TermHeader))
	require.JSONEq(t, `{"text":"firing: 1 firing, 1 cut, term 7",
		"labels":{"alertname":"HighLatency","severity":"critical","service":"checkout","endpoint":"/pay"},
		"ids":["a1b2c3d4e5f60718"]}`, string(req.Body))
}

func TestWebhookTemplateDefaultContentType(t *testing.T) {
	srv := newCaptureServer(t, nil)
	h := newWebhook(t, srv.URL, func(c *WebhookConfig) { c.Template = `{"status":"{{ .Status }}"}` })
	require.NoError(t, h.Notify(context.Background(), resolvedNotification("webhook")))
	req := srv.only(t)
	require.Equal(t, "application/json", req.Header.Get("Content-Type"))
	require.JSONEq(t, `{"status":"resolved"}`, string(req.Body))
}

func TestWebhookTemplateExecutionErrorIsPermanent(t *testing.T) {
	srv := newCaptureServer(t, nil)
	// Valid on the sample notification (alerts present), fails on an empty one.
	h := newWebhook(t, srv.URL, func(c *WebhookConfig) { c.Template = `{{ (index .Alerts 0).Fingerprint }}` })
	err := h.Notify(context.Background(), &Notification{Receiver: "webhook"})
	require.Error(t, err)
	require.False(t, IsRetryable(err))
	require.Empty(t, srv.requests())
}

func TestWebhookErrorClassification(t *testing.T) {
	tests := []struct {
		name       string
		respond    func(http.ResponseWriter, *http.Request, int)
		retryable  bool
		code       int
		retryAfter time.Duration
	}{
		{"429 with Retry-After", status(http.StatusTooManyRequests, "3"), true, 429, 3 * time.Second},
		{"503", status(http.StatusServiceUnavailable, ""), true, 503, 0},
		{"400", status(http.StatusBadRequest, ""), false, 400, 0},
		{"404", status(http.StatusNotFound, ""), false, 404, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newCaptureServer(t, tt.respond)
			h := newWebhook(t, srv.URL, nil)
			err := h.Notify(context.Background(), firingNotification("webhook"))
			var de *DeliveryError
			require.ErrorAs(t, err, &de)
			require.Equal(t, tt.retryable, de.Retryable)
			require.Equal(t, tt.code, de.StatusCode)
			require.Equal(t, tt.retryAfter, de.RetryAfter)
		})
	}
}

func TestWebhookNetworkErrorIsRetryable(t *testing.T) {
	srv := newCaptureServer(t, nil)
	url := srv.URL
	srv.Close() // nothing listens any more
	h := newWebhook(t, url, nil)
	err := h.Notify(context.Background(), firingNotification("webhook"))
	var de *DeliveryError
	require.ErrorAs(t, err, &de)
	require.True(t, de.Retryable)
	require.Zero(t, de.StatusCode)
	require.NotContains(t, err.Error(), url, "URLs may hold secrets: kept out of errors")
}
