package notify

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/config/configopaque"

	"github.com/otelcol-chaos/otelcol-chaos/exporter/alertexporter/config"
)

func newAlertmanager(t *testing.T, endpoint string, mutate func(*AlertmanagerConfig)) *AlertmanagerHandler {
	t.Helper()
	cfg := config.NewDefaultAlertmanagerConfig()
	cfg.ClientConfig.Endpoint = endpoint
	if mutate != nil {
		mutate(&cfg)
	}
	h, err := NewAlertmanagerHandler(context.Background(), "alertmanager", &cfg, nopHost(), nopSettings())
	require.NoError(t, err)
	t.Cleanup(func() { _ = h.Close() })
	return h
}

func TestAlertmanagerPayloadGolden(t *testing.T) {
	tests := []struct {
		golden string
		n      *Notification
	}{
		{"alertmanager_firing.json", firingNotification("alertmanager")},
		{"alertmanager_resolved.json", resolvedNotification("alertmanager")},
	}
	for _, tt := range tests {
		t.Run(tt.golden, func(t *testing.T) {
			srv := newCaptureServer(t, nil)
			h := newAlertmanager(t, srv.URL, func(c *AlertmanagerConfig) {
				c.ClientConfig.Headers = configopaque.MapList{{Name: "Authorization", Value: "Basic dXNlcjpwYXNz"}}
			})
			require.NoError(t, h.Notify(context.Background(), tt.n))

			req := srv.only(t)
			require.Equal(t, http.MethodPost, req.Method)
			require.Equal(t, "/api/v2/alerts", req.Path)
			require.Equal(t, "application/json", req.Header.Get("Content-Type"))
			require.Equal(t, "Basic dXNlcjpwYXNz", req.Header.Get("Authorization"))
			assertGolden(t, tt.golden, req.Body)
		})
	}
}

func TestAlertmanagerTermIsAnAnnotationNotALabel(t *testing.T) {
	srv := newCaptureServer(t, nil)
	h := newAlertmanager(t, srv.URL, nil)
	n := firingNotification("alertmanager")
	require.NoError(t, h.Notify(context.Background(), n))

	var got []postableAlert
	require.NoError(t, json.Unmarshal(srv.only(t).Body, &got))
	require.Len(t, got, 2)
	for _, a := range got {
		require.Equal(t, "7", a.Annotations[AnnotationFencingTerm])
		require.NotContains(t, a.Labels, AnnotationFencingTerm, "labels are the alert's identity")
		require.Empty(t, a.EndsAt, "no endsAt while firing")
	}
	require.NotContains(t, n.Alerts[0].Annotations, AnnotationFencingTerm, "the caller's annotations are untouched")
}

func TestAlertmanagerNoTermWithoutCoordinator(t *testing.T) {
	srv := newCaptureServer(t, nil)
	h := newAlertmanager(t, srv.URL, nil)
	n := firingNotification("alertmanager")
	n.Term = 0
	n.Alerts[1].Annotations = nil
	require.NoError(t, h.Notify(context.Background(), n))

	var raw []map[string]any
	require.NoError(t, json.Unmarshal(srv.only(t).Body, &raw))
	require.NotContains(t, raw[0]["annotations"], AnnotationFencingTerm)
	require.NotContains(t, raw[1], "annotations", "no annotations at all are left out")
}

func TestAlertsURL(t *testing.T) {
	tests := map[string]string{
		"http://am:9093":                        "http://am:9093/api/v2/alerts",
		"http://am:9093/":                       "http://am:9093/api/v2/alerts",
		"https://example.com/alertmanager":      "https://example.com/alertmanager/api/v2/alerts",
		"http://am:9093/api/v2/alerts":          "http://am:9093/api/v2/alerts",
		"https://example.com/am/api/v2/alerts/": "https://example.com/am/api/v2/alerts",
	}
	for in, want := range tests {
		require.Equal(t, want, alertsURL(in), in)
	}
}

func TestAlertmanagerErrors(t *testing.T) {
	srv := newCaptureServer(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
		w.WriteHeader(http.StatusBadRequest)
		_, _ = w.Write([]byte(`"start time must be before end time"`))
	})
	h := newAlertmanager(t, srv.URL, nil)
	err := h.Notify(context.Background(), resolvedNotification("alertmanager"))
	require.False(t, IsRetryable(err))
	require.Contains(t, err.Error(), "start time must be before end time")
}
