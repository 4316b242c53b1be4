package stats

import (
	"math"
	"testing"

	"github.com/stretchr/testify/require"
)

// binomialTail returns I_x(a, b) for integer a, b ≥ 1 as the binomial tail
// Σ_{j=a}^{a+b−1} C(a+b−1, j) x^j (1−x)^(a+b−1−j).
func binomialTail(a, b int, x float64) float64 {
	n := a + b - 1
	sum := 0.0
	for j := a; j <= n; j++ {
		lc, _ := math.Lgamma(float64(n + 1))
		l1, _ := math.Lgamma(float64(j + 1))
		l2, _ := math.Lgamma(float64(n - j + 1))
		sum += math.Exp(lc-l1-l2) * math.Pow(x, float64(j)) * math.Pow(1-x, float64(n-j))
	}
	return sum
}

func TestRegIncBetaKnownValues(t *testing.T) {
	xs := []float64{0, 1e-9, 0.001, 0.05, 0.2, 0.3, 0.5, 0.61, 0.8, 0.95, 0.999, 1}
	for _, x := range xs {
		require.InDelta(t, x, RegIncBeta(1, 1, x), 1e-14, "I_x(1,1) = x at %v", x)
		require.InDelta(t, math.Pow(x, 3.5), RegIncBeta(3.5, 1, x), 1e-14, "I_x(a,1) = x^a at %v", x)
		require.InDelta(t, 1-math.Pow(1-x, 2.5), RegIncBeta(1, 2.5, x), 1e-14, "I_x(1,b) at %v", x)
		for _, ab := range [][2]int{{2, 3}, {5, 5}, {10, 2}, {1, 30}, {30, 30}, {7, 40}} {
			want := binomialTail(ab[0], ab[1], x)
			require.InDelta(t, want, RegIncBeta(float64(ab[0]), float64(ab[1]), x), 1e-13, "I_%v(%d,%d)", x, ab[0], ab[1])
		}
		xd := math.Round(x*(1<<20)) / (1 << 20) // 1 − xd is exact
		for _, ab := range [][2]float64{{0.5, 0.5}, {0.5, 10}, {29, 0.5}, {2.25, 7.75}} {
			sum := RegIncBeta(ab[0], ab[1], xd) + RegIncBeta(ab[1], ab[0], 1-xd)
			require.InDelta(t, 1, sum, 1e-13, "symmetry at x=%v a=%v b=%v", xd, ab[0], ab[1])
		}
	}
	for _, a := range []float64{0.5, 1, 3, 17.5, 300} {
		require.InDelta(t, 0.5, RegIncBeta(a, a, 0.5), 1e-13, "I_0.5(a,a) a=%v", a)
	}
	// I_x(1/2, 1/2) = (2/π)·asin(√x), the arcsine distribution.
	for _, x := range xs {
		require.InDelta(t, 2/math.Pi*math.Asin(math.Sqrt(x)), RegIncBeta(0.5, 0.5, x), 1e-13)
	}
	for _, bad := range [][3]float64{{0, 1, 0.5}, {1, -1, 0.5}, {1, 1, -0.1}, {1, 1, 1.1}, {math.NaN(), 1, 0.5}, {1, 1, math.NaN()}, {math.Inf(1), 1, 0.5}} {
		require.True(t, math.IsNaN(RegIncBeta(bad[0], bad[1], bad[2])), "%v", bad)
	}
}

// tDensity is the density of Student's t with nu degrees of freedom.
func tDensity(x, nu float64) float64 {
	l1, _ := math.Lgamma((nu + 1) / 2)
	l2, _ := math.Lgamma(nu / 2)
	return math.Exp(l1-l2-0.5*math.Log(nu*math.Pi)) * math.Pow(1+x*x/nu, -(nu+1)/2)
}

// simpson integrates f over [a, b] with n (even) intervals.
func simpson(f func(float64) float64, a, b float64, n int) float64 {
	h := (b - a) / float64(n)
	sum := f(a) + f(b)
	for i := 1; i < n; i++ {
		w := 2.0
		if i%2 == 1 {
			w = 4
		}
		sum += w * f(a+float64(i)*h)
	}
	return sum * h / 3
}

