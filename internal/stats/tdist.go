package stats

import "math"

// Distribution functions for the significance tests: Student's t through
// the regularized incomplete beta function, and the normal tail through
// math.Erfc. All are deterministic, allocation-free and return NaN for
// NaN or out-of-domain arguments.

// betacfMaxIter bounds the continued fraction. It converges in
// O(√max(a, b)) iterations (Numerical Recipes §6.4): about 30 for the
// degrees of freedom of a 60-point window, a few hundred for MaxWindow.
const betacfMaxIter = 10000

// RegIncBeta returns the regularized incomplete beta function
//
//	I_x(a, b) = B(x; a, b) / B(a, b) = ∫₀ˣ t^(a−1) (1−t)^(b−1) dt / B(a, b)
//
// for a, b > 0 and 0 ≤ x ≤ 1 (NaN otherwise). It is evaluated as in
// Numerical Recipes (Press et al., 3rd ed., §6.4, "betai"/"betacf"): the
// prefactor x^a (1−x)^b / (a·B(a, b)) times Lentz's evaluation of the
// continued fraction
//
//	1/(1+ d₁/(1+ d₂/(1+ …))),  d₂ₘ₊₁ = −(a+m)(a+b+m)x / ((a+2m)(a+2m+1)),
//	                           d₂ₘ   = m(b−m)x / ((a+2m−1)(a+2m))
//
// used directly when x < (a+1)/(a+b+2) and through the symmetry
// I_x(a, b) = 1 − I_{1−x}(b, a) otherwise, where it converges fast. The
// absolute accuracy is about 1e-13 for a, b up to a few hundred; the
// log-gamma differences of the prefactor lose digits as a and b grow, to
// about 1e-11 at 10⁴ (Student t with MaxWindow−2 degrees of freedom).
func RegIncBeta(a, b, x float64) float64 {
	return incBeta(a, b, x, 1-x)
}

// incBeta is RegIncBeta with y = 1 − x given by the caller, who can often
// compute it without the cancellation of 1 − x.
func incBeta(a, b, x, y float64) float64 {
	switch {
	case !(a > 0) || !(b > 0) || !(x >= 0 && x <= 1) || !(y >= 0 && y <= 1) || math.IsInf(a+b, 0):
		return math.NaN()
	case x == 0:
		return 0
	case y == 0:
		return 1
	}
	la, _ := math.Lgamma(a)
	lb, _ := math.Lgamma(b)
	lab, _ := math.Lgamma(a + b)
	front := math.Exp(lab - la - lb + a*math.Log(x) + b*math.Log(y))
	if x < (a+1)/(a+b+2) {
		return front * betacf(a, b, x) / a
	}
	return 1 - front*betacf(b, a, y)/b
}

// betacf evaluates the continued fraction of I_x(a, b) by the modified
// Lentz method.
func betacf(a, b, x float64) float64 {
	const (
		tiny = 1e-300
		eps  = 1e-15
	)
	qab, qap, qam := a+b, a+1, a-1
	c := 1.0
	d := 1 - qab*x/qap
	if math.Abs(d) < tiny {
		d = tiny
	}
	d = 1 / d
	h := d
	for m := 1; m <= betacfMaxIter; m++ {
		fm := float64(m)
		m2 := 2 * fm
		aa := fm * (b - fm) * x / ((qam + m2) * (a + m2))
		d = 1 + aa*d
		if math.Abs(d) < tiny {
			d = tiny
		}
		c = 1 + aa/c
		if math.Abs(c) < tiny {
			c = tiny
		}
		d = 1 / d
		h *= d * c
		aa = -(a + fm) * (qab + fm) * x / ((a + m2) * (qap + m2))
		d = 1 + aa*d
		if math.Abs(d) < tiny {
			d = tiny
		}
		c = 1 + aa/c
		if math.Abs(c) < tiny {
			c = tiny
		}
		d = 1 / d
		del := d * c
		h *= del
		if math.Abs(del-1) < eps {
			break
		}
	}
	return h
}

// studentTail returns P(|T| ≥ |t|) for T with dof degrees of freedom:
// I_{dof/(dof+t²)}(dof/2, 1/2) (Abramowitz and Stegun 26.7.1 with 26.5.27).
func studentTail(t, dof float64) float64 {
	if math.IsNaN(t) || !(dof > 0) {
		return math.NaN()
	}
	t2 := t * t
	if math.IsInf(t2, 1) {
		return 0
	}
	s := dof + t2
	return incBeta(dof/2, 0.5, dof/s, t2/s)
}

// StudentTCDF returns P(T ≤ t) for Student's t distribution with dof > 0
// degrees of freedom (dof need not be an integer).
func StudentTCDF(t, dof float64) float64 {
	half := studentTail(t, dof) / 2
	if t < 0 {
		return half
	}
	return 1 - half
}

// StudentTTwoSidedP returns the two-sided p-value P(|T| ≥ |t|) of a t
// statistic with dof > 0 degrees of freedom.
func StudentTTwoSidedP(t, dof float64) float64 {
	return studentTail(t, dof)
}

// NormalTwoSidedP returns the two-sided p-value P(|Z| ≥ |z|) = erfc(|z|/√2)
// of a standard normal statistic.
func NormalTwoSidedP(z float64) float64 {
	return math.Erfc(math.Abs(z) / math.Sqrt2)
}
