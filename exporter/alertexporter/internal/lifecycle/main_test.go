package lifecycle

import (
	"testing"

	"go.uber.org/goleak"
)

// The lifecycle starts no goroutines; keep it that way.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }
