package gameday

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"time"
)

// APIs are the collector's endpoints the summary reads.
type APIs struct {
	// Dashboard is the chaos_dashboard extension's base URL.
	Dashboard string
	// Alerts is the alert exporter's alerts API base URL.
	Alerts string
	Client *http.Client
}

func (a *APIs) get(ctx context.Context, base, path string, q url.Values, v any) error {
	u := base + path
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	resp, err := a.Client.Do(req)
	if err != nil {
		return fmt.Errorf("GET %s: %w", u, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return fmt.Errorf("GET %s: %w", u, err)
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: HTTP %d: %s", u, resp.StatusCode, body)
	}
	if err := json.Unmarshal(body, v); err != nil {
		return fmt.Errorf("GET %s: %w", u, err)
	}
	return nil
}

func rfc3339(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

// window is the from/to query of [from, to).
func window(from, to time.Time) url.Values {
	return url.Values{"from": {rfc3339(from)}, "to": {rfc3339(to)}}
}

// asOf is the end of the newest global bucket the dashboard holds.
func (a *APIs) asOf(ctx context.Context) (time.Time, error) {
	var st struct {
		AsOf *time.Time `json:"as_of"`
	}
	if err := a.get(ctx, a.Dashboard, "/api/v1/stats", nil, &st); err != nil || st.AsOf == nil {
		return time.Time{}, err
	}
	return *st.AsOf, nil
}

type scenarioJSON struct {
	From string    `json:"from"`
	To   string    `json:"to"`
	At   time.Time `json:"at"`
}

func (a *APIs) scenarios(ctx context.Context, from, to time.Time) ([]scenarioJSON, error) {
	var r struct{ Scenarios []scenarioJSON }
	err := a.get(ctx, a.Dashboard, "/api/v1/scenarios", window(from, to), &r)
	return r.Scenarios, err
}

type impactJSON struct {
	Events int64 `json:"events"`
	Faults int64 `json:"faults"`
	Impact struct {
		Severity       float64 `json:"severity"`
		DegradationPct float64 `json:"degradation_pct"`
		Measured       bool    `json:"measured"`
	} `json:"impact"`
}

func (a *APIs) impact(ctx context.Context, from, to time.Time) (impactJSON, error) {
	var r impactJSON
	err := a.get(ctx, a.Dashboard, "/api/v1/impact", window(from, to), &r)
	return r, err
}

type anomalyJSON struct {
	Type        string    `json:"type"`
	State       string    `json:"state"`
	Severity    string    `json:"severity"`
	Scope       string    `json:"scope"`
	Key         string    `json:"key"`
	Opened      time.Time `json:"opened"`
	At          time.Time `json:"at"`
	CloseReason string    `json:"close_reason"`
}

func (a *APIs) anomalies(ctx context.Context, since time.Time) ([]anomalyJSON, error) {
	var r struct{ Anomalies []anomalyJSON }
	err := a.get(ctx, a.Dashboard, "/api/v1/anomalies", url.Values{"state": {"all"}, "since": {rfc3339(since)}}, &r)
	return r.Anomalies, err
}

type healthJSON struct {
	Score      float64            `json:"score"`
	At         time.Time          `json:"at"`
	Components map[string]float64 `json:"components"`
	Factors    []string           `json:"factors"`
}

// healthHistory is the global health scores of [from, to).
func (a *APIs) healthHistory(ctx context.Context, from, to time.Time) ([]healthJSON, error) {
	var r struct{ Health []healthJSON }
	q := window(from, to)
	q.Set("scope", "global")
	err := a.get(ctx, a.Dashboard, "/api/v1/health/history", q, &r)
	return r.Health, err
}

type transitionJSON struct {
	At          time.Time         `json:"at"`
	Fingerprint string            `json:"fingerprint"`
	Rule        string            `json:"rule"`
	Labels      map[string]string `json:"labels"`
	From        string            `json:"from"`
	To          string            `json:"to"`
}

type alertJSON struct {
	Fingerprint string            `json:"fingerprint"`
	Annotations map[string]string `json:"annotations"`
}

// alertHistory is every transition the alert exporter holds, oldest
// first (event time), and the annotations of the alerts it still shows.
func (a *APIs) alertHistory(ctx context.Context) ([]transitionJSON, map[string]map[string]string, error) {
	var h struct{ Transitions []transitionJSON }
	if err := a.get(ctx, a.Alerts, "/v1/alerts/history", url.Values{"limit": {"0"}}, &h); err != nil {
		return nil, nil, err
	}
	slices.Reverse(h.Transitions)
	var cur struct{ Alerts []alertJSON }
	if err := a.get(ctx, a.Alerts, "/v1/alerts", nil, &cur); err != nil {
		return nil, nil, err
	}
	ann := map[string]map[string]string{}
	for _, al := range cur.Alerts {
		ann[al.Fingerprint] = al.Annotations
	}
	return h.Transitions, ann, nil
}
