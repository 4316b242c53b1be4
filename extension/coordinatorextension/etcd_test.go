package coordinatorextension

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/otelcol-chaos/otelcol-chaos/internal/etcdtest"
	clientv3 "go.etcd.io/etcd/client/v3"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/extension/extensiontest"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest"

	"github.com/otelcol-chaos/otelcol-chaos/extension/coordinatorextension/internal/metadata"
)

// etcdTestConfig is a node of a fast test fleet: 2 s leases (etcd's
// minimum here is 1 s), renew deadline 1.2 s, heartbeats every 100 ms.
func etcdTestConfig(endpoints []string, id string, lease time.Duration) *Config {
	cfg := createDefaultConfig().(*Config)
	cfg.Backend = BackendEtcd
	cfg.NodeID = id
	cfg.Group = "test"
	cfg.Status.Enabled = false
	cfg.Etcd.Endpoints = endpoints
	cfg.LeaseDuration = lease
	cfg.RenewDeadline = lease * 6 / 10
	cfg.RetryPeriod = 200 * time.Millisecond
	cfg.HeartbeatInterval = 100 * time.Millisecond
	cfg.DegradedAfter = 400 * time.Millisecond
	cfg.FailedAfter = lease
	cfg.ForgetAfter = time.Minute
	cfg.Etcd.RequestTimeout = 500 * time.Millisecond
	return cfg
}

func startNode(t *testing.T, cfg *Config) *coordinator {
	t.Helper()
	require.NoError(t, cfg.Validate())
	set := extensiontest.NewNopSettings(metadata.Type)
	set.Logger = zaptest.NewLogger(t, zaptest.Level(zap.InfoLevel)).With(zap.String("node", cfg.NodeID))
	ext, err := NewFactory().Create(context.Background(), set, cfg)
	require.NoError(t, err)
	require.NoError(t, ext.Start(context.Background(), componenttest.NewNopHost()))
	c := ext.(*coordinator)
	require.NoError(t, c.Ready())
	return c
}

// fleet is the set of running nodes, watched by an observer that samples
// every node's view every few milliseconds and records any violation of
// the safety rules: never two nodes leading at one observation, a term
// never held by two leaders, a node's term never going back.
type fleet struct {
	mu         sync.Mutex
	nodes      map[string]*coordinator
	violations []string
	termLeader map[uint64]string
	lastTerm   map[*coordinator]uint64
	statuses   map[string][]MemberStatus // "observer/member" → distinct statuses in order
	stop       chan struct{}
	done       chan struct{}
}

func newFleet() *fleet {
	f := &fleet{nodes: map[string]*coordinator{}, termLeader: map[uint64]string{},
		lastTerm: map[*coordinator]uint64{}, statuses: map[string][]MemberStatus{},
		stop: make(chan struct{}), done: make(chan struct{})}
	go f.observe()
	return f
}

func (f *fleet) add(c *coordinator) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.nodes[c.self] = c
}

func (f *fleet) remove(id string) *coordinator {
	f.mu.Lock()
	defer f.mu.Unlock()
	c := f.nodes[id]
	delete(f.nodes, id)
	return c
}

func (f *fleet) observe() {
	defer close(f.done)
	t := time.NewTicker(2 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-f.stop:
			return
		case <-t.C:
		}
		f.mu.Lock()
		var leaders []string
		for id, c := range f.nodes {
			term := c.Term()
			if c.IsLeader() {
				leaders = append(leaders, id)
				if other, ok := f.termLeader[term]; ok && other != id {
					f.violations = append(f.violations, fmt.Sprintf("term %d led by %s and %s", term, other, id))
				}
				f.termLeader[term] = id
			}
			if term < f.lastTerm[c] {
				f.violations = append(f.violations, fmt.Sprintf("%s: term went back %d → %d", id, f.lastTerm[c], term))
			}
			f.lastTerm[c] = term
			for _, m := range c.Members() {
				k := id + "/" + m.ID
				if s := f.statuses[k]; len(s) == 0 || s[len(s)-1] != m.Status {
					f.statuses[k] = append(s, m.Status)
				}
			}
		}
		if len(leaders) > 1 {
			slices.Sort(leaders)
			f.violations = append(f.violations, fmt.Sprintf("two leaders at once: %v", leaders))
		}
		f.mu.Unlock()
	}
}

// leader is the only node that believes it leads, "" when none does.
func (f *fleet) leader() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	for id, c := range f.nodes {
		if c.IsLeader() {
			return id
		}
	}
	return ""
}

func (f *fleet) node(id string) *coordinator {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.nodes[id]
}

// statusSeen is the distinct statuses observer saw member take, in order.
func (f *fleet) statusSeen(observer, member string) []MemberStatus {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.statuses[observer+"/"+member])
}

func (f *fleet) resetStatuses() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.statuses = map[string][]MemberStatus{}
}

func (f *fleet) close(t *testing.T) []string {
	close(f.stop)
	<-f.done
	for _, c := range f.nodes {
		require.NoError(t, c.Shutdown(context.Background()))
	}
	return f.violations
}

// agreed waits until every node agrees on one leader and term and that
// leader believes it leads; it returns them.
func (f *fleet) agreed(t *testing.T, within time.Duration) (string, uint64) {
	t.Helper()
	return f.agreedAfter(t, 0, within)
}

// agreedAfter is agreed on a term greater than after.
func (f *fleet) agreedAfter(t *testing.T, after uint64, within time.Duration) (string, uint64) {
	t.Helper()
	var leader string
	var term uint64
	ok := assert.Eventually(t, func() bool {
		f.mu.Lock()
		defer f.mu.Unlock()
		leader, term = "", 0
		for _, c := range f.nodes {
			l, tm := c.Leader(), c.Term()
			if l == "" || (leader != "" && (l != leader || tm != term)) {
				return false
			}
			leader, term = l, tm
		}
		return leader != "" && term > after && f.nodes[leader] != nil && f.nodes[leader].IsLeader()
	}, within, 10*time.Millisecond)
	if !ok {
		t.Fatalf("the fleet never agreed on a leader: %s", f.views())
	}
	return leader, term
}

// views describes every node's view, for failure messages.
func (f *fleet) views() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := ""
	for id, c := range f.nodes {
		out += fmt.Sprintf("[%s: leader=%q term=%d leading=%v members=%v] ", id, c.Leader(), c.Term(), c.IsLeader(), c.Members())
	}
	return out
}

func memberStatus(c *coordinator, id string) MemberStatus {
	for _, m := range c.Members() {
		if m.ID == id {
			return m.Status
		}
	}
	return ""
}

func allActive(f *fleet, ids ...string) func() bool {
	return func() bool {
		for _, obs := range ids {
			c := f.node(obs)
			for _, id := range ids {
				if memberStatus(c, id) != StatusActive {
					return false
				}
			}
		}
		return true
	}
}

