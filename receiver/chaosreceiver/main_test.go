package chaosreceiver

import (
	"os"
	"testing"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	// The throughput benchmark re-executes this test binary as its load
	// client, so the client's CPU is not counted as the receiver's.
	if os.Getenv(loadClientEnv) != "" {
		os.Exit(runLoadClient())
	}
	goleak.VerifyTestMain(m)
}
