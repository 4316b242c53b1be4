package alertexporter

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.uber.org/zap"

	"github.com/otelcol-chaos/otelcol-chaos/exporter/alertexporter/internal/dispatch"
	"github.com/otelcol-chaos/otelcol-chaos/exporter/alertexporter/internal/notify"
	"github.com/otelcol-chaos/otelcol-chaos/exporter/alertexporter/internal/rules"
	"github.com/otelcol-chaos/otelcol-chaos/internal/chaosconv"
)

// bucketLogs is one global 1-minute chaos.bucket per minute starting at
// start, with events and faults per minute as given.
func bucketLogs(start time.Time, perMinute [][2]uint64) plog.Logs {
	ld := plog.NewLogs()
	sl := ld.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty()
	cfg := chaosconv.DefaultImpactConfig()
	for i, ef := range perMinute {
		b := chaosconv.NewBucket(chaosconv.ScopeGlobal, "", start.Add(time.Duration(i)*time.Minute).UnixNano(), time.Minute)
		b.Events, b.Faults = ef[0], ef[1]
		chaosconv.EncodeBucket(b, &cfg, sl.LogRecords().AppendEmpty())
	}
	return ld
}

func f64(v float64) *float64 { return &v }

type testClock struct{ t time.Time }

func (c *testClock) now() time.Time { return c.t }

func newTestEngine(t *testing.T, rcfg []rules.Config, route dispatch.Config) (*engine, *testClock, *[]*notify.Notification) {
	t.Helper()
	cfg := createDefaultConfig().(*Config)
	cfg.Rules, cfg.Route = rcfg, route
	cfg.Handlers = []HandlerConfig{{Name: "hook", Webhook: &notify.WebhookConfig{}}}
	compiled, err := rules.Compile(rcfg)
	require.NoError(t, err)
	e := newEngine(cfg, compiled, []dispatch.Handler{{Name: "hook", SendResolved: true}}, zap.NewNop())
	clock := &testClock{t: time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)}
	e.now = clock.now
	var sent []*notify.Notification
	e.send = func(n *notify.Notification) bool { sent = append(sent, n); return true }
	return e, clock, &sent
}

func TestEngineFiresOnceAfterForAndResolves(t *testing.T) {
	e, clock, sent := newTestEngine(t, []rules.Config{{Name: "Storm", Preset: "fault_rate", Threshold: f64(0.3),
		Window: 2 * time.Minute, For: time.Minute}},
		dispatch.Config{GroupBy: []string{"alertname"}, GroupWait: time.Second, GroupInterval: 2 * time.Second,
			RepeatInterval: time.Hour})
	t0 := clock.t.Add(-6 * time.Minute) // fresh data: the newest bucket ends now

	// Calm, then a storm: pending at the first breaching minute, firing one
	// minute (of event time) later.
	e.ingest(bucketLogs(t0, [][2]uint64{{100, 5}, {100, 5}, {100, 80}, {100, 80}, {100, 80}, {100, 80}}))
	al, hist := e.alerts(0)
	require.Len(t, al, 1)
	require.Equal(t, "firing", string(al[0].State))
	require.Equal(t, []string{"firing", "pending"}, []string{string(hist[0].To), string(hist[1].To)}, "newest first")
	require.Equal(t, map[string]string{"alertname": "Storm", "severity": "critical", "scope": "global",
		"scope_key": "", "rule_type": "threshold"}, al[0].Labels)

	// Nothing before group_wait; one notification after it; not again
	// at the next group_interval (nothing changed).
	e.tick()
	require.Empty(t, *sent)
	clock.t = clock.t.Add(time.Second)
	e.tick()
	require.Len(t, *sent, 1)
	n := (*sent)[0]
	require.Equal(t, "firing", n.Status())
	require.Len(t, n.Alerts, 1)
	require.Contains(t, n.Alerts[0].Annotations["summary"], "faults")
	e.ingest(bucketLogs(t0.Add(6*time.Minute), [][2]uint64{{100, 80}}))
	clock.t = clock.t.Add(2 * time.Second)
	e.tick()
	require.Len(t, *sent, 1, "one alert per condition: no new notification while it keeps firing")

	// Calm returns: the window's ratio drops, the alert resolves and the
	// resolved notification goes out at the next group_interval.
	e.ingest(bucketLogs(t0.Add(7*time.Minute), [][2]uint64{{100, 0}, {100, 0}, {100, 0}}))
	clock.t = clock.t.Add(2 * time.Second)
	e.tick()
	require.Len(t, *sent, 2)
	require.Equal(t, "resolved", (*sent)[1].Status())
	require.Equal(t, n.Alerts[0].Fingerprint, (*sent)[1].Alerts[0].Fingerprint)
}

// A batch longer than the rule's window (a replay sent at once) is walked
// through bucket by bucket: a storm in its middle fires and resolves.
func TestEngineWalksALongBatchInEventTime(t *testing.T) {
	e, clock, _ := newTestEngine(t, []rules.Config{{Name: "Storm", Preset: "fault_rate", Threshold: f64(0.3),
		Window: 2 * time.Minute, For: time.Minute}},
		dispatch.Config{GroupBy: []string{"alertname"}, GroupWait: time.Second, GroupInterval: time.Second, RepeatInterval: time.Hour})
	minutes := make([][2]uint64, 20)
	for i := range minutes {
		minutes[i] = [2]uint64{100, 0}
		if i >= 4 && i < 9 {
			minutes[i] = [2]uint64{100, 90}
		}
	}
	t0 := clock.t.Add(-20 * time.Minute)
	e.ingest(bucketLogs(t0, minutes))
	_, hist := e.alerts(0)
	var to []string
	for i := len(hist) - 1; i >= 0; i-- {
		to = append(to, string(hist[i].To))
	}
	require.Equal(t, []string{"pending", "firing", "resolved"}, to)
	require.Equal(t, t0.Add(5*time.Minute).UnixNano(), hist[2].At, "pending at the first breaching bucket's end")
	require.Equal(t, t0.Add(6*time.Minute).UnixNano(), hist[1].At, "firing one minute later")
}

// While data flows the wall clock does not move evaluation; once data has
// stopped for data_delay it does, and stale conditions resolve.
func TestEngineWallClockMovesOnlyWhenDataStops(t *testing.T) {
	e, clock, sent := newTestEngine(t, []rules.Config{{Name: "Storm", Preset: "fault_rate", Threshold: f64(0.3),
		Window: 2 * time.Minute}},
		dispatch.Config{GroupBy: []string{"alertname"}, GroupWait: 0, GroupInterval: time.Second, RepeatInterval: time.Hour})
	// A replay of an hour-old storm: evaluated in its own time.
	old := clock.t.Add(-time.Hour)
	e.ingest(bucketLogs(old, [][2]uint64{{100, 90}, {100, 90}}))
	clock.t = clock.t.Add(30 * time.Second)
	e.tick()
	require.Len(t, *sent, 1)
	require.Equal(t, "firing", (*sent)[0].Status())
	require.Equal(t, old.Add(time.Minute), (*sent)[0].Alerts[0].StartsAt, "event time")

	// Data stops: after data_delay the windows slide on by the wall clock.
	clock.t = clock.t.Add(e.cfg.DataDelay)
	e.tick()
	clock.t = clock.t.Add(time.Second)
	e.tick()
	require.Len(t, *sent, 2)
	require.Equal(t, "resolved", (*sent)[1].Status())
	require.False(t, (*sent)[1].Alerts[0].EndsAt.After(clock.t), "never in the receiver's future")
}

// Anomalies about a bucket may come in a later batch than the bucket: they
// are evaluated at that bucket's time, not a bucket later.
func TestEngineAnomalyInALaterBatch(t *testing.T) {
	e, clock, _ := newTestEngine(t, []rules.Config{{Name: "Anomaly", Type: "anomaly"}},
		dispatch.Config{GroupBy: []string{"alertname"}, GroupWait: time.Second, GroupInterval: time.Second, RepeatInterval: time.Hour})
	start := clock.t.Add(-time.Minute)
	e.ingest(bucketLogs(start, [][2]uint64{{100, 0}}))
	ld := plog.NewLogs()
	chaosconv.EncodeAnomaly(&chaosconv.Anomaly{ID: "a1", Type: chaosconv.AnomalyEventSpike, State: chaosconv.AnomalyOpen,
		Scope: chaosconv.ScopeRef{Kind: chaosconv.ScopeGlobal}, AtUnixNano: start.UnixNano(), Start: start.UnixNano(),
		Severity: chaosconv.SeverityWarning, Score: 5, Description: "spike"},
		ld.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty().LogRecords().AppendEmpty())
	e.ingest(ld)
	al, _ := e.alerts(0)
	require.Len(t, al, 1)
	require.Equal(t, "firing", string(al[0].State))
	require.Equal(t, clock.t.UnixNano(), al[0].FiredAt, "at the end of the bucket the anomaly is about")
	require.Equal(t, "event_spike", al[0].Labels["anomaly_type"])
	require.Equal(t, "spike", al[0].Annotations["description"])
}

// The impact rules read the impact the analytics processor recorded (under
// its latency budget), not one recomputed under the defaults.
func TestEngineUsesTheRecordedImpact(t *testing.T) {
	e, clock, _ := newTestEngine(t, []rules.Config{{Name: "Impact", Preset: "impact", Threshold: f64(0.5)}},
		dispatch.Config{GroupBy: []string{"alertname"}, GroupWait: time.Second, GroupInterval: time.Second, RepeatInterval: time.Hour})
	b := chaosconv.NewBucket(chaosconv.ScopeGlobal, "", clock.t.Add(-time.Minute).UnixNano(), time.Minute)
	b.Events, b.Faults = 100, 90
	strict := chaosconv.ImpactConfig{LatencyBudget: time.Millisecond, TopEndpoints: 5}
	ld := plog.NewLogs()
	lr := ld.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty().LogRecords().AppendEmpty()
	chaosconv.EncodeBucket(b, &strict, lr)
	lr.Attributes().PutDouble(chaosconv.AttrImpactSeverity, 0.9) // what the producer says
	def := chaosconv.DefaultImpactConfig()
	require.Less(t, b.Impact(&def).Severity, 0.9)
	e.ingest(ld)
	al, _ := e.alerts(0)
	require.Len(t, al, 1)
	require.InDelta(t, 0.9, al[0].Value, 1e-12)
}
