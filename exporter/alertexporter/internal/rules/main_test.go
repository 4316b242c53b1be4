package rules

import (
	"testing"

	"go.uber.org/goleak"
)

// The rules engine starts no goroutines; keep it that way.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }
