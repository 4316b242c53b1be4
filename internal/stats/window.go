package stats

import (
	"encoding/binary"
	"fmt"
	"math"
	"unsafe"
)

// Window capacity bounds, for Window, MannKendall and Trend.
const (
	MinWindow = 3
	MaxWindow = 1 << 14
)

func checkCapacity(what string, capacity int) error {
	if capacity < MinWindow || capacity > MaxWindow {
		return fmt.Errorf("stats: %s capacity %d outside [%d, %d]", what, capacity, MinWindow, MaxWindow)
	}
	return nil
}

// moments summarizes k consecutive points x_a … x_{a+k−1} of a window (k and
// a reference value c are kept by the caller): the mean of x − c, the sum
// of squared deviations M2 = Σ(x−x̄)² and the co-moment with the index
// C = Σ(i−ī)(x−x̄). The index moments of consecutive integers are
// closed-form (ī = a+(k−1)/2, Σ(i−ī)² = k(k²−1)/12), so they are not
// stored.
type moments struct {
	mean, m2, cix float64
}

// merge combines the moments of k1 points with those of the k2 points that
// follow them (Chan, Golub and LeVeque 1979, pairwise update), where b's
// reference value exceeds a's by dc; the result has a's reference:
//
//	δ = x̄₂ − x̄₁,  k = k1 + k2
//	x̄  = x̄₁ + δ·k2/k
//	M2 = M2₁ + M2₂ + δ²·k1·k2/k
//	C  = C₁ + C₂ + δ·k1·k2/2      (ī₂ − ī₁ = k/2 for adjacent ranges)
func merge(a moments, k1 int, b moments, k2 int, dc float64) moments {
	f1, f2 := float64(k1), float64(k2)
	k := f1 + f2
	d := dc + (b.mean - a.mean)
	return moments{
		mean: a.mean + d*f2/k,
		m2:   a.m2 + b.m2 + d*d*f1*f2/k,
		cix:  a.cix + b.cix + d*f1*f2/2,
	}
}

// appendPoint returns the moments of the k points of m followed by x (x
// relative to the reference of m): merge with k2 = 1, Welford's update.
func (m moments) appendPoint(k int, x float64) moments {
	if k == 0 {
		return moments{mean: x}
	}
	f := float64(k)
	d := x - m.mean
	return moments{mean: m.mean + d/(f+1), m2: m.m2 + d*d*f/(f+1), cix: m.cix + d*f/2}
}

// prependPoint returns the moments of x followed by the k points of m (x
// relative to the reference of m): merge with k1 = 1.
func (m moments) prependPoint(k int, x float64) moments {
	if k == 0 {
		return moments{mean: x}
	}
	f := float64(k)
	d := m.mean - x
	return moments{mean: x + d*f/(f+1), m2: m.m2 + d*d*f/(f+1), cix: m.cix + d*f/2}
}

