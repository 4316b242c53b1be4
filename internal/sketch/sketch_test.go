package sketch

import (
	"maps"
	"math"
	"math/bits"
	"math/rand/v2"
	"slices"
	"testing"
	"unsafe"

	"github.com/stretchr/testify/require"
)

var quantiles = []float64{0, .01, .5, .9, .95, .99, .999, 1}

// exactQuantile is the value of rank ⌊q·(n−1)⌋ of sorted, computed as
// Quantile computes the rank.
func exactQuantile(sorted []float64, q float64) float64 {
	last := uint64(len(sorted) - 1)
	rank := last
	if f := q * float64(last); f < float64(last) {
		rank = uint64(f)
	}
	return sorted[rank]
}

func build(vals []float64) *Sketch {
	s := &Sketch{}
	for _, v := range vals {
		if !s.Add(v) {
			panic(v)
		}
	}
	return s
}

// modelBins is the content the package documentation promises: the count
// of every bin max(index(v), H−MaxBins+1), H the highest bin.
func modelBins(vals []float64) map[int32]uint64 {
	h := int32(math.MinInt32)
	for _, v := range vals {
		if v > MinIndexableValue {
			h = max(h, index(v))
		}
	}
	m := map[int32]uint64{}
	for _, v := range vals {
		if v > MinIndexableValue {
			m[max(index(v), h-MaxBins+1)]++
		}
	}
	return m
}

func binsOf(s *Sketch) map[int32]uint64 {
	m := map[int32]uint64{}
	for i := s.lo; i < s.lo+s.width; i++ {
		if c := s.bin(i); c > 0 {
			m[i] = c
		}
	}
	return m
}

// checkInvariants verifies the internal invariants of s.
func checkInvariants(t *testing.T, s *Sketch) {
	t.Helper()
	require.LessOrEqual(t, s.width, int32(MaxBins))
	require.LessOrEqual(t, len(s.counts), MaxBins)
	var total uint64
	for k, c := range s.counts {
		i := s.offset + int32(k)
		if i < s.lo || i >= s.lo+s.width {
			require.Zero(t, c, "bin %d outside [lo, lo+width)", i)
		}
	}
	for i, h := range s.high {
		require.NotZero(t, h)
		require.True(t, i >= s.lo && i < s.lo+s.width)
	}
	if s.width > 0 {
		require.NotZero(t, s.bin(s.lo), "lowest bin empty")
		require.NotZero(t, s.bin(s.lo+s.width-1), "highest bin empty")
		total = s.rangeTotal(s.lo, s.lo+s.width-1)
	}
	require.Equal(t, s.count-s.zero, total)
}

func lognormal(r *rand.Rand, n int, mu, sigma float64) []float64 {
	vals := make([]float64, n)
	for i := range vals {
		vals[i] = math.Exp(mu + sigma*r.NormFloat64())
	}
	return vals
}

func uniform(r *rand.Rand, n int, lo, hi float64) []float64 {
	vals := make([]float64, n)
	for i := range vals {
		vals[i] = lo + (hi-lo)*r.Float64()
	}
	return vals
}

func TestAccuracy(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	twoPoint := make([]float64, 10_000)
	for i := range twoPoint {
		twoPoint[i] = 10
		if r.IntN(10) < 7 {
			twoPoint[i] = 1000
		}
	}
	cases := map[string][]float64{
		"uniform 1..1000":  uniform(r, 100_000, 1, 1000),
		"lognormal":        lognormal(r, 100_000, math.Log(100), 1.5),
		"lognormal narrow": lognormal(r, 1000, math.Log(250), 0.2),
		"constant":         slices.Repeat([]float64{42.5}, 1000),
		"two-point":        twoPoint,
		"single":           {3.14},
		"tiny":             uniform(r, 1000, 0.0011, 0.002),
		"huge":             uniform(r, 1000, 1e9, MaxValue),
	}
	for name, vals := range cases {
		t.Run(name, func(t *testing.T) {
			s := build(vals)
			checkInvariants(t, s)
			sorted := slices.Sorted(slices.Values(vals))
			for _, q := range quantiles {
				exact := exactQuantile(sorted, q)
				got, ok := s.Quantile(q)
				require.True(t, ok)
				require.InDelta(t, exact, got, exact*Alpha*(1+1e-12), "q=%v", q)
			}
			mn, _ := s.Min()
			mx, _ := s.Max()
			require.Equal(t, sorted[0], mn)
			require.Equal(t, sorted[len(sorted)-1], mx)
			require.Equal(t, uint64(len(vals)), s.Count())
			var sum float64
			for _, v := range vals {
				sum += v
			}
			require.InDelta(t, sum, s.Sum(), float64(len(vals))*0.5e-6+sum*1e-12)
		})
	}
}

