package store

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/otelcol-chaos/otelcol-chaos/extension/chaosdashboardextension/internal/stream"
	"github.com/otelcol-chaos/otelcol-chaos/internal/chaosconv"
)

func anomaly(id string, state chaosconv.AnomalyState, at time.Time) chaosconv.Anomaly {
	a := chaosconv.Anomaly{ID: id, Type: chaosconv.AnomalyLatency, State: state, Metric: "latency_p95_ms",
		Scope: chaosconv.ScopeRef{Kind: chaosconv.ScopeService, Key: "checkout"}, Width: time.Minute,
		AtUnixNano: at.UnixNano(), Start: t0.UnixNano(), Observed: 950, Expected: 120, Score: 7.5,
		Severity: chaosconv.SeverityCritical, Description: "p95 latency far above its band"}
	if state == chaosconv.AnomalyClosed {
		a.End, a.CloseReason = at.UnixNano(), chaosconv.CloseNormal
	}
	return a
}

func ids(as []Anomaly) []string {
	out := make([]string, len(as))
	for i, a := range as {
		out[i] = a.ID
	}
	return out
}

func TestAnomalyLifecycle(t *testing.T) {
	s, c := newStore(t, Config{})
	out := newSink(t, true)
	s.Ingest(anomalyLogs(anomaly("a", chaosconv.AnomalyOpen, minute(1))), out)
	s.Ingest(anomalyLogs(anomaly("a", chaosconv.AnomalyUpdate, minute(2))), out)
	// An update that arrives late changes nothing.
	s.Ingest(anomalyLogs(anomaly("a", chaosconv.AnomalyUpdate, minute(1))), out)
	// First seen as an update (the store started mid-anomaly): opened.
	s.Ingest(anomalyLogs(anomaly("b", chaosconv.AnomalyUpdate, minute(2))), out)
	s.Ingest(anomalyLogs(anomaly("a", chaosconv.AnomalyClosed, minute(3))), out)
	// A late update with the close's own time does not reopen it.
	s.Ingest(anomalyLogs(anomaly("a", chaosconv.AnomalyUpdate, minute(3))), out)

	msgs := out.take()
	require.Equal(t, []string{stream.TypeAnomalyOpened, stream.TypeAnomalyUpdated, stream.TypeAnomalyOpened,
		stream.TypeAnomalyClosed}, types(msgs))
	require.Equal(t, "service", msgs[0].Scope)
	require.Equal(t, "checkout", msgs[0].Key)
	require.Equal(t, minute(1), msgs[0].At)
	require.Equal(t, int64(2), c.refused[ReasonTooOld])

	require.Equal(t, []string{"b"}, ids(s.Anomalies(time.Time{}, StateOpen)))
	closed := s.Anomalies(time.Time{}, StateClosed)
	require.Equal(t, Anomaly{ID: "a", Type: "latency_anomaly", State: "closed", Severity: "critical",
		Scope: "service", Key: "checkout", Width: Width(time.Minute), Opened: t0, At: minute(3), Value: 950,
		Expected: 120, Score: 7.5, Description: "p95 latency far above its band", CloseReason: "normal"}, closed[0])
	require.Equal(t, []string{"a", "b"}, ids(s.Anomalies(time.Time{}, StateAll)), "most recent first")
	require.Equal(t, []string{"a"}, ids(s.Anomalies(minute(3), StateAll)), "since filters by latest time")
	require.Equal(t, 1, s.Stats().OpenAnomalies)
}

// TestClosedAnomaliesBounded: open anomalies are all kept; only the
// earliest closed ones beyond MaxAnomalies are evicted.
func TestClosedAnomaliesBounded(t *testing.T) {
	s, c := newStore(t, Config{MaxAnomalies: 2})
	for i, id := range []string{"o1", "o2", "o3"} {
		s.Ingest(anomalyLogs(anomaly(id, chaosconv.AnomalyOpen, minute(i))), nil)
	}
	for i, id := range []string{"c1", "c2", "c3"} {
		s.Ingest(anomalyLogs(anomaly(id, chaosconv.AnomalyOpen, minute(10+i))), nil)
		s.Ingest(anomalyLogs(anomaly(id, chaosconv.AnomalyClosed, minute(20+i))), nil)
	}
	// c2 is closed again (republished): not a second place in the queue.
	s.Ingest(anomalyLogs(anomaly("c2", chaosconv.AnomalyClosed, minute(30))), nil)
	require.Equal(t, []string{"o3", "o2", "o1"}, ids(s.Anomalies(time.Time{}, StateOpen)))
	require.Equal(t, []string{"c2", "c3"}, ids(s.Anomalies(time.Time{}, StateClosed)))
	require.Equal(t, int64(1), c.evicted[KindAnomaly])

	s.Ingest(anomalyLogs(anomaly("c4", chaosconv.AnomalyClosed, minute(40))), nil)
	require.Equal(t, []string{"c4", "c2"}, ids(s.Anomalies(time.Time{}, StateClosed)),
		"c3 closed before c2's republication: it goes first")
	require.Equal(t, int64(2), c.evicted[KindAnomaly])
}

func TestParseStateFilter(t *testing.T) {
	for in, want := range map[string]StateFilter{"open": StateOpen, "closed": StateClosed, "all": StateAll} {
		got, ok := ParseStateFilter(in)
		require.True(t, ok)
		require.Equal(t, want, got)
	}
	_, ok := ParseStateFilter("Open")
	require.False(t, ok)
}
