package stats

import (
	"fmt"
	"testing"
)

// benchValues is a noisy ramp with repeats, cycled through by every
// benchmark (a power of two for the mask).
var benchValues = series(2026, 1<<12)

const benchMask = 1<<12 - 1

func BenchmarkBaselineUpdate(b *testing.B) {
	bl := newBaseline(b, 30)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		bl.Update(benchValues[i&benchMask])
		i++
	}
	b.ReportMetric(float64(bl.MemoryBytes()), "mem-bytes")
}

func BenchmarkWindowPush(b *testing.B) {
	w := newWindow(b, 60)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		w.Push(benchValues[i&benchMask])
		i++
	}
	b.ReportMetric(float64(w.MemoryBytes()), "mem-bytes")
}

// BenchmarkWindowPushFit is a push and the OLS fit (slope, intercept, R²,
// t statistic), the per-point cost of a Window.
func BenchmarkWindowPushFit(b *testing.B) {
	w := newWindow(b, 60)
	b.ReportAllocs()
	i := 0
	var sink float64
	for b.Loop() {
		w.Push(benchValues[i&benchMask])
		sink += w.Fit().SlopeTStat
		i++
	}
	b.ReportMetric(float64(w.MemoryBytes()), "mem-bytes")
	_ = sink
}

// BenchmarkWindowSlopePValue adds the Student t p-value (incomplete beta)
// to the fit.
func BenchmarkWindowSlopePValue(b *testing.B) {
	w := newWindow(b, 60)
	for _, x := range benchValues[:60] {
		w.Push(x)
	}
	b.ReportAllocs()
	var sink float64
	for b.Loop() {
		sink += w.SlopePValue()
	}
	_ = sink
}

func BenchmarkMannKendallPush(b *testing.B) {
	for _, capacity := range []int{60, 1440} {
		b.Run(fmt.Sprintf("W=%d", capacity), func(b *testing.B) {
			m := newMK(b, capacity)
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				m.Push(benchValues[i&benchMask])
				i++
			}
			b.ReportMetric(float64(m.MemoryBytes()), "mem-bytes")
		})
	}
}

// scanMK is the plain O(W) alternative to MannKendall's sorted copy: a
// linear scan of the window for the smaller, greater and equal counts. It
// exists to compare with BenchmarkMannKendallPush.
type scanMK struct {
	vals        []float64
	head, n     int
	s, tieTerm  int64
	pairsOfTies int64
}

func (m *scanMK) counts(x float64, skipHead bool) (less, eq, greater int64) {
	// The window is vals[head:] then vals[:head], less the head if asked.
	end := min(m.head+m.n, len(m.vals))
	first, second := m.vals[m.head:end], m.vals[:m.n-(end-m.head)]
	if skipHead {
		first = first[1:]
	}
	for _, part := range [2][]float64{first, second} {
		for _, y := range part {
			if y < x {
				less++
			} else if y > x {
				greater++
			}
		}
		eq += int64(len(part))
	}
	return less, eq - less - greater, greater
}

func (m *scanMK) push(x float64) {
	if m.n == len(m.vals) {
		less, eq, greater := m.counts(m.vals[m.head], true) // among the others
		m.s -= greater - less
		m.tieTerm -= 6 * eq * (eq + 2)
		m.pairsOfTies -= eq
		m.head = (m.head + 1) % len(m.vals)
		m.n--
	}
	less, eq, greater := m.counts(x, false)
	m.s += less - greater
	m.tieTerm += 6 * eq * (eq + 2)
	m.pairsOfTies += eq
	m.vals[(m.head+m.n)%len(m.vals)] = x
	m.n++
}

func TestScanMKReference(t *testing.T) {
	m := newMK(t, 11)
	s := &scanMK{vals: make([]float64, 11)}
	for i, x := range series(4, 300) {
		x = float64(int(x) % 7) // many ties
		m.Push(x)
		s.push(x)
		if m.s != s.s || m.tieTerm != s.tieTerm || m.tiedPairs != s.pairsOfTies {
			t.Fatalf("point %d: scan %+v, sorted S %d ties %d %d", i, s, m.s, m.tieTerm, m.tiedPairs)
		}
	}
}

