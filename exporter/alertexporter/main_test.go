package alertexporter

import (
	"testing"

	"go.uber.org/goleak"

	"github.com/otelcol-chaos/otelcol-chaos/internal/etcdtest"
)

func TestMain(m *testing.M) {
	etcdtest.RunMemberIfChild() // a child process of etcdtest.Start
	goleak.VerifyTestMain(m)
}
