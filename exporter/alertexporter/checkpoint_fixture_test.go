package alertexporter

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/exporter/exportertest"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/otelcol-chaos/otelcol-chaos/exporter/alertexporter/config"
	"github.com/otelcol-chaos/otelcol-chaos/exporter/alertexporter/internal/checkpointv1"
	"github.com/otelcol-chaos/otelcol-chaos/exporter/alertexporter/internal/dispatch"
	"github.com/otelcol-chaos/otelcol-chaos/exporter/alertexporter/internal/lifecycle"
	"github.com/otelcol-chaos/otelcol-chaos/exporter/alertexporter/internal/metadata"
	"github.com/otelcol-chaos/otelcol-chaos/exporter/alertexporter/internal/notify"
	"github.com/otelcol-chaos/otelcol-chaos/exporter/alertexporter/internal/rules"
	"github.com/otelcol-chaos/otelcol-chaos/internal/chaosconv"
	"github.com/otelcol-chaos/otelcol-chaos/internal/checkpoint/checkpointtest"
)

// fixturePath is a version-1 checkpoint written by this exporter, kept so
// that every later change of the code is tested against it. Regenerate it
// (only when the format version changes) with
//
//	UPDATE_FIXTURE=1 go test -run TestCheckpointFixture ./exporter/alertexporter/
const fixturePath = "testdata/checkpoint-v1.json"

var (
	fixtureRules = []rules.Config{
		{Name: "Storm", Preset: "fault_rate", Threshold: f64(0.3), Window: 2 * time.Minute},
		{Name: "Anomaly", Type: "anomaly"},
		{Name: "Busy", Preset: "event_rate", Threshold: f64(50), Window: 2 * time.Minute, For: time.Hour},
	}
	fixtureRoute = dispatch.Config{GroupBy: []string{"alertname"}, GroupWait: 30 * time.Second,
		GroupInterval: 5 * time.Minute, RepeatInterval: 4 * time.Hour}
)

// fixtureState runs an engine (leading, under term 3) into the state the
// fixture holds: a storm firing, an anomaly firing, a rule pending, two
// groups notified, and those two notifications, taken as not delivered.
func fixtureState(t *testing.T) (engineState, []*notify.Notification) {
	e, clock, sent := newTestEngine(t, fixtureRules, fixtureRoute)
	joinFake(t, e, "collector-0").SetLeader("collector-0", 3)
	e.cfg.ExternalURL = "http://collector.example:4320"
	start := clock.t.Add(-4 * time.Minute)
	e.ingest(bucketLogs(start, storm()))
	ld := plog.NewLogs()
	rec := ld.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty().LogRecords()
	at := start.Add(3 * time.Minute).UnixNano()
	checkout := chaosconv.ScopeRef{Kind: chaosconv.ScopeService, Key: "checkout"}
	chaosconv.EncodeAnomaly(&chaosconv.Anomaly{ID: "9f1c2a7e5b3d4c01", Type: chaosconv.AnomalyHighErrorRate,
		State: chaosconv.AnomalyOpen, Scope: checkout, Metric: "error_rate", AtUnixNano: at, Width: time.Minute,
		Start: at - int64(time.Minute), PeakTime: at, PeakValue: 0.8, Observed: 0.8, Expected: 0.05, BandHigh: 0.12,
		Score: 9.5, Severity: chaosconv.SeverityCritical, Description: "error rate 80% (expected 5%)",
		Actions: []string{"check the fault injection on checkout"}}, rec.AppendEmpty())
	chaosconv.EncodeHealth(&chaosconv.Health{Scope: checkout, AtUnixNano: at, Width: time.Minute, Score: 41.5},
		rec.AppendEmpty())
	e.ingest(ld)
	clock.t = clock.t.Add(45 * time.Second)
	e.tick() // group_wait is over: both groups are due
	require.Len(t, *sent, 2)
	st, _ := e.snapshot()
	return st, *sent
}

