package chaosconv

import (
	"runtime"
	"testing"
	"time"

	"go.opentelemetry.io/collector/pdata/plog"
)

// typicalBucket is one minute of one scope under steady chaos: 600 events
// of every kind over 10 endpoints, delays 50..5000 ms, probe latencies.
func typicalBucket(start int64, seed int) *Bucket {
	lim := &Limits{MapEntries: 100, ProbeLatencySLO: 500 * time.Millisecond}
	b := NewBucket(ScopeGlobal, "", start, time.Minute)
	eps := []string{"/a", "/b", "/c", "/d", "/e", "/f", "/g", "/h", "/i", "/j"}
	for i := range 600 {
		j := i + seed
		e := Event{TimeUnixNano: start + int64(i)*int64(100*time.Millisecond), Endpoint: eps[j%len(eps)]}
		switch j % 5 {
		case 0, 1:
			e.Kind, e.DelayMs = KindLatencyInjection, int64(50+(j*37)%4950)
		case 2:
			e.Kind, e.FaultType = KindFaultInjection, []string{"http_500", "http_503", "timeout"}[j%3]
		case 3:
			e.Kind, e.Protocol = KindProtocolEvent, "grpc"
		case 4:
			e.Kind, e.ProbeSuccess, e.ProbeLatencyMs, e.HasProbeLatency = KindProbe, j%7 != 0, float64(20+(j*13)%900), true
		}
		b.AddEvent(&e, lim)
	}
	return b
}

// BenchmarkMerge100Partials is a gateway's work for one bucket fed by 100
// agents: decode 100 partial chaos.bucket records and merge them.
func BenchmarkMerge100Partials(b *testing.B) {
	cfg := DefaultImpactConfig()
	start := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC).UnixNano()
	records := plog.NewLogRecordSlice()
	for i := range 100 {
		EncodeBucket(typicalBucket(start, i), &cfg, records.AppendEmpty())
	}
	lim := &Limits{MapEntries: 100}
	var partial Bucket
	merged := NewBucket(ScopeGlobal, "", start, time.Minute)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		merged.Reinit(ScopeGlobal, "", start, time.Minute)
		for _, lr := range records.All() {
			if err := DecodeBucket(lr, &partial); err != nil {
				b.Fatal(err)
			}
			merged.Merge(&partial, lim)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*100), "ns/partial")
}

// BenchmarkBucketMemory reports the heap held by one active scope-bucket
// of typical content (see typicalBucket), measured over 1,000 of them.
func BenchmarkBucketMemory(b *testing.B) {
	const n = 1000
	for range b.N {
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		keep := make([]*Bucket, n)
		for i := range keep {
			keep[i] = typicalBucket(int64(i)*int64(time.Minute), i)
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/n, "bytes/bucket")
		runtime.KeepAlive(keep)
	}
}
