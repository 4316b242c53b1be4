package dispatch

import (
	"testing"

	"go.uber.org/goleak"
)

// The dispatcher starts no goroutines; keep it that way.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }
