package coordinatorextension

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sync"
	"time"

	"go.uber.org/zap"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	rl "k8s.io/client-go/tools/leaderelection/resourcelock"
)

// errLockClosed refuses a renewal that races with shutdown.
var errLockClosed = errors.New("coordinator is shutting down")

// fencedLock wraps client-go's LeaseLock. Every election record that goes
// through it (read or written) drives the shared state, so that:
//
//   - the leader is leader only from a successful acquisition until
//     RenewDeadline after the start of its last successful renewal
//     (measured on its own clock, independently of client-go's loops), and
//     steps down before it writes a release;
//   - followers learn the leader and the term from the records they read,
//     and forget a leader whose record has not changed for its lease
//     duration (on their own clock, from when they saw it change);
//   - the fencing term (LeaderTransitions+1) grows with every acquisition,
//     including this node re-acquiring a lease that still names it, which
//     client-go alone would renew under the old count.
//
// client-go calls Get/Create/Update from one goroutine; the heartbeat loop
// calls refresh; mu orders every state change.
type fencedLock struct {
	inner         *rl.LeaseLock
	state         *state
	logger        *zap.Logger
	now           func() time.Time
	renewDeadline time.Duration
	leaseSeconds  int           // the lease duration written, whole seconds rounded up
	reqTimeout    time.Duration // bounds one request

	mu          sync.Mutex
	observed    rl.LeaderElectionRecord // the latest record read or written
	hasObserved bool
	observedAt  time.Time // local time the observed record was first seen
	leading     bool
	mine        rl.LeaderElectionRecord // the record of this node's current leadership
	deadline    time.Time               // leading ends then unless renewed
	gen         uint64                  // bumped by every step-down
	timer       *time.Timer
	closed      bool
}

var _ rl.Interface = (*fencedLock)(nil)

// leaseSeconds is d in whole seconds, rounded up: a Lease records whole
// seconds and a shorter recorded duration would let followers take over
// before the leader steps down.
func leaseSeconds(d time.Duration) int {
	return int(math.Ceil(d.Seconds()))
}

func (l *fencedLock) Identity() string     { return l.inner.Identity() }
func (l *fencedLock) Describe() string     { return l.inner.Describe() }
func (l *fencedLock) RecordEvent(s string) { l.inner.RecordEvent(s) }

// Get reads the record: followers learn the leader and term from it.
func (l *fencedLock) Get(ctx context.Context) (*rl.LeaderElectionRecord, []byte, error) {
	ctx, cancel := context.WithTimeout(ctx, l.reqTimeout)
	defer cancel()
	rec, raw, err := l.inner.Get(ctx)
	l.mu.Lock()
	defer l.mu.Unlock()
	if err != nil {
		l.followLocked(l.now())
		return nil, nil, err
	}
	l.observeLocked(*rec, l.now())
	// client-go measures a lease from when it sees raw change; raw is JSON
	// with times in whole seconds, so renewals within one second would
	// look alike and a follower would take an unexpired lease. Make every
	// renewal show.
	raw = fmt.Appendf(raw, "|%s|%s", rec.RenewTime.UTC().Format(time.RFC3339Nano),
		rec.AcquireTime.UTC().Format(time.RFC3339Nano))
	return rec, raw, nil
}

// Create writes the first record.
func (l *fencedLock) Create(ctx context.Context, ler rl.LeaderElectionRecord) error {
	return l.write(ctx, ler, l.inner.Create)
}

// Update renews, acquires or releases.
func (l *fencedLock) Update(ctx context.Context, ler rl.LeaderElectionRecord) error {
	return l.write(ctx, ler, l.inner.Update)
}

func (l *fencedLock) write(ctx context.Context, ler rl.LeaderElectionRecord,
	do func(context.Context, rl.LeaderElectionRecord) error,
) error {
	start := l.now()
	self := l.inner.Identity()

	l.mu.Lock()
	if ler.HolderIdentity != self {
		// A release (holder ""): stop acting as leader before anyone can
		// take over.
		l.stepDownLocked("releasing the leader lease")
		if l.hasObserved && ler.LeaderTransitions < l.observed.LeaderTransitions {
			ler.LeaderTransitions = l.observed.LeaderTransitions
		}
	} else {
		if l.closed {
			l.mu.Unlock()
			return errLockClosed
		}
		ler.LeaseDurationSeconds = l.leaseSeconds
		if l.leading {
			// A renewal: keep this leadership's acquisition and term
			// (client-go copies them from its own view, which does not
			// include what this lock changed).
			ler.AcquireTime = l.mine.AcquireTime
			ler.LeaderTransitions = l.mine.LeaderTransitions
		} else {
			// A new acquisition, even when the record still names this node:
			// a greater term than any record or term seen.
			if l.hasObserved && ler.LeaderTransitions <= l.observed.LeaderTransitions {
				ler.LeaderTransitions = l.observed.LeaderTransitions + 1
			}
			if t := l.state.Term(); t > 0 && uint64(ler.LeaderTransitions) < t {
				ler.LeaderTransitions = int(t) // term = transitions+1 > t
			}
			ler.AcquireTime = metav1.NewTime(start)
		}
	}
	wasLeading, gen := l.leading, l.gen
	l.mu.Unlock()

	ctx, cancel := context.WithTimeout(ctx, l.reqTimeout)
	defer cancel()
	err := do(ctx, ler)

	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	if err != nil {
		l.followLocked(now)
		return err
	}
	if ler.HolderIdentity == self && !l.closed && (!wasLeading || gen == l.gen) {
		// Written as leader. A renewal that raced with a step-down does not
		// restore the leadership: the next write is a new acquisition.
		l.leadLocked(ler, start.Add(l.renewDeadline), now)
	}
	l.observeLocked(ler, now)
	return nil
}

