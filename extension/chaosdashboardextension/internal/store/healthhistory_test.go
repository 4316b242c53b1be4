package store

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/otelcol-chaos/otelcol-chaos/internal/chaosconv"
)

// scores are the history's scores, oldest first.
func scores(hs []Health) []Float {
	out := make([]Float, len(hs))
	for i, h := range hs {
		out[i] = h.Score
	}
	return out
}

func ats(hs []Health) []time.Time {
	out := make([]time.Time, len(hs))
	for i, h := range hs {
		out[i] = h.At
	}
	return out
}

func healthAt(scope chaosconv.ScopeRef, at time.Time, score float64) chaosconv.Health {
	return chaosconv.Health{Scope: scope, AtUnixNano: at.UnixNano(), Score: score}
}

func TestHealthHistoryOrderedAndReplaced(t *testing.T) {
	s, c := newStore(t, Config{})
	svc := chaosconv.ScopeRef{Kind: chaosconv.ScopeService, Key: "checkout"}
	// Out of order, as a replay may deliver them; minute 1 twice: the
	// second replaces the first.
	s.Ingest(healthLogs(healthAt(global(), minute(2), 80), healthAt(global(), minute(0), 95),
		healthAt(svc, minute(1), 40)), nil)
	s.Ingest(healthLogs(healthAt(global(), minute(1), 70),
		chaosconv.Health{Scope: global(), AtUnixNano: minute(1).UnixNano(), Score: 55, Factors: []string{"availability"},
			Components: map[string]float64{"availability": 50}}), nil)

	got := s.HealthHistory(chaosconv.ScopeGlobal, "", t0, minute(3))
	require.Equal(t, []time.Time{minute(0), minute(1), minute(2)}, ats(got))
	require.Equal(t, []Float{95, 55, 80}, scores(got), "the re-published record replaces the stored one")
	require.Equal(t, Health{Scope: "global", Score: 55, At: minute(1), Components: map[string]Float{"availability": 50},
		Factors: []string{"availability"}}, got[1])
	require.Equal(t, int64(5), c.stored[KindHealth])
	require.Empty(t, c.refused)

	// The window is [from, to) by at; scopes and keys are apart.
	require.Equal(t, []Float{55}, scores(s.HealthHistory(chaosconv.ScopeGlobal, "", minute(1), minute(2))))
	require.Equal(t, []Float{40}, scores(s.HealthHistory(chaosconv.ScopeService, "checkout", t0, minute(3))))
	require.NotNil(t, s.HealthHistory(chaosconv.ScopeService, "cart", t0, minute(3)))
	require.Empty(t, s.HealthHistory(chaosconv.ScopeService, "cart", t0, minute(3)))
	require.Empty(t, s.HealthHistory(chaosconv.ScopeGlobal, "", minute(3), minute(9)))

	// The latest stays the newest by at, whatever the arrival order.
	require.Equal(t, []Float{80, 40}, scores(s.Health()))
}

func TestHealthHistoryRetentionByDataTime(t *testing.T) {
	s, c := newStore(t, Config{Retention: 2 * time.Hour, ScopeRetention: time.Hour})
	svc := chaosconv.ScopeRef{Kind: chaosconv.ScopeService, Key: "checkout"}
	all := func(scope chaosconv.ScopeKind, key string) []time.Time {
		return ats(s.HealthHistory(scope, key, t0.Add(-time.Hour), t0.Add(10*time.Hour)))
	}
	s.Ingest(healthLogs(healthAt(global(), t0, 90), healthAt(svc, t0, 90)), nil)
	// 90 minutes of data later: the service's record (1h) is gone, the
	// global one (2h) stays.
	s.Ingest(healthLogs(healthAt(global(), minute(90), 80), healthAt(svc, minute(90), 80)), nil)
	require.Equal(t, []time.Time{t0, minute(90)}, all(chaosconv.ScopeGlobal, ""))
	require.Equal(t, []time.Time{minute(90)}, all(chaosconv.ScopeService, "checkout"))
	require.Equal(t, int64(1), c.evicted[KindHealth])

	// A record behind the retention window is refused, not stored; one
	// within it, though late, is kept in order.
	s.Ingest(healthLogs(healthAt(svc, minute(30), 10), healthAt(svc, minute(31), 20)), nil)
	require.Equal(t, int64(1), c.refused[ReasonTooOld])
	require.Equal(t, []time.Time{minute(31), minute(90)}, all(chaosconv.ScopeService, "checkout"))

	// The cutoff is inclusive, as for buckets: a record exactly the
	// retention behind the newest is out.
	s.Ingest(healthLogs(healthAt(global(), minute(-30), 10)), nil)
	require.Equal(t, int64(2), c.refused[ReasonTooOld])

	// Once every record of a scope has left, the ring goes too; the
	// latest per scope stays for /api/v1/health.
	s.Ingest(healthLogs(healthAt(global(), minute(300), 70), healthAt(svc, minute(300), 60)), nil)
	require.Equal(t, []time.Time{minute(300)}, all(chaosconv.ScopeGlobal, ""))
	require.Equal(t, []time.Time{minute(300)}, all(chaosconv.ScopeService, "checkout"))
	require.Equal(t, int64(5), c.evicted[KindHealth])
	s.Ingest(healthLogs(healthAt(chaosconv.ScopeRef{Kind: chaosconv.ScopeService, Key: "cart"}, minute(400), 50)), nil)
	require.Empty(t, all(chaosconv.ScopeService, "checkout"))
	require.Equal(t, int64(6), c.evicted[KindHealth])
	require.Len(t, s.Health(), 3)
}

// TestHealthHistoryScopeLimit: rings are bounded by max_series as the
// bucket series are; a record opening one more is refused and counted.
func TestHealthHistoryScopeLimit(t *testing.T) {
	s, c := newStore(t, Config{MaxSeries: 2})
	svc := func(key string) chaosconv.ScopeRef { return chaosconv.ScopeRef{Kind: chaosconv.ScopeService, Key: key} }
	s.Ingest(healthLogs(healthAt(global(), t0, 90), healthAt(svc("a"), t0, 80), healthAt(svc("b"), t0, 70),
		healthAt(svc("a"), minute(1), 75)), nil)
	require.Equal(t, int64(1), c.refused[ReasonSeriesLimit])
	require.Equal(t, int64(3), c.stored[KindHealth])
	require.Empty(t, s.HealthHistory(chaosconv.ScopeService, "b", t0, minute(5)))
	require.Equal(t, []Float{80, 75}, scores(s.HealthHistory(chaosconv.ScopeService, "a", t0, minute(5))))
}
