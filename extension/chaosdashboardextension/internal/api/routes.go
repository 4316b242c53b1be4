package api

import "github.com/otelcol-chaos/otelcol-chaos/extension/chaosdashboardextension/internal/store"

// The routes' answers; every list is non-nil (written [], never null).

func (h *handler) stats(params) (any, error) { return h.store.Stats(), nil }

type bucketsBody struct {
	Buckets []store.Bucket `json:"buckets"`
}

func (h *handler) buckets(p params) (any, error) {
	q, err := h.query(p)
	if err != nil {
		return nil, err
	}
	if q.Width, err = p.width(); err != nil {
		return nil, err
	}
	return bucketsBody{Buckets: h.store.Buckets(q)}, nil
}

func (h *handler) impact(p params) (any, error) {
	q, err := h.query(p)
	if err != nil {
		return nil, err
	}
	return h.store.Impact(q), nil
}

// query reads the scope, key and window shared by buckets, impact and the
// health history.
func (h *handler) query(p params) (store.Query, error) {
	scope, key, err := p.scope()
	if err != nil {
		return store.Query{}, err
	}
	from, to, err := p.window(h.store, scope)
	if err != nil {
		return store.Query{}, err
	}
	return store.Query{Scope: scope, Key: key, From: from, To: to}, nil
}

type anomaliesBody struct {
	Anomalies []store.Anomaly `json:"anomalies"`
}

func (h *handler) anomalies(p params) (any, error) {
	since, _, err := p.time(paramSince)
	if err != nil {
		return nil, err
	}
	state, err := p.state()
	if err != nil {
		return nil, err
	}
	return anomaliesBody{Anomalies: h.store.Anomalies(since, state)}, nil
}

type healthBody struct {
	Health []store.Health `json:"health"`
}

func (h *handler) health(params) (any, error) { return healthBody{Health: h.store.Health()}, nil }

// healthHistory answers a scope's health records with at in [from, to),
// oldest first, under the scope, key and window rules of /buckets: a game
// day's summary reads its lowest score from it.
func (h *handler) healthHistory(p params) (any, error) {
	q, err := h.query(p)
	if err != nil {
		return nil, err
	}
	return healthBody{Health: h.store.HealthHistory(q.Scope, q.Key, q.From, q.To)}, nil
}

type trendsBody struct {
	Trends    []store.Trend    `json:"trends"`
	Forecasts []store.Forecast `json:"forecasts"`
}

func (h *handler) trends(params) (any, error) {
	t, f := h.store.Trends()
	return trendsBody{Trends: t, Forecasts: f}, nil
}

type alertsBody struct {
	Active  []store.Transition `json:"active"`
	History []store.Transition `json:"history"`
}

func (h *handler) alerts(p params) (any, error) {
	limit, err := p.limit()
	if err != nil {
		return nil, err
	}
	active, history := h.store.Alerts(limit)
	return alertsBody{Active: active, History: history}, nil
}

type scenariosBody struct {
	Scenarios []store.Scenario `json:"scenarios"`
}

// scenarios answers the transitions held in [from, to), oldest first.
// Unlike buckets it has no default window: a game day's phases are read
// whole, and the store bounds them by number (store.max_scenarios).
func (h *handler) scenarios(p params) (any, error) {
	// An absent bound is the zero time, which the store reads as none.
	from, to, _, _, err := p.bounds()
	if err != nil {
		return nil, err
	}
	return scenariosBody{Scenarios: h.store.Scenarios(from, to)}, nil
}

func (h *handler) fleetView(params) (any, error) { return h.fleet().normalized(), nil }