func TestEtcdElectionFailoverAndMembership(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a three-member etcd cluster")
	}
	cluster := etcdtest.Start(t, 3)
	defer cluster.Close()
	admin, err := clientv3.New(clientv3.Config{Endpoints: cluster.Endpoints, DialTimeout: 5 * time.Second})
	require.NoError(t, err)
	defer admin.Close()

	const lease = 2 * time.Second
	ids := []string{"node-a", "node-b", "node-c"}
	f := newFleet()
	var closed bool
	defer func() {
		if !closed {
			f.close(t)
		}
	}()
	for i, id := range ids {
		// Each node talks to a different etcd member first.
		eps := append([]string{cluster.Endpoints[i]}, cluster.Endpoints...)
		f.add(startNode(t, etcdTestConfig(eps, id, lease)))
	}

	// 1. One leader; everyone agrees on it and on the term; all members active.
	// Generous: under the whole suite's -race load on two cores etcd and
	// the clients are slow to start.
	leader, term := f.agreed(t, 30*time.Second)
	require.Positive(t, term)
	require.Eventually(t, allActive(f, ids...), 5*time.Second, 20*time.Millisecond)
	terms := []uint64{term}

	// 2. An operator revokes the leader's lease: another node leads under a
	// greater term, the old leader steps down and rejoins as a follower; the
	// others see it fail and then recover.
	f.resetStatuses()
	eb := f.node(leader).backend.(*etcdBackend)
	eb.mu.Lock()
	leaseID := eb.session.Lease()
	eb.mu.Unlock()
	_, err = admin.Revoke(context.Background(), leaseID)
	require.NoError(t, err)
	next, nextTerm := f.agreedAfter(t, term, 5*time.Second)
	require.Greater(t, nextTerm, term, "a new leadership has a greater term")
	terms = append(terms, nextTerm)
	observer := ids[0]
	if observer == leader {
		observer = ids[1]
	}
	require.Eventually(t, allActive(f, ids...), 5*time.Second, 20*time.Millisecond, "the revoked node rejoins")
	require.Contains(t, f.statusSeen(observer, leader), StatusFailed, "its lease revoked, the node was seen failed")
	require.Equal(t, StatusActive, memberStatus(f.node(observer), leader), "then recovering")
	leader, term = next, nextTerm

	// 3. Partition the leader from etcd (close its client): it steps down
	// within renew_deadline, before its lease expires; another node leads
	// after the lease expires; the others see it degraded then failed.
	f.resetStatuses()
	cut := f.node(leader)
	cutAt := time.Now()
	require.NoError(t, cut.backend.(*etcdBackend).client.Close())
	require.Eventually(t, func() bool { return !cut.IsLeader() }, lease, 5*time.Millisecond,
		"a partitioned leader stops acting before its lease can expire")
	require.Less(t, time.Since(cutAt), lease, "stepped down before the lease could be taken")
	var survivors []string
	for _, id := range ids {
		if id != leader {
			survivors = append(survivors, id)
		}
	}
	require.Eventually(t, func() bool {
		l := f.leader()
		return l != "" && l != leader
	}, lease+3*time.Second, 5*time.Millisecond, "a survivor leads after the lease expires")
	failover := time.Since(cutAt)
	t.Logf("failover after partition: %s (lease %s)", failover, lease)
	for _, obs := range survivors {
		require.Eventually(t, func() bool { return memberStatus(f.node(obs), leader) == StatusFailed },
			5*time.Second, 10*time.Millisecond)
		seen := f.statusSeen(obs, leader)
		require.Contains(t, seen, StatusDegraded, "late heartbeats make it degraded first (%v)", seen)
	}

	// 4. Restart the partitioned node: it rejoins as a follower and is active again.
	f.remove(leader)
	_ = cut.Shutdown(context.Background()) // its client is closed: revoking fails, the lease expires anyway
	restarted := startNode(t, etcdTestConfig(cluster.Endpoints, leader, lease))
	f.add(restarted)
	leader, term = f.agreedAfter(t, terms[len(terms)-1], 5*time.Second)
	terms = append(terms, term)
	require.Eventually(t, allActive(f, ids...), 5*time.Second, 20*time.Millisecond, "the restarted node is active")

	// 5. Graceful shutdown of the leader: another node leads within a second.
	stopped := f.remove(leader)
	stopAt := time.Now()
	require.NoError(t, stopped.Shutdown(context.Background()))
	require.Eventually(t, func() bool { l := f.leader(); return l != "" && l != leader },
		3*time.Second, 2*time.Millisecond)
	graceful := time.Since(stopAt)
	t.Logf("failover after graceful shutdown: %s", graceful)
	require.Less(t, graceful, time.Second)
	_, term = f.agreedAfter(t, terms[len(terms)-1], 5*time.Second)
	terms = append(terms, term)
	for _, obs := range []string{f.leader()} {
		require.Eventually(t, func() bool { return memberStatus(f.node(obs), leader) == StatusFailed },
			2*time.Second, 10*time.Millisecond, "a node that left is failed at once (its key is revoked)")
	}

	closed = true
	violations := f.close(t)
	require.Empty(t, violations)
	require.True(t, slices.IsSorted(terms))
	t.Logf("terms: %v", terms)
}
