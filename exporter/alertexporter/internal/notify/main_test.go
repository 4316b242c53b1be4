package notify

import (
	"testing"

	"go.uber.org/goleak"
)

// Every worker, timer and HTTP connection must be gone when the tests end.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }
