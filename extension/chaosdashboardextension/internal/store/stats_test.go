package store

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/otelcol-chaos/otelcol-chaos/internal/chaosconv"
)

func TestStatsEmpty(t *testing.T) {
	s, _ := newStore(t, Config{})
	b, err := json.Marshal(s.Stats())
	require.NoError(t, err)
	require.JSONEq(t, `{"as_of":null,"events_last_hour":0,"events_last_day":0,"latency_avg_ms":null,
		"faults_last_hour":0,"active_alerts":0,"impact":null,"top_endpoints":[],"open_anomalies":0,
		"health":null,"scenario":null}`, string(b))
}

// TestStatsWindows: the hour and the day end at the newest global bucket
// (data time), and only global finest-width buckets count.
func TestStatsWindows(t *testing.T) {
	s, _ := newStore(t, Config{Retention: 48 * time.Hour})
	var specs []spec
	// One bucket every 10 minutes over 26 hours, 1 event each, then a
	// last one with faults, latency and endpoints.
	for i := 0; i < 26*6; i++ {
		specs = append(specs, spec{start: minute(10 * i), events: 1})
	}
	last := minute(26 * 60)
	lastSpec := spec{start: last, events: 10, faults: 4, latencies: []float64{100, 300},
		endpoints: map[string]uint64{"/pay": 6, "/cart": 3, "/home": 1}}
	specs = append(specs, lastSpec,
		// Ignored by stats: a coarser global width (ending with the last
		// minute, as the processor closes it) and other scopes.
		spec{start: last.Add(time.Minute - time.Hour), width: time.Hour, events: 1000},
		spec{scope: chaosconv.ScopeService, key: "checkout", start: last, events: 500},
	)
	s.Ingest(logs(specs...), nil)

	cfg := chaosconv.DefaultImpactConfig()
	im := lastSpec.bucket().Impact(&cfg)
	avg := Float(200)
	asOf := last.Add(time.Minute)
	st := s.Stats()
	require.Equal(t, Stats{
		AsOf: &asOf,
		// The hour is [as_of-1h, as_of) by bucket start: the buckets 50,
		// 40, 30, 20 and 10 minutes before the last, and the last.
		EventsLastHour: 5 + 10,
		// The day: 143 buckets before the last, and the last.
		EventsLastDay:  143 + 10,
		LatencyAvgMs:   &avg,
		FaultsLastHour: 4,
		Impact:         &Impact{Severity: Float(im.Severity), DegradationPct: Float(im.DegradationPct), Source: im.Source},
		TopEndpoints:   []EndpointEvents{{"/pay", 6}, {"/cart", 3}, {"/home", 1}},
	}, st)
	require.Positive(t, float64(st.Impact.Severity))
}

func TestImpactWindow(t *testing.T) {
	s, _ := newStore(t, Config{})
	a := spec{scope: chaosconv.ScopeService, key: "checkout", start: t0, events: 10, faults: 5,
		latencies: []float64{100}, endpoints: map[string]uint64{"/pay": 10}}
	b := spec{scope: chaosconv.ScopeService, key: "checkout", start: minute(1), events: 10, probesOK: 1, probesBad: 1,
		endpoints: map[string]uint64{"/cart": 4, "/pay": 2}}
	outside := spec{scope: chaosconv.ScopeService, key: "checkout", start: minute(2), events: 99}
	s.Ingest(logs(a, b, outside), nil)

	cfg := chaosconv.DefaultImpactConfig()
	_, want := chaosconv.ImpactOver([]*chaosconv.Bucket{a.bucket(), b.bucket()}, &chaosconv.Limits{}, &cfg)
	got := s.Impact(Query{Scope: chaosconv.ScopeService, Key: "checkout", From: t0, To: minute(2)})
	require.Equal(t, Window{From: t0, To: minute(2), Scope: "service", Key: "checkout", Events: 20, Faults: 5,
		LatencyMs:    &Latency{Count: 1, Avg: 100, P50: got.LatencyMs.P50, P95: got.LatencyMs.P95, P99: got.LatencyMs.P99},
		Impact:       Impact{Severity: Float(want.Severity), DegradationPct: Float(want.DegradationPct), Measured: true, Source: want.Source},
		TopEndpoints: []EndpointEvents{{"/pay", 12}, {"/cart", 4}}}, got)
	require.InDelta(t, 100, float64(got.LatencyMs.P50), 2)

	empty := s.Impact(Query{Scope: chaosconv.ScopeEndpoint, Key: "/none", From: t0, To: minute(2)})
	require.Equal(t, Window{From: t0, To: minute(2), Scope: "endpoint", Key: "/none", TopEndpoints: []EndpointEvents{}}, empty)
}
