package store

import (
	"cmp"
	"slices"
	"strings"

	"github.com/otelcol-chaos/otelcol-chaos/extension/chaosdashboardextension/internal/stream"
	"github.com/otelcol-chaos/otelcol-chaos/internal/chaosconv"
)

// metricRef is one metric of one scope.
type metricRef struct {
	scope  scopeRef
	metric string
}

// analysis is the latest health per scope and trend and forecast per
// scope and metric (under Store.mu); the health history is healthHistory's. Their number is bounded by the
// scopes the anomaly processor tracks, itself bounded.
type analysis struct {
	health    map[scopeRef]*chaosconv.Health
	trends    map[metricRef]*chaosconv.Trend
	forecasts map[metricRef]*chaosconv.Forecast
}

func (a *analysis) init() {
	a.health = map[scopeRef]*chaosconv.Health{}
	a.trends = map[metricRef]*chaosconv.Trend{}
	a.forecasts = map[metricRef]*chaosconv.Forecast{}
}

func refOf(s chaosconv.ScopeRef) scopeRef { return scopeRef{scope: s.Kind, key: s.Key} }

// addHealth keeps h in its scope's history and, unless an older record
// arrived late (a replay), as the scope's latest. Only a new latest is
// streamed: a late one would take the page's health back in time.
func (s *Store) addHealth(cfg Config, h *chaosconv.Health, out Sink, active bool, t *tally) {
	if !s.keepHealth(cfg, h, t) {
		return
	}
	t.stored[kHealth]++
	ref := refOf(h.Scope)
	if prev := s.health[ref]; prev != nil && h.AtUnixNano < prev.AtUnixNano {
		return
	}
	s.health[ref] = h
	if active {
		out.Publish(stream.Message{Type: stream.TypeHealth, At: utc(h.AtUnixNano), Scope: h.Scope.Kind.String(),
			Key: h.Scope.Key, Data: healthOf(h)})
	}
}

// Trends and forecasts are stored, not streamed: PROTOCOL.md has no
// message type for them.
func (s *Store) addTrend(tr *chaosconv.Trend, t *tally) {
	ref := metricRef{scope: refOf(tr.Scope), metric: tr.Metric}
	if prev := s.trends[ref]; prev != nil && tr.AtUnixNano < prev.AtUnixNano {
		t.refused[rTooOld]++
		return
	}
	s.trends[ref] = tr
	t.stored[kTrend]++
}

func (s *Store) addForecast(f *chaosconv.Forecast, t *tally) {
	ref := metricRef{scope: refOf(f.Scope), metric: f.Metric}
	if prev := s.forecasts[ref]; prev != nil && f.AtUnixNano < prev.AtUnixNano {
		t.refused[rTooOld]++
		return
	}
	s.forecasts[ref] = f
	t.stored[kForecast]++
}

func cmpScope(a, b scopeRef) int {
	if c := cmp.Compare(a.scope, b.scope); c != 0 {
		return c
	}
	return strings.Compare(a.key, b.key)
}

func cmpMetric(a, b metricRef) int {
	if c := cmpScope(a.scope, b.scope); c != 0 {
		return c
	}
	return strings.Compare(a.metric, b.metric)
}

// Health returns the latest health of every scope: global first, then
// services and endpoints by key. Never nil.
func (s *Store) Health() []Health {
	s.mu.RLock()
	defer s.mu.RUnlock()
	refs := sortedRefs(s.health, cmpScope)
	out := make([]Health, len(refs))
	for i, r := range refs {
		out[i] = healthOf(s.health[r])
	}
	return out
}

// Trends returns the latest trend and forecast of every scope and metric,
// ordered by scope, key and metric. Never nil.
func (s *Store) Trends() ([]Trend, []Forecast) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	trefs := sortedRefs(s.trends, cmpMetric)
	trends := make([]Trend, len(trefs))
	for i, r := range trefs {
		trends[i] = trendOf(s.trends[r])
	}
	frefs := sortedRefs(s.forecasts, cmpMetric)
	forecasts := make([]Forecast, len(frefs))
	for i, r := range frefs {
		forecasts[i] = forecastOf(s.forecasts[r])
	}
	return trends, forecasts
}

func sortedRefs[K comparable, V any](m map[K]V, cmpKey func(a, b K) int) []K {
	keys := make([]K, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, cmpKey)
	return keys
}
