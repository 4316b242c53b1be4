package detect

import (
	"path/filepath"
	"slices"
	"testing"

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
