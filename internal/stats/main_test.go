package stats

import (
	"math"
	"math/rand/v2"
	"testing"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// newRand returns a deterministic generator for the seed.
func newRand(seed uint64) *rand.Rand {
	return rand.New(rand.NewPCG(seed, 0x5eed))
}

// normals returns n draws of N(mu, sigma²).
func normals(r *rand.Rand, n int, mu, sigma float64) []float64 {
	v := make([]float64, n)
	for i := range v {
		v[i] = mu + sigma*r.NormFloat64()
	}
	return v
}

// close reports whether got is within tol·max(|want|, scale) of want.
func relClose(got, want, scale, tol float64) bool {
	return math.Abs(got-want) <= tol*max(math.Abs(want), scale)
}