func TestQuantileMonotonic(t *testing.T) {
	s := build(lognormal(rand.New(rand.NewPCG(5, 6)), 5000, 3, 2))
	prev := -1.0
	for q := 0.0; q <= 1; q += 0.001 {
		v, ok := s.Quantile(q)
		require.True(t, ok)
		require.GreaterOrEqual(t, v, prev)
		prev = v
	}
}

// split assigns every value to one of k parts at random.
func split(r *rand.Rand, vals []float64, k int) [][]float64 {
	parts := make([][]float64, k)
	for _, v := range vals {
		p := r.IntN(k)
		parts[p] = append(parts[p], v)
	}
	return parts
}

func mergeSequential(r *rand.Rand, parts []*Sketch) *Sketch {
	out := &Sketch{}
	for _, p := range r.Perm(len(parts)) {
		out.Merge(parts[p])
	}
	return out
}

// mergeTree merges random pairs of clones until one sketch is left.
func mergeTree(r *rand.Rand, parts []*Sketch) *Sketch {
	work := make([]*Sketch, len(parts))
	for i, p := range parts {
		work[i] = p.Clone()
	}
	for len(work) > 1 {
		i := r.IntN(len(work))
		j := r.IntN(len(work) - 1)
		if j >= i {
			j++
		}
		work[i].Merge(work[j])
		work = slices.Delete(work, j, j+1)
	}
	return work[0]
}

func TestMergeExact(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	data := map[string][]float64{
		"lognormal with zeros": append(lognormal(r, 20_000, math.Log(80), 1.2),
			0, 0, 1e-4, MinIndexableValue, 0.5e-3, 0),
		// Spans 13 decades, more than MaxBins: every sketch collapses.
		"collapsing": func() []float64 {
			v := make([]float64, 20_000)
			for i := range v {
				v[i] = math.Exp(math.Log(1e-2) + r.Float64()*math.Log(1e13))
			}
			return v
		}(),
		"fractional ms": uniform(r, 10_000, 0.1, 0.9),
	}
	for name, vals := range data {
		full := build(vals)
		checkInvariants(t, full)
		require.Equal(t, modelBins(vals), binsOf(full), name)
		wantBytes := full.AppendBinary(nil)
		for _, k := range []int{2, 7, 100} {
			parts := split(r, vals, k)
			sketches := make([]*Sketch, k)
			for i, p := range parts {
				sketches[i] = build(p)
				checkInvariants(t, sketches[i])
			}
			for name2, merged := range map[string]*Sketch{
				"sequential": mergeSequential(r, sketches),
				"tree":       mergeTree(r, sketches),
			} {
				msg := name + "/" + name2
				checkInvariants(t, merged)
				require.True(t, merged.Equal(full), "%s k=%d", msg, k)
				require.Equal(t, wantBytes, merged.AppendBinary(nil), "%s k=%d", msg, k)
				require.Equal(t, full.Count(), merged.Count())
				require.Equal(t, math.Float64bits(full.Sum()), math.Float64bits(merged.Sum()))
				mn, _ := merged.Min()
				mx, _ := merged.Max()
				require.Equal(t, slices.Min(vals), mn)
				require.Equal(t, slices.Max(vals), mx)
			}
		}
		// Insertion order does not matter either.
		sorted := slices.Sorted(slices.Values(vals))
		require.True(t, build(sorted).Equal(full), name)
		slices.Reverse(sorted)
		require.True(t, build(sorted).Equal(full), name)
	}
}

