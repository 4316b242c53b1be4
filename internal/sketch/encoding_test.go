package sketch

import (
	"encoding/binary"
	"encoding/hex"
	"math"
	"math/bits"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// sampleSketches returns sketches covering every part of the encoding.
func sampleSketches() map[string]*Sketch {
	r := rand.New(rand.NewPCG(21, 22))
	large := &Sketch{}
	large.AddN(100, 1<<32+7)
	large.AddN(0, 3)
	large.Add(2.5)
	collapsed := &Sketch{}
	for range 5000 {
		collapsed.Add(math.Exp(math.Log(2e-3) + r.Float64()*math.Log(5e14)))
	}
	return map[string]*Sketch{
		"empty":     {},
		"zero only": build([]float64{0, 1e-4, 1e-3}),
		"single":    build([]float64{42}),
		"golden":    build([]float64{0, 1, 2, 2, 100}),
		"typical":   build(uniform(r, 600, 50, 5000)),
		"lognormal": build(lognormal(r, 10_000, 4, 1.5)),
		"extremes":  build([]float64{math.Nextafter(MinIndexableValue, 1), 5e-3, 0}),
		"max":       build([]float64{MaxValue, MaxValue}),
		"collapsed": collapsed,
		"large":     large,
	}
}

func TestGoldenEncoding(t *testing.T) {
	// version 1, count 5, zero 1, sum 0:105000000 ns, min 0, max 100,
	// lo 0, width 232, bins: 1 (bin 0), 34 empty, 2 (bin 35), 195 empty,
	// 1 (bin 231).
	const golden = "01050100c0d888320000000000000000000000000000594000e8010100210200c20101"
	s := build([]float64{2, 0, 100, 1, 2})
	require.Equal(t, golden, hex.EncodeToString(s.AppendBinary(nil)))
	b, err := s.MarshalBinary()
	require.NoError(t, err)
	require.Equal(t, golden, hex.EncodeToString(b))

	raw, _ := hex.DecodeString(golden)
	var d Sketch
	require.NoError(t, d.UnmarshalBinary(raw))
	require.True(t, d.Equal(s))
}

func TestRoundTrip(t *testing.T) {
	reused := build(lognormal(rand.New(rand.NewPCG(1, 1)), 1000, 8, 1))
	for name, s := range sampleSketches() {
		enc := s.AppendBinary([]byte("prefix"))[len("prefix"):]
		for _, d := range []*Sketch{{}, reused} {
			require.NoError(t, d.UnmarshalBinary(enc), name)
			require.True(t, d.Equal(s), name)
			require.Equal(t, enc, d.AppendBinary(nil), name)
			checkInvariants(t, d)
		}
	}
}

// enc builds encodings field by field for the corrupt cases.
type enc []byte

func (e enc) u(x uint64) enc    { return binary.AppendUvarint(e, x) }
func (e enc) i(x int64) enc     { return binary.AppendVarint(e, x) }
func (e enc) raw(b ...byte) enc { return append(e, b...) }
func (e enc) f(x float64) enc {
	return binary.LittleEndian.AppendUint64(e, math.Float64bits(x))
}

// hdr encodes the fields up to max.
func hdr(count, zero, sumHi, sumLo uint64, mn, mx float64) enc {
	return enc{1}.u(count).u(zero).u(sumHi).u(sumLo).f(mn).f(mx)
}

func TestUnmarshalCorrupt(t *testing.T) {
	// Two values, 1 and 2: bins 0 and 35.
	ok2 := func() enc { return hdr(2, 0, 0, 3e6, 1, 2).i(0).u(36) }
	require.NoError(t, new(Sketch).UnmarshalBinary(ok2().u(1).raw(0).u(33).u(1)))
	bigHi, bigLo := bits.Mul64(math.MaxUint64, 1e6)

	cases := []struct {
		name, want string
		b          []byte
	}{
		{"empty input", "empty input", nil},
		{"version", "unsupported version 2", []byte{2, 0}},
		{"trailing", "1 trailing bytes", []byte{1, 0, 0}},
		{"truncated count", "truncated count", []byte{1, 0x80}},
		{"non-minimal count", "non-minimal", []byte{1, 0x80, 0x00}},
		{"overflowing varint", "overflows", enc{1}.raw(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f)},
		{"truncated min", "truncated min", enc{1}.u(1).u(0).u(0).u(42e6).raw(1, 2, 3)},
		{"zero above count", "zero count", hdr(1, 2, 0, 0, 0, 0)},
		{"negative min", "invalid min", hdr(1, 1, 0, 0, -1, 0)},
		{"negative zero min", "invalid min", hdr(1, 1, 0, 0, math.Copysign(0, -1), 0)},
		{"NaN max", "invalid min", hdr(1, 1, 0, 0, 0, math.NaN())},
		{"min above max", "invalid min", hdr(2, 2, 0, 0, 1e-3, 1e-4)},
		{"max above MaxValue", "invalid min", hdr(1, 0, 0, 0, 1, math.Inf(1))},
		{"min not in zero bucket", "inconsistent with zero count", hdr(1, 1, 0, 1e6, 1, 1)},
		{"min in zero bucket", "inconsistent with zero count", hdr(2, 0, 0, 1e6, 0, 1)},
		{"max not in a bin", "max 0.0001 inconsistent", hdr(2, 1, 0, 100, 0, 1e-4).i(0).u(1).u(1)},
		{"single value", "single value", hdr(1, 0, 0, 1e6, 1, 1.5).i(0).u(1).u(1)},
		{"sum below", "sum outside", hdr(2, 0, 0, 1, 1, 2)},
		{"sum above", "sum outside", hdr(2, 0, 0, 5e6, 1, 2)},
		{"no bins", "truncated lowest bin", hdr(2, 0, 0, 3e6, 1, 2)},
		{"zero width", "0 bins", hdr(2, 0, 0, 3e6, 1, 2).i(0).u(0)},
		{"too many bins", "1025 bins", hdr(2, 0, 0, 3e6, 1, 2).i(0).u(MaxBins + 1)},
		{"lo below range", "outside", hdr(2, 0, 0, 3e6, 1, 2).i(MinIndex - 1).u(36)},
		{"lo huge", "outside", hdr(2, 0, 0, 3e6, 1, 2).i(math.MaxInt64).u(36)},
		{"hi above range", "outside", hdr(2, 0, 0, 3e6, 1, 2).i(MaxIndex).u(2)},
		{"max not in highest bin", "not in the highest bin", hdr(2, 0, 0, 3e6, 1, 2).i(0).u(35)},
		{"min not in lowest bin", "inconsistent with the lowest bin", hdr(2, 0, 0, 3e6, 1, 2).i(-1).u(37)},
		{"empty lowest bin", "empty lowest bin", ok2().raw(0).u(34).u(2)},
		{"consecutive runs", "consecutive runs", ok2().u(1).raw(0).u(10).raw(0).u(21).u(1)},
		{"run over the highest bin", "too long", ok2().u(1).raw(0).u(34)},
		{"run past the end", "too long", ok2().u(1).raw(0).u(1000)},
		{"bins do not add up", "bins hold 3 values, want 2", ok2().u(2).raw(0).u(33).u(1)},
		{"truncated bins", "truncated bin", ok2().u(1).raw(0).u(33)},
		{"bin overflow", "bin counts overflow",
			hdr(math.MaxUint64, 0, bigHi, bigLo, 1, 1.01).i(0).u(2).u(math.MaxUint64).u(1)},
	}
	s := &Sketch{}
	for _, c := range cases {
		s.CopyFrom(build([]float64{1, 2, 3}))
		err := s.UnmarshalBinary(c.b)
		require.ErrorIs(t, err, ErrCorrupt, c.name)
		require.ErrorContains(t, err, c.want, c.name)
		require.True(t, s.IsEmpty(), c.name)
		require.True(t, s.Equal(&Sketch{}), c.name)
		checkInvariants(t, s)
	}

	// Every proper prefix of a valid encoding is rejected.
	for name, sk := range sampleSketches() {
		b := sk.AppendBinary(nil)
		for n := range len(b) {
			require.ErrorIs(t, s.UnmarshalBinary(b[:n]), ErrCorrupt, "%s[:%d]", name, n)
		}
	}
}

func FuzzUnmarshal(f *testing.F) {
	for _, s := range sampleSketches() {
		f.Add(s.AppendBinary(nil))
	}
	f.Add([]byte{})
	f.Add([]byte{1, 0x80, 0x00})
	f.Add([]byte(hdr(2, 0, 0, 3e6, 1, 2).i(0).u(36).u(1).raw(0).u(33).u(1)))
	f.Fuzz(func(t *testing.T, b []byte) {
		var s Sketch
		if err := s.UnmarshalBinary(b); err != nil {
			require.ErrorIs(t, err, ErrCorrupt)
			require.True(t, s.IsEmpty())
			return
		}
		require.Equal(t, b, s.AppendBinary(nil))
		checkInvariants(t, &s)
		for _, q := range quantiles {
			v, ok := s.Quantile(q)
			require.Equal(t, !s.IsEmpty(), ok)
			if ok {
				mn, _ := s.Min()
				mx, _ := s.Max()
				require.True(t, v >= mn && v <= mx)
			}
		}
		c := s.Clone()
		require.True(t, c.Equal(&s))
		c.Merge(&s)
		checkInvariants(t, c)
		if s.Count() <= math.MaxUint64/2 {
			require.Equal(t, 2*s.Count(), c.Count())
		}
		var d Sketch
		require.NoError(t, d.UnmarshalBinary(c.AppendBinary(nil)))
		require.True(t, d.Equal(c))
	})
}
