package chaosanalyticsprocessor

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/processor/processortest"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	"github.com/otelcol-chaos/otelcol-chaos/internal/chaosconv"
	"github.com/otelcol-chaos/otelcol-chaos/processor/chaosanalyticsprocessor/internal/metadata"
)

// TestAgentPartialsAreIdempotentAtTheGateway: two agents emit their
// partial minutes stamped with their producer id; the gateway receives one
// agent's batch twice (an exporter's retry after a timeout the gateway had
// in fact served) and still counts every event once.
func TestAgentPartialsAreIdempotentAtTheGateway(t *testing.T) {
	ctx := context.Background()
	agent := func(id string, events ...chaosconv.Event) plog.Logs {
		sink := new(consumertest.LogsSink)
		p := newTestProcessor(t, sink, func(c *Config) {
			c.Widths, c.DropEvents, c.ProducerID = []time.Duration{time.Minute}, true, id
		})
		require.NoError(t, p.ConsumeLogs(ctx, eventLogs("checkout", events...)))
		p.clock.Set(p.clock.Now().Add(time.Hour))
		p.tick(ctx)
		require.Len(t, sink.AllLogs(), 1)
		out := sink.AllLogs()[0]
		for _, rl := range out.ResourceLogs().All() {
			for _, sl := range rl.ScopeLogs().All() {
				for _, lr := range sl.LogRecords().All() {
					v, ok := lr.Attributes().Get(chaosconv.AttrBucketProducer)
					require.True(t, ok, "every summary names its producer")
					require.Equal(t, id, v.Str())
				}
			}
		}
		return out
	}
	a := agent("agent-a", lat(time.Second, 100, "/api/users"), flt(2*time.Second, "/api/users"))
	b := agent("agent-b", lat(3*time.Second, 300, "/api/cart"))

	sink := new(consumertest.LogsSink)
	gw := newTestProcessor(t, sink, nil)
	for _, ld := range []plog.Logs{a, b, a} { // agent-a's batch twice
		cp := plog.NewLogs()
		ld.CopyTo(cp)
		require.NoError(t, gw.ConsumeLogs(ctx, cp))
	}
	gw.clock.Set(gw.clock.Now().Add(time.Hour))
	gw.tick(ctx)
	_, buckets := summaries(t, sink)
	global := find(buckets, chaosconv.ScopeGlobal, "", time.Minute, 0)
	require.NotNil(t, global)
	require.Equal(t, uint64(3), global.Events, "2 from agent-a once, 1 from agent-b")
	require.Equal(t, uint64(3), find(buckets, chaosconv.ScopeService, "checkout", time.Minute, 0).Events)
	require.Equal(t, uint64(2), find(buckets, chaosconv.ScopeEndpoint, "/api/users", time.Minute, 0).Events)

	m, err := gw.tel.GetMetric("otelcol_processor_chaos_analytics_summaries")
	require.NoError(t, err)
	points := m.Data.(metricdata.Sum[int64]).DataPoints
	require.Equal(t, int64(6), valueFor(t, points, "outcome", "merged"), "each agent's global, service and endpoint partial")
	require.Equal(t, int64(3), valueFor(t, points, "outcome", "duplicate"), "agent-a's three summaries, again")
}

// The producer defaults to the collector's service.instance.id.
func TestProducerDefaultsToServiceInstanceID(t *testing.T) {
	set := processortest.NewNopSettings(metadata.Type)
	set.Resource.Attributes().PutStr(chaosconv.AttrServiceInstanceID, "0b6e-instance")
	cfg := createDefaultConfig().(*Config)
	require.Equal(t, "0b6e-instance", producerID(cfg, set))
	cfg.ProducerID = "checkout-agent-0"
	require.Equal(t, "checkout-agent-0", producerID(cfg, set))
}

// partialLogs is one producer's partial of minute m with n events.
func partialLogs(producer string, m, n int) plog.Logs {
	start := t0.Add(time.Duration(m) * time.Minute)
	b := chaosconv.NewBucket(chaosconv.ScopeGlobal, "", start.UnixNano(), time.Minute)
	for i := range n {
		ev := lat(time.Duration(m)*time.Minute+time.Duration(i)*time.Second, 10, "")
		b.AddEvent(&ev, &chaosconv.Limits{})
	}
	b.Producer = producer
	ld := plog.NewLogs()
	cfg := chaosconv.DefaultImpactConfig()
	chaosconv.EncodeBucket(b, &cfg, ld.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty().LogRecords().AppendEmpty())
	return ld
}

// A gateway restarted from its checkpoint keeps the partials of its open
// buckets and the producers it waits for: a repeat after the restart still
// counts once, and a minute closes only when every producer has moved on.
func TestGatewayCheckpointKeepsPartialsAndProducers(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	sink := new(consumertest.LogsSink)
	gateway := func(c *Config) { withStorage(c); c.Widths = []time.Duration{time.Minute} }

	h1, ext1 := fileStorageHost(t, dir)
	p1 := newTestProcessor(t, sink, gateway)
	require.NoError(t, p1.Start(ctx, h1))
	for _, ld := range []plog.Logs{partialLogs("a", 0, 4), partialLogs("b", 0, 2), partialLogs("a", 0, 4)} {
		require.NoError(t, p1.ConsumeLogs(ctx, ld))
	}
	require.NoError(t, p1.Shutdown(ctx))
	require.NoError(t, ext1.Shutdown(ctx))

	h2, ext2 := fileStorageHost(t, dir)
	p2 := newTestProcessor(t, sink, gateway)
	require.NoError(t, p2.Start(ctx, h2))
	for _, ld := range []plog.Logs{partialLogs("a", 0, 4), partialLogs("a", 1, 3)} {
		require.NoError(t, p2.ConsumeLogs(ctx, ld))
	}
	_, buckets := summaries(t, sink)
	require.Empty(t, buckets, "b, restored from the checkpoint, has not sent minute 1")
	require.NoError(t, p2.ConsumeLogs(ctx, partialLogs("b", 1, 1)))
	_, buckets = summaries(t, sink)
	require.Len(t, buckets, 1)
	require.Equal(t, uint64(6), buckets[0].Events, "a's 4 once and b's 2, across the restart")
	require.NoError(t, p2.Shutdown(ctx))
	require.NoError(t, ext2.Shutdown(ctx))
}