func TestMergeSpecialCases(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	vals := lognormal(r, 1000, 4, 1)
	s := build(vals)

	// Merging empty or nil sketches changes nothing.
	c := s.Clone()
	c.Merge(nil)
	c.Merge(&Sketch{})
	require.True(t, c.Equal(s))

	// Merging into an empty sketch copies.
	e := &Sketch{}
	e.Merge(s)
	require.True(t, e.Equal(s))

	// Self-merge doubles.
	c.Merge(c)
	require.True(t, c.Equal(build(append(slices.Clone(vals), vals...))))

	// Far apart ranges: the merge collapses like the sketch of the union.
	lowVals, highVals := uniform(r, 100, 0.01, 0.02), uniform(r, 100, 1e10, 1e11)
	lo, hi := build(lowVals), build(highVals)
	lo.Merge(hi)
	all := append(slices.Clone(lowVals), highVals...)
	require.True(t, lo.Equal(build(all)))
	require.Equal(t, modelBins(all), binsOf(lo))
	checkInvariants(t, lo)
	hi2 := build(highVals)
	hi2.Merge(build(lowVals))
	require.True(t, hi2.Equal(lo))

	// Zero-bucket-only sketches.
	z := build([]float64{0, 1e-4})
	z2 := build([]float64{5e-4})
	z.Merge(z2)
	require.True(t, z.Equal(build([]float64{0, 1e-4, 5e-4})))
	z.Merge(s)
	require.True(t, z.Equal(build(append([]float64{0, 1e-4, 5e-4}, vals...))))
}

func TestZeroBucketAndRejection(t *testing.T) {
	s := &Sketch{}
	for _, v := range []float64{-1, -1e-300, math.Inf(-1), math.Inf(1), math.NaN(),
		math.Nextafter(MaxValue, math.Inf(1)), math.MaxFloat64} {
		require.False(t, s.Add(v), "%v", v)
		require.False(t, s.AddN(v, 3), "%v", v)
		require.False(t, s.AddN(v, 0), "%v", v)
	}
	require.True(t, s.IsEmpty())
	require.True(t, s.Equal(&Sketch{}))

	require.True(t, s.Add(math.Copysign(0, -1)))
	mn, ok := s.Min()
	require.True(t, ok)
	require.False(t, math.Signbit(mn), "-0 stored as +0")
	require.True(t, s.Add(5e-324))
	require.True(t, s.Add(MinIndexableValue))
	require.Equal(t, uint64(3), s.ZeroCount())
	require.Zero(t, s.width)
	require.True(t, s.Add(math.Nextafter(MinIndexableValue, 1)))
	require.True(t, s.Add(MaxValue))
	require.Equal(t, uint64(3), s.ZeroCount())
	require.Equal(t, uint64(5), s.Count())
	// The two bins are more than MaxBins apart: the lowest collapsed.
	require.Equal(t, int32(MaxIndex-MaxBins+1), s.lo)
	require.Equal(t, int32(MaxBins), s.width)
	require.Equal(t, uint64(1), s.bin(s.lo))
	checkInvariants(t, s)

	// A rank in the zero bucket reports Min.
	q, ok := s.Quantile(0.5)
	require.True(t, ok)
	require.Equal(t, 0.0, q)
	q, _ = s.Quantile(1)
	require.InDelta(t, MaxValue, q, MaxValue*Alpha)

	z := build([]float64{3e-4, 4e-4, 5e-4})
	q, _ = z.Quantile(1)
	require.Equal(t, 3e-4, q)
	require.InDelta(t, 12e-4, z.Sum(), 1e-15)
	require.True(t, z.AddN(0, 0))
	require.Equal(t, uint64(3), z.Count())
}

func TestEmpty(t *testing.T) {
	var s Sketch
	require.True(t, s.IsEmpty())
	require.Zero(t, s.Count())
	require.Zero(t, s.Sum())
	_, ok := s.Min()
	require.False(t, ok)
	_, ok = s.Max()
	require.False(t, ok)
	for _, q := range quantiles {
		_, ok = s.Quantile(q)
		require.False(t, ok)
	}
	require.True(t, s.Equal(&Sketch{}))
	require.False(t, s.Equal(nil))
	require.True(t, (*Sketch)(nil).Equal(nil))
	require.Equal(t, []byte{1, 0}, s.AppendBinary(nil))
	require.True(t, s.Clone().IsEmpty())

	s.Add(10)
	for _, q := range []float64{-0.1, 1.1, math.NaN(), math.Inf(1)} {
		_, ok = s.Quantile(q)
		require.False(t, ok, "q=%v", q)
	}
	s.Reset()
	require.True(t, s.Equal(&Sketch{}))
	_, ok = s.Quantile(0.5)
	require.False(t, ok)
}

func TestCollapse(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	// Log-uniform over 15 decades: 1728 bins, more than MaxBins.
	vals := make([]float64, 100_000)
	for i := range vals {
		vals[i] = math.Exp(math.Log(2e-3) + r.Float64()*(math.Log(MaxValue)-math.Log(2e-3)))
	}
	s := build(vals)
	checkInvariants(t, s)
	require.Equal(t, int32(MaxBins), s.width)
	require.LessOrEqual(t, cap(s.counts), MaxBins)
	require.LessOrEqual(t, s.MemoryBytes(), 4*MaxBins+200)
	require.Equal(t, modelBins(vals), binsOf(s))
	require.Equal(t, index(slices.Max(vals)), s.lo+s.width-1)

	sorted := slices.Sorted(slices.Values(vals))
	collapsedBelow := upper(s.lo) // values ≤ this are in the collapsed bin
	checked := 0
	for q := 0.0; q <= 1; q += 0.01 {
		exact := exactQuantile(sorted, q)
		got, ok := s.Quantile(q)
		require.True(t, ok)
		if exact > collapsedBelow {
			require.InDelta(t, exact, got, exact*Alpha*(1+1e-12), "q=%v", q)
			checked++
		}
	}
	require.Greater(t, checked, 50)

	// Adds far below the kept range go to the lowest kept bin.
	lowest := s.bin(s.lo)
	require.True(t, s.Add(0.0015))
	require.Equal(t, lowest+1, s.bin(s.lo))
	checkInvariants(t, s)
}

func TestAllocFree(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 14))
	vals := lognormal(r, 10_000, math.Log(200), 1)
	s := build(vals)
	i := 0
	require.Zero(t, testing.AllocsPerRun(10_000, func() {
		s.Add(vals[i%len(vals)])
		i++
	}))
	// Reset keeps the store: refilling with the same range allocates nothing.
	capBefore := cap(s.counts)
	require.Zero(t, testing.AllocsPerRun(10, func() {
		s.Reset()
		for _, v := range vals {
			s.Add(v)
		}
	}))
	require.Equal(t, capBefore, cap(s.counts))
	require.True(t, s.Equal(build(vals)))

	// Merging and copying into a store that covers the range allocates nothing.
	o := build(vals[:600])
	require.Zero(t, testing.AllocsPerRun(100, func() {
		s.Merge(o)
		s.CopyFrom(o)
	}))
	require.Zero(t, testing.AllocsPerRun(100, func() {
		_, _ = s.Quantile(0.99)
	}))
}

