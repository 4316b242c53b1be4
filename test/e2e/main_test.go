// Package e2e runs the built otelcol-chaos binary against real external
// systems on loopback — Debian's prometheus-alertmanager, prometheus and
// promtool — fed by our traffic generator cmd/chaosgen. `make e2e` installs
// what is missing, builds the binaries and sets OTELCOL_CHAOS_BINARY,
// ALERTMANAGER_BINARY, PROMETHEUS_BINARY, PROMTOOL and CHAOSGEN; without
// them the tests skip, so `go test ./...` stays hermetic.
package e2e

import (
	"testing"

	"go.uber.org/goleak"

	"github.com/otelcol-chaos/otelcol-chaos/internal/etcdtest"
)

func TestMain(m *testing.M) {
	etcdtest.RunMemberIfChild() // a child process of etcdtest.Start (the fleet test's etcd)
	goleak.VerifyTestMain(m)
}