// Window is a fixed-capacity ring of the last W points of a series with
// O(1) push and an ordinary least-squares (OLS) regression of the values
// on their index in the window (0 for the oldest point, Len()−1 for the
// newest):
//
//	slope     = Σ(i−ī)(x−x̄) / Σ(i−ī)²,  Σ(i−ī)² = n(n²−1)/12
//	intercept = x̄ − slope·ī,             ī = (n−1)/2
//	SSE       = Σ(x−x̄)² − slope·Σ(i−ī)(x−x̄)
//	R²        = 1 − SSE/Σ(x−x̄)²
//	t         = slope / √(SSE/(n−2) / Σ(i−ī)²)   (Student t, n−2 dof)
//
// # Numerical stability
//
// Running sums Σx, Σx², Σi·x updated by adding the entering point and
// subtracting the leaving one lose every significant digit on values around
// 10⁹ (Σx² − (Σx)²/n cancels catastrophically) and accumulate rounding
// without bound. Window instead keeps centered moments (mean, Σ(x−x̄)²,
// Σ(i−ī)(x−x̄)) of the points shifted by a reference point of the window
// (so that a mean around 10⁹ does not round the deviations to its ulp),
// and never subtracts a point: it uses the "two stacks" sliding-window
// aggregation (the two-stack queue, with an aggregate in every stack
// entry). The window is split into a front (the oldest points) and a back
// (the newest). The back's moments grow by Welford's update as points are
// pushed; each front point carries the moments of itself and every newer
// front point (a suffix aggregate). Evicting the
// oldest point just drops its suffix; when the front is empty, the whole
// window becomes the front and its suffix aggregates are rebuilt newest to
// oldest, O(W) once every W pushes, so a push is O(1) amortized. The
// window's moments are one pairwise merge (Chan, Golub and LeVeque 1979) of
// the oldest front suffix with the back. The front's reference is its
// newest point, the back's its oldest, both in the window until the
// aggregates that use them are gone. Every aggregate is thus computed from
// at most W points by numerically stable updates, whatever the number of
// pushes, and is a pure function of the points in the window and of the
// front's size, which is what AppendBinary stores. Results match a direct
// two-pass computation to better than 1e-12 relative (TestWindowStability:
// 10⁶ points around 10⁹).
//
// Non-finite points are ignored. Points beyond about ±1e150 overflow the
// squared deviations and make the results non-finite (they are not useful
// as a series anyway). Push is allocation-free. A Window is not safe for
// concurrent use; create one with NewWindow (or restore one with
// UnmarshalBinary): the zero value is not ready to use.
type Window struct {
	vals []float64 // ring of capacity W; the oldest point at head
	head int
	n    int
	// The front is the oldest nf points; suf[p] holds the moments of the
	// front points from ring position p to the newest front point.
	nf   int
	suf  []moments
	back moments // the moments of the n−nf newest points
	// The reference values of the front's and the back's moments: the
	// newest front point and the oldest back point.
	cf, cb float64
}

// NewWindow returns an empty window of the given capacity, which must be
// in [MinWindow, MaxWindow].
func NewWindow(capacity int) (*Window, error) {
	if err := checkCapacity("window", capacity); err != nil {
		return nil, err
	}
	w := &Window{}
	w.init(capacity)
	return w, nil
}

func (w *Window) init(capacity int) {
	*w = Window{vals: make([]float64, capacity), suf: make([]moments, capacity)}
}

// Reset empties w, keeping its capacity.
func (w *Window) Reset() {
	w.head, w.n, w.nf, w.back, w.cf, w.cb = 0, 0, 0, moments{}, 0, 0
}

// Len returns the number of points in the window.
func (w *Window) Len() int { return w.n }

// Cap returns the capacity W of the window.
func (w *Window) Cap() int { return len(w.vals) }

// Full reports whether the window holds W points.
func (w *Window) Full() bool { return w.n == len(w.vals) }

// pos returns the ring position of the point of index i (0 = oldest).
func (w *Window) pos(i int) int {
	p := w.head + i
	if p >= len(w.vals) {
		p -= len(w.vals)
	}
	return p
}

// At returns the point of index i, 0 being the oldest. It panics if i is
// outside [0, Len()).
func (w *Window) At(i int) float64 {
	if i < 0 || i >= w.n {
		panic(fmt.Sprintf("stats: window index %d out of range [0, %d)", i, w.n))
	}
	return w.vals[w.pos(i)]
}

// AppendValues appends the points of the window, oldest first, to dst.
func (w *Window) AppendValues(dst []float64) []float64 {
	for i := range w.n {
		dst = append(dst, w.vals[w.pos(i)])
	}
	return dst
}

// Push adds the point x as the newest, evicting the oldest point if the
// window is full.
func (w *Window) Push(x float64) {
	if !finite(x) {
		return
	}
	if w.n == len(w.vals) {
		if w.nf == 0 {
			w.rebuildFront(w.n)
		}
		w.head++
		if w.head == len(w.vals) {
			w.head = 0
		}
		w.n--
		w.nf--
	}
	w.vals[w.pos(w.n)] = x
	nb := w.n - w.nf
	if nb == 0 {
		w.cb = x
	}
	w.back = w.back.appendPoint(nb, x-w.cb)
	w.n++
}

