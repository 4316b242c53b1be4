package chaosanalyticsprocessor

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/otelcol-chaos/otelcol-chaos/internal/chaosconv"
)

const (
	mergeAgents = 1000
	mergeScopes = 100 // per agent: global, 9 services, 90 endpoints
)

// agentMinute is one agent's request for one minute: its partial of each
// of its scopes, as its chaos_analytics emits them (30 events a scope: a
// few delays, faults, probes).
func agentMinute(r *rand.Rand, agent, minute int) plog.Logs {
	ld := plog.NewLogs()
	records := ld.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty().LogRecords()
	start := t0.Add(time.Duration(minute) * time.Minute).UnixNano()
	cfg := chaosconv.DefaultImpactConfig()
	lim := &chaosconv.Limits{MapEntries: 100}
	for s := range mergeScopes {
		scope, key := chaosconv.ScopeEndpoint, fmt.Sprintf("/api/endpoint-%02d", s)
		switch {
		case s == 0:
			scope, key = chaosconv.ScopeGlobal, ""
		case s < 10:
			scope, key = chaosconv.ScopeService, fmt.Sprintf("service-%d", s)
		}
		b := chaosconv.NewBucket(scope, key, start, time.Minute)
		for i := range 30 {
			e := chaosconv.Event{TimeUnixNano: start + int64(i)*int64(time.Second)}
			switch i % 3 {
			case 0:
				e.Kind, e.DelayMs = chaosconv.KindLatencyInjection, int64(math.Exp(math.Log(40)+0.8*r.NormFloat64()))
			case 1:
				e.Kind, e.FaultType = chaosconv.KindFaultInjection, []string{"http_500", "http_503", "timeout"}[r.IntN(3)]
			default:
				e.Kind, e.ProbeSuccess, e.ProbeLatencyMs, e.HasProbeLatency = chaosconv.KindProbe, r.Float64() > 0.02, 5+20*r.Float64(), true
			}
			b.AddEvent(&e, lim)
		}
		b.Producer = fmt.Sprintf("agent-%04d", agent)
		chaosconv.EncodeBucket(b, &cfg, records.AppendEmpty())
	}
	return ld
}

// BenchmarkGatewayMerge: one gateway merging a minute of partials from
// 1,000 agents × 100 scopes (100,000 chaos.bucket records in 1,000
// requests), with the previous minute closing as the new one arrives:
// the gateway's CPU per minute of data, and the memory its partials hold.
//
//	go test -run='^$' -bench=GatewayMerge -benchmem -benchtime=5x -count=6 ./processor/chaosanalyticsprocessor/
func BenchmarkGatewayMerge(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	const minutes = 3
	requests := make([][]plog.Logs, minutes)
	for m := range minutes {
		for a := range mergeAgents {
			requests[m] = append(requests[m], agentMinute(r, a, m))
		}
	}
	ctx := context.Background()
	b.ReportAllocs()
	var held float64
	for n := 0; b.Loop(); n++ {
		b.StopTimer()
		sink := new(consumertest.LogsSink)
		base := heapAfterGC()
		p := newGatewayForBench(b, sink)
		// Warm-up minute: partials of every agent are kept until minute 1.
		for _, ld := range requests[0] {
			feed(b, ctx, p, copies([]plog.Logs{ld}))
		}
		if n == 0 {
			held = float64(heapAfterGC()-base) / (mergeAgents * mergeScopes)
		}
		measured := copies(requests[1]) // the processor owns what it is given
		b.StartTimer()
		feed(b, ctx, p, measured) // closes minute 0 once every agent has sent minute 1
		b.StopTimer()
		if n == 0 {
			_, buckets := summaries(b, sink)
			require.Len(b, buckets, mergeScopes, "minute 0 of every scope merged and emitted")
			require.Equal(b, uint64(mergeAgents*30), buckets[0].Events)
			require.Equal(b, mergeAgents*mergeScopes, p.agg.Partials(), "minute 1's partials are kept until minute 2")
		}
		b.StartTimer()
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/1e9, "s/minute-of-data")
	b.ReportMetric(held, "B/partial-held")
}

// heapAfterGC is the live heap.
func heapAfterGC() uint64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

func copies(reqs []plog.Logs) []plog.Logs {
	out := make([]plog.Logs, len(reqs))
	for i, ld := range reqs {
		out[i] = plog.NewLogs()
		ld.CopyTo(out[i])
	}
	return out
}

func feed(b *testing.B, ctx context.Context, p *testProc, reqs []plog.Logs) {
	for _, ld := range reqs {
		if err := p.ConsumeLogs(ctx, ld); err != nil {
			b.Fatal(err)
		}
	}
}

func newGatewayForBench(b *testing.B, sink *consumertest.LogsSink) *testProc {
	b.Helper()
	return newTestProcessor(b, sink, func(c *Config) {
		c.Widths = []time.Duration{time.Minute}
		c.AllowedLateness = time.Second
	})
}
