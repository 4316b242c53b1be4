package detect

import (
	"math/rand/v2"
	"runtime"
	"testing"
	"time"

	"github.com/otelcol-chaos/otelcol-chaos/internal/chaosconv"
)

// benchBuckets is a day of 1-minute summaries of one scope with realistic
// noise: events, delays, faults, probes.
func benchBuckets(n int) []*chaosconv.Bucket {
	r := rand.New(rand.NewPCG(7, 7))
	t0 := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
	lim := &chaosconv.Limits{}
	out := make([]*chaosconv.Bucket, n)
	for i := range out {
		b := chaosconv.NewBucket(chaosconv.ScopeService, "checkout", t0.Add(time.Duration(i)*time.Minute).UnixNano(), time.Minute)
		for k := range 80 + r.IntN(40) {
			e := chaosconv.Event{TimeUnixNano: b.StartUnixNano + int64(k)}
			switch k % 4 {
			case 0, 1:
				e.Kind, e.DelayMs = chaosconv.KindLatencyInjection, int64(50+r.IntN(400))
			case 2:
				e.Kind, e.FaultType = chaosconv.KindFaultInjection, "http_503"
			case 3:
				e.Kind, e.ProbeSuccess, e.ProbeLatencyMs, e.HasProbeLatency = chaosconv.KindProbe, r.IntN(10) > 0, float64(20+r.IntN(100)), true
			}
			b.AddEvent(&e, lim)
		}
		out[i] = b
	}
	return out
}

// BenchmarkObservePerSeriesPoint is the cost of one summary point per
// series: one bucket feeds the four series of its scope (with the six
// detectors, the health score, and trends and forecasts every 5 buckets).
func BenchmarkObservePerSeriesPoint(b *testing.B) {
	buckets := benchBuckets(1440)
	e := New(DefaultConfig(), time.Minute)
	for _, bk := range buckets[:60] {
		e.Observe(bk)
		e.Settle()
		e.Drain()
	}
	b.ReportAllocs()
	b.ResetTimer()
	base := int64(0)
	for i := range b.N {
		bk := buckets[60+i%(len(buckets)-60)]
		if i > 0 && i%(len(buckets)-60) == 0 {
			base += int64(24 * time.Hour) // wrap around: keep time moving forward
		}
		bk.StartUnixNano += base
		e.Observe(bk)
		bk.StartUnixNano -= base
		e.Settle()
		e.Drain()
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*metricCount), "ns/series-point")
}

// BenchmarkMemoryPerSeries reports the heap one scope's state holds, per
// series, after a day of points.
func BenchmarkMemoryPerSeries(b *testing.B) {
	buckets := benchBuckets(1440)
	for range b.N {
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		engines := make([]*Engine, 100)
		for i := range engines {
			engines[i] = New(DefaultConfig(), time.Minute)
			for _, bk := range buckets[:120] {
				engines[i].Observe(bk)
				engines[i].Drain()
			}
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/float64(len(engines)*metricCount), "bytes/series")
		runtime.KeepAlive(engines)
	}
}