// rebuildFront makes the oldest nf points the front, computing their
// suffix aggregates newest to oldest, and folds the other points into the
// back in order.
func (w *Window) rebuildFront(nf int) {
	var m moments
	w.cf = 0
	if nf > 0 {
		w.cf = w.vals[w.pos(nf-1)]
	}
	for i := nf - 1; i >= 0; i-- {
		p := w.pos(i)
		m = m.prependPoint(nf-1-i, w.vals[p]-w.cf)
		w.suf[p] = m
	}
	w.nf = nf
	w.back, w.cb = moments{}, 0
	if nf < w.n {
		w.cb = w.vals[w.pos(nf)]
	}
	for i := nf; i < w.n; i++ {
		w.back = w.back.appendPoint(i-nf, w.vals[w.pos(i)]-w.cb)
	}
}

// moments returns the moments of the whole window and their reference.
func (w *Window) moments() (moments, float64) {
	nb := w.n - w.nf
	switch {
	case w.nf == 0:
		return w.back, w.cb
	case nb == 0:
		return w.suf[w.head], w.cf
	}
	return merge(w.suf[w.head], w.nf, w.back, nb, w.cb-w.cf), w.cf
}

// LinearFit is the OLS regression of the points of a window on their index
// (0 for the oldest), with the summary statistics of the points.
type LinearFit struct {
	// N is the number of points.
	N int
	// Mean and Variance are the mean and the sample variance (divided by
	// N−1; 0 for N < 2) of the points.
	Mean, Variance float64
	// Slope is the change per point of the fitted line; Intercept its
	// value at index 0, the oldest point, so the fitted value of the point
	// of index i is Intercept + Slope·i. Both are 0 for N = 0; for N = 1
	// the slope is 0 and the intercept the point.
	Slope, Intercept float64
	// R2 is the coefficient of determination, in [0, 1]; 0 when all points
	// are equal (there is no variance to explain) or N < 2.
	R2 float64
	// ResidualStd is √(SSE/(N−2)), the standard deviation of the residuals
	// around the line; SlopeStdErr = ResidualStd/√Σ(i−ī)² the standard error
	// of the slope; SlopeTStat = Slope/SlopeStdErr its t statistic (±Inf on
	// a perfect non-flat line, 0 on a flat one). All three are 0 for N < 3.
	ResidualStd, SlopeStdErr, SlopeTStat float64
}

// SlopePValue returns the two-sided p-value of the null hypothesis
// slope = 0: P(|T| ≥ |SlopeTStat|) for Student's t with N−2 degrees of
// freedom. It is 1 for N < 3.
func (f LinearFit) SlopePValue() float64 {
	if f.N < 3 {
		return 1
	}
	return StudentTTwoSidedP(f.SlopeTStat, float64(f.N-2))
}

// Fit returns the regression of the points of w on their index.
func (w *Window) Fit() LinearFit {
	n := w.n
	if n == 0 {
		return LinearFit{}
	}
	m, c := w.moments()
	mean := c + m.mean
	f := LinearFit{N: n, Mean: mean, Intercept: mean}
	if n < 2 {
		return f
	}
	fn := float64(n)
	sii := fn * (fn*fn - 1) / 12
	f.Variance = m.m2 / (fn - 1)
	f.Slope = m.cix / sii
	f.Intercept = mean - f.Slope*(fn-1)/2
	explained := f.Slope * m.cix // = C²/Σ(i−ī)² ≥ 0
	if m.m2 > 0 {
		f.R2 = min(explained/m.m2, 1)
	}
	if n < 3 {
		return f
	}
	sse := max(m.m2-explained, 0)
	f.ResidualStd = math.Sqrt(sse / (fn - 2))
	f.SlopeStdErr = f.ResidualStd / math.Sqrt(sii)
	switch {
	case f.SlopeStdErr > 0:
		f.SlopeTStat = f.Slope / f.SlopeStdErr
	case f.Slope != 0:
		f.SlopeTStat = math.Copysign(math.Inf(1), f.Slope)
	}
	return f
}