// restoreFrom makes a fresh exporter and restores the checkpoint body
// into it (as Start does), logging to an observer; it returns what the
// exporter delivered.
func restoreFrom(t *testing.T, body []byte) (*alertExporter, *observer.ObservedLogs, []*notify.Notification) {
	t.Helper()
	cfg := createDefaultConfig().(*Config)
	cfg.Rules, cfg.Route = fixtureRules, fixtureRoute
	wh := config.NewDefaultWebhookConfig()
	wh.ClientConfig.Endpoint = "http://127.0.0.1:1/hook"
	cfg.Handlers = []HandlerConfig{{Name: "hook", Webhook: &wh}}
	require.NoError(t, cfg.Validate())
	core, logs := observer.New(zapcore.InfoLevel)
	set := exportertest.NewNopSettings(metadata.Type)
	set.Logger = zap.New(core)
	x, err := newAlertExporter(cfg, set)
	require.NoError(t, err)
	var sent []*notify.Notification
	x.eng.send = func(n *notify.Notification) bool { sent = append(sent, n); return true }
	x.store = checkpointtest.NewMemClient(map[string][]byte{checkpointKey: body})
	require.NoError(t, x.restore(context.Background()))
	return x, logs, sent
}

// TestCheckpointFixture: the committed version-1 checkpoint restores into
// a fresh exporter exactly, and the schema still reads and writes it byte
// for byte (a renamed JSON name fails here).
func TestCheckpointFixture(t *testing.T) {
	if os.Getenv("UPDATE_FIXTURE") == "1" {
		st, undelivered := fixtureState(t)
		body, err := encodeCheckpoint(st, undelivered)
		require.NoError(t, err)
		var out bytes.Buffer
		require.NoError(t, json.Indent(&out, body, "", "  "))
		out.WriteByte('\n')
		require.NoError(t, os.WriteFile(fixturePath, out.Bytes(), 0o644))
	}
	fixture, err := os.ReadFile(filepath.FromSlash(fixturePath))
	require.NoError(t, err)

	t.Run("schema round trip", func(t *testing.T) {
		st, err := checkpointv1.Unmarshal(fixture)
		require.NoError(t, err)
		again, err := checkpointv1.Marshal(st)
		require.NoError(t, err)
		var compact bytes.Buffer
		require.NoError(t, json.Compact(&compact, fixture))
		require.JSONEq(t, compact.String(), string(again))
		require.Equal(t, compact.String(), string(again))
	})

	x, logs, sent := restoreFrom(t, fixture)
	checkpointtest.RequireRestored(t, logs, "alert exporter state restored",
		map[string]any{"alerts": int64(3), "groups": int64(2), "undelivered": int64(2)})

	at := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339, s)
		require.NoError(t, err)
		return v
	}
	ns := func(s string) int64 { return at(s).UnixNano() }

	alerts, _ := x.eng.alerts(0)
	require.Len(t, alerts, 3)
	byRule := map[string]lifecycle.Alert{}
	for _, a := range alerts {
		byRule[a.Rule] = a
	}
	storm := byRule["Storm"]
	require.Equal(t, "528b1dc0baedd9b9", storm.Fingerprint)
	require.Equal(t, lifecycle.StateFiring, storm.State)
	require.InDelta(t, 0.8, storm.Value, 1e-12)
	require.Equal(t, ns("2026-11-23T11:58:00Z"), storm.ActiveAt)
	require.Equal(t, ns("2026-11-23T11:58:00Z"), storm.FiredAt)
	require.Equal(t, ns("2026-11-23T12:00:00Z"), storm.LastSeen)
	require.Equal(t, "critical", storm.Labels["severity"])
	require.Equal(t, "global: 80% of chaos events were faults over 2m0s (threshold 30%)", storm.Annotations["summary"])
	anomaly := byRule["Anomaly"]
	require.Equal(t, lifecycle.StateFiring, anomaly.State)
	require.Equal(t, "checkout", anomaly.Labels["scope_key"])
	require.Equal(t, "high_error_rate", anomaly.Labels["anomaly_type"])
	require.InDelta(t, 9.5, anomaly.Value, 1e-12)
	busy := byRule["Busy"]
	require.Equal(t, lifecycle.StatePending, busy.State)
	require.Zero(t, busy.FiredAt)
	require.Equal(t, ns("2026-11-23T11:58:00Z"), busy.ActiveAt)

	st, _ := x.eng.snapshot()
	require.Equal(t, ns("2026-11-23T12:00:00Z"), st.LastEval)
	require.Equal(t, ns("2026-11-23T12:00:00Z"), st.Store.Latest)
	require.Len(t, st.Store.Series, 1)
	series := st.Store.Series[0]
	require.Equal(t, "global", series.Scope)
	require.Len(t, series.Points, 3)
	require.Equal(t, rules.Point{StartUnixNano: ns("2026-11-23T11:57:00Z"), EndUnixNano: ns("2026-11-23T11:58:00Z"),
		Events: 100, Faults: 80, ImpactSeverity: 0.48, DegradationPct: 80}, series.Points[0])
	require.Equal(t, ns("2026-11-23T12:00:00Z"), series.LastData)
	require.Len(t, st.Store.Anomalies, 1)
	a := st.Store.Anomalies[0]
	require.Equal(t, "9f1c2a7e5b3d4c01", a.ID)
	require.Equal(t, chaosconv.AnomalyHighErrorRate, a.Type)
	require.Equal(t, chaosconv.ScopeRef{Kind: chaosconv.ScopeService, Key: "checkout"}, a.Scope)
	require.Equal(t, time.Minute, a.Width)
	require.Equal(t, ns("2026-11-23T11:58:00Z"), a.Start)
	require.InDelta(t, 0.12, a.BandHigh, 1e-12)
	require.Equal(t, chaosconv.SeverityCritical, a.Severity)
	require.Equal(t, []string{"check the fault injection on checkout"}, a.Actions)
	require.Len(t, st.Store.Health, 1)
	require.Equal(t, chaosconv.ScopeRef{Kind: chaosconv.ScopeService, Key: "checkout"}, st.Store.Health[0].Scope)
	require.InDelta(t, 41.5, st.Store.Health[0].Score, 1e-12)

	require.Len(t, st.Groups, 2)
	g := st.Groups[1]
	require.Equal(t, `{}:{alertname="Storm"}`, g.Key)
	require.Equal(t, map[string]string{"alertname": "Storm"}, g.Labels)
	require.True(t, at("2026-11-23T12:05:45Z").Equal(g.NextFlush), "%s", g.NextFlush)
	require.Contains(t, g.Alerts, "528b1dc0baedd9b9")
	require.True(t, at("2026-11-23T11:58:00Z").Equal(g.Alerts["528b1dc0baedd9b9"].StartsAt))
	require.True(t, g.Alerts["528b1dc0baedd9b9"].EndsAt.IsZero())
	require.Equal(t, map[string]bool{"528b1dc0baedd9b9": true}, g.Sent["hook"].Firing)
	require.True(t, at("2026-11-23T12:00:45Z").Equal(g.Sent["hook"].At))
	require.Equal(t, `{}:{alertname="Anomaly"}`, st.Groups[0].Key)

	// The notifications not delivered before the restart are delivered.
	require.Len(t, sent, 2)
	require.Equal(t, "hook", sent[1].Receiver)
	require.Equal(t, `{}:{alertname="Storm"}`, sent[1].GroupKey)
	require.Equal(t, map[string]string{"alertname": "Storm"}, sent[1].GroupLabels)
	require.Len(t, sent[1].Alerts, 1)
	require.Equal(t, "528b1dc0baedd9b9", sent[1].Alerts[0].Fingerprint)
	require.True(t, at("2026-11-23T11:58:00Z").Equal(sent[1].Alerts[0].StartsAt))
	require.Equal(t, `{}:{alertname="Anomaly"}`, sent[0].GroupKey)
}

// TestCheckpointOfAnotherVersionIsRefused: a checkpoint of a newer or
// unknown format version, or one that cannot be read as version 1, is
// left alone with one log line saying so, and the exporter starts empty.
func TestCheckpointOfAnotherVersionIsRefused(t *testing.T) {
	for name, tt := range map[string]struct {
		body, says string
	}{
		"newer version": {`{"version":2,"store":{"latest":1},"alerts":[{"fingerprint":"x","state":"firing"}]}`,
			"it is format version 2, this collector reads version 1"},
		"no version":   {`{"store":{},"alerts":[]}`, "it declares no format version, this collector reads version 1"},
		"not JSON":     {"\x0b\x01gob?", "it cannot be read as format version 1, this collector reads version 1"},
		"unknown name": {`{"version":1,"lastEval":5}`, "it cannot be read as format version 1"},
	} {
		t.Run(name, func(t *testing.T) {
			x, logs, sent := restoreFrom(t, []byte(tt.body))
			checkpointtest.RequireRefused(t, logs, "alert exporter", tt.says)
			alerts, _ := x.eng.alerts(0)
			require.Empty(t, alerts)
			st, _ := x.eng.snapshot()
			require.Empty(t, st.Store.Series)
			require.Empty(t, st.Groups)
			require.Zero(t, st.LastEval)
			require.Empty(t, sent)
		})
	}
}
