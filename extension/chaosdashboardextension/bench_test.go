package chaosdashboardextension

import (
	"context"
	"fmt"
	"sync"
	"syscall"
	"testing"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
)

// BenchmarkPublishBucket is the cost the dashboard adds to the analytics
// processor per closed bucket: PublishRecords of one global 1-minute
// chaos.bucket record (decode, store in its ring, evict by retention,
// build and fan out the bucket and impact messages) with 0, 1 and 100
// WebSocket clients connected over loopback, each reading everything.
//
// ns/op is the time on the publishing (pipeline) goroutine. cpu-ns/bucket
// is the whole process's CPU per bucket (getrusage), which also holds the
// hub's writer goroutines and the in-process clients reading and decoding
// their frames: an upper bound of what the collector spends.
func BenchmarkPublishBucket(b *testing.B) {
	for _, clients := range []int{0, 1, 100} {
		b.Run(fmt.Sprintf("clients=%d", clients), func(b *testing.B) {
			cfg := createDefaultConfig().(*Config)
			cfg.Stream.KeepaliveInterval = -1
			d := startDashboard(b, cfg, nil)
			var wg sync.WaitGroup
			ctx, cancel := context.WithCancel(context.Background())
			for range clients {
				conn := dialStream(b, d)
				wg.Add(1)
				go func() {
					defer wg.Done()
					for {
						if _, _, err := conn.Read(ctx); err != nil {
							return
						}
					}
				}()
			}
			// Buckets a minute apart, as they close: one record whose
			// start (its timestamp) moves on, so that the benchmark
			// measures the publish and not the building of records.
			ld := bucketLogs(b, testStart, 20, 5)
			lr := ld.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords().At(0)
			start := testStart
			b.ReportAllocs()
			var before syscall.Rusage
			_ = syscall.Getrusage(syscall.RUSAGE_SELF, &before)
			b.ResetTimer()
			for range b.N {
				lr.SetTimestamp(pcommon.NewTimestampFromTime(start))
				start = start.Add(time.Minute)
				d.PublishRecords(ld)
			}
			b.StopTimer()
			var after syscall.Rusage
			_ = syscall.Getrusage(syscall.RUSAGE_SELF, &after)
			cpu := time.Duration(after.Utime.Nano() + after.Stime.Nano() - before.Utime.Nano() - before.Stime.Nano())
			b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N), "cpu-ns/bucket")
			b.ReportMetric(float64(d.hub.Clients()), "clients")
			cancel()
			wg.Wait()
		})
	}
}
