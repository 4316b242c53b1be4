package chaosanalyticsprocessor

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/open-telemetry/opentelemetry-collector-contrib/extension/storage/filestorage"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/extension"
	"go.opentelemetry.io/collector/extension/extensiontest"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/processor/processortest"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	"github.com/otelcol-chaos/otelcol-chaos/internal/chaosconv"
	"github.com/otelcol-chaos/otelcol-chaos/processor/chaosanalyticsprocessor/internal/metadata"
)

var t0 = time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)

// clock is a settable test clock.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) Set(t time.Time) { c.mu.Lock(); c.now = t; c.mu.Unlock() }

type testProc struct {
	*analyticsProcessor
	clock *clock
	tel   *componenttest.Telemetry
}

func newTestProcessor(t testing.TB, next consumer.Logs, mutate func(*Config)) *testProc {
	t.Helper()
	cfg := createDefaultConfig().(*Config)
	cfg.Widths = []time.Duration{time.Minute, 5 * time.Minute}
	if mutate != nil {
		mutate(cfg)
	}
	require.NoError(t, cfg.Validate())
	tel := componenttest.NewTelemetry()
	set := processortest.NewNopSettings(metadata.Type)
	set.TelemetrySettings = tel.NewTelemetrySettings()
	p, err := newProcessor(cfg, set, next)
	require.NoError(t, err)
	c := &clock{now: t0.Add(10 * time.Minute)}
	p.now = c.Now
	t.Cleanup(func() { require.NoError(t, tel.Shutdown(context.Background())) })
	return &testProc{analyticsProcessor: p, clock: c, tel: tel}
}

// eventLogs builds one request of chaos.event records for a service.
func eventLogs(service string, events ...chaosconv.Event) plog.Logs {
	ld := plog.NewLogs()
	rl := ld.ResourceLogs().AppendEmpty()
	if service != "" {
		rl.Resource().Attributes().PutStr(chaosconv.AttrServiceName, service)
	}
	records := rl.ScopeLogs().AppendEmpty().LogRecords()
	for i := range events {
		chaosconv.EncodeEvent(&events[i], records.AppendEmpty())
	}
	return ld
}

func lat(at time.Duration, ms int64, ep string) chaosconv.Event {
	return chaosconv.Event{TimeUnixNano: t0.Add(at).UnixNano(), Kind: chaosconv.KindLatencyInjection, DelayMs: ms, Endpoint: ep, Fields: chaosconv.FieldDelayMs}
}

func flt(at time.Duration, ep string) chaosconv.Event {
	return chaosconv.Event{TimeUnixNano: t0.Add(at).UnixNano(), Kind: chaosconv.KindFaultInjection, FaultType: "http_503", Endpoint: ep, Fields: chaosconv.FieldFaultType}
}

// summaries splits what reached the sink into events and decoded buckets.
func summaries(t testing.TB, sink *consumertest.LogsSink) (events int, buckets []*chaosconv.Bucket) {
	t.Helper()
	for _, ld := range sink.AllLogs() {
		for _, rl := range ld.ResourceLogs().All() {
			for _, sl := range rl.ScopeLogs().All() {
				for _, lr := range sl.LogRecords().All() {
					switch lr.EventName() {
					case chaosconv.RecordEvent:
						events++
					case chaosconv.RecordBucket:
						b := &chaosconv.Bucket{}
						require.NoError(t, chaosconv.DecodeBucket(lr, b))
						require.NotZero(t, lr.ObservedTimestamp())
						buckets = append(buckets, b)
					}
				}
			}
		}
	}
	return events, buckets
}

func find(bs []*chaosconv.Bucket, scope chaosconv.ScopeKind, key string, width time.Duration, start time.Duration) *chaosconv.Bucket {
	for _, b := range bs {
		if b.Scope == scope && b.Key == key && b.Width == width && b.StartUnixNano == t0.Add(start).UnixNano() {
			return b
		}
	}
	return nil
}

