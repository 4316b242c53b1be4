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
