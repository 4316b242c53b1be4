package coordinatorextension

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"go.etcd.io/etcd/api/v3/v3rpc/rpctypes"
	clientv3 "go.etcd.io/etcd/client/v3"
	"go.etcd.io/etcd/client/v3/concurrency"
	"go.uber.org/zap"
)

// takeoverDelay is how long a node that has just won the election waits
// before it acts as leader. A leader whose lease an operator revokes
// learns it from a watch event of the same revision that lets the next
// node win; the delay lets it step down first, so observers never see two
// leaders at once. Fencing terms make a late step-down harmless anyway.
const takeoverDelay = 100 * time.Millisecond

// etcdBackend elects with clientv3/concurrency (the leader is the oldest
// key under <prefix>/leader, its create revision is the fencing term) and
// keeps membership as one key per node under <prefix>/members, bound to
// the node's lease and rewritten at every heartbeat.
//
// Safety: the node renews its lease itself (KeepAliveOnce) and remembers
// when the last successful renewal was sent. The server cannot expire the
// lease earlier than that moment + TTL; the node stops acting as leader at
// that moment + renew_deadline, which is shorter, so a leader that cannot
// reach etcd steps down before anyone else can be elected.
type etcdBackend struct {
	*backendSettings
	client      *clientv3.Client
	electionPfx string // <prefix>/<group>/leader
	membersPfx  string // <prefix>/<group>/members/

	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu      sync.Mutex
	session *concurrency.Session // the current session, nil between sessions
}

func newEtcdBackend(bs *backendSettings) backend {
	base := bs.cfg.Etcd.Prefix + "/" + bs.cfg.Group
	return &etcdBackend{backendSettings: bs, electionPfx: base + "/leader", membersPfx: base + "/members/"}
}

func (b *etcdBackend) start(ctx context.Context) error {
	tlsCfg, err := b.cfg.Etcd.TLS.LoadTLSConfig(ctx)
	if err != nil {
		return fmt.Errorf("etcd::tls: %w", err)
	}
	client, err := clientv3.New(clientv3.Config{
		Endpoints:            b.cfg.Etcd.Endpoints,
		DialTimeout:          b.cfg.Etcd.DialTimeout,
		DialKeepAliveTime:    b.cfg.RetryPeriod,
		DialKeepAliveTimeout: b.cfg.Etcd.RequestTimeout,
		TLS:                  tlsCfg,
		Username:             b.cfg.Etcd.Username,
		Password:             string(b.cfg.Etcd.Password),
		Logger:               b.logger.Named("etcd-client").WithOptions(zap.IncreaseLevel(zap.ErrorLevel)),
	})
	if err != nil {
		return fmt.Errorf("etcd client for %v: %w", b.cfg.Etcd.Endpoints, err)
	}
	b.client = client
	// The loops outlive Start's context: they stop in shutdown.
	b.ctx, b.cancel = context.WithCancel(context.Background())
	b.wg.Add(3)
	go b.campaignLoop()
	go b.watchLeader()
	go b.watchMembers()
	b.logger.Info("coordinator joining etcd election", zap.Strings("endpoints", b.cfg.Etcd.Endpoints),
		zap.String("election", b.electionPfx), zap.String("self", b.state.self))
	return nil
}

// shutdown hands over: stop acting as leader, revoke the lease (which
// deletes both the election key, so the next candidate wins at once, and
// the member key, so the others see this node leave), stop the loops.
func (b *etcdBackend) shutdown(ctx context.Context) error {
	if b.client == nil {
		return nil
	}
	b.state.stepDown()
	b.cancel()
	b.mu.Lock()
	s := b.session
	b.mu.Unlock()
	var err error
	if s != nil {
		rctx, cancel := context.WithTimeout(ctx, b.cfg.Etcd.RequestTimeout)
		_, err = b.client.Revoke(rctx, s.Lease())
		cancel()
		if errors.Is(err, rpctypes.ErrLeaseNotFound) {
			err = nil // already expired or revoked: nothing left to hand over
		}
		if err != nil {
			err = fmt.Errorf("revoking the etcd lease on shutdown (it expires within lease_duration): %w", err)
		}
	}
	b.wg.Wait()
	return errors.Join(err, b.client.Close())
}

// campaignLoop runs one session after another until shutdown: a session
// ends when its lease is lost, or when this node, leading, cannot renew
// within renew_deadline.
func (b *etcdBackend) campaignLoop() {
	defer b.wg.Done()
	for b.ctx.Err() == nil {
		if err := b.runSession(); err != nil && b.ctx.Err() == nil {
			b.logger.Warn("coordinator etcd session ended; retrying", zap.Error(err),
				zap.Duration("retry_period", b.cfg.RetryPeriod))
		}
		select {
		case <-b.ctx.Done():
		case <-time.After(b.cfg.RetryPeriod):
		}
	}
}

// runSession grants a lease, heartbeats on it, campaigns and, once
// elected, leads until the session ends.
func (b *etcdBackend) runSession() error {
	ttl := int64(b.cfg.LeaseDuration / time.Second)
	sent := b.now()
	gctx, gcancel := context.WithTimeout(b.ctx, b.cfg.Etcd.RequestTimeout)
	grant, err := b.client.Grant(gctx, ttl)
	gcancel()
	if err != nil {
		return fmt.Errorf("granting a lease: %w", err)
	}
	if grant.TTL != ttl {
		b.logger.Warn("etcd granted a longer lease than lease_duration (its minimum TTL)",
			zap.Int64("granted_seconds", grant.TTL), zap.Int64("lease_duration_seconds", ttl))
	}
	sctx, scancel := context.WithCancel(b.ctx)
	defer scancel()
	session, err := concurrency.NewSession(b.client, concurrency.WithLease(grant.ID), concurrency.WithContext(sctx))
	if err != nil {
		b.revoke(grant.ID)
		return fmt.Errorf("opening a session: %w", err)
	}
	b.mu.Lock()
	b.session = session
	b.mu.Unlock()
	renewed := newRenewal(sent)
	var loops sync.WaitGroup
	loops.Add(3)
	go func() { defer loops.Done(); b.renew(sctx, scancel, grant.ID, renewed) }()
	go func() { defer loops.Done(); b.heartbeat(sctx, grant.ID) }()
	go func() {
		// The client gives the lease up when it cannot renew it for a
		// TTL: end the session, even mid-campaign.
		defer loops.Done()
		select {
		case <-session.Done():
			scancel()
		case <-sctx.Done():
		}
	}()
	defer func() {
		b.state.stepDown()
		scancel()
		loops.Wait()
		session.Orphan()
		b.mu.Lock()
		b.session = nil
		b.mu.Unlock()
		if b.ctx.Err() == nil {
			b.revoke(grant.ID) // a session given up must not keep a stale election key
		}
	}()

	election := concurrency.NewElection(session, b.electionPfx)
	if err := election.Campaign(sctx, b.state.self); err != nil {
		return fmt.Errorf("campaigning: %w", err)
	}
	select {
	case <-sctx.Done():
		return sctx.Err()
	case <-time.After(takeoverDelay):
	}
	if !renewed.valid(b.now(), b.cfg.RenewDeadline) {
		return errors.New("elected but the lease was not renewed within renew_deadline")
	}
	term := uint64(election.Rev())
	b.state.setLeader(b.state.self, term)
	b.logger.Info("coordinator gained leadership", zap.Uint64("term", term))

	// Lead until the session ends or the renewal deadline passes.
	check := time.NewTicker(b.checkInterval())
	defer check.Stop()
	for {
		select {
		case <-sctx.Done():
			b.logger.Warn("coordinator lost leadership: etcd session ended", zap.Uint64("term", term))
			return nil
		case <-session.Done():
			b.logger.Warn("coordinator lost leadership: lease lost", zap.Uint64("term", term))
			return nil
		case <-check.C:
			if !renewed.valid(b.now(), b.cfg.RenewDeadline) {
				b.state.stepDown()
				b.logger.Warn("coordinator stepped down: lease not renewed within renew_deadline",
					zap.Uint64("term", term), zap.Duration("renew_deadline", b.cfg.RenewDeadline))
				return nil
			}
			if !b.state.IsLeader() {
				return nil // the leader watch saw another leader or our key gone
			}
		}
	}
}

// checkInterval is how often a leader checks its renewal deadline: small
// enough that it steps down well before its lease can expire.
func (b *etcdBackend) checkInterval() time.Duration {
	margin := (b.cfg.LeaseDuration - b.cfg.RenewDeadline) / 4
	return max(min(margin, 100*time.Millisecond), 5*time.Millisecond)
}

// renew keeps the lease alive and records when each successful renewal
// was sent; a lease the server no longer knows ends the session.
func (b *etcdBackend) renew(ctx context.Context, end context.CancelFunc, id clientv3.LeaseID, r *renewal) {
	every := min(b.cfg.RetryPeriod, b.cfg.LeaseDuration/3)
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		sent := b.now()
		rctx, cancel := context.WithTimeout(ctx, b.cfg.Etcd.RequestTimeout)
		resp, err := b.client.KeepAliveOnce(rctx, id)
		cancel()
		switch {
		case err == nil && resp.TTL > 0:
			r.renewedAt(sent)
		case errors.Is(err, context.Canceled) && ctx.Err() != nil:
			return
		case err == nil || errors.Is(err, rpctypes.ErrLeaseNotFound):
			b.logger.Warn("coordinator etcd lease is gone (expired or revoked)")
			end()
			return
		default:
			b.logger.Debug("coordinator lease renewal failed", zap.Error(err))
		}
	}
}

