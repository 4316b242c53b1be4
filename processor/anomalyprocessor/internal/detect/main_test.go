package detect

import (
	"flag"
	"testing"

	"go.uber.org/goleak"
)

// update rewrites the generated test data (the scenario corpus and the
// quality table) instead of checking it.
var update = flag.Bool("update", false, "rewrite testdata/scenarios/*.json and testdata/quality.txt")

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }
