package coordinatorextension

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/extension/extensiontest"
	"go.uber.org/zap"
	coordinationv1 "k8s.io/api/coordination/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/kubernetes/fake"
	"k8s.io/client-go/kubernetes/scheme"
	k8stesting "k8s.io/client-go/testing"
	rl "k8s.io/client-go/tools/leaderelection/resourcelock"

	"github.com/otelcol-chaos/otelcol-chaos/extension/coordinatorextension/internal/metadata"
)

// There is no API server here: the backend runs against client-go's fake
// clientset. fakeKube is one "API server" (one object tracker) shared by
// a fake clientset per node, plus what the tracker lacks and the real API
// server has: optimistic concurrency on Leases (an update whose
// resourceVersion is stale is a conflict), which is what makes a Lease a
// lock. Each node's client can be cut off (down) to simulate a crashed or
// partitioned node.
type fakeKube struct {
	tracker k8stesting.ObjectTracker
	mu      sync.Mutex // orders lease writes, like etcd behind the API server
	rv      int64
}

type fakeKubeClient struct {
	*fake.Clientset
	down atomic.Bool
}

func newFakeKube() *fakeKube {
	return &fakeKube{tracker: k8stesting.NewObjectTracker(scheme.Scheme, scheme.Codecs.UniversalDecoder())}
}

func (k *fakeKube) client() *fakeKubeClient {
	c := &fakeKubeClient{Clientset: &fake.Clientset{}}
	c.AddReactor("*", "*", k8stesting.ObjectReaction(k.tracker))
	c.PrependReactor("create", "leases", k.create)
	c.PrependReactor("update", "leases", k.update)
	c.PrependReactor("delete", "leases", k.delete)
	c.PrependReactor("*", "leases", func(k8stesting.Action) (bool, runtime.Object, error) {
		if c.down.Load() {
			return true, nil, apierrors.NewServiceUnavailable("this node is cut off from the API server")
		}
		return false, nil, nil
	})
	return c
}

func (k *fakeKube) create(a k8stesting.Action) (bool, runtime.Object, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	l := a.(k8stesting.CreateAction).GetObject().(*coordinationv1.Lease).DeepCopy()
	k.rv++
	l.ResourceVersion = strconv.FormatInt(k.rv, 10)
	l.UID = types.UID(fmt.Sprintf("uid-%d", k.rv))
	if err := k.tracker.Create(a.GetResource(), l, a.GetNamespace()); err != nil {
		return true, nil, err
	}
	return true, l.DeepCopy(), nil
}

func (k *fakeKube) update(a k8stesting.Action) (bool, runtime.Object, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	l := a.(k8stesting.UpdateAction).GetObject().(*coordinationv1.Lease).DeepCopy()
	cur, err := k.tracker.Get(a.GetResource(), a.GetNamespace(), l.Name)
	if err != nil {
		return true, nil, err
	}
	if l.ResourceVersion != "" && l.ResourceVersion != cur.(*coordinationv1.Lease).ResourceVersion {
		return true, nil, apierrors.NewConflict(a.GetResource().GroupResource(), l.Name,
			fmt.Errorf("resourceVersion %s is stale", l.ResourceVersion))
	}
	k.rv++
	l.ResourceVersion = strconv.FormatInt(k.rv, 10)
	l.UID = cur.(*coordinationv1.Lease).UID
	if err := k.tracker.Update(a.GetResource(), l, a.GetNamespace()); err != nil {
		return true, nil, err
	}
	return true, l.DeepCopy(), nil
}

func (k *fakeKube) delete(a k8stesting.Action) (bool, runtime.Object, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	d := a.(k8stesting.DeleteAction)
	cur, err := k.tracker.Get(a.GetResource(), a.GetNamespace(), d.GetName())
	if err != nil {
		return true, nil, err
	}
	if pre := d.GetDeleteOptions().Preconditions; pre != nil && pre.ResourceVersion != nil &&
		*pre.ResourceVersion != cur.(*coordinationv1.Lease).ResourceVersion {
		return true, nil, apierrors.NewConflict(a.GetResource().GroupResource(), d.GetName(),
			fmt.Errorf("resourceVersion %s is stale", *pre.ResourceVersion))
	}
	return true, nil, k.tracker.Delete(a.GetResource(), a.GetNamespace(), d.GetName())
}

func (k *fakeKube) lease(t *testing.T, name string) *coordinationv1.Lease {
	t.Helper()
	obj, err := k.tracker.Get(coordinationv1.SchemeGroupVersion.WithResource("leases"), kubeTestNamespace, name)
	require.NoError(t, err)
	return obj.(*coordinationv1.Lease)
}

const kubeTestNamespace = "observability"

