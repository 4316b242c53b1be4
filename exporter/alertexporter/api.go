package alertexporter

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"time"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/config/confighttp"
	"go.uber.org/zap"

	"github.com/otelcol-chaos/otelcol-chaos/exporter/alertexporter/internal/lifecycle"
	"github.com/otelcol-chaos/otelcol-chaos/internal/httpserve"
)

// APIConfig is the read-only alerts API: the current alerts and the
// transition history, newest first.
type APIConfig struct {
	Enabled bool `mapstructure:"enabled"`
	// ServerConfig is the HTTP server (endpoint, TLS, auth…).
	ServerConfig confighttp.ServerConfig `mapstructure:",squash"`
}

// Paths of the alerts API.
const (
	pathAlerts  = "/v1/alerts"
	pathHistory = "/v1/alerts/history"
	pathAborts  = "/v1/alerts/aborts"
)

// apiAlert is an alert as the API shows it.
type apiAlert struct {
	Fingerprint string            `json:"fingerprint"`
	Rule        string            `json:"rule"`
	State       string            `json:"state"`
	Labels      map[string]string `json:"labels"`
	Annotations map[string]string `json:"annotations"`
	Value       float64           `json:"value"`
	ActiveAt    string            `json:"active_at"`
	FiredAt     string            `json:"fired_at,omitempty"`
	ResolvedAt  string            `json:"resolved_at,omitempty"`
}

// apiTransition is one history entry.
type apiTransition struct {
	At          string            `json:"at"`
	Fingerprint string            `json:"fingerprint"`
	Rule        string            `json:"rule"`
	Labels      map[string]string `json:"labels"`
	From        string            `json:"from"`
	To          string            `json:"to"`
	Value       float64           `json:"value"`
}

func rfc3339(ns int64) string {
	if ns == 0 {
		return ""
	}
	return time.Unix(0, ns).UTC().Format(time.RFC3339Nano)
}

// apiHandler serves GET /v1/alerts[?state=…],
// GET /v1/alerts/history[?limit=N&rule=…&fingerprint=…] and
// GET /v1/alerts/aborts[?limit=N].
func (e *engine) apiHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc(pathAlerts, func(w http.ResponseWriter, r *http.Request) {
		if !getOnly(w, r) {
			return
		}
		state := r.URL.Query().Get("state")
		if state != "" && !slices.Contains(apiStates, lifecycle.State(state)) {
			badRequest(w, "state must be one of pending, firing, resolved (or absent: all)")
			return
		}
		alerts, _ := e.alerts(0)
		out := make([]apiAlert, 0, len(alerts))
		for _, a := range alerts {
			if state != "" && string(a.State) != state {
				continue
			}
			out = append(out, apiAlert{Fingerprint: a.Fingerprint, Rule: a.Rule, State: string(a.State), Labels: a.Labels,
				Annotations: a.Annotations, Value: a.Value, ActiveAt: rfc3339(a.ActiveAt), FiredAt: rfc3339(a.FiredAt),
				ResolvedAt: rfc3339(a.ResolvedAt)})
		}
		writeJSON(w, map[string]any{"alerts": out})
	})
	mux.HandleFunc(pathHistory, func(w http.ResponseWriter, r *http.Request) {
		if !getOnly(w, r) {
			return
		}
		q := r.URL.Query()
		limit, ok := limitParam(w, r)
		if !ok {
			return
		}
		rule, fp := q.Get("rule"), q.Get("fingerprint")
		e.mu.Lock()
		hist := e.life.History().Newest(limit, func(t *lifecycle.Transition) bool {
			return (rule == "" || t.Rule == rule) && (fp == "" || t.Fingerprint == fp)
		})
		e.mu.Unlock()
		out := make([]apiTransition, 0, len(hist))
		for _, t := range hist {
			out = append(out, apiTransition{At: rfc3339(t.At), Fingerprint: t.Fingerprint, Rule: t.Rule, Labels: t.Labels,
				From: stateName(t.From), To: stateName(t.To), Value: t.Value})
		}
		writeJSON(w, map[string]any{"transitions": out})
	})
	mux.HandleFunc(pathAborts, func(w http.ResponseWriter, r *http.Request) {
		if !getOnly(w, r) {
			return
		}
		limit, ok := limitParam(w, r)
		if !ok {
			return
		}
		recs := e.aborts.newest(limit)
		out := make([]apiAbort, 0, len(recs))
		for i := range recs {
			out = append(out, toAPIAbort(&recs[i]))
		}
		writeJSON(w, map[string]any{"aborts": out})
	})
	return mux
}

// limitParam reads ?limit= (default 100; 0 = all kept), answering 400
// when it is not a non-negative integer.
func limitParam(w http.ResponseWriter, r *http.Request) (int, bool) {
	s := r.URL.Query().Get("limit")
	if s == "" {
		return 100, true
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		badRequest(w, "limit must be a non-negative integer (0 = all)")
		return 0, false
	}
	return n, true
}

// apiStates are the values GET /v1/alerts?state= accepts.
var apiStates = []lifecycle.State{lifecycle.StatePending, lifecycle.StateFiring, lifecycle.StateResolved}

// badRequest answers 400 with a JSON error that names the parameter at
// fault and what it accepts.
func badRequest(w http.ResponseWriter, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusBadRequest)
	_ = json.NewEncoder(w).Encode(map[string]string{"error": msg})
}

func stateName(s lifecycle.State) string {
	if s == "" {
		return "inactive"
	}
	return string(s)
}

func getOnly(w http.ResponseWriter, r *http.Request) bool {
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		return true
	}
	w.Header().Set("Allow", "GET, HEAD")
	http.Error(w, `{"error":"method_not_allowed"}`, http.StatusMethodNotAllowed)
	return false
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

// startAPI serves the alerts API when enabled.
func (x *alertExporter) startAPI(ctx context.Context, host component.Host) error {
	if !x.cfg.API.Enabled {
		return nil
	}
	var err error
	if x.apiServer, err = httpserve.Start(ctx, &x.cfg.API.ServerConfig, host, x.set.TelemetrySettings, x.eng.apiHandler()); err != nil {
		return err
	}
	x.set.Logger.Info("alerts API listening", zap.String("endpoint", x.apiServer.Addr().String()),
		zap.Strings("paths", []string{pathAlerts, pathHistory, pathAborts}))
	return nil
}
