package chaosanalyticsprocessor

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/processor/processortest"

	"github.com/otelcol-chaos/otelcol-chaos/internal/chaosconv"
	"github.com/otelcol-chaos/otelcol-chaos/processor/chaosanalyticsprocessor/internal/metadata"
)

const benchBatch = 1000

// benchLogs is a 1,000-event batch with realistic attributes — what the
// chaos receiver produces: every kind, 20 endpoints, metadata maps, three
// services — spread over one second of event time.
func benchLogs(base time.Time) plog.Logs {
	ld := plog.NewLogs()
	eps := make([]string, 20)
	for i := range eps {
		eps[i] = "/api/v1/resource" + string(rune('a'+i))
	}
	for s, svc := range []string{"checkout", "catalog", "payments"} {
		rl := ld.ResourceLogs().AppendEmpty()
		rl.Resource().Attributes().PutStr(chaosconv.AttrServiceName, svc)
		records := rl.ScopeLogs().AppendEmpty().LogRecords()
		for i := s; i < benchBatch; i += 3 {
			e := chaosconv.Event{TimeUnixNano: base.Add(time.Duration(i) * time.Millisecond).UnixNano(),
				Source: "mockforge", Endpoint: eps[i%len(eps)],
				Metadata: []chaosconv.KV{{Key: "run_id", Value: "r-42"}, {Key: "region", Value: "eu-west-1"}}}
			switch i % 6 {
			case 0:
				e.Kind, e.DelayMs, e.Fields = chaosconv.KindLatencyInjection, int64(50+i%900), chaosconv.FieldDelayMs
			case 1:
				e.Kind, e.FaultType, e.Fields = chaosconv.KindFaultInjection, "http_503", chaosconv.FieldFaultType
			case 2:
				e.Kind, e.ClientAddress = chaosconv.KindRateLimitExceeded, "10.0.0.7"
			case 3:
				e.Kind, e.TrafficAction, e.TrafficBytes, e.Fields = chaosconv.KindTrafficShaping, "throttle", 4096, chaosconv.FieldTrafficAction|chaosconv.FieldTrafficBytes
			case 4:
				e.Kind, e.Protocol, e.ProtocolEvent, e.Fields = chaosconv.KindProtocolEvent, "grpc", "reset", chaosconv.FieldProtocolName|chaosconv.FieldProtocolEvent
			case 5:
				e.Kind, e.ProbeTarget, e.ProbeSuccess, e.ProbeLatencyMs, e.HasProbeLatency = chaosconv.KindProbe, "http://x/health", i%4 != 0, float64(i%700), true
				e.Fields = chaosconv.FieldProbeTarget | chaosconv.FieldProbeSuccess
			}
			chaosconv.EncodeEvent(&e, records.AppendEmpty())
		}
	}
	return ld
}

// BenchmarkConsumeLogs is the hot path at 1,000-event batches with
// realistic attributes, passed through (not dropped) to a no-op consumer.
//
//   - buckets=open: every batch lands in open buckets (the steady state
//     between two closes): the per-event cost and allocations of aggregation.
//   - buckets=live: each batch is one second of event time later, so buckets
//     open and close as in live traffic; the cost of encoding each closed
//     bucket's summary is amortised over the minute's events.
func BenchmarkConsumeLogs(b *testing.B) {
	for _, tc := range []struct {
		name  string
		shift time.Duration
	}{{"buckets=open", 0}, {"buckets=live", time.Second}} {
		b.Run(tc.name, func(b *testing.B) {
			cfg := createDefaultConfig().(*Config)
			p, err := newProcessor(cfg, processortest.NewNopSettings(metadata.Type), consumertest.NewNop())
			require.NoError(b, err)
			base := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
			wall := base
			p.now = func() time.Time { return wall }
			ld := benchLogs(base)
			advance := func() {
				if tc.shift == 0 {
					return
				}
				for _, rl := range ld.ResourceLogs().All() {
					for _, lr := range rl.ScopeLogs().At(0).LogRecords().All() {
						lr.SetTimestamp(lr.Timestamp() + pcommon.Timestamp(tc.shift))
					}
				}
				wall = wall.Add(tc.shift)
			}
			ctx := context.Background()
			// Warm up: two minutes of traffic open, fill and close buckets.
			for range 120 {
				require.NoError(b, p.ConsumeLogs(ctx, ld))
				advance()
			}
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				if err := p.ConsumeLogs(ctx, ld); err != nil {
					b.Fatal(err)
				}
				b.StopTimer()
				advance()
				b.StartTimer()
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*benchBatch), "ns/event")
		})
	}
}
