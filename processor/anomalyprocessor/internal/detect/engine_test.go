package detect

import (
	"math"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/otelcol-chaos/otelcol-chaos/internal/chaosconv"
)

// A cascade counts the scopes whose high_error_rate detector finds their
// error rate anomalous: with that detector disabled it still runs, without
// records, and the cascades are the same.
func TestCascadeWithErrorRateDisabled(t *testing.T) {
	f, err := readScenario(filepath.Join(scenarioDir, "cascade_c.json"))
	if err != nil {
		t.Fatal(err)
	}
	cascades := func(dets []detection) (at []int, errors int) {
		for _, d := range dets {
			switch d.typ {
			case chaosconv.AnomalyCascadingFailure:
				at = append(at, d.at)
			case chaosconv.AnomalyHighErrorRate:
				errors++
			}
		}
		return at, errors
	}
	want, n := cascades(runScenario(f, DefaultConfig()))
	if len(want) == 0 || n == 0 {
		t.Fatalf("default configuration: cascades at %v, %d high error rates; want some of both", want, n)
	}
	cfg := DefaultConfig()
	tc := cfg.Types[chaosconv.AnomalyHighErrorRate]
	tc.Enabled = false
	cfg.Types[chaosconv.AnomalyHighErrorRate] = tc
	got, n := cascades(runScenario(f, cfg))
	if !slices.Equal(got, want) || n != 0 {
		t.Errorf("high_error_rate disabled: cascades at %v and %d high error rates, want cascades at %v and none", got, n, want)
	}
}

// An anomaly whose series can no longer be judged still ends: after a
// storm, an endpoint's error rate is back to normal but its buckets carry
// too few events for a ratio to be judged; the high_error_rate anomaly
// closes after the detector's clear buckets, saying why.
func TestAnomalyClosesWhenItsSeriesCannotBeJudged(t *testing.T) {
	cfg := DefaultConfig()
	e := New(cfg, time.Minute)
	t0 := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC).UnixNano()
	minute := 0
	bucket := func(events, faults int) {
		b := chaosconv.NewBucket(chaosconv.ScopeEndpoint, "/api/pay", t0+int64(minute)*int64(time.Minute), time.Minute)
		lim := &chaosconv.Limits{}
		for i := range events {
			ev := chaosconv.Event{TimeUnixNano: b.StartUnixNano + int64(i), Kind: chaosconv.KindLatencyInjection, DelayMs: 20}
			if i < faults {
				ev.Kind, ev.FaultType = chaosconv.KindFaultInjection, "http_503"
			}
			b.AddEvent(&ev, lim)
		}
		e.Observe(b)
		minute++
	}
	for i := range cfg.Warmup + 5 {
		bucket(50, 2+i%2) // ~5 % errors
	}
	for range 6 {
		bucket(50, 35) // the storm: 70 % errors
	}
	var opened *chaosconv.Anomaly
	for _, a := range e.Drain().Anomalies {
		if a.Type == chaosconv.AnomalyHighErrorRate && a.State == chaosconv.AnomalyOpen {
			opened = &a
		}
	}
	if opened == nil {
		t.Fatal("the storm opened no high_error_rate anomaly")
	}
	clear := cfg.Types[chaosconv.AnomalyHighErrorRate].Clear
	for i := range clear + 10 {
		bucket(cfg.MinRatioEvents-3, 0) // calm, but too few events to judge a ratio
		for _, a := range e.Drain().Anomalies {
			if a.ID != opened.ID || a.State != chaosconv.AnomalyClosed {
				continue
			}
			if i != clear-1 {
				t.Fatalf("closed after %d low-volume buckets, want %d", i+1, clear)
			}
			if a.CloseReason != chaosconv.CloseInsufficientData {
				t.Fatalf("close reason %q, want %q", a.CloseReason, chaosconv.CloseInsufficientData)
			}
			return
		}
	}
	t.Fatalf("the anomaly stayed open through %d buckets that could not be judged", clear+10)
}

// Trends see every point, even while an anomaly holds points back from the
// baseline: injected latency creeping up 4 % a minute from a calm level
// opens a latency anomaly, and the latency trend says increasing while it
// is open — not stable until the hold expires.
func TestTrendFollowsTheSeriesWhileAnAnomalyIsOpen(t *testing.T) {
	cfg := DefaultConfig()
	e := New(cfg, time.Minute)
	t0 := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC).UnixNano()
	for m := range cfg.Warmup + 40 {
		delay := 100.0
		if k := m - cfg.Warmup - 5; k > 0 {
			delay = 100 * math.Pow(1.04, float64(k))
		}
		b := chaosconv.NewBucket(chaosconv.ScopeGlobal, "", t0+int64(m)*int64(time.Minute), time.Minute)
		for i := range 60 {
			jitter := 1 + 0.05*math.Sin(float64(i+m))
			ev := chaosconv.Event{TimeUnixNano: b.StartUnixNano + int64(i), Kind: chaosconv.KindLatencyInjection,
				DelayMs: int64(delay * jitter)}
			b.AddEvent(&ev, &chaosconv.Limits{})
		}
		e.Observe(b)
	}
	out := e.Drain()
	var openedAt int64
	for _, a := range out.Anomalies {
		if a.Type == chaosconv.AnomalyLatency && a.State == chaosconv.AnomalyOpen && openedAt == 0 {
			openedAt = a.Start
		}
	}
	if openedAt == 0 {
		t.Fatal("the creep opened no latency anomaly")
	}
	holdEnds := openedAt + int64(cfg.MaxHold)*int64(time.Minute)
	var held []chaosconv.Trend // the latency trends while the anomaly's points are held back
	for _, tr := range out.Trends {
		if tr.Metric == MetricLatencyP95 && tr.Scope.Kind == chaosconv.ScopeGlobal && tr.AtUnixNano > openedAt && tr.AtUnixNano < holdEnds {
			held = append(held, tr)
		}
	}
	if len(held) < 3 {
		t.Fatalf("%d latency trends while the anomaly was held, want several", len(held))
	}
	for i, tr := range held {
		if tr.Direction != chaosconv.TrendIncreasing {
			t.Errorf("trend %d while held: %s (slope %.3f), want increasing", i, tr.Direction, tr.Slope)
		}
		if i > 0 && !(tr.Slope > held[i-1].Slope) {
			t.Errorf("trend %d while held: slope %.3f after %.3f: the window must follow the creep, not freeze", i, tr.Slope, held[i-1].Slope)
		}
	}
}
