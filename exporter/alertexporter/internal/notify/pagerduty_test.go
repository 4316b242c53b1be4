package notify

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/config/configopaque"

	"github.com/otelcol-chaos/otelcol-chaos/exporter/alertexporter/config"
)

func newPagerDuty(t *testing.T, url string, mutate func(*PagerDutyConfig)) *PagerDutyHandler {
	t.Helper()
	cfg := config.NewDefaultPagerDutyConfig()
	cfg.ClientConfig.Endpoint = url
	cfg.RoutingKey = configopaque.String(testRoutingKey)
	if mutate != nil {
		mutate(&cfg)
	}
	h, err := NewPagerDutyHandler(context.Background(), "pagerduty", &cfg, nopHost(), nopSettings())
	require.NoError(t, err)
	t.Cleanup(func() { _ = h.Close() })
	return h
}

// pdAccepted answers like the Events API: 202 with a JSON status.
func pdAccepted(w http.ResponseWriter, _ *http.Request, _ int) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusAccepted)
	_, _ = w.Write([]byte(`{"status":"success","message":"Event processed","dedup_key":"x"}`))
}

func pdEventOf(t *testing.T, body []byte) pdEvent {
	t.Helper()
	var ev pdEvent
	require.NoError(t, json.Unmarshal(body, &ev))
	return ev
}

func TestPagerDutyTriggerAndResolveGolden(t *testing.T) {
	srv := newCaptureServer(t, pdAccepted)
	h := newPagerDuty(t, srv.URL+"/v2/enqueue", nil)

	n := firingNotification("pagerduty")
	n.Alerts = n.Alerts[:1]
	require.NoError(t, h.Notify(context.Background(), n))
	resolved := resolvedNotification("pagerduty")
	resolved.Alerts = resolved.Alerts[:1]
	require.NoError(t, h.Notify(context.Background(), resolved))

	reqs := srv.requests()
	require.Len(t, reqs, 2)
	for _, r := range reqs {
		require.Equal(t, http.MethodPost, r.Method)
		require.Equal(t, "/v2/enqueue", r.Path)
		require.Equal(t, "application/json", r.Header.Get("Content-Type"))
	}
	assertGolden(t, "pagerduty_trigger.json", reqs[0].Body)
	assertGolden(t, "pagerduty_resolve.json", reqs[1].Body)

	trigger, resolve := pdEventOf(t, reqs[0].Body), pdEventOf(t, reqs[1].Body)
	require.Equal(t, "trigger", trigger.EventAction)
	require.Equal(t, "resolve", resolve.EventAction)
	require.Equal(t, trigger.DedupKey, resolve.DedupKey, "the resolve must close the alert the trigger opened")
}

func TestPagerDutyOneEventPerAlert(t *testing.T) {
	srv := newCaptureServer(t, pdAccepted)
	h := newPagerDuty(t, srv.URL, nil)
	require.NoError(t, h.Notify(context.Background(), mixedNotification("pagerduty")))

	reqs := srv.requests()
	require.Len(t, reqs, 2)
	first, second := pdEventOf(t, reqs[0].Body), pdEventOf(t, reqs[1].Body)
	require.Equal(t, "resolve", first.EventAction)
	require.Equal(t, "a1b2c3d4e5f60718", first.DedupKey)
	require.Nil(t, first.Payload, "a resolve carries only routing_key, event_action and dedup_key")
	require.Equal(t, "trigger", second.EventAction)
	require.Equal(t, "0f1e2d3c4b5a6978", second.DedupKey)
	require.Equal(t, "warning", second.Payload.Severity)
}

func TestPagerDutyDedupKeyIndependentOfGroup(t *testing.T) {
	a := firingAlerts()[0]
	k1 := DedupKey(&a)
	a.EndsAt = t1
	require.Equal(t, k1, DedupKey(&a))

	noFP := Alert{Labels: map[string]string{"alertname": "X", "service": "s"}}
	k2 := DedupKey(&noFP)
	require.Len(t, k2, 16)
	same := Alert{Labels: map[string]string{"service": "s", "alertname": "X"}, EndsAt: t1}
	require.Equal(t, k2, DedupKey(&same), "fallback depends only on the labels")
	other := Alert{Labels: map[string]string{"alertname": "X", "service": "t"}}
	require.NotEqual(t, k2, DedupKey(&other))
}

func TestPagerDutySeverity(t *testing.T) {
	tests := map[string]string{
		"critical": "critical",
		"warning":  "warning",
		"info":     "info",
		"error":    "error",
		"CRITICAL": "critical",
		"":         "error",
		"page":     "error",
	}
	for in, want := range tests {
		require.Equal(t, want, PagerDutySeverity(in), "severity %q", in)
	}
}

func TestPagerDutySummaryTruncated(t *testing.T) {
	srv := newCaptureServer(t, pdAccepted)
	h := newPagerDuty(t, srv.URL, nil)
	n := firingNotification("pagerduty")
	n.Alerts = n.Alerts[:1]
	n.Alerts[0].Annotations = map[string]string{"summary": strings.Repeat("é", 2000)}
	require.NoError(t, h.Notify(context.Background(), n))

	sum := pdEventOf(t, srv.only(t).Body).Payload.Summary
	require.Equal(t, 1024, utf8.RuneCountInString(sum))
	require.True(t, strings.HasSuffix(sum, "…"))
	require.True(t, strings.HasPrefix(sum, "HighLatency: éé"))
}

func TestPagerDutyCustomFields(t *testing.T) {
	srv := newCaptureServer(t, pdAccepted)
	h := newPagerDuty(t, srv.URL, func(c *PagerDutyConfig) {
		c.Summary = `{{ upper .Labels.severity }} {{ .Labels.endpoint }}`
		c.Source = `{{ .Labels.nosuchlabel }}` // renders empty: falls back
		c.Component = `{{ .Labels.endpoint }}`
		c.Group = `{{ .Labels.service }}`
		c.Class = ""
		c.Client = "chaos-lab"
		c.ClientURL = "https://chaos.example/alerts"
	})
	n := firingNotification("pagerduty")
	n.Alerts = n.Alerts[:1]
	require.NoError(t, h.Notify(context.Background(), n))

	ev := pdEventOf(t, srv.only(t).Body)
	require.Equal(t, "CRITICAL /pay", ev.Payload.Summary)
	require.Equal(t, "otelcol-chaos", ev.Payload.Source, "PagerDuty requires a source")
	require.Equal(t, "/pay", ev.Payload.Component)
	require.Equal(t, "checkout", ev.Payload.Group)
	require.Empty(t, ev.Payload.Class)
	require.Equal(t, "chaos-lab", ev.Client)
	require.Equal(t, "https://chaos.example/alerts", ev.ClientURL)

	var raw map[string]any
	require.NoError(t, json.Unmarshal(srv.only(t).Body, &raw))
	require.NotContains(t, raw["payload"], "class", "empty optional fields are left out")
}

func TestPagerDutySendResolvedFalse(t *testing.T) {
	srv := newCaptureServer(t, pdAccepted)
	h := newPagerDuty(t, srv.URL, func(c *PagerDutyConfig) { c.SendResolved = false })
	require.NoError(t, h.Notify(context.Background(), mixedNotification("pagerduty")))
	require.Equal(t, "trigger", pdEventOf(t, srv.only(t).Body).EventAction)
}

func TestPagerDutyPermanentFailureDoesNotStopOtherEvents(t *testing.T) {
	srv := newCaptureServer(t, func(w http.ResponseWriter, r *http.Request, i int) {
		if i == 0 {
			w.WriteHeader(http.StatusBadRequest)
			_, _ = w.Write([]byte(`{"status":"invalid event","message":"Event object is invalid"}`))
			return
		}
		pdAccepted(w, r, i)
	})
	h := newPagerDuty(t, srv.URL, nil)
	err := h.Notify(context.Background(), firingNotification("pagerduty"))
	require.Error(t, err)
	require.False(t, IsRetryable(err))
	require.Contains(t, err.Error(), "a1b2c3d4e5f60718")
	require.Contains(t, err.Error(), "Event object is invalid")
	require.Len(t, srv.requests(), 2, "the second alert was still sent")
}

func TestPagerDutyRetryableFailureStops(t *testing.T) {
	srv := newCaptureServer(t, status(http.StatusTooManyRequests, "60"))
	h := newPagerDuty(t, srv.URL, nil)
	err := h.Notify(context.Background(), firingNotification("pagerduty"))
	require.True(t, IsRetryable(err))
	require.Len(t, srv.requests(), 1, "the rest waits for the retry")
}