func TestAddN(t *testing.T) {
	a := &Sketch{}
	b := &Sketch{}
	for _, v := range []float64{0, 1e-4, 3, 3, 3, 250.5, 250.5, 1e6} {
		b.Add(v)
	}
	require.True(t, a.AddN(0, 1))
	require.True(t, a.AddN(1e-4, 1))
	require.True(t, a.AddN(3, 3))
	require.True(t, a.AddN(250.5, 2))
	require.True(t, a.AddN(1e6, 1))
	require.True(t, a.AddN(7, 0))
	require.True(t, a.Equal(b))
}

func TestLargeCounts(t *testing.T) {
	// A bin count beyond 2³²−1 keeps its high bits; nothing saturates.
	const n = 1<<32 + 5
	a := &Sketch{}
	require.True(t, a.AddN(100, n))
	require.True(t, a.Add(1))
	require.Equal(t, uint64(n), a.bin(index(100)))
	require.Greater(t, a.MemoryBytes(), int(unsafe.Sizeof(*a))+4*cap(a.counts))
	checkInvariants(t, a)

	// Wrapping the low 32 bits through Add's fast path.
	b := &Sketch{}
	require.True(t, b.Add(1))
	require.True(t, b.AddN(100, math.MaxUint32))
	for range 6 {
		require.True(t, b.Add(100))
	}
	require.Equal(t, uint64(n), b.bin(index(100)))
	checkInvariants(t, b)

	// Merges carry as well, in both directions, and agree with AddN.
	c := a.Clone()
	c.Merge(b)
	d := &Sketch{}
	require.True(t, d.AddN(1, 2))
	require.True(t, d.AddN(100, 2*n))
	require.True(t, c.Equal(d))
	checkInvariants(t, c)
	e := b.Clone()
	e.Merge(a)
	require.True(t, e.Equal(d))
	require.Equal(t, uint64(2*n+2), c.Count())
	q, _ := c.Quantile(0.5)
	require.InDelta(t, 100, q, 100*Alpha)
	q, _ = c.Quantile(0)
	require.Equal(t, 1.0, q)
	require.InDelta(t, float64(2*n)*100+2, c.Sum(), 1e-3)

	// Collapsing folds the high bits too.
	f := c.Clone()
	require.True(t, f.Add(1e11))
	g := d.Clone()
	g.Merge(build([]float64{1e11}))
	require.True(t, f.Equal(g))
	checkInvariants(t, f)

	// Round trip.
	var h Sketch
	require.NoError(t, h.UnmarshalBinary(c.AppendBinary(nil)))
	require.True(t, h.Equal(c))
	h.CopyFrom(f)
	require.True(t, h.Equal(f))

	// The total count never overflows: such adds and merges are refused.
	m := &Sketch{}
	require.True(t, m.AddN(5, math.MaxUint64-1))
	require.True(t, m.Add(5))
	require.False(t, m.Add(5))
	require.False(t, m.Add(0))
	require.False(t, m.AddN(5, 1))
	before := m.Clone()
	m.Merge(build([]float64{7}))
	require.True(t, m.Equal(before))
	require.Equal(t, uint64(math.MaxUint64), m.bin(index(5)))
	var sumHi, sumLo = m.sumHi, m.sumLo
	wantHi, wantLo := mul128(nanos(5), math.MaxUint64)
	require.Equal(t, wantHi, sumHi)
	require.Equal(t, wantLo, sumLo)
}

func mul128(a, b uint64) (uint64, uint64) {
	hi, lo := bitsMul64(a, b)
	return hi, lo
}

func TestCloneCopyReset(t *testing.T) {
	r := rand.New(rand.NewPCG(15, 16))
	a := build(lognormal(r, 3000, 5, 1))
	b := build(uniform(r, 100, 0.5, 2))

	c := a.Clone()
	require.True(t, c.Equal(a))
	c.Add(1)
	require.False(t, c.Equal(a), "clone is deep")

	// CopyFrom into a sketch whose store covers another range.
	d := b.Clone()
	d.CopyFrom(a)
	require.True(t, d.Equal(a))
	checkInvariants(t, d)
	d.CopyFrom(d)
	require.True(t, d.Equal(a))
	d.CopyFrom(nil)
	require.True(t, d.IsEmpty())

	// Reset then reuse for another range.
	a.Reset()
	require.True(t, a.IsEmpty())
	checkInvariants(t, a)
	for _, v := range []float64{0.5, 1, 2} {
		a.Add(v)
	}
	require.True(t, a.Equal(build([]float64{2, 1, 0.5})))
	checkInvariants(t, a)

	require.Greater(t, a.MemoryBytes(), 4*int(a.width))
}