func BenchmarkMannKendallScanReference(b *testing.B) {
	for _, capacity := range []int{60, 1440} {
		b.Run(fmt.Sprintf("W=%d", capacity), func(b *testing.B) {
			m := &scanMK{vals: make([]float64, capacity)}
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				m.push(benchValues[i&benchMask])
				i++
			}
		})
	}
}

// BenchmarkTrendPushClassify is a push into the window and the Mann-Kendall
// test and a classification, the per-point cost of a Trend.
func BenchmarkTrendPushClassify(b *testing.B) {
	tr := newTrend(b, DefaultTrendConfig())
	b.ReportAllocs()
	i := 0
	var sink float64
	for b.Loop() {
		tr.Push(benchValues[i&benchMask])
		sink += tr.Classify().Confidence
		i++
	}
	b.ReportMetric(float64(tr.MemoryBytes()), "mem-bytes")
	_ = sink
}

func BenchmarkTrendClassify(b *testing.B) {
	tr := newTrend(b, DefaultTrendConfig())
	for _, x := range benchValues[:60] {
		tr.Push(x)
	}
	b.ReportAllocs()
	var sink float64
	for b.Loop() {
		sink += tr.Classify().Confidence
	}
	_ = sink
}

func BenchmarkHoltUpdateForecast(b *testing.B) {
	h := newHolt(b, DefaultHoltConfig())
	b.ReportAllocs()
	i := 0
	var sink float64
	for b.Loop() {
		h.Update(benchValues[i&benchMask])
		v, lo, hi := h.Forecast(5)
		sink += v + lo + hi
		i++
	}
	b.ReportMetric(float64(h.MemoryBytes()), "mem-bytes")
	_ = sink
}

// BenchmarkSeriesPoint is everything one series does per point: score the
// point against the baseline and the one-step forecast, update the
// baseline, the window (OLS), the Mann-Kendall test and Holt, classify the
// trend and forecast 5 points ahead. Target: ≤ 1 µs.
func BenchmarkSeriesPoint(b *testing.B) {
	bl := newBaseline(b, 30)
	tr := newTrend(b, DefaultTrendConfig())
	h := newHolt(b, DefaultHoltConfig())
	b.ReportAllocs()
	i := 0
	var sink float64
	for b.Loop() {
		x := benchValues[i&benchMask]
		_, lo, hi := h.Forecast(1)
		sink += bl.Z(x) + lo + hi
		bl.Update(x)
		tr.Push(x)
		h.Update(x)
		sink += tr.Classify().Confidence
		v, _, _ := h.Forecast(5)
		sink += v
		i++
	}
	b.ReportMetric(float64(bl.MemoryBytes()+tr.MemoryBytes()+h.MemoryBytes()), "mem-bytes/series")
	_ = sink
}

// BenchmarkCheckpointSeries encodes and restores the state of one series.
func BenchmarkCheckpointSeries(b *testing.B) {
	bl := newBaseline(b, 30)
	tr := newTrend(b, DefaultTrendConfig())
	h := newHolt(b, DefaultHoltConfig())
	for _, x := range benchValues[:500] {
		bl.Update(x)
		tr.Push(x)
		h.Update(x)
	}
	var buf []byte
	var bl2 Baseline
	var tr2 Trend
	var h2 Holt
	b.ReportAllocs()
	for b.Loop() {
		buf = bl.AppendBinary(buf[:0])
		if err := bl2.UnmarshalBinary(buf); err != nil {
			b.Fatal(err)
		}
		n := len(buf)
		buf = tr.AppendBinary(buf)
		if err := tr2.UnmarshalBinary(buf[n:]); err != nil {
			b.Fatal(err)
		}
		n = len(buf)
		buf = h.AppendBinary(buf)
		if err := h2.UnmarshalBinary(buf[n:]); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(buf)), "encoded-bytes/series")
}
