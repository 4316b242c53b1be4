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
