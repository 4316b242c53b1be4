package anomalyprocessor

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/processor/processortest"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/otelcol-chaos/otelcol-chaos/internal/chaosconv"
	"github.com/otelcol-chaos/otelcol-chaos/internal/checkpoint/checkpointtest"
	"github.com/otelcol-chaos/otelcol-chaos/processor/anomalyprocessor/internal/checkpointv2"
	"github.com/otelcol-chaos/otelcol-chaos/processor/anomalyprocessor/internal/detect"
	"github.com/otelcol-chaos/otelcol-chaos/processor/anomalyprocessor/internal/metadata"
)

// fixturePath is a version-2 checkpoint written by this processor, kept so
// that every later change of the code is tested against it. Regenerate it
// (only when the format version changes) with
//
//	UPDATE_FIXTURE=1 go test -run TestCheckpointFixture ./processor/anomalyprocessor/
const fixturePath = "testdata/checkpoint-v2.json"

// fixtureIDs are the ids of the anomalies open in the fixture.
var fixtureIDs = []string{"970144176cf79bf4", "edfbc67ba5584889"}

// scopedBucketLogs is minute i's global summary and the checkout
// service's, each with n events.
func scopedBucketLogs(i, n int) plog.Logs {
	ld := bucketLogs(i, n)
	b := chaosconv.NewBucket(chaosconv.ScopeService, "checkout", t0.Add(time.Duration(i)*time.Minute).UnixNano(), time.Minute)
	lim := &chaosconv.Limits{}
	for k := range n {
		e := chaosconv.Event{TimeUnixNano: b.StartUnixNano + int64(k), Kind: chaosconv.KindLatencyInjection, DelayMs: 100,
			Fields: chaosconv.FieldDelayMs}
		b.AddEvent(&e, lim)
	}
	cfg := chaosconv.DefaultImpactConfig()
	chaosconv.EncodeBucket(b, &cfg, ld.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords().AppendEmpty())
	return ld
}

// fixtureProcessor is a processor on body's storage, logging to an
// observer, analysing the width the fixture was written with (1m).
func fixtureProcessor(t *testing.T, body []byte, sink *consumertest.LogsSink) (*anomalyProcessor, *observer.ObservedLogs) {
	t.Helper()
	return fixtureProcessorOfWidth(t, body, sink, time.Minute)
}

func fixtureProcessorOfWidth(t *testing.T, body []byte, sink *consumertest.LogsSink, width time.Duration) (*anomalyProcessor, *observer.ObservedLogs) {
	t.Helper()
	core, logs := observer.New(zapcore.InfoLevel)
	set := processortest.NewNopSettings(metadata.Type)
	set.Logger = zap.New(core)
	cfg := createDefaultConfig().(*Config)
	cfg.Width = width
	p, err := newProcessor(cfg, set, sink)
	require.NoError(t, err)
	p.now = func() time.Time { return t0.Add(31 * time.Minute) }
	p.store = checkpointtest.NewMemClient(map[string][]byte{checkpointKey: body})
	return p, logs
}

// TestCheckpointFixture: the committed version-2 checkpoint restores into a
// fresh processor exactly (it writes back the same bytes), its open
// anomalies are the fixture's, and they close under their own ids (no
// warm-up again). A renamed JSON name fails here.
func TestCheckpointFixture(t *testing.T) {
	ctx := context.Background()
	if os.Getenv("UPDATE_FIXTURE") == "1" {
		// Thirty calm minutes on two scopes, then a spike: an event_spike
		// anomaly open on each.
		p, _ := fixtureProcessor(t, nil, new(consumertest.LogsSink))
		for i := range 30 {
			require.NoError(t, p.ConsumeLogs(ctx, scopedBucketLogs(i, 100+i%7)))
		}
		require.NoError(t, p.ConsumeLogs(ctx, scopedBucketLogs(30, 2000)))
		require.Equal(t, 2, p.engine.OpenAnomalies())
		require.NoError(t, p.save(ctx))
		body, err := p.store.Get(ctx, checkpointKey)
		require.NoError(t, err)
		var out bytes.Buffer
		require.NoError(t, json.Indent(&out, body, "", "  "))
		out.WriteByte('\n')
		require.NoError(t, os.WriteFile(fixturePath, out.Bytes(), 0o644))
	}
	fixture, err := os.ReadFile(fixturePath)
	require.NoError(t, err)
	var compact bytes.Buffer
	require.NoError(t, json.Compact(&compact, fixture))

	cp, err := checkpointv2.Unmarshal(fixture)
	require.NoError(t, err)
	again, err := checkpointv2.Marshal(cp)
	require.NoError(t, err)
	require.Equal(t, compact.String(), string(again), "the schema reads and writes the fixture byte for byte")

	sink := new(consumertest.LogsSink)
	p, logs := fixtureProcessor(t, fixture, sink)
	require.NoError(t, p.restore(ctx))
	checkpointtest.RequireRestored(t, logs, "anomaly: detector state restored from checkpoint",
		map[string]any{"scopes": int64(2)})

	spike := t0.Add(30 * time.Minute).UnixNano()
	require.Equal(t, spike, p.engine.MaxAt())
	require.Equal(t, spike, p.maxAt)
	open := p.engine.Open()
	require.Len(t, open, 2)
	for i, scope := range []chaosconv.ScopeRef{{Kind: chaosconv.ScopeGlobal}, {Kind: chaosconv.ScopeService, Key: "checkout"}} {
		a := open[i]
		require.Equal(t, scope, a.Scope)
		require.Equal(t, chaosconv.AnomalyEventSpike, a.Type)
		require.Equal(t, chaosconv.AnomalyOpen, a.State)
		require.Equal(t, detect.MetricEvents, a.Metric)
		require.Equal(t, spike, a.Start)
		require.Equal(t, spike, a.PeakTime)
		require.InDelta(t, 2000, a.PeakValue, 1e-9)
		require.InDelta(t, 2000, a.Observed, 1e-9)
		require.Equal(t, chaosconv.SeverityCritical, a.Severity)
	}
	require.Equal(t, fixtureIDs, []string{open[0].ID, open[1].ID})

	// Every field came back: the restored engine writes the fixture again,
	// plus the series and detectors of the scopes' own requests, which the
	// fixture predates and which start afresh.
	body, err := p.engine.MarshalBinary()
	require.NoError(t, err)
	require.JSONEq(t, compact.String(), withoutRequestSeries(t, body))

	// The baselines are the fixture's, not warming up: calm minutes close
	// both anomalies under their ids, and open nothing.
	for i := 31; i < 40; i++ {
		require.NoError(t, p.ConsumeLogs(ctx, scopedBucketLogs(i, 100+i%7)))
	}
	closed := anomalies(t, sink)
	require.Len(t, closed, 2, "%+v", closed)
	for _, a := range closed {
		require.Equal(t, chaosconv.AnomalyClosed, a.State)
		require.Contains(t, fixtureIDs, a.ID)
	}
}

// TestCheckpointOfAnotherVersionIsRefused: a checkpoint of another format
// version (a newer one, or the gob of version 1), or a body that is not
// version 2's, is left alone with one log line saying so, and the
// detectors start fresh.
func TestCheckpointOfAnotherVersionIsRefused(t *testing.T) {
	for name, tt := range map[string]struct {
		body, says string
	}{
		"newer version": {`{"version":3,"width_ns":60000000000,"scopes":[{"kind":"global"}]}`,
			"it is format version 3, this collector reads version 2"},
		"version 1": {`{"version":1}`, "it is format version 1, this collector reads version 2"},
		"gob of version 1": {"\x3f\xff\x81\x03\x01\x01\x08snapshot\x01\xff\x82\x00\x01\x06\x01\x07Version\x01\x04",
			"it cannot be read as format version 2, this collector reads version 2"},
		"renamed field": {`{"version":2,"widthNs":60000000000}`, "it cannot be read as format version 2"},
		"another width": {`{"version":2,"width_ns":300000000000,"max_at":0,"scopes":[],"spreads":[],"cascade":{}}`,
			"it cannot be read as format version 2"},
	} {
		t.Run(name, func(t *testing.T) {
			p, logs := fixtureProcessor(t, []byte(tt.body), new(consumertest.LogsSink))
			require.NoError(t, p.restore(context.Background()))
			checkpointtest.RequireRefused(t, logs, "anomaly", tt.says)
			require.Zero(t, p.engine.Scopes())
			require.Zero(t, p.maxAt)
		})
	}
}

// With width 0 (the default) the processor analyses the width its
// checkpoint was written with, restoring it whole.
func TestCheckpointFixtureWithWidthFromTheRecords(t *testing.T) {
	body, err := os.ReadFile(fixturePath)
	require.NoError(t, err)
	p, logs := fixtureProcessorOfWidth(t, body, new(consumertest.LogsSink), 0)
	require.NoError(t, p.restore(context.Background()))
	require.Equal(t, time.Minute, p.width)
	require.Equal(t, 2, len(p.engine.Open()), "%v", logs.All())
}

// withoutRequestSeries removes, from a checkpoint body, the series and
// detectors of the scopes' own requests (added after the fixture was
// written), after checking they are fresh: no open anomaly, no streak.
func withoutRequestSeries(t *testing.T, body []byte) string {
	t.Helper()
	var cp map[string]any
	require.NoError(t, json.Unmarshal(body, &cp))
	added := func(name string) bool {
		return strings.HasPrefix(name, "request") || strings.Contains(name, "@")
	}
	for _, sc := range cp["scopes"].([]any) {
		scope := sc.(map[string]any)
		for _, key := range []string{"series", "detectors"} {
			var kept []any
			for _, e := range scope[key].([]any) {
				entry := e.(map[string]any)
				name, _ := entry["metric"].(string)
				if key == "detectors" {
					name, _ = entry["type"].(string)
					if added(name) {
						life := entry["lifecycle"].(map[string]any)
						require.Nil(t, life["open"], name)
						require.Zero(t, life["streak"], name)
					}
				}
				if !added(name) {
					kept = append(kept, entry)
				}
			}
			scope[key] = kept
		}
	}
	out, err := json.Marshal(cp)
	require.NoError(t, err)
	return string(out)
}
