package stats

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// TestNoAllocs checks that no per-point operation allocates once the value
// is constructed, over enough points to cycle every window.
func TestNoAllocs(t *testing.T) {
	vals := series(9, 1024)
	i := 0
	next := func() float64 {
		i++
		return vals[i&1023]
	}
	b := newBaseline(t, 30)
	w := newWindow(t, 60)
	m := newMK(t, 60)
	tr := newTrend(t, DefaultTrendConfig())
	h := newHolt(t, DefaultHoltConfig())
	var sink float64
	for name, f := range map[string]func(){
		"Baseline.Update+Z+Band": func() {
			x := next()
			lo, hi := b.Band(3)
			sink += b.Z(x) + lo + hi
			b.Update(x)
		},
		"Window.Push+Fit+SlopePValue": func() {
			w.Push(next())
			sink += w.Fit().SlopePValue()
		},
		"MannKendall.Push+PValue+Tau": func() {
			m.Push(next())
			sink += m.PValue() + m.Tau()
		},
		"Trend.Push+Classify": func() {
			tr.Push(next())
			sink += tr.Classify().Confidence
		},
		"Holt.Update+Forecast": func() {
			h.Update(next())
			v, lo, hi := h.Forecast(5)
			sink += v + lo + hi
		},
	} {
		require.Zero(t, testing.AllocsPerRun(500, f), name)
	}
	require.NotZero(t, sink)
}