func TestEventsPassThroughAndSummariesFollow(t *testing.T) {
	sink := new(consumertest.LogsSink)
	p := newTestProcessor(t, sink, nil)
	ctx := context.Background()
	other := plog.NewLogs()
	other.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty().LogRecords().AppendEmpty().Body().SetStr("not chaos")

	require.NoError(t, p.ConsumeLogs(ctx, eventLogs("checkout", lat(10*time.Second, 100, "/a"), flt(20*time.Second, "/a"), lat(70*time.Second, 300, "/b"))))
	require.NoError(t, p.ConsumeLogs(ctx, other))
	events, buckets := summaries(t, sink)
	require.Equal(t, 3, events, "events pass through unchanged")
	require.Empty(t, buckets, "the first minute is still within allowed lateness")
	require.Equal(t, 2, len(sink.AllLogs()))

	// An event at 10:01:30 moves the watermark to 10:01:00: the first minute closes.
	require.NoError(t, p.ConsumeLogs(ctx, eventLogs("checkout", lat(90*time.Second, 1, ""))))
	_, buckets = summaries(t, sink)
	g := find(buckets, chaosconv.ScopeGlobal, "", time.Minute, 0)
	require.NotNil(t, g)
	require.Equal(t, uint64(2), g.Events)
	require.Equal(t, uint64(1), g.Faults)
	require.NotNil(t, find(buckets, chaosconv.ScopeService, "checkout", time.Minute, 0))
	require.NotNil(t, find(buckets, chaosconv.ScopeEndpoint, "/a", time.Minute, 0))
	require.Len(t, buckets, 3)

	// When events stop, the wall clock closes the rest: the 10:01 minute at
	// 10:02:30 of event time, i.e. 60 s of wall time after the last arrival.
	p.clock.Set(p.clock.Now().Add(60 * time.Second))
	p.tick(ctx)
	_, buckets = summaries(t, sink)
	require.NotNil(t, find(buckets, chaosconv.ScopeGlobal, "", time.Minute, time.Minute))

	m, err := p.tel.GetMetric("otelcol_processor_chaos_analytics_events")
	require.NoError(t, err)
	var aggregated int64
	for _, dp := range m.Data.(metricdata.Sum[int64]).DataPoints {
		if v, _ := dp.Attributes.Value("outcome"); v.AsString() == "aggregated" {
			aggregated = dp.Value
		}
	}
	require.Equal(t, int64(4), aggregated)
}

func TestDropEvents(t *testing.T) {
	sink := new(consumertest.LogsSink)
	p := newTestProcessor(t, sink, func(c *Config) { c.DropEvents = true })
	ctx := context.Background()
	require.NoError(t, p.ConsumeLogs(ctx, eventLogs("", lat(0, 1, ""), lat(95*time.Second, 1, ""))))
	events, buckets := summaries(t, sink)
	require.Zero(t, events)
	require.Len(t, buckets, 1)
	for _, ld := range sink.AllLogs() {
		require.Positive(t, ld.LogRecordCount(), "no empty request is sent downstream")
	}
}

// TestRefusedBatchIsNotCountedTwice: a batch the next consumer refuses is
// not aggregated, so the sender's retry counts it once.
func TestRefusedBatchIsNotCountedTwice(t *testing.T) {
	var refuse = true
	sink := new(consumertest.LogsSink)
	next, err := consumer.NewLogs(func(ctx context.Context, ld plog.Logs) error {
		if refuse {
			return errors.New("memory limit")
		}
		return sink.ConsumeLogs(ctx, ld)
	})
	require.NoError(t, err)
	p := newTestProcessor(t, next, nil)
	ctx := context.Background()
	batch := func() plog.Logs { return eventLogs("", lat(0, 1, ""), lat(5*time.Second, 2, "")) }
	require.Error(t, p.ConsumeLogs(ctx, batch()))
	refuse = false
	require.NoError(t, p.ConsumeLogs(ctx, batch()))
	require.NoError(t, p.ConsumeLogs(ctx, eventLogs("", lat(2*time.Minute, 1, ""))))
	_, buckets := summaries(t, sink)
	require.Equal(t, uint64(2), find(buckets, chaosconv.ScopeGlobal, "", time.Minute, 0).Events)
}

