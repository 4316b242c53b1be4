package coordinatorextension

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/otelcol-chaos/otelcol-chaos/internal/etcdtest"
)

// TestEtcdFailoverTimes measures failover on a three-member etcd cluster
// with three coordinators: after the leader dies (its connection cut, its
// lease left to expire) and after it shuts down gracefully (it resigns).
// It runs only when COORDINATOR_FAILOVER_TRIALS is set (make
// bench-failover); the safety observer runs throughout.
func TestEtcdFailoverTimes(t *testing.T) {
	trials, _ := strconv.Atoi(os.Getenv("COORDINATOR_FAILOVER_TRIALS"))
	if trials <= 0 {
		t.Skip("set COORDINATOR_FAILOVER_TRIALS to measure failover (make bench-failover)")
	}
	lease := 3 * time.Second
	if s := os.Getenv("COORDINATOR_FAILOVER_LEASE"); s != "" {
		var err error
		lease, err = time.ParseDuration(s)
		require.NoError(t, err)
	}
	cluster := etcdtest.Start(t, 3)
	defer cluster.Close()
	f := newFleet()
	defer func() { require.Empty(t, f.close(t)) }()
	cfg := func(id string) *Config {
		c := etcdTestConfig(cluster.Endpoints, id, lease)
		c.RenewDeadline = lease * 2 / 3
		c.DegradedAfter, c.FailedAfter = time.Second, lease
		return c
	}
	for _, id := range []string{"node-a", "node-b", "node-c"} {
		f.add(startNode(t, cfg(id)))
	}

	measure := func(kill func(*coordinator)) time.Duration {
		leader, term := f.agreed(t, 10*time.Second)
		// Let the fleet settle: every member heartbeating, the lease renewed.
		time.Sleep(500 * time.Millisecond)
		old := f.remove(leader)
		start := time.Now()
		kill(old)
		var took time.Duration
		require.Eventually(t, func() bool {
			l := f.leader()
			if l != "" && l != leader && f.node(l).Term() > term {
				took = time.Since(start)
				return true
			}
			return false
		}, lease+5*time.Second, time.Millisecond)
		_ = old.Shutdown(context.Background())
		f.add(startNode(t, cfg(leader))) // restart it for the next trial
		return took
	}
	var crash, graceful []time.Duration
	for range trials {
		crash = append(crash, measure(func(c *coordinator) {
			_ = c.backend.(*etcdBackend).client.Close() // dead: no resign, no revoke
		}))
	}
	for range trials {
		graceful = append(graceful, measure(func(c *coordinator) {
			require.NoError(t, c.Shutdown(context.Background()))
		}))
	}
	report := func(name string, ds []time.Duration, target time.Duration) {
		slices.Sort(ds)
		t.Logf("%s: trials=%d min=%s median=%s max=%s target<=%s all=%v", name, len(ds),
			ds[0].Round(time.Millisecond), ds[len(ds)/2].Round(time.Millisecond), ds[len(ds)-1].Round(time.Millisecond), target, ds)
		require.LessOrEqual(t, ds[len(ds)-1], target, fmt.Sprintf("%s failover over target", name))
	}
	report(fmt.Sprintf("leader died (lease %s)", lease), crash, lease+time.Second)
	report("graceful shutdown", graceful, time.Second)
}