// Short timings: a dead leader is replaced within about a second.
func kubeTestConfig(id string) *Config {
	cfg := createDefaultConfig().(*Config)
	cfg.Backend = BackendKubernetes
	cfg.NodeID = id
	cfg.Group = "chaos"
	cfg.LeaseDuration = time.Second
	cfg.RenewDeadline = 600 * time.Millisecond
	cfg.RetryPeriod = 200 * time.Millisecond
	cfg.HeartbeatInterval = 100 * time.Millisecond
	cfg.DegradedAfter = 300 * time.Millisecond
	cfg.FailedAfter = 800 * time.Millisecond
	cfg.ForgetAfter = time.Minute
	cfg.Kubernetes.Namespace = kubeTestNamespace
	cfg.Status.Enabled = false
	return cfg
}

type kubeTestNode struct {
	*coordinator
	client *fakeKubeClient
	closed bool
}

func (n *kubeTestNode) shutdown(t *testing.T) {
	t.Helper()
	if n.closed {
		return
	}
	n.closed = true
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	require.NoError(t, n.Shutdown(ctx))
}

// startKubeNodes builds and starts coordinators through the factory, each
// with its own client to the shared fake API server.
func startKubeNodes(t *testing.T, k *fakeKube, mutate func(*Config), ids ...string) []*kubeTestNode {
	t.Helper()
	var nodes []*kubeTestNode
	t.Cleanup(func() {
		for _, n := range nodes {
			n.shutdown(t)
		}
	})
	for _, id := range ids {
		cfg := kubeTestConfig(id)
		if mutate != nil {
			mutate(cfg)
		}
		require.NoError(t, cfg.Validate())
		set := extensiontest.NewNopSettings(metadata.Type)
		if testing.Verbose() {
			logCfg := zap.NewDevelopmentConfig()
			logCfg.Level = zap.NewAtomicLevelAt(zap.InfoLevel)
			set.Logger = zap.Must(logCfg.Build()).With(zap.String("node", id))
		}
		ext, err := NewFactory().Create(context.Background(), set, cfg)
		require.NoError(t, err)
		c := ext.(*coordinator)
		client := k.client()
		c.newKubeClient = func(*KubernetesConfig) (kubernetes.Interface, error) { return client, nil }
		require.NoError(t, ext.Start(context.Background(), componenttest.NewNopHost()))
		nodes = append(nodes, &kubeTestNode{coordinator: c, client: client})
	}
	return nodes
}

// snapshot reads one node's leadership atomically.
type kubeLeaderSnapshot struct {
	leader   string
	term     uint64
	isLeader bool
}

func kubeSnapshotOf(c *coordinator) kubeLeaderSnapshot {
	c.mu.Lock()
	defer c.mu.Unlock()
	return kubeLeaderSnapshot{leader: c.leader, term: c.term, isLeader: c.leader == c.self && c.term > 0}
}

// kubeLeaderObserver samples every node every 5 ms for the whole test and
// records every violation of the election's guarantees: two nodes leading
// at once, a term naming two leaders, a node's term going down, a new
// leadership whose term is not greater than every earlier one.
type kubeLeaderObserver struct {
	nodes []*kubeTestNode
	stop  chan struct{}
	done  chan struct{}

	mu         sync.Mutex
	violations []string
	termLeader map[uint64]string
	lastTerm   []uint64
	leaderTerm []uint64                  // the term of the node's current leadership, 0 when it does not lead
	maxTerm    uint64                    // greatest term of any leadership seen
	episodes   []string                  // "node@term", in order
	statuses   map[string][]MemberStatus // "viewer/member" → the statuses it went through
}

func kubeObserveLeaders(t *testing.T, nodes []*kubeTestNode) *kubeLeaderObserver {
	o := &kubeLeaderObserver{nodes: nodes, stop: make(chan struct{}), done: make(chan struct{}),
		termLeader: map[uint64]string{}, statuses: map[string][]MemberStatus{}, lastTerm: make([]uint64, len(nodes)), leaderTerm: make([]uint64, len(nodes))}
	go func() {
		defer close(o.done)
		tick := time.NewTicker(5 * time.Millisecond)
		defer tick.Stop()
		for {
			o.sample()
			select {
			case <-o.stop:
				return
			case <-tick.C:
			}
		}
	}()
	t.Cleanup(o.finish)
	return o
}

func (o *kubeLeaderObserver) finish() {
	select {
	case <-o.stop:
	default:
		close(o.stop)
	}
	<-o.done
}

