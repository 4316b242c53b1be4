package stats

import (
	"bytes"
	"encoding/binary"
	"math"
	"testing"

	"github.com/stretchr/testify/require"
)

// codec is what every serializable type of the package implements.
type codec[T any] interface {
	*T
	AppendBinary([]byte) []byte
	UnmarshalBinary([]byte) error
	Equal(*T) bool
}

// bits maps outputs to their bits, so that NaNs compare equal and -0 ≠ +0.
func bits(vs ...float64) []uint64 {
	out := make([]uint64, len(vs))
	for i, v := range vs {
		out[i] = math.Float64bits(v)
	}
	return out
}

func baselineOutputs(b *Baseline) []uint64 {
	lo, hi := b.Band(2)
	warm := 0.0
	if b.Warm() {
		warm = 1
	}
	return bits(float64(b.N()), b.Mean(), b.MAD(), b.Scale(), b.Z(3), b.Z(-1e6), lo, hi, warm)
}

func fitOutputs(f LinearFit) []float64 {
	return []float64{float64(f.N), f.Mean, f.Variance, f.Slope, f.Intercept, f.R2, f.ResidualStd,
		f.SlopeStdErr, f.SlopeTStat, f.SlopePValue()}
}

func windowOutputs(w *Window) []uint64 {
	return bits(append(fitOutputs(w.Fit()), w.AppendValues(nil)...)...)
}

func mkOutputs(m *MannKendall) []uint64 {
	return bits(float64(m.Len()), float64(m.S()), m.Variance(), m.Z(), m.PValue(), m.Tau())
}

func trendOutputs(t *Trend) []uint64 {
	r := t.Classify()
	return bits(float64(r.Direction), float64(r.N), r.Slope, r.Intercept, r.R2, r.Mean, r.ResidualStd, r.CV,
		float64(r.S), r.Z, r.Tau, r.PValue, r.Confidence)
}

func holtOutputs(h *Holt) []uint64 {
	v1, lo1, hi1 := h.Forecast(1)
	v7, lo7, hi7 := h.Forecast(7)
	return bits(float64(h.N()), h.Level(), h.Slope(), h.ErrorVariance(), v1, lo1, hi1, v7, lo7, hi7)
}

// checkRoundTrip restores orig from its encoding, checks the copy is Equal
// with the same bytes, then feeds both the same points and checks every
// output stays bit-identical.
func checkRoundTrip[T any, P codec[T]](t *testing.T, orig P, feed func(P, float64), outputs func(P) []uint64, more []float64) {
	t.Helper()
	enc := orig.AppendBinary(nil)
	var restored T
	r := P(&restored)
	require.NoError(t, r.UnmarshalBinary(enc))
	require.True(t, orig.Equal(r))
	require.True(t, r.Equal(orig))
	require.Equal(t, enc, r.AppendBinary(nil))
	require.Equal(t, outputs(orig), outputs(r))
	// Appending to a non-empty buffer appends the same bytes.
	require.Equal(t, append([]byte("xyz"), enc...), orig.AppendBinary([]byte("xyz")))
	for i, x := range more {
		feed(orig, x)
		feed(r, x)
		require.Equal(t, outputs(orig), outputs(r), "after %d more points", i+1)
	}
	require.True(t, orig.Equal(r))
	require.Equal(t, orig.AppendBinary(nil), r.AppendBinary(nil))
}

// series returns n points of a noisy ramp with a few repeats.
func series(seed uint64, n int) []float64 {
	r := newRand(seed)
	v := make([]float64, n)
	for i := range v {
		v[i] = 1e3 + 0.7*float64(i) + 20*r.NormFloat64()
		if i%5 == 0 {
			v[i] = math.Round(v[i] / 50)
		}
	}
	return v
}

// Sample states of every type: empty, partial, full and long-running.
var sampleLengths = []int{0, 1, 2, 3, 9, 17, 60, 61, 100, 137, 1000}

func sampleBaselines(t testing.TB) []*Baseline {
	var out []*Baseline
	for _, n := range sampleLengths {
		cfg := BaselineConfig{HalfLife: 10 + float64(n%7), WarmUp: 2 + n%5, K: 2.5, MinScale: 1e-3, MinRelScale: float64(n%2) * 0.01}
		b, err := NewBaseline(cfg)
		require.NoError(t, err)
		for _, x := range series(uint64(n), n) {
			b.Update(x)
		}
		out = append(out, b)
	}
	return out
}

func sampleWindows(t testing.TB) []*Window {
	var out []*Window
	for _, n := range sampleLengths {
		for _, capacity := range []int{MinWindow, 7, 60} {
			w := newWindow(t, capacity)
			for _, x := range series(uint64(n), n) {
				w.Push(x)
			}
			out = append(out, w)
		}
	}
	return out
}

func sampleMKs(t testing.TB) []*MannKendall {
	var out []*MannKendall
	for _, n := range sampleLengths {
		for _, capacity := range []int{MinWindow, 7, 60} {
			m := newMK(t, capacity)
			for _, x := range series(uint64(n), n) {
				m.Push(x)
			}
			out = append(out, m)
		}
	}
	return out
}

func sampleTrends(t testing.TB) []*Trend {
	var out []*Trend
	for _, n := range sampleLengths {
		for _, capacity := range []int{MinWindow, 7, 60} {
			cfg := TrendConfig{Window: capacity, Alpha: 0.01, VolatileCV: 0.2, MinLevel: 1, MinPoints: MinWindow}
			tr := newTrend(t, cfg)
			for _, x := range series(uint64(n), n) {
				tr.Push(x)
			}
			out = append(out, tr)
		}
	}
	return out
}

func sampleHolts(t testing.TB) []*Holt {
	var out []*Holt
	for _, n := range sampleLengths {
		h := newHolt(t, HoltConfig{Alpha: 0.2 + float64(n%3)/10, Beta: 0.05, Z: 2.5, ErrorHalfLife: 15})
		for _, x := range series(uint64(n), n) {
			h.Update(x)
		}
		out = append(out, h)
	}
	return out
}

func TestRoundTrip(t *testing.T) {
	more := series(777, 150)
	for _, b := range sampleBaselines(t) {
		checkRoundTrip(t, b, (*Baseline).Update, baselineOutputs, more)
	}
	for _, w := range sampleWindows(t) {
		checkRoundTrip(t, w, (*Window).Push, windowOutputs, more)
	}
	for _, m := range sampleMKs(t) {
		checkRoundTrip(t, m, (*MannKendall).Push, mkOutputs, more)
	}
	for _, tr := range sampleTrends(t) {
		checkRoundTrip(t, tr, (*Trend).Push, trendOutputs, more)
	}
	for _, h := range sampleHolts(t) {
		checkRoundTrip(t, h, (*Holt).Update, holtOutputs, more)
	}
}

// TestWindowRoundTripEveryPhase restores a window at every phase of its
// two-stack cycle and checks it continues bit-identically.
func TestWindowRoundTripEveryPhase(t *testing.T) {
	more := series(1, 50)
	w := newWindow(t, 13)
	for i, x := range series(2, 60) {
		w.Push(x)
		if i%3 == 0 {
			checkRoundTrip(t, w, (*Window).Push, windowOutputs, more)
		}
	}
}

// encodings returns an encoding of every sample state of every type.
func encodings(t testing.TB) [][]byte {
	var out [][]byte
	for _, b := range sampleBaselines(t) {
		out = append(out, b.AppendBinary(nil))
	}
	for _, w := range sampleWindows(t) {
		out = append(out, w.AppendBinary(nil))
	}
	for _, m := range sampleMKs(t) {
		out = append(out, m.AppendBinary(nil))
	}
	for _, tr := range sampleTrends(t) {
		out = append(out, tr.AppendBinary(nil))
	}
	for _, h := range sampleHolts(t) {
		out = append(out, h.AppendBinary(nil))
	}
	return out
}

// receivers returns one non-empty value of every type, fresh.
func receivers(t testing.TB) (*Baseline, *Window, *MannKendall, *Trend, *Holt) {
	b := newBaseline(t, 10)
	w := newWindow(t, 7)
	m := newMK(t, 7)
	tr := newTrend(t, TrendConfig{Window: 7, Alpha: 0.1, VolatileCV: 1, MinLevel: 1, MinPoints: 5})
	h := newHolt(t, DefaultHoltConfig())
	for _, x := range series(3, 12) {
		b.Update(x)
		w.Push(x)
		m.Push(x)
		tr.Push(x)
		h.Update(x)
	}
	return b, w, m, tr, h
}

// checkUnmarshal decodes data into a non-empty receiver of every type. A
// failure must wrap ErrCorrupt and leave the receiver unchanged; a success
// must re-encode to the same bytes and survive updates. It returns how many
// types accepted data.
func checkUnmarshal(t *testing.T, data []byte) int {
	b, w, m, tr, h := receivers(t)
	accepted := 0
	accepted += checkOne(t, b, data, (*Baseline).Update, baselineOutputs)
	accepted += checkOne(t, w, data, (*Window).Push, windowOutputs)
	accepted += checkOne(t, m, data, (*MannKendall).Push, mkOutputs)
	accepted += checkOne(t, tr, data, (*Trend).Push, trendOutputs)
	accepted += checkOne(t, h, data, (*Holt).Update, holtOutputs)
	return accepted
}

func checkOne[T any, P codec[T]](t *testing.T, recv P, data []byte, feed func(P, float64), outputs func(P) []uint64) int {
	t.Helper()
	before := recv.AppendBinary(nil)
	var pristine T
	require.NoError(t, P(&pristine).UnmarshalBinary(before))
	input := bytes.Clone(data)
	err := recv.UnmarshalBinary(data)
	require.Equal(t, input, data, "UnmarshalBinary modified its input")
	if err != nil {
		require.ErrorIs(t, err, ErrCorrupt)
		require.True(t, recv.Equal(&pristine), "receiver changed by a failed UnmarshalBinary")
		return 0
	}
	require.Equal(t, data, recv.AppendBinary(nil), "encoding is not canonical")
	_ = outputs(recv)
	for _, x := range []float64{0, 1, -1, 1e6, math.NaN(), 5, 5, 5, -1e300, 1e300, 3} {
		feed(recv, x)
		_ = outputs(recv)
	}
	var again T
	require.NoError(t, P(&again).UnmarshalBinary(recv.AppendBinary(nil)))
	require.True(t, recv.Equal(&again))
	return 1
}

func TestUnmarshalRejectsCorruptions(t *testing.T) {
	for _, enc := range encodings(t) {
		require.Equal(t, 1, checkUnmarshal(t, enc), "exactly one type accepts % x", enc)
		for i := range len(enc) {
			require.Zero(t, checkUnmarshal(t, enc[:i]), "truncated to %d bytes", i)
		}
		require.Zero(t, checkUnmarshal(t, append(bytes.Clone(enc), 0)), "trailing byte")
		bad := bytes.Clone(enc)
		bad[0] = 2
		require.Zero(t, checkUnmarshal(t, bad), "version 2")
	}
}

// enc builds encodings by hand.
type enc []byte

func (e enc) u(v uint64) enc    { return binary.AppendUvarint(e, v) }
func (e enc) f(v float64) enc   { return appendFloat(e, v) }
func (e enc) raw(b ...byte) enc { return append(e, b...) }