func TestUpstreamSummariesAreMergedAndConsumed(t *testing.T) {
	sink := new(consumertest.LogsSink)
	p := newTestProcessor(t, sink, nil)
	ctx := context.Background()
	cfg := chaosconv.DefaultImpactConfig()
	lim := &chaosconv.Limits{}
	partial := func(n int) plog.Logs {
		b := chaosconv.NewBucket(chaosconv.ScopeGlobal, "", t0.UnixNano(), time.Minute)
		for range n {
			ev := lat(time.Second, 10, "")
			b.AddEvent(&ev, lim)
		}
		ld := plog.NewLogs()
		chaosconv.EncodeBucket(b, &cfg, ld.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty().LogRecords().AppendEmpty())
		return ld
	}
	require.NoError(t, p.ConsumeLogs(ctx, partial(2)))
	require.NoError(t, p.ConsumeLogs(ctx, partial(3)))
	require.NoError(t, p.ConsumeLogs(ctx, eventLogs("", lat(time.Second, 10, ""))))
	_, passed := summaries(t, sink)
	require.Empty(t, passed, "upstream partials are consumed, not passed on")
	p.clock.Set(p.clock.Now().Add(5 * time.Minute))
	p.tick(ctx)
	_, buckets := summaries(t, sink)
	merged := find(buckets, chaosconv.ScopeGlobal, "", time.Minute, 0)
	require.NotNil(t, merged)
	require.Equal(t, uint64(6), merged.Events, "2 + 3 from upstream + 1 local")
	require.Equal(t, uint64(6), merged.Latency.Count)
	require.Len(t, buckets, 2, "the merged minute and its 5-minute roll-up; the partials are consumed")

	// A summary of a coarser width cannot merge exactly: passed on, counted.
	coarse := chaosconv.NewBucket(chaosconv.ScopeGlobal, "", t0.UnixNano(), 5*time.Minute)
	ld := plog.NewLogs()
	lr := ld.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty().LogRecords().AppendEmpty()
	chaosconv.EncodeBucket(coarse, &cfg, lr)
	lr.SetObservedTimestamp(lr.Timestamp())
	sink.Reset()
	require.NoError(t, p.ConsumeLogs(ctx, ld))
	_, passed = summaries(t, sink)
	require.Len(t, passed, 1)
	require.Equal(t, 5*time.Minute, passed[0].Width)
	m, err := p.tel.GetMetric("otelcol_processor_chaos_analytics_summaries")
	require.NoError(t, err)
	require.Equal(t, int64(1), valueFor(t, m.Data.(metricdata.Sum[int64]).DataPoints, "outcome", "unmergeable"))
}

