package store

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/otelcol-chaos/otelcol-chaos/extension/chaosdashboardextension/internal/stream"
	"github.com/otelcol-chaos/otelcol-chaos/internal/chaosconv"
	"github.com/otelcol-chaos/otelcol-chaos/pkg/dashboard"
)

func alert(fp, from, to string, at time.Time) dashboard.AlertTransition {
	return dashboard.AlertTransition{AtUnixNano: at.UnixNano(), Fingerprint: fp, Rule: "HighFaults",
		Labels: map[string]string{chaosconv.AlertLabelSeverity: "critical"}, From: from, To: to, Value: 0.4}
}

func fingerprints(ts []Transition) []string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = t.Fingerprint + ":" + t.To
	}
	return out
}

func TestAlerts(t *testing.T) {
	s, c := newStore(t, Config{AlertHistory: 3})
	out := newSink(t, true)
	s.AddAlert(alert("a", "", AlertPending, minute(1)), out)
	s.AddAlert(alert("a", AlertPending, AlertFiring, minute(2)), out)
	s.AddAlert(alert("b", "", AlertPending, minute(2)), out)
	s.AddAlert(alert("b", AlertPending, "", minute(3)), out) // cleared before firing
	s.AddAlert(alert("c", "", AlertFiring, minute(4)), out)
	s.AddAlert(alert("c", AlertFiring, AlertResolved, minute(5)), out)
	// A late pending of a: it stays in the history, but a stays firing.
	s.AddAlert(alert("a", "", AlertPending, minute(1)), out)

	require.Equal(t, []string{stream.TypeAlertPending, stream.TypeAlertFired, stream.TypeAlertPending,
		stream.TypeAlertResolved, stream.TypeAlertFired, stream.TypeAlertResolved, stream.TypeAlertPending},
		types(out.take()))

	active, history := s.Alerts(0)
	require.Equal(t, []string{"a:firing"}, fingerprints(active))
	require.Equal(t, []string{"a:pending", "c:resolved", "c:firing"}, fingerprints(history), "newest first, 3 kept")
	require.Equal(t, int64(7), c.stored[KindAlert])
	require.Equal(t, int64(4), c.evicted[KindAlert])
	_, history = s.Alerts(2)
	require.Len(t, history, 2)
	require.Equal(t, 1, s.Stats().ActiveAlerts)
	require.Equal(t, Transition{At: minute(2), Fingerprint: "a", Rule: "HighFaults",
		Labels: map[string]string{chaosconv.AlertLabelSeverity: "critical"}, Annotations: map[string]string{},
		From: AlertPending, To: AlertFiring, Value: 0.4}, active[0])
}

// TestAlertMapsCopied: the publisher may reuse its maps after the call.
func TestAlertMapsCopied(t *testing.T) {
	s, _ := newStore(t, Config{})
	tr := alert("a", "", AlertFiring, t0)
	s.AddAlert(tr, nil)
	tr.Labels[chaosconv.AlertLabelSeverity] = "changed"
	active, _ := s.Alerts(0)
	require.Equal(t, "critical", active[0].Labels[chaosconv.AlertLabelSeverity])
}