func TestUnmarshalRejectsInvalidStates(t *testing.T) {
	baseline := func(n uint64) enc { return enc{1, kindBaseline}.f(30).u(10).f(3).f(1e-6).f(0).u(n) }
	window := func(capacity, n, nf uint64) enc { return enc{1, kindWindow}.u(capacity).u(n).u(nf) }
	holt := func(n uint64) enc { return enc{1, kindHolt}.f(0.3).f(0.1).f(1.96).f(30).u(n) }
	trend := func(minPoints, capacity uint64) enc {
		return enc{1, kindTrend}.f(0.05).f(0.5).f(1e-9).u(minPoints).u(capacity).u(0).u(0)
	}
	values := func(e enc, n int) enc {
		for i := range n {
			e = e.f(float64(i))
		}
		return e
	}
	valid := [][]byte{
		baseline(0), baseline(1).f(5).f(0), baseline(2).f(5).f(1),
		values(window(3, 2, 0), 2), values(window(3, 3, 2), 3),
		values(enc{1, kindMannKendall}.u(5).u(5), 5),
		trend(3, 3), trend(60, 60),
		holt(0), holt(1).f(1).f(0).f(0), holt(2).f(1).f(2).f(0), holt(3).f(1).f(2).f(3),
	}
	for _, v := range valid {
		require.Equal(t, 1, checkUnmarshal(t, v), "% x", v)
	}
	invalid := map[string][]byte{
		"empty":                     {},
		"version only":              {1},
		"kind 0":                    {1, 0},
		"kind 6":                    {1, 6},
		"baseline half-life 0":      enc{1, kindBaseline}.f(0).u(10).f(3).f(1e-6).f(0).u(0),
		"baseline half-life NaN":    enc{1, kindBaseline}.f(math.NaN()).u(10).f(3).f(1e-6).f(0).u(0),
		"baseline warm-up 1":        enc{1, kindBaseline}.f(30).u(1).f(3).f(1e-6).f(0).u(0),
		"baseline huge warm-up":     enc{1, kindBaseline}.f(30).u(math.MaxUint64).f(3).f(1e-6).f(0).u(0),
		"baseline MinScale 0":       enc{1, kindBaseline}.f(30).u(10).f(3).f(0).f(0).u(0),
		"baseline non-minimal n":    enc{1, kindBaseline}.f(30).u(10).f(3).f(1e-6).f(0).raw(0x80, 0x00),
		"baseline overlong n":       enc{1, kindBaseline}.f(30).u(10).f(3).f(1e-6).f(0).raw(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01),
		"baseline n > MaxInt":       baseline(math.MaxUint64).f(1).f(1),
		"baseline mad after 1 pt":   baseline(1).f(5).f(1),
		"baseline negative mad":     baseline(3).f(5).f(-1),
		"baseline infinite mean":    baseline(3).f(math.Inf(1)).f(1),
		"baseline state when empty": baseline(0).f(5).f(1),
		"window capacity 2":         window(2, 0, 0),
		"window capacity too big":   window(MaxWindow+1, 0, 0),
		"window n > capacity":       values(window(3, 4, 0), 4),
		"window front, not full":    values(window(5, 4, 1), 4),
		"window front = capacity":   values(window(3, 3, 3), 3),
		"window NaN point":          window(3, 1, 0).f(math.NaN()),
		"window missing points":     values(window(5, 5, 0), 4),
		"window lying count":        window(MaxWindow, MaxWindow, 0).f(1),
		"mk n > capacity":           values(enc{1, kindMannKendall}.u(3).u(4), 4),
		"mk infinite point":         enc{1, kindMannKendall}.u(3).u(1).f(math.Inf(-1)),
		"trend MinPoints > window":  trend(61, 60),
		"trend MinPoints 2":         trend(2, 60),
		"trend alpha 1":             enc{1, kindTrend}.f(1).f(0.5).f(1e-9).u(3).u(3).u(0).u(0),
		"holt alpha 0":              enc{1, kindHolt}.f(0).f(0.1).f(1.96).f(30).u(0),
		"holt trend after 1 pt":     holt(1).f(1).f(2).f(0),
		"holt variance after 2 pts": holt(2).f(1).f(2).f(3),
		"holt negative variance":    holt(5).f(1).f(2).f(-3),
		"holt truncated state":      holt(5).f(1).f(2),
	}
	for name, b := range invalid {
		require.Zero(t, checkUnmarshal(t, b), name)
	}
}

// FuzzUnmarshal feeds arbitrary bytes to the UnmarshalBinary of every type:
// none panics, a failure wraps ErrCorrupt and leaves the receiver
// unchanged, and whatever is accepted re-encodes to the same bytes and
// keeps working.
func FuzzUnmarshal(f *testing.F) {
	for _, e := range encodings(f) {
		if len(e) < 2000 {
			f.Add(e)
		}
	}
	f.Add([]byte{})
	f.Add([]byte{1, kindWindow, 3, 3, 2})
	f.Fuzz(func(t *testing.T, data []byte) {
		require.LessOrEqual(t, checkUnmarshal(t, data), 1)
	})
}
