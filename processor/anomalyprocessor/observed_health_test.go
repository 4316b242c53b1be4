package anomalyprocessor

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/otelcol-chaos/otelcol-chaos/internal/chaosconv"
)

// TestHealthAvailabilityFromSpans: with the scope's own requests in the
// bucket (chaos_spans), availability is what they saw — 100 × (1 − their
// error ratio) — not the share of chaos events that were faults; without
// them, it is the latter.
func TestHealthAvailabilityFromSpans(t *testing.T) {
	bucket := func(withSpans bool) plog.Logs {
		b := chaosconv.NewBucket(chaosconv.ScopeGlobal, "", t0.UnixNano(), time.Minute)
		lim := &chaosconv.Limits{}
		for k := range 10 { // half of the chaos events are faults
			e := chaosconv.Event{TimeUnixNano: b.StartUnixNano + int64(k), Kind: chaosconv.KindLatencyInjection,
				DelayMs: 10, Fields: chaosconv.FieldDelayMs}
			if k < 5 {
				e = chaosconv.Event{TimeUnixNano: b.StartUnixNano + int64(k), Kind: chaosconv.KindFaultInjection,
					FaultType: "http_503", Fields: chaosconv.FieldFaultType}
			}
			b.AddEvent(&e, lim)
		}
		if withSpans {
			for k := range 100 { // a tenth of the requests failed
				b.Observed.AddSpan(30, k < 10, 1)
			}
		}
		ld := plog.NewLogs()
		cfg := chaosconv.DefaultImpactConfig()
		chaosconv.EncodeBucket(b, &cfg, ld.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty().LogRecords().AppendEmpty())
		return ld
	}
	for _, tt := range []struct {
		spans bool
		want  float64
	}{{false, 50}, {true, 90}} {
		sink := new(consumertest.LogsSink)
		p, _ := newTestProcessor(t, sink)
		require.NoError(t, p.ConsumeLogs(context.Background(), bucket(tt.spans)))
		require.InDelta(t, tt.want, lastHealth(t, sink).Components["availability"], 1e-9, "spans: %v", tt.spans)
	}
}
