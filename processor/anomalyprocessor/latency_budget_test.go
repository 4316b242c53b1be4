package anomalyprocessor

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/processor/processortest"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"

	"github.com/otelcol-chaos/otelcol-chaos/internal/chaosconv"
	"github.com/otelcol-chaos/otelcol-chaos/processor/anomalyprocessor/internal/metadata"
)

// latencyBucket is a global bucket whose injected delays are all delayMs,
// encoded under the producer's latency budget.
func latencyBucket(i int, delayMs int64, budget time.Duration) plog.Logs {
	b := chaosconv.NewBucket(chaosconv.ScopeGlobal, "", t0.Add(time.Duration(i)*time.Minute).UnixNano(), time.Minute)
	lim := &chaosconv.Limits{}
	for k := range 20 {
		e := chaosconv.Event{TimeUnixNano: b.StartUnixNano + int64(k), Kind: chaosconv.KindLatencyInjection, DelayMs: delayMs, Fields: chaosconv.FieldDelayMs}
		b.AddEvent(&e, lim)
	}
	ld := plog.NewLogs()
	cfg := chaosconv.ImpactConfig{LatencyBudget: budget, TopEndpoints: 5}
	chaosconv.EncodeBucket(b, &cfg, ld.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty().LogRecords().AppendEmpty())
	return ld
}

func lastHealth(t *testing.T, sink *consumertest.LogsSink) chaosconv.Health {
	t.Helper()
	var h chaosconv.Health
	found := false
	for _, ld := range sink.AllLogs() {
		for _, rl := range ld.ResourceLogs().All() {
			for _, sl := range rl.ScopeLogs().All() {
				for _, lr := range sl.LogRecords().All() {
					if lr.EventName() == chaosconv.RecordHealth {
						require.NoError(t, chaosconv.DecodeHealth(lr, &h))
						found = true
					}
				}
			}
		}
	}
	require.True(t, found, "a health record")
	return h
}

// The health latency component is the producer's latency factor: the same
// 150 ms delays score 25 under a 200 ms budget and 85 under a 1 s budget,
// with no budget configured on this processor.
func TestHealthLatencyFollowsTheProducersBudget(t *testing.T) {
	for _, tt := range []struct {
		budget time.Duration
		want   float64
	}{{200 * time.Millisecond, 25}, {time.Second, 85}} {
		t.Run(tt.budget.String(), func(t *testing.T) {
			sink := new(consumertest.LogsSink)
			p, _ := newTestProcessor(t, sink)
			require.NoError(t, p.ConsumeLogs(context.Background(), latencyBucket(0, 150, tt.budget)))
			h := lastHealth(t, sink)
			require.InDelta(t, tt.want, h.Components["latency"], 0.5)
		})
	}
}

// A bucket without a recorded latency factor (another producer) gives no
// latency component rather than a made-up one.
func TestHealthWithoutRecordedLatencyFactor(t *testing.T) {
	sink := new(consumertest.LogsSink)
	p, _ := newTestProcessor(t, sink)
	ld := latencyBucket(0, 150, time.Second)
	ld.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords().At(0).Attributes().Remove(chaosconv.AttrImpactLatencyFactor)
	require.NoError(t, p.ConsumeLogs(context.Background(), ld))
	h := lastHealth(t, sink)
	require.NotContains(t, h.Components, "latency")
	require.Contains(t, h.Components, "availability")
}

func TestDeprecatedLatencyBudgetWarns(t *testing.T) {
	core, logs := observer.New(zap.WarnLevel)
	set := processortest.NewNopSettings(metadata.Type)
	set.Logger = zap.New(core)
	cfg := createDefaultConfig().(*Config)
	cfg.LatencyBudget = 2 * time.Second
	require.NoError(t, cfg.Validate())
	p, err := newProcessor(cfg, set, consumertest.NewNop())
	require.NoError(t, err)
	require.NoError(t, p.Shutdown(context.Background()))
	require.Equal(t, 1, logs.FilterMessageSnippet("latency_budget is deprecated and ignored").Len())
}

// widthBucket is one global bucket of the given width with n latency events.
func widthBucket(start time.Time, width time.Duration, n int) plog.Logs {
	b := chaosconv.NewBucket(chaosconv.ScopeGlobal, "", start.UnixNano(), width)
	lim := &chaosconv.Limits{}
	for k := range n {
		e := chaosconv.Event{TimeUnixNano: b.StartUnixNano + int64(k), Kind: chaosconv.KindLatencyInjection, DelayMs: 100, Fields: chaosconv.FieldDelayMs}
		b.AddEvent(&e, lim)
	}
	ld := plog.NewLogs()
	cfg := chaosconv.DefaultImpactConfig()
	chaosconv.EncodeBucket(b, &cfg, ld.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty().LogRecords().AppendEmpty())
	return ld
}

// The analytics processor configured with widths [30s, 10m]: by default the
// anomaly processor analyses the finest width the records carry, whatever
// it is, and a finer one arriving later replaces a coarser one.
func TestWidthFromTheRecords(t *testing.T) {
	require.Zero(t, createDefaultConfig().(*Config).Width, "no width is copied from the analytics processor")
	sink := new(consumertest.LogsSink)
	p, _ := newTestProcessor(t, sink)
	ctx := context.Background()
	require.NoError(t, p.ConsumeLogs(ctx, widthBucket(t0, 10*time.Minute, 50)))
	require.Equal(t, 10*time.Minute, p.width)
	for i := range 4 {
		require.NoError(t, p.ConsumeLogs(ctx, widthBucket(t0.Add(10*time.Minute+time.Duration(i)*30*time.Second), 30*time.Second, 50)))
	}
	require.Equal(t, 30*time.Second, p.width)
	widths := widthsOf(t, sink, chaosconv.RecordHealth)
	require.Greater(t, len(widths), 1)
	require.Equal(t, 10*time.Minute, widths[0])
	for _, w := range widths[1:] {
		require.Equal(t, 30*time.Second, w, "after the finer width arrived, health is of 30-second buckets")
	}
	require.NoError(t, p.ConsumeLogs(ctx, widthBucket(t0.Add(20*time.Minute), 10*time.Minute, 50)))
	require.Equal(t, 30*time.Second, p.width, "a coarser width later is passed through, not analysed")
}
