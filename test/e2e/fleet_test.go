package e2e

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/otelcol-chaos/otelcol-chaos/internal/chaosconv"
	"github.com/otelcol-chaos/otelcol-chaos/internal/etcdtest"
)

// fleet is the processes of TestFleet.
type fleet struct {
	t         *testing.T
	client    *http.Client
	gateways  []*node
	statusURL []string
	apiURL    []string
	metrics   []string // the gateways' own telemetry
	agents    []*node
	proxies   []*teeProxy
	proxyURL  []string
	chaosgen  string
	sinks     []*bucketSink // per gateway
	reference *bucketSink
	webhook   *webhookSink
	// leader and follower as elected at the start.
	leader, follower int
}

const (
	fleetGateways = 2
	fleetAgents   = 3
)

// TestFleet runs, on loopback, a real etcd, two gateway collectors and
// three agent collectors of the built binary, plus a reference collector
// fed every event the agents take (make e2e-fleet):
//
//  1. the gateways' merged 1-minute buckets equal, field by field, the
//     reference's over the union of the agents' events;
//  2. one notification per alert-group transition reaches the webhook
//     sink, stamped with the leader's term;
//  3. the leader killed (-9) while the group's first notification is
//     pending in group_wait: the other gateway notifies within the lease
//     + 1 s, nothing lost, at most one notification repeated;
//  4. one agent and one gateway killed (-9) for 30 s and brought back
//     while the others go on: nothing lost, nothing counted twice — and
//     one agent sends every partial twice to that gateway all along.
func TestFleet(t *testing.T) {
	env := requireEnv(t, envCollector, envChaosgen)
	f := startFleet(t, env[0], env[1])
	began := time.Now()
	// Event time: the run replays the hour before the test, phase by phase.
	t0 := time.Now().Add(-time.Hour).Truncate(time.Minute)
	leader, follower := f.leader, f.follower
	t.Logf("fleet up in %.1fs: %s leads (term %d)", time.Since(began).Seconds(), f.gateways[leader].name, f.status(leader).Term)

	// Phases are 1 minute apart in event time: a phase's last events (its
	// experiment's completion) fall in the minute after it, and the next
	// phase starts after that minute, so the reference's idle flush between
	// phases never makes the next one late.
	// Phase A: calm traffic at every agent, 5 minutes of event time.
	f.phase("A", t0, 5*time.Minute, "baseline", 0, 1, 2)

	// Phase B: agent-1 (with its last minute still open) and the follower
	// gateway are killed (-9) for 30 s, once both have checkpointed (every
	// second) what they took; the other agents go on. Their partials for the
	// dead gateway wait in their persistent queues; the gateways wait for
	// agent-1's minutes. A request in flight at the kill is sent again after
	// the restart: a duplicate, counted once.
	time.Sleep(1500 * time.Millisecond)
	outage := time.Now()
	f.agents[1].kill()
	f.gateways[follower].kill()
	f.phase("B", t0.Add(6*time.Minute), 2*time.Minute, "baseline", 0, 2)
	time.Sleep(30*time.Second - time.Since(outage))
	f.agents[1].start(t, f.client)
	f.gateways[follower].start(t, f.client)
	t.Logf("agent-1 and %s back after %.1fs", f.gateways[follower].name, time.Since(outage).Seconds())

	// Phase C: a fault storm at every agent. As soon as the leader reports
	// ChaosFaultStorm firing (its first notification now waits group_wait),
	// kill it.
	stormDone := make(chan struct{})
	go func() {
		defer close(stormDone)
		f.phase("C", t0.Add(9*time.Minute), 6*time.Minute, "fault-storm", 0, 1, 2)
	}()
	stormSent := time.Now()
	var followerFiring time.Time
	poll(t, 90*time.Second, 20*time.Millisecond, "ChaosFaultStorm firing on the leader", func() error {
		if ok, _ := firing(f.client, f.apiURL[follower], "ChaosFaultStorm"); ok && followerFiring.IsZero() {
			followerFiring = time.Now()
		}
		ok, err := firing(f.client, f.apiURL[leader], "ChaosFaultStorm")
		if err == nil && !ok {
			err = fmt.Errorf("not firing yet")
		}
		return err
	})
	killed := time.Now()
	t.Logf("ChaosFaultStorm firing on the leader %.2fs after the storm began (on the follower: %v)",
		killed.Sub(stormSent).Seconds(), followerFiring.Sub(stormSent))
	f.gateways[leader].kill()
	sentBeforeKill := len(f.webhook.all())
	t.Logf("%s killed (-9) %.1fs into the run, with ChaosFaultStorm firing and %d notification(s) sent",
		f.gateways[leader].name, time.Since(began).Seconds(), sentBeforeKill)
	<-stormDone

	// The survivor takes over and sends the firing notification.
	var fired notification
	poll(t, 30*time.Second, 20*time.Millisecond, "the firing notification", func() error {
		for _, n := range f.webhook.all() {
			if n.status == "firing" {
				fired = n
				return nil
			}
		}
		return fmt.Errorf("none yet: %+v", f.webhook.all())
	})
	newLeader := f.status(follower)
	require.True(t, newLeader.IsLeader, "%s leads after the kill", f.gateways[follower].name)
	require.Zero(t, sentBeforeKill, "the leader died before the group's first notification")
	delay := fired.at.Sub(killed)
	t.Logf("failover: %s notified %.2fs after the kill (lease %s), term %d", f.gateways[follower].name,
		delay.Seconds(), fleetLease, fired.term)
	assert.LessOrEqual(t, delay, fleetLease+time.Second, "notified within the lease + 1 s of the kill")
	assert.Equal(t, newLeader.Term, fired.term, "stamped with the new leader's term")

	// Phase D: calm again; the alert resolves.
	f.phase("D", t0.Add(16*time.Minute), 4*time.Minute, "baseline", 0, 1, 2)
	poll(t, 60*time.Second, 100*time.Millisecond, "the resolved notification", func() error {
		for _, n := range f.webhook.all() {
			if n.status == "resolved" {
				return nil
			}
		}
		return fmt.Errorf("none yet: %+v", f.webhook.all())
	})
	time.Sleep(2 * fleetGroupWait) // anything that would repeat has its chance
	repeated := f.checkNotifications(newLeader.Term)

	// Every minute the gateways closed equals the reference's. The minute
	// of phase D's last events stays open at the gateways (no agent has
	// sent a later one); every earlier one must have closed.
	lastOpen := t0.Add(20 * time.Minute).UnixNano()
	poll(t, 30*time.Second, 200*time.Millisecond, "the survivor's minutes", func() error {
		return f.sinks[follower].covers(f.reference, lastOpen)
	})
	f.compare(follower, lastOpen, true)
	f.compare(leader, lastOpen, false)
	// Nothing lost and nothing counted twice is the comparison above. The
	// survivor's telemetry says how: repeats ignored as duplicates while
	// their bucket was open, and as late once it had closed (the first
	// copy had been merged: the buckets equal the reference's).
	summaries := "otelcol_processor_chaos_analytics_summaries"
	late, err := counterValue(f.client, f.metrics[follower], summaries, `outcome="late"`)
	require.NoError(t, err)
	dup, err := counterValue(f.client, f.metrics[follower], summaries, `outcome="duplicate"`)
	require.NoError(t, err)
	merged, err := counterValue(f.client, f.metrics[follower], summaries, `outcome="merged"`)
	require.NoError(t, err)
	t.Logf("%s merged %.0f partials since its restart, ignored %.0f duplicates and %.0f late copies", f.gateways[follower].name, merged, dup, late)
	require.Positive(t, dup, "agent-2's second copies reached the survivor, and were counted once")
	t.Logf("FIGURES: failover %.2fs after the kill (lease %s); notifications lost 0, repeated %d; buckets that differ from the reference 0; run %.1fs",
		delay.Seconds(), fleetLease, repeated, time.Since(began).Seconds())
}

func startFleet(t *testing.T, bin, chaosgen string) *fleet {
	t.Helper()
	etcd := etcdtest.Start(t, 1)
	t.Cleanup(etcd.Close)
	f := &fleet{t: t, client: newClient(t), chaosgen: chaosgen, reference: &bucketSink{}, webhook: &webhookSink{}}
	webhookURL := startServer(t, f.webhook)
	refPort := freePort(t)
	ref := &node{name: "reference", bin: bin, ready: fmt.Sprintf("http://127.0.0.1:%d/v1/chaos/health", refPort),
		cfgPath: writeConfig(t, "reference", fmt.Sprintf(referenceConfig, refPort, startServer(t, f.reference)))}
	ref.start(t, f.client)

	gatewayPorts := make([]int, fleetGateways)
	for i := range fleetGateways {
		sink := &bucketSink{}
		f.sinks = append(f.sinks, sink)
		gatewayPorts[i] = freePort(t)
		statusPort, apiPort, metricsPort := freePort(t), freePort(t), freePort(t)
		name := fmt.Sprintf("gateway-%d", i)
		cfg := fmt.Sprintf(gatewayConfig, gatewayPorts[i], name, strings.Join(etcd.Endpoints, ", "), statusPort,
			t.TempDir(), webhookURL, apiPort, startServer(t, sink), metricsPort)
		f.metrics = append(f.metrics, fmt.Sprintf("http://127.0.0.1:%d/metrics", metricsPort))
		status := fmt.Sprintf("http://127.0.0.1:%d/v1/coordinator/status", statusPort)
		f.gateways = append(f.gateways, &node{name: name, bin: bin, cfgPath: writeConfig(t, name, cfg), ready: status})
		f.statusURL = append(f.statusURL, status)
		f.apiURL = append(f.apiURL, fmt.Sprintf("http://127.0.0.1:%d", apiPort))
	}
	for _, g := range f.gateways {
		g.start(t, f.client)
	}
	f.leader, f.follower = f.leaderAndFollower()
	for i := range fleetAgents {
		var exporters, names []string
		for g, port := range gatewayPorts {
			exporters = append(exporters, fmt.Sprintf(agentExporter, fmt.Sprint(g), port))
			names = append(names, fmt.Sprintf("otlp_http/gateway-%d", g))
		}
		if i == fleetAgents-1 {
			// The last agent sends everything twice to the follower, as two
			// exporters pointed at one gateway would (the report),
			// or a retry after a timeout the gateway had in fact served.
			exporters = append(exporters, fmt.Sprintf(agentExporter, fmt.Sprintf("%d-again", f.follower), gatewayPorts[f.follower]))
			names = append(names, fmt.Sprintf("otlp_http/gateway-%d-again", f.follower))
		}
		port := freePort(t)
		name := fmt.Sprintf("agent-%d", i)
		cfg := fmt.Sprintf(agentConfig, port, t.TempDir(), name, strings.Join(exporters, ""), strings.Join(names, ", "))
		a := &node{name: name, bin: bin, cfgPath: writeConfig(t, name, cfg),
			ready: fmt.Sprintf("http://127.0.0.1:%d/v1/chaos/health", port)}
		a.start(t, f.client)
		f.agents = append(f.agents, a)
		p := &teeProxy{agent: fmt.Sprintf("http://127.0.0.1:%d/v1/chaos/events", port),
			reference: fmt.Sprintf("http://127.0.0.1:%d/v1/chaos/events", refPort), client: newClient(t)}
		p.client.Timeout = 30 * time.Second
		f.proxies = append(f.proxies, p)
		f.proxyURL = append(f.proxyURL, startServer(t, p))
	}
	return f
}

func (f *fleet) status(i int) coordinatorStatus {
	st, err := statusOf(f.client, f.statusURL[i])
	require.NoError(f.t, err)
	return st
}

// leaderAndFollower waits until both gateways agree on a leader.
func (f *fleet) leaderAndFollower() (int, int) {
	leader := -1
	poll(f.t, 30*time.Second, 100*time.Millisecond, "a leader both gateways see", func() error {
		a, b := f.status(0), f.status(1)
		switch {
		case a.Leader == "" || a.Leader != b.Leader:
			return fmt.Errorf("leaders %q and %q", a.Leader, b.Leader)
		case a.IsLeader:
			leader = 0
		case b.IsLeader:
			leader = 1
		default:
			return fmt.Errorf("neither says it leads")
		}
		return nil
	})
	return leader, 1 - leader
}

// phase replays scenario for d of event time starting at from, at the
// given agents in parallel (one chaosgen each, its own seed), through
// their tee proxies.
func (f *fleet) phase(name string, from time.Time, d time.Duration, scenario string, agents ...int) {
	f.t.Helper()
	var wg sync.WaitGroup
	for _, i := range agents {
		// chaosgen -fast dates its events from now - d to now.
		f.proxies[i].shift.Store(int64(from.Sub(time.Now().Add(-d))))
		wg.Add(1)
		go func() {
			defer wg.Done()
			runChaosgen(f.t, f.chaosgen, chaosgenTimeout, "-fast", "-scenario", scenario, "-duration", d.String(),
				"-seed", fmt.Sprint(10+i), "-rate", "20", "-endpoint", f.proxyURL[i])
		}()
	}
	wg.Wait()
	f.t.Logf("phase %s: %s, %s of event time from %s, at agents %v", name, scenario, d, from.Format("15:04"), agents)
}

// checkNotifications: one notification per transition of the group —
// firing, then resolved — at most one repeated, all with the new leader's
// term (the old one died before its first). It returns the repeats.
func (f *fleet) checkNotifications(term uint64) int {
	f.t.Helper()
	all := f.webhook.all()
	counts := map[string]int{}
	for _, n := range all {
		counts[n.status]++
		assert.Equal(f.t, term, n.term, "%s notification stamped with the leader's term", n.status)
		assert.Equal(f.t, all[0].groupKey, n.groupKey, "one group")
	}
	f.t.Logf("notifications: %+v", all)
	assert.GreaterOrEqual(f.t, counts["firing"], 1, "firing: not lost")
	assert.GreaterOrEqual(f.t, counts["resolved"], 1, "resolved: not lost")
	assert.LessOrEqual(f.t, counts["firing"]+counts["resolved"], 3, "at most one repeated per failover")
	return counts["firing"] + counts["resolved"] - 2
}

// covers reports whether s holds every bucket the reference emitted that
// starts before until.
func (s *bucketSink) covers(ref *bucketSink, until int64) error {
	s.mu.Lock()
	have := map[fleetBucketID]bool{}
	for _, b := range s.buckets {
		have[fleetBucketID{b.Scope, b.Key, b.StartUnixNano}] = true
	}
	s.mu.Unlock()
	ref.mu.Lock()
	defer ref.mu.Unlock()
	var missing []string
	for _, b := range ref.buckets {
		if b.StartUnixNano < until && !have[fleetBucketID{b.Scope, b.Key, b.StartUnixNano}] {
			missing = append(missing, fmt.Sprintf("%s %q %s", b.Scope, b.Key, time.Unix(0, b.StartUnixNano).UTC().Format("15:04")))
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("%d buckets not emitted yet: %s", len(missing), strings.Join(missing, ", "))
	}
	return nil
}

// compare checks the buckets gateway g emitted against the reference's,
// field by field; complete: g must have emitted every reference bucket
// starting before until.
func (f *fleet) compare(g int, until int64, complete bool) {
	f.t.Helper()
	name := f.gateways[g].name
	got := f.sinks[g].byID(f.t, name)
	want := f.reference.byID(f.t, "the reference")
	checked := 0
	for id, w := range want {
		if id.start >= until {
			continue
		}
		b, ok := got[id]
		if !ok {
			if complete {
				f.t.Errorf("%s never emitted %s %q %s", name, id.scope, id.key, time.Unix(0, id.start).UTC())
			}
			continue
		}
		requireSameBucket(f.t, w, b, name)
		checked++
	}
	for id := range got {
		if _, ok := want[id]; !ok {
			f.t.Errorf("%s emitted %s %q %s, which the reference has not", name, id.scope, id.key, time.Unix(0, id.start).UTC())
		}
	}
	f.t.Logf("%s: %d buckets equal the reference's, field by field", name, checked)
	require.Positive(f.t, checked)
}

// requireSameBucket compares the exact, mergeable state of two buckets.
func requireSameBucket(t *testing.T, want, got *chaosconv.Bucket, who string) {
	t.Helper()
	what := fmt.Sprintf("%s: %s %q %s", who, want.Scope, want.Key, time.Unix(0, want.StartUnixNano).UTC().Format("15:04"))
	require.Equal(t, want.Events, got.Events, what)
	require.Equal(t, want.EventsByKind, got.EventsByKind, what)
	require.Equal(t, want.Faults, got.Faults, what)
	require.Equal(t, want.FaultsByType, got.FaultsByType, what)
	require.Equal(t, want.RateLimitViolations, got.RateLimitViolations, what)
	require.Equal(t, want.TrafficEvents, got.TrafficEvents, what)
	require.Equal(t, want.TrafficBytes, got.TrafficBytes, what)
	require.Equal(t, want.ProtocolEvents, got.ProtocolEvents, what)
	require.Equal(t, want.Endpoints, got.Endpoints, what)
	require.Equal(t, [3]uint64{want.ProbeSuccesses, want.ProbeFailures, want.ProbeSlow},
		[3]uint64{got.ProbeSuccesses, got.ProbeFailures, got.ProbeSlow}, what)
	for _, s := range [][2]*chaosconv.Stats{{&want.Latency, &got.Latency}, {&want.ProbeLatency, &got.ProbeLatency}} {
		require.Equal(t, s[0].Count, s[1].Count, what)
		require.Equal(t, s[0].SumMicros, s[1].SumMicros, what)
		require.Equal(t, s[0].Min, s[1].Min, what)
		require.Equal(t, s[0].Max, s[1].Max, what)
		require.True(t, s[0].Sketch.Equal(&s[1].Sketch), "%s: sketches differ", what)
	}
}
