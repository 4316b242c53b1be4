package alertexporter

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/exporter/exportertest"

	"github.com/otelcol-chaos/otelcol-chaos/exporter/alertexporter/internal/dispatch"
	"github.com/otelcol-chaos/otelcol-chaos/exporter/alertexporter/internal/metadata"
	"github.com/otelcol-chaos/otelcol-chaos/exporter/alertexporter/internal/notify"
	"github.com/otelcol-chaos/otelcol-chaos/exporter/alertexporter/internal/rules"
)

func getJSON(t *testing.T, url string, v any) int {
	t.Helper()
	resp, err := http.Get(url)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.NoError(t, json.NewDecoder(resp.Body).Decode(v), "every answer is JSON")
	return resp.StatusCode
}

func TestAlertsAPI(t *testing.T) {
	e, clock, _ := newTestEngine(t, []rules.Config{{Name: "Storm", Preset: "fault_rate", Threshold: f64(0.3),
		Window: 2 * time.Minute, For: time.Minute}},
		dispatch.Config{GroupBy: []string{"alertname"}, GroupWait: time.Second, GroupInterval: time.Second, RepeatInterval: time.Hour})
	t0 := clock.t.Add(-10 * time.Minute)
	e.ingest(bucketLogs(t0, [][2]uint64{{100, 0}, {100, 90}, {100, 90}, {100, 90}, {100, 0}, {100, 0}, {100, 0}}))
	srv := httptest.NewServer(e.apiHandler())
	defer srv.Close()

	var alerts struct{ Alerts []apiAlert }
	require.Equal(t, http.StatusOK, getJSON(t, srv.URL+"/v1/alerts", &alerts))
	require.Len(t, alerts.Alerts, 1)
	a := alerts.Alerts[0]
	require.Equal(t, "resolved", a.State)
	require.Equal(t, "Storm", a.Labels["alertname"])
	require.Equal(t, t0.Add(2*time.Minute).Format(time.RFC3339Nano), a.ActiveAt)
	require.Equal(t, t0.Add(3*time.Minute).Format(time.RFC3339Nano), a.FiredAt)
	require.NotEmpty(t, a.ResolvedAt)
	require.Equal(t, http.StatusOK, getJSON(t, srv.URL+"/v1/alerts?state=firing", &alerts))
	require.Empty(t, alerts.Alerts)

	var hist struct{ Transitions []apiTransition }
	require.Equal(t, http.StatusOK, getJSON(t, srv.URL+"/v1/alerts/history", &hist))
	var to []string
	for _, tr := range hist.Transitions {
		to = append(to, tr.From+"→"+tr.To)
	}
	require.Equal(t, []string{"firing→resolved", "pending→firing", "inactive→pending"}, to, "newest first")
	require.Equal(t, http.StatusOK, getJSON(t, srv.URL+"/v1/alerts/history?limit=1&rule=Storm", &hist))
	require.Len(t, hist.Transitions, 1)
	require.Equal(t, http.StatusOK, getJSON(t, srv.URL+"/v1/alerts/history?rule=Other", &hist))
	require.Empty(t, hist.Transitions)
	require.Equal(t, http.StatusBadRequest, getJSON(t, srv.URL+"/v1/alerts/history?limit=-1", &hist))
	var bad map[string]string
	require.Equal(t, http.StatusBadRequest, getJSON(t, srv.URL+"/v1/alerts?state=bogus", &bad),
		"an unknown state is an error, not an empty list")
	require.Equal(t, "state must be one of pending, firing, resolved (or absent: all)", bad["error"])
	for _, state := range []string{"pending", "firing", "resolved"} {
		var ok map[string]any
		require.Equal(t, http.StatusOK, getJSON(t, srv.URL+"/v1/alerts?state="+state, &ok), state)
	}
	resp, err := http.Post(srv.URL+"/v1/alerts", "application/json", nil)
	require.NoError(t, err)
	require.NoError(t, resp.Body.Close())
	require.Equal(t, http.StatusMethodNotAllowed, resp.StatusCode)
}

// TestAlertsAPIServed: enabled, the API is served by the started exporter
// and stops with it.
func TestAlertsAPIServed(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	cfg := createDefaultConfig().(*Config)
	cfg.API.Enabled = true
	cfg.API.ServerConfig.NetAddr.Endpoint = addr
	cfg.Rules = []rules.Config{{Name: "Storm", Preset: "fault_rate"}}
	cfg.Handlers = []HandlerConfig{{Name: "log", Log: &notify.LogConfig{Level: "info"}}}
	require.NoError(t, cfg.Validate())
	exp, err := NewFactory().CreateLogs(context.Background(), exportertest.NewNopSettings(metadata.Type), cfg)
	require.NoError(t, err)
	require.NoError(t, exp.Start(context.Background(), componenttest.NewNopHost()))
	var alerts struct{ Alerts []apiAlert }
	require.Equal(t, http.StatusOK, getJSON(t, "http://"+addr+"/v1/alerts", &alerts))
	require.Empty(t, alerts.Alerts)
	require.NoError(t, exp.Shutdown(context.Background()))
	_, err = http.Get("http://" + addr + "/v1/alerts")
	require.Error(t, err, "stopped with the exporter")
}