// Mean returns the mean of the points (0 if empty).
func (w *Window) Mean() float64 {
	m, c := w.moments()
	return c + m.mean
}

// Slope returns Fit().Slope.
func (w *Window) Slope() float64 { return w.Fit().Slope }

// Intercept returns Fit().Intercept.
func (w *Window) Intercept() float64 { return w.Fit().Intercept }

// R2 returns Fit().R2.
func (w *Window) R2() float64 { return w.Fit().R2 }

// SlopeTStat returns Fit().SlopeTStat.
func (w *Window) SlopeTStat() float64 { return w.Fit().SlopeTStat }

// SlopePValue returns Fit().SlopePValue().
func (w *Window) SlopePValue() float64 { return w.Fit().SlopePValue() }

// Equal reports whether w and o have the same capacity, the same points
// (bit for bit) and the same internal split, so that they produce the same
// outputs from now on.
func (w *Window) Equal(o *Window) bool {
	if len(w.vals) != len(o.vals) || w.n != o.n || w.nf != o.nf {
		return false
	}
	for i := range w.n {
		if !sameFloat(w.vals[w.pos(i)], o.vals[o.pos(i)]) {
			return false
		}
	}
	return true
}

// MemoryBytes returns the memory w holds: the struct and its two arrays of
// capacity W (8 + 24 bytes a point).
func (w *Window) MemoryBytes() int {
	return int(unsafe.Sizeof(*w)) + cap(w.vals)*8 + cap(w.suf)*int(unsafe.Sizeof(moments{}))
}

// AppendBinary appends the encoding of w to dst and returns the extended
// buffer. Format (uvarint: minimal unsigned LEB128; f64: IEEE-754 binary64
// bits, little endian):
//
//	byte     version (1)
//	byte     kind (2: Window)
//	uvarint  capacity W
//	uvarint  n, the number of points
//	uvarint  the number of points in the front (0 unless n = W; < W)
//	n × f64  the points, oldest first
func (w *Window) AppendBinary(dst []byte) []byte {
	dst = appendHeader(dst, kindWindow)
	return w.appendBody(dst)
}

func (w *Window) appendBody(dst []byte) []byte {
	dst = binary.AppendUvarint(dst, uint64(len(w.vals)))
	dst = binary.AppendUvarint(dst, uint64(w.n))
	dst = binary.AppendUvarint(dst, uint64(w.nf))
	for i := range w.n {
		dst = appendFloat(dst, w.vals[w.pos(i)])
	}
	return dst
}

// UnmarshalBinary replaces w with the window encoded in data by
// AppendBinary. Input that is truncated, has trailing bytes, a non-minimal
// varint, an unknown version or kind, a capacity outside [MinWindow,
// MaxWindow], counts that break an invariant of Push or non-finite
// points is rejected with an error wrapping ErrCorrupt, and w is left
// unchanged. The restored window is Equal to the encoded one and computes
// bit-identical results.
func (w *Window) UnmarshalBinary(data []byte) error {
	d := newDecoder(data, kindWindow, "window")
	var r Window
	r.decodeBody(d)
	if err := d.end(); err != nil {
		return err
	}
	*w = r
	return nil
}

// decodeBody decodes the body written by appendBody into the zero w.
func (w *Window) decodeBody(d *decoder) {
	capacity := d.count("capacity", MinWindow, MaxWindow)
	n := d.count("point count", 0, capacity)
	nf := d.count("front size", 0, max(capacity-1, 0))
	d.check(nf == 0 || n == capacity, "front of %d points in a window that is not full", nf)
	if d.Err != nil {
		return
	}
	if (len(d.B)-d.Off)/8 < n {
		d.Fail("truncated points: want %d", n)
		return
	}
	w.init(capacity)
	d.floats(w.vals, n, "point")
	if d.Err != nil {
		return
	}
	w.n = n
	w.rebuildFront(nf)
}