// TestCheckpointSurvivesRestart runs one processor, stops it with file
// storage, starts another on the same directory, and checks the summaries
// equal those of a processor that never stopped.
func TestCheckpointSurvivesRestart(t *testing.T) {
	dir := t.TempDir()
	host := func(t *testing.T) (component.Host, extension.Extension) { return fileStorageHost(t, dir) }
	first := []chaosconv.Event{lat(5*time.Second, 100, "/a"), flt(50*time.Second, "/a"), lat(70*time.Second, 200, "/b")}
	second := []chaosconv.Event{lat(80*time.Second, 300, "/b"), flt(100*time.Second, "/c"), lat(7*time.Minute, 1, "")}
	ctx := context.Background()

	refSink := new(consumertest.LogsSink)
	ref := newTestProcessor(t, refSink, nil)
	require.NoError(t, ref.ConsumeLogs(ctx, eventLogs("svc", first...)))
	require.NoError(t, ref.ConsumeLogs(ctx, eventLogs("svc", second...)))
	ref.clock.Set(ref.clock.Now().Add(time.Hour))
	ref.tick(ctx)

	sink := new(consumertest.LogsSink)
	h1, ext1 := host(t)
	p1 := newTestProcessor(t, sink, withStorage)
	require.NoError(t, p1.Start(ctx, h1))
	require.NoError(t, p1.ConsumeLogs(ctx, eventLogs("svc", first...)))
	require.NoError(t, p1.Shutdown(ctx))
	require.NoError(t, ext1.Shutdown(ctx))
	_, none := summaries(t, sink)
	require.Empty(t, none, "with storage, shutdown checkpoints instead of emitting partial buckets")

	h2, ext2 := host(t)
	p2 := newTestProcessor(t, sink, withStorage)
	require.NoError(t, p2.Start(ctx, h2))
	require.NoError(t, p2.ConsumeLogs(ctx, eventLogs("svc", second...)))
	p2.clock.Set(p2.clock.Now().Add(time.Hour))
	p2.tick(ctx)
	require.NoError(t, p2.Shutdown(ctx))
	require.NoError(t, ext2.Shutdown(ctx))

	_, want := summaries(t, refSink)
	_, got := summaries(t, sink)
	require.Equal(t, len(want), len(got))
	for _, w := range want {
		g := find(got, w.Scope, w.Key, w.Width, time.Duration(w.StartUnixNano-t0.UnixNano()))
		require.NotNil(t, g, "missing %s %q %s", w.Scope, w.Key, w.Width)
		require.Equal(t, w.Events, g.Events)
		require.Equal(t, w.Faults, g.Faults)
		require.Equal(t, w.Latency.SumMicros, g.Latency.SumMicros)
		require.Equal(t, w.Endpoints, g.Endpoints)
		require.True(t, w.Latency.Sketch.Equal(&g.Latency.Sketch))
	}
}

type hostWith map[component.ID]component.Component

var storageID = component.MustNewID("file_storage")

// withStorage configures the checkpoint on the file_storage of fileStorageHost.
func withStorage(c *Config) { c.Storage = &storageID }

// fileStorageHost is a host with a started file_storage extension on dir.
func fileStorageHost(t *testing.T, dir string) (component.Host, extension.Extension) {
	t.Helper()
	f := filestorage.NewFactory()
	cfg := f.CreateDefaultConfig().(*filestorage.Config)
	cfg.Directory = dir
	ext, err := f.Create(context.Background(), extensiontest.NewNopSettings(f.Type()), cfg)
	require.NoError(t, err)
	require.NoError(t, ext.Start(context.Background(), componenttest.NewNopHost()))
	return hostWith{storageID: ext}, ext
}

func (h hostWith) GetExtensions() map[component.ID]component.Component { return h }

func TestShutdownWithoutStorageEmitsOpenBuckets(t *testing.T) {
	sink := new(consumertest.LogsSink)
	p := newTestProcessor(t, sink, nil)
	ctx := context.Background()
	require.NoError(t, p.Start(ctx, componenttest.NewNopHost()))
	require.NoError(t, p.ConsumeLogs(ctx, eventLogs("", lat(0, 1, ""))))
	require.NoError(t, p.Shutdown(ctx))
	_, buckets := summaries(t, sink)
	require.Len(t, buckets, 2, "the minute and the 5-minute bucket, partial but not lost")
}

func TestStorageMissing(t *testing.T) {
	id := component.MustNewID("file_storage")
	p := newTestProcessor(t, consumertest.NewNop(), func(c *Config) { c.Storage = &id })
	err := p.Start(context.Background(), componenttest.NewNopHost())
	require.ErrorContains(t, err, "no such extension")
	close(p.stop) // never started its loop: nothing to wait for
}
