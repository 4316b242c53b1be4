package chaosanalyticsprocessor

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/otelcol-chaos/otelcol-chaos/internal/chaosconv"
	"github.com/otelcol-chaos/otelcol-chaos/internal/checkpoint/checkpointtest"
	"github.com/otelcol-chaos/otelcol-chaos/processor/chaosanalyticsprocessor/internal/aggregate"
	"github.com/otelcol-chaos/otelcol-chaos/processor/chaosanalyticsprocessor/internal/checkpointv1"
)

// fixturePath is a version-1 checkpoint written by this processor, kept so
// that every later change of the code is tested against it. Regenerate it
// (only when the format version changes) with
//
//	UPDATE_FIXTURE=1 go test -run TestCheckpointFixture ./processor/chaosanalyticsprocessor/
const fixturePath = "testdata/checkpoint-v1.bin"

// checkpointedProcessor is a test processor (widths 1m and 5m) whose
// checkpoint storage holds body, logging to an observer.
func checkpointedProcessor(t *testing.T, body []byte, next consumer.Logs) (*testProc, *observer.ObservedLogs) {
	t.Helper()
	p := newTestProcessor(t, next, nil)
	core, logs := observer.New(zapcore.InfoLevel)
	p.set.Logger = zap.New(core)
	p.store = checkpointtest.NewMemClient(map[string][]byte{checkpointKey: body})
	return p, logs
}

// snapshotBucket is the bucket of the snapshot with these coordinates.
func snapshotBucket(bs []*chaosconv.Bucket, scope chaosconv.ScopeKind, key string, width time.Duration, start time.Duration,
	producer string) *chaosconv.Bucket {
	for _, b := range bs {
		if b.Scope == scope && b.Key == key && b.Width == width && b.StartUnixNano == t0.Add(start).UnixNano() &&
			b.Producer == producer {
			return b
		}
	}
	return nil
}

// TestCheckpointFixture: the committed version-1 checkpoint (a gateway's:
// its own events on open buckets, and partials of two agents) restores
// into a fresh processor with every value it holds.
func TestCheckpointFixture(t *testing.T) {
	ctx := context.Background()
	if os.Getenv("UPDATE_FIXTURE") == "1" {
		p, _ := checkpointedProcessor(t, nil, consumertest.NewNop())
		require.NoError(t, p.ConsumeLogs(ctx, eventLogs("checkout", lat(5*time.Second, 120, "/cart"),
			flt(20*time.Second, "/cart"), lat(50*time.Second, 300, "/pay"), lat(70*time.Second, 80, "/cart"))))
		for _, ld := range []plog.Logs{partialLogs("agent-a", 0, 4), partialLogs("agent-b", 0, 2), partialLogs("agent-a", 1, 3)} {
			require.NoError(t, p.ConsumeLogs(ctx, ld))
		}
		require.NoError(t, p.save(ctx))
		body, err := p.store.Get(ctx, checkpointKey)
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(fixturePath, body, 0o644))
	}
	fixture, err := os.ReadFile(fixturePath)
	require.NoError(t, err)

	// The version is where the schema says.
	ld, err := (&plog.ProtoUnmarshaler{}).UnmarshalLogs(fixture)
	require.NoError(t, err)
	v, ok := ld.ResourceLogs().At(0).Resource().Attributes().Get(chaosconv.AttrCheckpointVersion)
	require.True(t, ok, "the fixture has %s", chaosconv.AttrCheckpointVersion)
	require.Equal(t, int64(checkpointv1.Version), v.Int())

	sink := new(consumertest.LogsSink)
	p, logs := checkpointedProcessor(t, fixture, sink)
	require.NoError(t, p.restore(ctx))
	checkpointtest.RequireRestored(t, logs, "chaos_analytics: restored open buckets from checkpoint",
		map[string]any{"buckets": int64(10)})

	buckets, st := p.agg.Snapshot()
	require.Equal(t, t0.Add(2*time.Minute).UnixNano()-1, st.MaxEventTime)
	require.Equal(t, t0.UnixNano(), st.ClosedThrough)
	require.Equal(t, map[string]int64{"agent-a": t0.Add(2 * time.Minute).UnixNano(), "agent-b": t0.Add(time.Minute).UnixNano()},
		st.Producers)
	require.Len(t, buckets, 10)

	own := snapshotBucket(buckets, chaosconv.ScopeGlobal, "", time.Minute, 0, "")
	require.NotNil(t, own)
	require.Equal(t, uint64(3), own.Events)
	require.Equal(t, uint64(1), own.Faults)
	require.Equal(t, chaosconv.Counter{"http_503": 1}, own.FaultsByType)
	require.Equal(t, chaosconv.Counter{"/cart": 2, "/pay": 1}, own.Endpoints)
	require.Equal(t, uint64(2), own.Latency.Count)
	require.Equal(t, int64(420_000), own.Latency.SumMicros)
	require.InDelta(t, 120, own.Latency.Min, 1e-9)
	require.InDelta(t, 300, own.Latency.Max, 1e-9)
	for q, want := range map[float64]float64{0: 120, 1: 300} {
		got, ok := own.Latency.Quantile(q)
		require.True(t, ok)
		require.InEpsilon(t, want, got, 0.011, "the sketch came back: quantile %v", q)
	}
	svc := snapshotBucket(buckets, chaosconv.ScopeService, "checkout", time.Minute, time.Minute, "")
	require.NotNil(t, svc)
	require.Equal(t, uint64(1), svc.Events)
	require.Equal(t, int64(80_000), svc.Latency.SumMicros)
	pay := snapshotBucket(buckets, chaosconv.ScopeEndpoint, "/pay", time.Minute, 0, "")
	require.NotNil(t, pay)
	require.Equal(t, uint64(1), pay.Events)
	require.Equal(t, int64(300_000), pay.Latency.SumMicros)
	for _, want := range []struct {
		producer string
		minute   time.Duration
		events   uint64
	}{{"agent-a", 0, 4}, {"agent-b", 0, 2}, {"agent-a", time.Minute, 3}} {
		b := snapshotBucket(buckets, chaosconv.ScopeGlobal, "", time.Minute, want.minute, want.producer)
		require.NotNil(t, b, "%s's partial of %s", want.producer, want.minute)
		require.Equal(t, want.events, b.Events)
		require.Equal(t, want.events, b.Latency.Count)
		require.Equal(t, int64(want.events)*10_000, b.Latency.SumMicros)
	}

	// The partials are kept as partials: once agent-b moves on, minute 0
	// closes as the merge of the gateway's own events and both agents'.
	require.NoError(t, p.ConsumeLogs(ctx, partialLogs("agent-b", 1, 1)))
	_, closed := summaries(t, sink)
	minute0 := find(closed, chaosconv.ScopeGlobal, "", time.Minute, 0)
	require.NotNil(t, minute0, "%d summaries", len(closed))
	require.Equal(t, uint64(3+4+2), minute0.Events)
}

// TestCheckpointOfAnotherVersionIsRefused: a checkpoint of a newer or
// unknown format version, or a body that is not a version-1 checkpoint,
// is left alone with one log line saying so, and the processor starts
// empty.
func TestCheckpointOfAnotherVersionIsRefused(t *testing.T) {
	encoded := func(edit func(pcommon.Map)) []byte {
		b := chaosconv.NewBucket(chaosconv.ScopeGlobal, "", t0.UnixNano(), time.Minute)
		ev := lat(time.Second, 10, "")
		b.AddEvent(&ev, &chaosconv.Limits{})
		impact := chaosconv.DefaultImpactConfig()
		ld := checkpointv1.Encode([]*chaosconv.Bucket{b}, aggregate.State{MaxEventTime: ev.TimeUnixNano}, &impact)
		edit(ld.ResourceLogs().At(0).Resource().Attributes())
		data, err := checkpointv1.Marshal(ld)
		require.NoError(t, err)
		return data
	}
	for name, tt := range map[string]struct {
		body []byte
		says string
	}{
		"newer version": {encoded(func(m pcommon.Map) { m.PutInt(chaosconv.AttrCheckpointVersion, 2) }),
			"it is format version 2, this collector reads version 1"},
		"version not an int": {encoded(func(m pcommon.Map) { m.PutStr(chaosconv.AttrCheckpointVersion, "1") }),
			"it cannot be read as format version 1, this collector reads version 1"},
		"no watermark": {encoded(func(m pcommon.Map) { m.Remove(chaosconv.AttrCheckpointMaxEventTime) }),
			"it cannot be read as format version 1"},
		"not OTLP": {[]byte(`{"version":1}`), "it cannot be read as format version 1"},
	} {
		t.Run(name, func(t *testing.T) {
			p, logs := checkpointedProcessor(t, tt.body, consumertest.NewNop())
			require.NoError(t, p.restore(context.Background()))
			checkpointtest.RequireRefused(t, logs, "chaos_analytics", tt.says)
			buckets, st := p.agg.Snapshot()
			require.Empty(t, buckets)
			require.Zero(t, st.MaxEventTime)
			require.Empty(t, st.Producers)
		})
	}
}
