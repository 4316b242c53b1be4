package chaosanalyticsprocessor

import (
	"testing"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	// bbolt (behind file_storage) runs no goroutine once closed; nothing to ignore.
	goleak.VerifyTestMain(m)
}
