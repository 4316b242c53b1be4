package web

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package's tests when one leaves a goroutine behind: an
// HTTP server, a stream hub or, with the browser tag, chromedp.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }
