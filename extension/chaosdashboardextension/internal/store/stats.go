package store

import (
	"time"

	"github.com/otelcol-chaos/otelcol-chaos/internal/chaosconv"
)

// Stats windows, measured back from the data's "now" (AsOf).
const (
	statsHour = time.Hour
	statsDay  = 24 * time.Hour
)

// Stats is the dashboard's summary, from the global finest-width buckets:
// the last hour and day end at AsOf, the end of the newest global bucket.
// Without any global bucket every figure is zero or null.
func (s *Store) Stats() Stats {
	s.mu.RLock()
	defer s.mu.RUnlock()
	st := Stats{ActiveAlerts: len(s.active), OpenAnomalies: s.openCount, TopEndpoints: []EndpointEvents{}}
	if h := s.health[scopeRef{scope: chaosconv.ScopeGlobal}]; h != nil {
		st.Health = &HealthSummary{Score: Float(h.Score), At: utc(h.AtUnixNano)}
	}
	if s.hasScenario {
		st.Scenario = &Scenario{From: s.scenario.From, To: s.scenario.To, At: utc(s.scenario.AtUnixNano)}
	}
	asOfNs := s.asOfNano()
	if asOfNs == 0 {
		return st
	}
	asOf := utc(asOfNs)
	st.AsOf = &asOf
	global := scopeRef{scope: chaosconv.ScopeGlobal}
	ser := s.series[seriesKey{scope: chaosconv.ScopeGlobal, width: s.finest(global)}]
	if ser == nil { // every global bucket is of a width no longer held
		return st
	}
	if last := ser.last(); last != nil {
		im := last.impact
		st.Impact = &im
	}
	for _, e := range ser.window(asOfNs-int64(statsDay), asOfNs) {
		st.EventsLastDay += e.b.Events
	}
	hour := ser.window(asOfNs-int64(statsHour), asOfNs)
	merged, im := s.mergeLocked(hour)
	if merged == nil {
		return st
	}
	st.EventsLastHour, st.FaultsLastHour = merged.Events, merged.Faults
	if merged.Latency.Count > 0 {
		avg := Float(merged.Latency.Mean())
		st.LatencyAvgMs = &avg
	}
	st.TopEndpoints = topOf(im.TopEndpoints)
	return st
}
