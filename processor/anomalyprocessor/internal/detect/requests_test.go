package detect

import (
	"testing"
	"time"

	"github.com/otelcol-chaos/otelcol-chaos/internal/chaosconv"
)

// requestBucket is a global 1-minute bucket of minute i with a steady
// trickle of chaos events and the scope's own requests: n of them, failed
// failing, every one taking ms.
func requestBucket(i int, n, failed int, ms float64) *chaosconv.Bucket {
	t0 := time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)
	b := chaosconv.NewBucket(chaosconv.ScopeGlobal, "", t0.Add(time.Duration(i)*time.Minute).UnixNano(), time.Minute)
	lim := &chaosconv.Limits{}
	for k := range 20 {
		e := chaosconv.Event{TimeUnixNano: b.StartUnixNano + int64(k), Kind: chaosconv.KindLatencyInjection, DelayMs: 20,
			Fields: chaosconv.FieldDelayMs}
		b.AddEvent(&e, lim)
	}
	for k := range n {
		b.Observed.AddSpan(ms+float64(k%5), k < failed, 1)
	}
	return b
}

// TestDetectorsWatchTheRequests: the scope's own requests have detectors
// of their own. After a calm warm-up, requests failing (the chaos events
// unchanged) open a high_error_rate anomaly on request_error_ratio, slow
// requests a latency_anomaly on request_latency_p95_ms, and requests that
// stop an unexpected_quiet on requests — while the chaos-event detectors
// stay silent.
func TestDetectorsWatchTheRequests(t *testing.T) {
	for _, tt := range []struct {
		name      string
		n, failed int
		ms        float64
		typ       chaosconv.AnomalyType
		metric    string
	}{
		{"failing", 200, 80, 20, chaosconv.AnomalyHighErrorRate, MetricRequestErrorRatio},
		{"slow", 200, 2, 400, chaosconv.AnomalyLatency, MetricRequestLatencyP95},
		{"stopped", 1, 0, 20, chaosconv.AnomalyUnexpectedQuiet, MetricRequests},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e := New(DefaultConfig(), time.Minute)
			for i := range 30 {
				e.Observe(requestBucket(i, 200, 2, 20))
			}
			if out := e.Drain(); len(out.Anomalies) != 0 {
				t.Fatalf("warm-up opened %v", out.Anomalies)
			}
			for i := 30; i < 33; i++ {
				e.Observe(requestBucket(i, tt.n, tt.failed, tt.ms))
			}
			out := e.Drain()
			if len(out.Anomalies) == 0 {
				t.Fatalf("no anomaly")
			}
			for _, a := range out.Anomalies {
				if a.Type != tt.typ || a.Metric != tt.metric {
					t.Errorf("got %s on %s, want only %s on %s", a.Type, a.Metric, tt.typ, tt.metric)
				}
			}
		})
	}
}

// A bucket without requests says nothing of them: no request detector
// speaks, and the series do not learn.
func TestNoRequestsNoVerdict(t *testing.T) {
	e := New(DefaultConfig(), time.Minute)
	for i := range 30 {
		e.Observe(requestBucket(i, 200, 2, 20))
	}
	for i := 30; i < 40; i++ {
		e.Observe(requestBucket(i, 0, 0, 0)) // the spans stopped reaching the collector
	}
	for _, a := range e.Drain().Anomalies {
		t.Errorf("unexpected %s on %s", a.Type, a.Metric)
	}
}