func TestStudentTCDF(t *testing.T) {
	// Closed forms for 1, 2 and 3 degrees of freedom.
	for _, x := range []float64{-50, -7, -2.5, -1, -0.3, 0, 0.1, 1, 1.5, 4, 12.706, 1e3} {
		require.InDelta(t, 0.5+math.Atan(x)/math.Pi, StudentTCDF(x, 1), 1e-14, "dof 1 at %v", x)
		require.InDelta(t, 0.5+x/(2*math.Sqrt(2+x*x)), StudentTCDF(x, 2), 1e-14, "dof 2 at %v", x)
		s3 := x / math.Sqrt(3)
		require.InDelta(t, 0.5+(s3/(1+x*x/3)+math.Atan(s3))/math.Pi, StudentTCDF(x, 3), 1e-14, "dof 3 at %v", x)
	}
	// Numerical integration of the density, including non-integer dof.
	for _, nu := range []float64{4, 7.5, 20, 58, 500, MaxWindow - 2} {
		for _, x := range []float64{0.2, 1, 2.086, 3.5, 6} {
			want := 0.5 + simpson(func(u float64) float64 { return tDensity(u, nu) }, 0, x, 20000)
			// Both sides lose digits to log-gamma differences at large dof.
			tol := 1e-12 * max(1, nu/500)
			require.InDelta(t, want, StudentTCDF(x, nu), tol, "dof %v at %v", nu, x)
			require.InDelta(t, 1-want, StudentTCDF(-x, nu), tol, "dof %v at %v", nu, -x)
			require.InDelta(t, 2*(1-want), StudentTTwoSidedP(x, nu), 2*tol, "dof %v at %v", nu, x)
		}
	}
	// Table quantiles.
	require.InDelta(t, 0.05, StudentTTwoSidedP(2.086, 20), 1e-4)
	require.InDelta(t, 0.05, StudentTTwoSidedP(-2.086, 20), 1e-4)
	require.InDelta(t, 0.975, StudentTCDF(2.2281388519649385, 10), 1e-12)
	require.InDelta(t, 0.975, StudentTCDF(2.0859634472658364, 20), 1e-12)
	require.InDelta(t, 0.01, StudentTTwoSidedP(4.032142983557536, 5), 1e-12)
	require.InDelta(t, 0.10, StudentTTwoSidedP(1.6972608865939587, 30), 1e-12)
	require.InDelta(t, 0.05, StudentTTwoSidedP(12.706204736174698, 1), 1e-12)
	require.InDelta(t, 0.05, StudentTTwoSidedP(1.959963984540054, 1e5), 5e-6) // ≈ normal
	// Extremes and domain.
	require.Equal(t, 1.0, StudentTTwoSidedP(0, 10))
	require.Equal(t, 0.0, StudentTTwoSidedP(math.Inf(1), 10))
	require.Equal(t, 0.0, StudentTTwoSidedP(1e200, 10))
	require.Equal(t, 1.0, StudentTCDF(math.Inf(1), 3))
	require.Equal(t, 0.0, StudentTCDF(math.Inf(-1), 3))
	require.Less(t, StudentTTwoSidedP(40, 58), 1e-40)
	require.True(t, math.IsNaN(StudentTCDF(math.NaN(), 3)))
	require.True(t, math.IsNaN(StudentTCDF(1, 0)))
	require.True(t, math.IsNaN(StudentTCDF(1, -2)))
	require.True(t, math.IsNaN(StudentTTwoSidedP(1, math.NaN())))
}

func TestNormalTwoSidedP(t *testing.T) {
	require.InDelta(t, 0.05, NormalTwoSidedP(1.959963984540054), 1e-15)
	require.InDelta(t, 0.05, NormalTwoSidedP(-1.959963984540054), 1e-15)
	require.InDelta(t, 0.01, NormalTwoSidedP(2.5758293035489004), 1e-15)
	require.Equal(t, 1.0, NormalTwoSidedP(0))
	require.Equal(t, 0.0, NormalTwoSidedP(math.Inf(-1)))
}
