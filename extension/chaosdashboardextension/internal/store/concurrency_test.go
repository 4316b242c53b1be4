package store

import (
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/otelcol-chaos/otelcol-chaos/extension/chaosdashboardextension/internal/stream"
	"github.com/otelcol-chaos/otelcol-chaos/internal/chaosconv"
	"github.com/otelcol-chaos/otelcol-chaos/pkg/dashboard"
)

// TestConcurrentUse: writers and readers at once (run with -race); every
// write is accounted for.
func TestConcurrentUse(t *testing.T) {
	s, c := newStore(t, Config{})
	out := newSink(t, true)
	const writers, perWriter = 4, 50
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			for i := range perWriter {
				start := minute(w*perWriter + i)
				s.Ingest(logs(spec{start: start, events: 1},
					spec{scope: chaosconv.ScopeService, key: "svc", start: start, events: 1}), out)
				// Writers' minutes interleave: health arrives out of order.
				s.Ingest(healthLogs(healthAt(global(), start, 50)), out)
				s.AddAlert(alert("fp", "", AlertFiring, start), out)
				s.AddScenario(dashboard.ScenarioTransition{AtUnixNano: start.UnixNano(), To: "x"}, out)
			}
		})
	}
	for range 2 {
		wg.Go(func() {
			for range perWriter {
				asOf, _ := s.AsOf()
				q := Query{Scope: chaosconv.ScopeGlobal, From: asOf.Add(-time.Hour), To: asOf}
				_ = s.Buckets(q)
				_ = s.Impact(q)
				_ = s.Stats()
				_, _ = s.Alerts(10)
				_ = s.Scenarios(asOf.Add(-time.Hour), asOf)
				_ = s.Anomalies(time.Time{}, StateAll)
				_ = s.Series()
				_ = s.HealthHistory(chaosconv.ScopeGlobal, "", asOf.Add(-time.Hour), asOf)
				_ = s.Health()
			}
		})
	}
	wg.Wait()
	n := int64(writers * perWriter)
	require.Equal(t, 2*n, c.stored[KindBucket]+c.refused[ReasonTooOld])
	require.Len(t, s.Buckets(Query{Scope: chaosconv.ScopeGlobal, From: t0, To: minute(int(n))}), int(n))
	byType := map[string]int64{}
	for _, m := range out.take() {
		byType[m.Type]++
	}
	require.Equal(t, c.stored[KindBucket], byType[stream.TypeBucket], "one message per stored bucket")
	require.Equal(t, n, byType[stream.TypeAlertFired])
	require.Equal(t, n, c.stored[KindHealth], "the global retention (24h) holds every minute")
	require.Len(t, s.HealthHistory(chaosconv.ScopeGlobal, "", t0, minute(int(n))), int(n))
	require.Positive(t, byType[stream.TypeHealth])
	require.LessOrEqual(t, byType[stream.TypeHealth], n, "a late health is not streamed")
	require.Equal(t, n, byType[stream.TypeScenario])
	require.Len(t, s.Scenarios(time.Time{}, time.Time{}), int(n), "every writer's minutes differ: none alike")
	require.LessOrEqual(t, byType[stream.TypeImpact], n)
	require.Positive(t, byType[stream.TypeImpact])
}