// TestRandomOps drives sketches with random operations and compares them
// with sketches rebuilt from the multisets of values they hold.
func TestRandomOps(t *testing.T) {
	r := rand.New(rand.NewPCG(17, 18))
	gen := func() float64 {
		switch r.IntN(10) {
		case 0:
			return 0
		case 1:
			return r.Float64() * 2e-3
		case 2:
			return math.Exp(r.Float64() * 27) // up to 5e11, collapses
		default:
			return math.Exp(3 + 2*r.NormFloat64())
		}
	}
	type tracked struct {
		s    *Sketch
		vals map[float64]uint64 // value -> multiplicity
	}
	rebuild := func(vals map[float64]uint64) *Sketch {
		s := &Sketch{}
		for v, n := range vals {
			require.True(t, s.AddN(v, n))
		}
		return s
	}
	sk := make([]tracked, 5)
	for i := range sk {
		sk[i] = tracked{s: &Sketch{}, vals: map[float64]uint64{}}
	}
	for range 3000 {
		i := r.IntN(len(sk))
		x := &sk[i]
		switch op := r.IntN(20); {
		case op < 12:
			v := gen()
			require.True(t, x.s.Add(v))
			x.vals[v]++
		case op < 14:
			v, n := gen(), uint64(r.IntN(4))
			require.True(t, x.s.AddN(v, n))
			if n > 0 {
				x.vals[v] += n
			}
		case op < 17:
			j := r.IntN(len(sk))
			if x.s.Count()+sk[j].s.Count() > 1e15 {
				break
			}
			x.s.Merge(sk[j].s)
			for v, n := range maps.Clone(sk[j].vals) {
				x.vals[v] += n
			}
		case op < 18:
			x.s.Reset()
			clear(x.vals)
		case op < 19:
			j := r.IntN(len(sk))
			x.s.CopyFrom(sk[j].s)
			x.vals = maps.Clone(sk[j].vals)
		default:
			var y Sketch
			require.NoError(t, y.UnmarshalBinary(x.s.AppendBinary(nil)))
			require.True(t, y.Equal(x.s))
			x.s = &y
		}
		checkInvariants(t, x.s)
		require.True(t, x.s.Equal(rebuild(x.vals)))
	}
}

var bitsMul64 = bits.Mul64

func TestEqual(t *testing.T) {
	base := []float64{0, 1, 2, 50}
	s := build(base)
	for name, o := range map[string]*Sketch{
		"count":      build([]float64{0, 1, 2}),
		"zero":       build([]float64{1e-4, 1, 2, 50, 3}),
		"sum":        build([]float64{0, 1, 2.000001, 50}), // 1 ns more
		"min":        build([]float64{1e-4, 1, 2, 50}),
		"max":        build([]float64{0, 1, 2, 50.1}),
		"width":      build([]float64{0, 1, 1.5, 50}),
		"bins":       build([]float64{0, 1.01, 2, 50}),
		"lo":         build([]float64{0, 0.99, 2.03, 50}),
		"high count": func() *Sketch { o := build(base); o.AddN(2, 1<<32); return o }(),
	} {
		require.False(t, s.Equal(o), name)
		require.False(t, o.Equal(s), name)
		require.NotEqual(t, s.AppendBinary(nil), o.AppendBinary(nil), name)
	}
	require.True(t, s.Equal(build([]float64{50, 2, 1, 0})))
	require.False(t, s.Equal(nil))
	require.False(t, (*Sketch)(nil).Equal(s))
}
