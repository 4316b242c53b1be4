package store

import (
	"encoding/json"
	"fmt"
	"runtime"
	"testing"
	"time"

	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/otelcol-chaos/otelcol-chaos/extension/chaosdashboardextension/internal/stream"
	"github.com/otelcol-chaos/otelcol-chaos/internal/chaosconv"
)

// benchSink stands for the hub with n clients: with any, it encodes each
// message once, as the hub does.
type benchSink struct{ clients int }

func (b benchSink) Active() bool { return b.clients > 0 }

func (b benchSink) Publish(m stream.Message) {
	if _, err := json.Marshal(m); err != nil {
		panic(err)
	}
}

// typicalBucket is a global 1-minute bucket as the analytics processor
// closes one under load: a few fault types, a dozen endpoints, latency and
// probe sketches.
func typicalBucket(start time.Time) plog.Logs {
	sp := spec{start: start, events: 1200, faults: 90, endpoints: map[string]uint64{}, probesOK: 55, probesBad: 5}
	for i := range 12 {
		sp.endpoints[fmt.Sprintf("/api/v1/resource%d", i)] = uint64(10 + i)
	}
	for i := range 400 {
		sp.latencies = append(sp.latencies, float64(50+i*7%900))
	}
	return logs(sp)
}

// BenchmarkIngestBucket is the cost of one closed bucket, from the
// publisher's call to its message, with 0, 1 and 100 clients (the hub
// encodes a message once, whatever the number of clients). It also
// reports the heap one stored bucket keeps (stored-B/bucket).
func BenchmarkIngestBucket(b *testing.B) {
	for _, clients := range []int{0, 1, 100} {
		b.Run(fmt.Sprintf("clients=%d", clients), func(b *testing.B) {
			const n = 1024
			batches := make([]plog.Logs, n)
			for i := range batches {
				batches[i] = typicalBucket(minute(i))
			}
			// Retention holds every bucket, so that the heap they keep
			// can be measured.
			s := New(Config{Retention: 1000 * time.Hour, ScopeRetention: time.Hour}, chaosconv.DefaultImpactConfig(), Counters{})
			out := benchSink{clients: clients}
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			for i := range n {
				s.Ingest(batches[i], out)
			}
			runtime.GC()
			runtime.ReadMemStats(&after)
			stored := float64(after.HeapAlloc-before.HeapAlloc) / n

			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; b.Loop(); i++ {
				// Republishing replaces the bucket: the series does not grow.
				s.Ingest(batches[i%n], out)
			}
			// After the loop: ResetTimer deletes the metrics reported before.
			b.ReportMetric(stored, "stored-B/bucket")
		})
	}
}

// BenchmarkStats is /api/v1/stats over a full day of 1-minute buckets.
func BenchmarkStats(b *testing.B) {
	s := New(Config{}, chaosconv.DefaultImpactConfig(), Counters{})
	for i := range 24 * 60 {
		s.Ingest(typicalBucket(minute(i)), nil)
	}
	b.ReportAllocs()
	for b.Loop() {
		_ = s.Stats()
	}
}