func (o *kubeLeaderObserver) sample() {
	snaps := make([]kubeLeaderSnapshot, len(o.nodes))
	for i, n := range o.nodes {
		snaps[i] = kubeSnapshotOf(n.coordinator)
	}
	members := make([][]Member, len(o.nodes))
	for i, n := range o.nodes {
		members[i] = n.Members()
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	for i, ms := range members {
		for _, m := range ms {
			key := o.nodes[i].self + "/" + m.ID
			if seen := o.statuses[key]; len(seen) == 0 || seen[len(seen)-1] != m.Status {
				o.statuses[key] = append(seen, m.Status)
			}
		}
	}
	var leading []string
	for i, s := range snaps {
		self := o.nodes[i].self
		if s.isLeader {
			leading = append(leading, fmt.Sprintf("%s@%d", self, s.term))
		}
		if s.term < o.lastTerm[i] {
			o.violations = append(o.violations, fmt.Sprintf("%s: term went down from %d to %d", self, o.lastTerm[i], s.term))
		}
		o.lastTerm[i] = max(o.lastTerm[i], s.term)
		if s.leader != "" {
			if prev, ok := o.termLeader[s.term]; ok && prev != s.leader {
				o.violations = append(o.violations, fmt.Sprintf("term %d names %s and %s (seen by %s)", s.term, prev, s.leader, self))
			} else {
				o.termLeader[s.term] = s.leader
			}
		}
		switch {
		case !s.isLeader:
			o.leaderTerm[i] = 0
		case o.leaderTerm[i] != s.term:
			if s.term <= o.maxTerm {
				o.violations = append(o.violations, fmt.Sprintf("%s leads under term %d, not greater than the earlier term %d",
					self, s.term, o.maxTerm))
			}
			o.leaderTerm[i] = s.term
			o.maxTerm = max(o.maxTerm, s.term)
			o.episodes = append(o.episodes, fmt.Sprintf("%s@%d", self, s.term))
		}
	}
	if len(leading) > 1 {
		o.violations = append(o.violations, fmt.Sprintf("two leaders at once: %v", leading))
	}
}

// statusHistory is the statuses viewer saw member go through.
func (o *kubeLeaderObserver) statusHistory(viewer, member string) []MemberStatus {
	o.mu.Lock()
	defer o.mu.Unlock()
	return slices.Clone(o.statuses[viewer+"/"+member])
}

func (o *kubeLeaderObserver) check(t *testing.T) {
	t.Helper()
	o.finish()
	o.mu.Lock()
	defer o.mu.Unlock()
	require.Empty(t, o.violations, "leadership episodes: %v", o.episodes)
	require.NotEmpty(t, o.episodes, "some node led")
	t.Logf("leadership episodes: %v", o.episodes)
}

// kubeLeaderOf waits until exactly one of nodes leads and every one of them
// agrees on it and on its term; it returns the leader.
func kubeLeaderOf(t *testing.T, nodes []*kubeTestNode, within time.Duration) *kubeTestNode {
	t.Helper()
	var leader *kubeTestNode
	require.Eventually(t, func() bool {
		leader = nil
		for _, n := range nodes {
			if n.IsLeader() {
				if leader != nil {
					return false
				}
				leader = n
			}
		}
		if leader == nil {
			return false
		}
		want := kubeSnapshotOf(leader.coordinator)
		for _, n := range nodes {
			s := kubeSnapshotOf(n.coordinator)
			if s.leader != want.leader || s.term != want.term {
				return false
			}
		}
		return true
	}, within, 5*time.Millisecond, "one leader, agreed on by %d nodes", len(nodes))
	return leader
}

func kubeStatusOf(c *coordinator, id string) MemberStatus {
	for _, m := range c.Members() {
		if m.ID == id {
			return m.Status
		}
	}
	return ""
}

func kubeAllActive(nodes []*kubeTestNode, ids ...string) func() bool {
	return func() bool {
		for _, n := range nodes {
			for _, id := range ids {
				if kubeStatusOf(n.coordinator, id) != StatusActive {
					return false
				}
			}
		}
		return true
	}
}

func kubeOthers(nodes []*kubeTestNode, but *kubeTestNode) []*kubeTestNode {
	var out []*kubeTestNode
	for _, n := range nodes {
		if n != but {
			out = append(out, n)
		}
	}
	return out
}

// (a) one leader is elected; all agree on it and its term; all are members.
func TestKubernetesElectsOneLeader(t *testing.T) {
	k := newFakeKube()
	nodes := startKubeNodes(t, k, nil, "collector-a", "collector-b", "collector-c")
	obs := kubeObserveLeaders(t, nodes)

	leader := kubeLeaderOf(t, nodes, 10*time.Second)
	term := leader.Term()
	require.GreaterOrEqual(t, term, uint64(1), "the first leader has term 1 or more")
	require.Eventually(t, kubeAllActive(nodes, "collector-a", "collector-b", "collector-c"), 10*time.Second, 10*time.Millisecond)
	for _, n := range nodes {
		require.Len(t, n.Members(), 3)
	}

	// The Leases: the leader's, and one per node with its labels and id.
	ll := k.lease(t, "chaos-leader")
	require.Equal(t, leader.self, *ll.Spec.HolderIdentity)
	require.Equal(t, int32(1), *ll.Spec.LeaseDurationSeconds)
	require.Equal(t, term, uint64(*ll.Spec.LeaseTransitions)+1, "term = lease transitions + 1")
	ml := k.lease(t, "chaos-member-collector-b")
	require.Equal(t, "collector-b", ml.Annotations[annotationNodeID])
	require.Equal(t, "otelcol-chaos", ml.Labels["app.kubernetes.io/managed-by"])
	require.Equal(t, "chaos", ml.Labels["otelcol-chaos.io/coordinator-group"])
	require.Equal(t, int32(1), *ml.Spec.LeaseDurationSeconds, "ceil(failed_after)")
	require.Positive(t, leader.hb.sent.Load())

	// Leadership is stable while everyone renews.
	time.Sleep(1500 * time.Millisecond)
	require.True(t, leader.IsLeader())
	require.Equal(t, term, leader.Term())
	require.True(t, leader.Owns(ModeLeader, "any"))
	obs.check(t)
}

// (b) graceful hand-over: the leader releases its lease on shutdown, a
// follower takes over within a couple of retry periods (well before the
// lease would expire) under a greater term, and the old node's member
// Lease is gone at once.
func TestKubernetesGracefulHandover(t *testing.T) {
	k := newFakeKube()
	const lease = 5 * time.Second // expiry cannot be what hands over
	nodes := startKubeNodes(t, k, func(c *Config) {
		c.LeaseDuration = lease
		c.FailedAfter = 10 * time.Second // gone must come from the deleted Lease
		c.ForgetAfter = time.Minute
	}, "collector-a", "collector-b", "collector-c")
	obs := kubeObserveLeaders(t, nodes)

	old := kubeLeaderOf(t, nodes, 10*time.Second)
	oldTerm := old.Term()
	require.Eventually(t, kubeAllActive(nodes, "collector-a", "collector-b", "collector-c"), 10*time.Second, 10*time.Millisecond)

	rest := kubeOthers(nodes, old)
	began := time.Now()
	old.shutdown(t)
	require.False(t, old.IsLeader())
	retry := nodes[0].cfg.RetryPeriod
	next := kubeLeaderOf(t, rest, time.Duration(2.2*float64(retry))+2*time.Second)
	took := time.Since(began)
	t.Logf("hand-over took %s (retry period %s, lease %s)", took, retry, lease)
	require.Less(t, took, lease, "handed over by release, not by expiry")
	require.Greater(t, next.Term(), oldTerm)
	require.NotEqual(t, old.self, next.Leader())

	require.Eventually(t, func() bool {
		for _, n := range rest {
			if kubeStatusOf(n.coordinator, old.self) != StatusFailed {
				return false
			}
		}
		return true
	}, 3*time.Second, 10*time.Millisecond, "the shut-down node's member Lease is deleted: failed at once")
	_, err := k.tracker.Get(coordinationv1.SchemeGroupVersion.WithResource("leases"), kubeTestNamespace,
		memberLeaseName("chaos", old.self))
	require.True(t, apierrors.IsNotFound(err))
	obs.check(t)
}

// (c) crash: the leader is cut off without releasing. It steps down within
// renew_deadline, another node leads once the lease expired, the dead node
// turns degraded then failed on the others; healed, it is active again and
// follows.
func TestKubernetesLeaderCrashAndRecovery(t *testing.T) {
	k := newFakeKube()
	nodes := startKubeNodes(t, k, nil, "collector-a", "collector-b", "collector-c")
	obs := kubeObserveLeaders(t, nodes)

	dead := kubeLeaderOf(t, nodes, 10*time.Second)
	deadTerm := dead.Term()
	require.Eventually(t, kubeAllActive(nodes, "collector-a", "collector-b", "collector-c"), 10*time.Second, 10*time.Millisecond)
	rest := kubeOthers(nodes, dead)
	cfg := dead.cfg

	marks := map[string]int{} // what each other node saw of the dead one before the cut
	for _, n := range rest {
		require.Eventually(t, func() bool {
			h := obs.statusHistory(n.self, dead.self)
			return len(h) > 0 && h[len(h)-1] == StatusActive
		}, 5*time.Second, 5*time.Millisecond, "the sampler saw %s active on %s", dead.self, n.self)
		marks[n.self] = len(obs.statusHistory(n.self, dead.self))
	}
	since := func(n *kubeTestNode) []MemberStatus {
		return obs.statusHistory(n.self, dead.self)[marks[n.self]-1:]
	}
	cut := time.Now()
	dead.client.down.Store(true)
	require.Eventually(t, func() bool { return !dead.IsLeader() }, cfg.RenewDeadline+2*time.Second, time.Millisecond)
	stepped := time.Since(cut)
	t.Logf("cut-off leader stepped down after %s (renew deadline %s)", stepped, cfg.RenewDeadline)
	require.LessOrEqual(t, stepped, cfg.RenewDeadline+300*time.Millisecond, "steps down by renew_deadline")

	next := kubeLeaderOf(t, rest, cfg.LeaseDuration+time.Duration(2.2*float64(cfg.RetryPeriod))+5*time.Second)
	t.Logf("%s took over after %s (lease %s)", next.self, time.Since(cut), cfg.LeaseDuration)
	require.Greater(t, next.Term(), deadTerm)

	for _, n := range rest {
		require.Eventually(t, func() bool { return slices.Contains(since(n), StatusFailed) },
			5*time.Second, 5*time.Millisecond, "%s sees %s failed", n.self, dead.self)
		require.Equal(t, []MemberStatus{StatusActive, StatusDegraded, StatusFailed}, since(n),
			"%s saw %s turn degraded, then failed", n.self, dead.self)
	}
	missed := dead.hb.missed.Load()
	require.Positive(t, missed)

	// Healed: heartbeats return, it is active again and follows.
	dead.client.down.Store(false)
	require.Eventually(t, kubeAllActive(nodes, "collector-a", "collector-b", "collector-c"), 10*time.Second, 10*time.Millisecond,
		"recovering when heartbeats return")
	for _, n := range rest {
		require.Eventually(t, func() bool { return len(since(n)) == 4 }, 5*time.Second, 5*time.Millisecond)
		require.Equal(t, []MemberStatus{StatusActive, StatusDegraded, StatusFailed, StatusActive}, since(n))
	}
	again := kubeLeaderOf(t, nodes, 10*time.Second)
	require.Equal(t, next, again, "the healed node follows; it does not take over")
	require.False(t, dead.IsLeader())
	require.Equal(t, next.Term(), dead.Term())
	obs.check(t)
}

// (d) the same node losing leadership and getting it back gets a greater
// term, both when the Lease still names it and when another led between.
func TestKubernetesReacquireGetsGreaterTerm(t *testing.T) {
	k := newFakeKube()
	nodes := startKubeNodes(t, k, nil, "collector-a", "collector-b", "collector-c")
	obs := kubeObserveLeaders(t, nodes)

	a := kubeLeaderOf(t, nodes, 10*time.Second)
	first := a.Term()
	rest := kubeOthers(nodes, a)

	// Only a can reach the API server; a loses it for longer than
	// renew_deadline (it steps down) but nobody else can take over: the
	// Lease still names a when it comes back.
	for _, n := range rest {
		n.client.down.Store(true)
	}
	a.client.down.Store(true)
	require.Eventually(t, func() bool { return !a.IsLeader() }, 5*time.Second, time.Millisecond)
	a.client.down.Store(false)
	require.Eventually(t, func() bool { return a.IsLeader() }, 10*time.Second, time.Millisecond)
	second := a.Term()
	require.Greater(t, second, first, "re-acquired under a new term")

	// Now the others come back, a is cut off, another leads; a comes back
	// and, alone again, leads under a term greater than the other's.
	for _, n := range rest {
		n.client.down.Store(false)
	}
	kubeLeaderOf(t, nodes, 10*time.Second)
	a.client.down.Store(true)
	b := kubeLeaderOf(t, rest, 10*time.Second)
	third := b.Term()
	require.Greater(t, third, second)
	for _, n := range rest {
		n.client.down.Store(true)
	}
	a.client.down.Store(false)
	require.Eventually(t, func() bool { return a.IsLeader() }, 10*time.Second, time.Millisecond)
	require.Greater(t, a.Term(), third)
	for _, n := range rest {
		n.client.down.Store(false)
	}
	require.Equal(t, a, kubeLeaderOf(t, nodes, 10*time.Second))
	obs.check(t)
}

// newKubeTestLock is a fencedLock over the fake API server, as the backend
// builds it.
func newKubeTestLock(k *fakeKube, self string, renewDeadline time.Duration) (*fencedLock, *state) {
	st := newState(self, nil)
	return &fencedLock{
		inner: &rl.LeaseLock{
			LeaseMeta:  metav1.ObjectMeta{Namespace: kubeTestNamespace, Name: "chaos-leader"},
			Client:     k.client().CoordinationV1(),
			LockConfig: rl.ResourceLockConfig{Identity: self},
		},
		state: st, logger: zap.NewNop(), now: time.Now, renewDeadline: renewDeadline,
		leaseSeconds: 1, reqTimeout: time.Second,
	}, st
}

// The lock's fencing, step by step, as client-go drives it.
func TestKubernetesLockFencing(t *testing.T) {
	ctx := context.Background()
	k := newFakeKube()
	l, st := newKubeTestLock(k, "a", time.Hour)
	defer l.close()
	old := metav1.NewTime(time.Now().Add(-time.Minute))

	// A record left by a's earlier life still names a: client-go would
	// renew it as is (same transitions); it is a new acquisition.
	require.NoError(t, k.tracker.Create(coordinationv1.SchemeGroupVersion.WithResource("leases"), &coordinationv1.Lease{
		ObjectMeta: metav1.ObjectMeta{Name: "chaos-leader", Namespace: kubeTestNamespace, ResourceVersion: "1"},
		Spec:       rl.LeaderElectionRecordToLeaseSpec(&rl.LeaderElectionRecord{HolderIdentity: "a", LeaseDurationSeconds: 1, AcquireTime: old, RenewTime: old, LeaderTransitions: 4}),
	}, kubeTestNamespace))
	rec, _, err := l.Get(ctx)
	require.NoError(t, err)
	require.Empty(t, st.Leader(), "a stale record of this node is no leadership")
	now := metav1.Now()
	require.NoError(t, l.Update(ctx, rl.LeaderElectionRecord{HolderIdentity: "a", LeaseDurationSeconds: 1,
		AcquireTime: rec.AcquireTime, RenewTime: now, LeaderTransitions: rec.LeaderTransitions}))
	require.True(t, st.IsLeader())
	require.Equal(t, uint64(6), st.Term(), "transitions 4 → 5, term 6")
	got := rl.LeaseSpecToLeaderElectionRecord(&k.lease(t, "chaos-leader").Spec)
	require.Equal(t, 5, got.LeaderTransitions)
	require.False(t, got.AcquireTime.Equal(&old), "a new acquisition time")

	// A renewal with client-go's stale copy keeps the term.
	require.NoError(t, l.Update(ctx, rl.LeaderElectionRecord{HolderIdentity: "a", LeaseDurationSeconds: 1,
		AcquireTime: rec.AcquireTime, RenewTime: metav1.Now(), LeaderTransitions: 4}))
	require.Equal(t, uint64(6), st.Term())
	require.Equal(t, 5, rl.LeaseSpecToLeaderElectionRecord(&k.lease(t, "chaos-leader").Spec).LeaderTransitions)

	// Lost (client-go stopped leading), then written again: a new term.
	l.stopped()
	require.False(t, st.IsLeader())
	require.Equal(t, uint64(6), st.Term(), "stepping down keeps the term")
	require.NoError(t, l.Update(ctx, rl.LeaderElectionRecord{HolderIdentity: "a", LeaseDurationSeconds: 1,
		AcquireTime: rec.AcquireTime, RenewTime: metav1.Now(), LeaderTransitions: 4}))
	require.True(t, st.IsLeader())
	require.Equal(t, uint64(7), st.Term())

	// A release steps down first and keeps the transitions.
	require.NoError(t, l.Update(ctx, rl.LeaderElectionRecord{LeaseDurationSeconds: 1, AcquireTime: metav1.Now(),
		RenewTime: metav1.Now(), LeaderTransitions: 6}))
	require.False(t, st.IsLeader())
	require.Empty(t, st.Leader())
	require.Equal(t, uint64(7), st.Term())
	got = rl.LeaseSpecToLeaderElectionRecord(&k.lease(t, "chaos-leader").Spec)
	require.Empty(t, got.HolderIdentity)
	require.Equal(t, 6, got.LeaderTransitions)

	// After close, nothing claims leadership.
	l.close()
	_, _, err = l.Get(ctx)
	require.NoError(t, err)
	require.ErrorIs(t, l.Update(ctx, rl.LeaderElectionRecord{HolderIdentity: "a", RenewTime: metav1.Now()}), errLockClosed)
	require.False(t, st.IsLeader())
}

// A leader whose renewals stop steps down at renew_deadline on its own
// clock, whatever client-go's loop is doing.
func TestKubernetesLockWatchdog(t *testing.T) {
	ctx := context.Background()
	k := newFakeKube()
	const deadline = 300 * time.Millisecond
	l, st := newKubeTestLock(k, "a", deadline)
	defer l.close()
	began := time.Now()
	require.NoError(t, l.Create(ctx, rl.LeaderElectionRecord{HolderIdentity: "a", LeaseDurationSeconds: 1,
		AcquireTime: metav1.Now(), RenewTime: metav1.Now()}))
	require.True(t, st.IsLeader())
	require.Equal(t, uint64(1), st.Term(), "the first leader has term 1")
	require.Eventually(t, func() bool { return !st.IsLeader() }, 5*time.Second, time.Millisecond)
	require.GreaterOrEqual(t, time.Since(began), deadline)
	require.Equal(t, uint64(1), st.Term())
}

// A follower takes the leader and term from the record, and forgets the
// leader once the record has not changed for its lease duration.
func TestKubernetesLockFollowerView(t *testing.T) {
	ctx := context.Background()
	k := newFakeKube()
	a, _ := newKubeTestLock(k, "a", time.Hour)
	defer a.close()
	b, stb := newKubeTestLock(k, "b", time.Hour)
	defer b.close()
	require.NoError(t, a.Create(ctx, rl.LeaderElectionRecord{HolderIdentity: "a", LeaseDurationSeconds: 1,
		AcquireTime: metav1.Now(), RenewTime: metav1.Now(), LeaderTransitions: 2}))
	_, _, err := b.Get(ctx)
	require.NoError(t, err)
	require.Equal(t, "a", stb.Leader())
	require.Equal(t, uint64(3), stb.Term())
	require.False(t, stb.IsLeader())

	b.refresh()
	require.Equal(t, "a", stb.Leader(), "still within the lease")
	require.Eventually(t, func() bool { b.refresh(); return stb.Leader() == "" }, 5*time.Second, 10*time.Millisecond,
		"the lease ran out without a change")
	require.Equal(t, uint64(3), stb.Term(), "the term is kept")
}

func TestKubernetesMemberLeaseName(t *testing.T) {
	require.Equal(t, "chaos-member-collector-a", memberLeaseName("chaos", "collector-a"))
	require.Equal(t, "chaos-leader", leaderLeaseName("chaos"))
	names := map[string]string{}
	for _, id := range []string{"Collector_A", "collector-a.example.com", "collector-a", "COLLECTOR-A", "ü",
		strings.Repeat("x", 80), strings.Repeat("x", 81), "-a-", "a"} {
		n := memberLeaseName("chaos", id)
		require.True(t, isDNSLabel(n, 63), "%q → %q", id, n)
		require.True(t, strings.HasPrefix(n, "chaos-member-"), n)
		prev, dup := names[n]
		require.False(t, dup, "%q and %q share %q", prev, id, n)
		names[n] = id
	}
	long := memberLeaseName(strings.Repeat("g", 40), strings.Repeat("x", 100))
	require.LessOrEqual(t, len(long), 63)
	require.True(t, isDNSLabel(long, 63), long)
}

func TestKubernetesNamespace(t *testing.T) {
	dir := t.TempDir()
	saved := serviceAccountNamespaceFile
	t.Cleanup(func() { serviceAccountNamespaceFile = saved })
	serviceAccountNamespaceFile = filepath.Join(dir, "namespace")
	t.Setenv("POD_NAMESPACE", "")

	_, err := resolveNamespace(&KubernetesConfig{})
	require.ErrorIs(t, err, errK8sNoNamespace)
	require.ErrorContains(t, err, "set kubernetes::namespace")

	t.Setenv("POD_NAMESPACE", "from-env")
	ns, err := resolveNamespace(&KubernetesConfig{})
	require.NoError(t, err)
	require.Equal(t, "from-env", ns)

	require.NoError(t, os.WriteFile(serviceAccountNamespaceFile, []byte("from-pod\n"), 0o600))
	ns, err = resolveNamespace(&KubernetesConfig{})
	require.NoError(t, err)
	require.Equal(t, "from-pod", ns, "the pod's namespace comes before $POD_NAMESPACE")

	ns, err = resolveNamespace(&KubernetesConfig{Namespace: "configured"})
	require.NoError(t, err)
	require.Equal(t, "configured", ns)
}

// Start fails, saying what to fix, without a namespace or without RBAC.
func TestKubernetesStartErrors(t *testing.T) {
	saved := serviceAccountNamespaceFile
	t.Cleanup(func() { serviceAccountNamespaceFile = saved })
	serviceAccountNamespaceFile = filepath.Join(t.TempDir(), "namespace")
	t.Setenv("POD_NAMESPACE", "")

	start := func(cfg *Config, client kubernetes.Interface) error {
		ext, err := NewFactory().Create(context.Background(), extensiontest.NewNopSettings(metadata.Type), cfg)
		require.NoError(t, err)
		ext.(*coordinator).newKubeClient = func(*KubernetesConfig) (kubernetes.Interface, error) { return client, nil }
		err = ext.Start(context.Background(), componenttest.NewNopHost())
		require.NoError(t, ext.Shutdown(context.Background()))
		return err
	}

	cfg := kubeTestConfig("a")
	cfg.Kubernetes.Namespace = ""
	err := start(cfg, newFakeKube().client())
	require.ErrorIs(t, err, errK8sNoNamespace)

	forbidden := newFakeKube().client()
	forbidden.PrependReactor("*", "leases", func(a k8stesting.Action) (bool, runtime.Object, error) {
		return true, nil, apierrors.NewForbidden(a.GetResource().GroupResource(), "", fmt.Errorf("no RBAC"))
	})
	err = start(kubeTestConfig("a"), forbidden)
	require.ErrorContains(t, err, "coordinator-rbac.yaml")
	require.True(t, apierrors.IsForbidden(err))
}

func TestKubernetesClientConfig(t *testing.T) {
	dir := t.TempDir()
	kubeconfig := filepath.Join(dir, "config")
	require.NoError(t, os.WriteFile(kubeconfig, []byte(`apiVersion: v1
kind: Config
clusters:
- name: test
  cluster:
    server: https://127.0.0.1:6443
users:
- name: test
  user:
    token: t0ken
contexts:
- name: test
  context: {cluster: test, user: test, namespace: observability}
- name: other
  context: {cluster: test, user: test}
current-context: test
`), 0o600))

	client, err := newKubeClient(&KubernetesConfig{AuthType: AuthKubeConfig, KubeConfig: kubeconfig})
	require.NoError(t, err)
	require.NotNil(t, client)
	_, err = newKubeClient(&KubernetesConfig{AuthType: AuthKubeConfig, KubeConfig: kubeconfig, Context: "other"})
	require.NoError(t, err)

	t.Setenv("KUBECONFIG", kubeconfig)
	_, err = newKubeClient(&KubernetesConfig{AuthType: AuthKubeConfig})
	require.NoError(t, err, "$KUBECONFIG when kubernetes::kubeconfig is empty")

	_, err = newKubeClient(&KubernetesConfig{AuthType: AuthKubeConfig, KubeConfig: kubeconfig, Context: "missing"})
	require.ErrorContains(t, err, "kubernetes::context")
	_, err = newKubeClient(&KubernetesConfig{AuthType: AuthKubeConfig, KubeConfig: filepath.Join(dir, "absent")})
	require.ErrorContains(t, err, "kubernetes::kubeconfig")

	t.Setenv("KUBERNETES_SERVICE_HOST", "")
	t.Setenv("KUBERNETES_SERVICE_PORT", "")
	_, err = newKubeClient(&KubernetesConfig{AuthType: AuthServiceAccount})
	require.ErrorContains(t, err, "auth_type: kubeConfig")

	_, err = newKubeClient(&KubernetesConfig{AuthType: "token"})
	require.ErrorIs(t, err, errK8sAuth)
}

// A Lease left over by a node that crashed long ago never passes for a
// live member, and the leader deletes it after forget_after.
func TestKubernetesStaleMemberLease(t *testing.T) {
	k := newFakeKube()
	ghost := "collector-ghost"
	old := metav1.NewMicroTime(time.Now().Add(-time.Hour))
	holder, seconds := ghost, int32(1)
	require.NoError(t, k.tracker.Create(coordinationv1.SchemeGroupVersion.WithResource("leases"), &coordinationv1.Lease{
		ObjectMeta: metav1.ObjectMeta{
			Name: memberLeaseName("chaos", ghost), Namespace: kubeTestNamespace, ResourceVersion: "1",
			Labels:      map[string]string{labelManagedBy: managedByValue, labelGroup: "chaos", labelRole: roleMember},
			Annotations: map[string]string{annotationNodeID: ghost},
		},
		Spec: coordinationv1.LeaseSpec{HolderIdentity: &holder, LeaseDurationSeconds: &seconds, RenewTime: &old},
	}, kubeTestNamespace))

	nodes := startKubeNodes(t, k, func(c *Config) { c.ForgetAfter = 1500 * time.Millisecond }, "collector-a")
	a := nodes[0]
	kubeLeaderOf(t, nodes, 10*time.Second)
	deadline := time.Now().Add(10 * time.Second)
	for {
		require.NotEqual(t, StatusActive, kubeStatusOf(a.coordinator, ghost), "a left-over Lease is no heartbeat")
		_, err := k.tracker.Get(coordinationv1.SchemeGroupVersion.WithResource("leases"), kubeTestNamespace,
			memberLeaseName("chaos", ghost))
		if apierrors.IsNotFound(err) {
			break
		}
		require.True(t, time.Now().Before(deadline), "the leader deletes the left-over Lease after forget_after")
		time.Sleep(10 * time.Millisecond)
	}
	require.Equal(t, StatusActive, kubeStatusOf(a.coordinator, "collector-a"))
	require.Len(t, a.Members(), 1)
}