// heartbeat rewrites this node's member key, bound to the lease, every
// heartbeat_interval: its revisions are what others count as heartbeats.
func (b *etcdBackend) heartbeat(ctx context.Context, id clientv3.LeaseID) {
	key := b.membersPfx + b.state.self
	t := time.NewTicker(b.cfg.HeartbeatInterval)
	defer t.Stop()
	for {
		pctx, cancel := context.WithTimeout(ctx, b.cfg.Etcd.RequestTimeout)
		_, err := b.client.Put(pctx, key, b.now().UTC().Format(time.RFC3339Nano), clientv3.WithLease(id))
		cancel()
		switch {
		case err == nil:
			b.hb.sent.Add(1)
		case ctx.Err() != nil:
			return
		default:
			b.hb.missed.Add(1)
			b.logger.Debug("coordinator heartbeat failed", zap.Error(err))
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func (b *etcdBackend) revoke(id clientv3.LeaseID) {
	ctx, cancel := context.WithTimeout(context.Background(), b.cfg.Etcd.RequestTimeout)
	defer cancel()
	_, _ = b.client.Revoke(ctx, id) // best effort: otherwise it expires within lease_duration
}

// watchLeader follows the election: the oldest key under the election
// prefix is the leader and its create revision the term. Followers learn
// the leader from it; a leader that sees another key first (its own was
// revoked) steps down at once.
func (b *etcdBackend) watchLeader() {
	defer b.wg.Done()
	// Re-read every retry period as well: a missed or failed read never
	// leaves a follower without a leader for long.
	tick := time.NewTicker(b.cfg.RetryPeriod)
	defer tick.Stop()
	b.watchPrefix(b.electionPfx+"/", func(ctx context.Context) {
		gctx, cancel := context.WithTimeout(ctx, b.cfg.Etcd.RequestTimeout)
		resp, err := b.client.Get(gctx, b.electionPfx+"/", append(clientv3.WithFirstCreate(), clientv3.WithPrefix())...)
		cancel()
		if err != nil {
			return
		}
		if len(resp.Kvs) == 0 {
			b.state.clearLeader()
			if b.state.IsLeader() {
				b.state.stepDown()
			}
			return
		}
		kv := resp.Kvs[0]
		leader, term := string(kv.Value), uint64(kv.CreateRevision)
		if leader == b.state.self {
			// Our own key: the campaign sets leadership after its checks.
			if b.state.IsLeader() && b.state.Term() != term {
				b.state.stepDown()
			}
			return
		}
		if b.state.IsLeader() {
			b.state.stepDown()
		}
		b.state.setLeader(leader, term)
	}, tick.C)
}

// watchMembers follows the member keys: every new revision of a key is a
// heartbeat, a deleted key (lease expired or revoked) a failed member.
func (b *etcdBackend) watchMembers() {
	defer b.wg.Done()
	tick := time.NewTicker(b.cfg.HeartbeatInterval)
	defer tick.Stop()
	b.watchPrefix(b.membersPfx, func(ctx context.Context) {
		gctx, cancel := context.WithTimeout(ctx, b.cfg.Etcd.RequestTimeout)
		resp, err := b.client.Get(gctx, b.membersPfx, clientv3.WithPrefix())
		cancel()
		if err != nil {
			return
		}
		present := map[string]bool{}
		now := b.now()
		for _, kv := range resp.Kvs {
			id := strings.TrimPrefix(string(kv.Key), b.membersPfx)
			present[id] = true
			b.roster.heartbeat(id, strconv.FormatInt(kv.ModRevision, 10), now)
		}
		for _, m := range b.roster.members(now) {
			if !present[m.ID] {
				b.roster.gone(m.ID)
			}
		}
		b.publishMembers()
	}, tick.C)
}

// watchPrefix calls sync once its watch is established, after every watch
// event and at every tick, and re-establishes the watch when it breaks,
// until shutdown.
func (b *etcdBackend) watchPrefix(prefix string, sync func(ctx context.Context), tick <-chan time.Time) {
	for b.ctx.Err() == nil {
		// Watch first, then read: a change between the two is seen by
		// the watch, never lost in the gap.
		wctx, cancel := context.WithCancel(clientv3.WithRequireLeader(b.ctx))
		events := b.client.Watch(wctx, prefix, clientv3.WithPrefix())
		sync(b.ctx)
	watching:
		for {
			select {
			case <-b.ctx.Done():
				break watching
			case <-tick:
				sync(b.ctx)
			case resp, ok := <-events:
				if !ok || resp.Err() != nil {
					break watching
				}
				sync(b.ctx)
			}
		}
		cancel()
		select {
		case <-b.ctx.Done():
		case <-time.After(b.cfg.RetryPeriod):
		}
	}
}

// renewal is when the last successful lease renewal was sent.
type renewal struct {
	mu   sync.Mutex
	sent time.Time
}

func newRenewal(sent time.Time) *renewal { return &renewal{sent: sent} }

func (r *renewal) renewedAt(sent time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if sent.After(r.sent) {
		r.sent = sent
	}
}

// valid reports whether the lease was renewed within deadline of now.
func (r *renewal) valid(now time.Time, deadline time.Duration) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return now.Sub(r.sent) < deadline
}