// leadLocked records a successful acquisition or renewal whose request
// started at deadline-RenewDeadline.
func (l *fencedLock) leadLocked(rec rl.LeaderElectionRecord, deadline, now time.Time) {
	remaining := deadline.Sub(now)
	if remaining <= 0 {
		l.stepDownLocked("the lease write took longer than renew_deadline")
		return
	}
	l.mine, l.deadline = rec, deadline
	if l.timer == nil {
		l.timer = time.AfterFunc(remaining, l.watchdog)
	} else {
		l.timer.Reset(remaining)
	}
	if !l.leading {
		l.leading = true
		term := uint64(rec.LeaderTransitions) + 1
		l.state.setLeader(l.inner.Identity(), term)
		l.logger.Info("coordinator: this node leads", zap.Uint64("term", term), zap.String("lease", l.inner.Describe()))
	}
}

// watchdog steps down once RenewDeadline has passed since the start of the
// last successful renewal.
func (l *fencedLock) watchdog() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.leading || l.timer == nil {
		return
	}
	if remaining := l.deadline.Sub(l.now()); remaining > 0 {
		l.timer.Reset(remaining)
		return
	}
	l.stepDownLocked("no successful renewal within renew_deadline")
}

func (l *fencedLock) stepDownLocked(why string) {
	if !l.leading {
		return
	}
	l.leading = false
	l.gen++
	if l.timer != nil {
		l.timer.Stop()
	}
	l.state.stepDown()
	l.logger.Info("coordinator: this node stepped down", zap.String("reason", why),
		zap.Uint64("term", uint64(l.mine.LeaderTransitions)+1))
}

// observeLocked records a record read or written at now.
func (l *fencedLock) observeLocked(rec rl.LeaderElectionRecord, now time.Time) {
	if !l.hasObserved || !sameRecord(l.observed, rec) {
		l.observed, l.observedAt, l.hasObserved = rec, now, true
	}
	if l.leading && rec.HolderIdentity != l.inner.Identity() {
		l.stepDownLocked("the lease names " + rec.HolderIdentity)
	}
	l.followLocked(now)
}

// followLocked tells the state, on a follower, who leads according to the
// last record seen, and forgets a leader whose lease ran out.
func (l *fencedLock) followLocked(now time.Time) {
	if l.leading || !l.hasObserved {
		return
	}
	o := l.observed
	if o.HolderIdentity == "" || o.HolderIdentity == l.inner.Identity() {
		// Released, or a stale record of this node's own past leadership.
		l.state.clearLeader()
		return
	}
	if now.Before(l.observedAt.Add(time.Duration(o.LeaseDurationSeconds) * time.Second)) {
		l.state.setLeader(o.HolderIdentity, uint64(o.LeaderTransitions)+1)
		return
	}
	l.state.clearLeader()
}

// refresh re-evaluates a follower's view (called each heartbeat).
func (l *fencedLock) refresh() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.followLocked(l.now())
}

// stopped is client-go's OnStoppedLeading.
func (l *fencedLock) stopped() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.stepDownLocked("leader election stopped")
}

// close steps down for good: no later write claims leadership.
func (l *fencedLock) close() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.closed = true
	l.stepDownLocked("shutting down")
	if l.timer != nil {
		l.timer.Stop()
	}
}

func sameRecord(a, b rl.LeaderElectionRecord) bool {
	return a.HolderIdentity == b.HolderIdentity && a.LeaderTransitions == b.LeaderTransitions &&
		a.LeaseDurationSeconds == b.LeaseDurationSeconds && a.AcquireTime.Equal(&b.AcquireTime) &&
		a.RenewTime.Equal(&b.RenewTime)
}
