package chaoskubernetesreceiver

import (
	"testing"

	"go.uber.org/goleak"
)

// Informers must stop on Shutdown: goleak fails the package otherwise.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }
