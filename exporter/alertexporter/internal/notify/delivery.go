package notify // import "github.com/otelcol-chaos/otelcol-chaos/exporter/alertexporter/internal/notify"

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"sync/atomic"

	"go.uber.org/zap"
)

// ErrRetriesExhausted marks a notification abandoned because its next
// attempt would have fallen beyond max_elapsed_time. The error reported to
// OnResult wraps both it and the last attempt's error.
var ErrRetriesExhausted = errors.New("retries exhausted")

// ResultFunc receives the outcome of each notification: err is nil when it
// was delivered, else the last attempt's error (a permanent *DeliveryError,
// or one wrapping ErrRetriesExhausted). attempts counts the Notify calls.
// It runs on the handler's worker goroutine, so it must not block for long
// and must not call the Deliverer's Shutdown.
type ResultFunc func(handler string, n *Notification, err error, attempts int)

// DelivererSettings are a Deliverer's configuration and collaborators.
type DelivererSettings struct {
	Config DeliveryConfig
	// OnResult is told every outcome except notifications cut short by
	// Shutdown (those are returned by Shutdown instead). Optional.
	OnResult ResultFunc
	// Logger logs retries (debug) and abandoned notifications (warn).
	// Optional.
	Logger *zap.Logger
	// Clock times the retries. Optional: the wall clock.
	Clock Clock
}

// QueueStats is one handler's queue, for telemetry.
type QueueStats struct {
	Queued   int    // waiting, not counting the one in flight
	Capacity int    // queue_size
	Dropped  uint64 // refused by Enqueue because the queue was full
	InFlight bool   // a notification is being sent or waiting for a retry
}

// Deliverer sends notifications through their handlers. Each handler has its
// own bounded queue and its own worker goroutine, so a handler that is slow,
// retrying or down delays only its own notifications: never the other
// handlers, and never the caller, whose Enqueue returns at once.
type Deliverer struct {
	cfg      DeliveryConfig
	onResult ResultFunc
	logger   *zap.Logger
	clock    Clock

	workers map[string]*worker
	order   []*worker // handler order, for Shutdown's result

	mu     sync.RWMutex // guards closed against Enqueue
	closed bool
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

type worker struct {
	h       Handler
	queue   chan *Notification
	dropped atomic.Uint64

	mu       sync.Mutex
	inflight *Notification
}

// NewDeliverer starts one worker per handler. Handler names must be unique
// and non-empty: a notification is routed by its Receiver.
func NewDeliverer(handlers []Handler, set DelivererSettings) (*Deliverer, error) {
	if err := set.Config.Validate(); err != nil {
		return nil, err
	}
	d := &Deliverer{
		cfg:      set.Config,
		onResult: set.OnResult,
		logger:   set.Logger,
		clock:    set.Clock,
		workers:  make(map[string]*worker, len(handlers)),
	}
	if d.onResult == nil {
		d.onResult = func(string, *Notification, error, int) {}
	}
	if d.logger == nil {
		d.logger = zap.NewNop()
	}
	if d.clock == nil {
		d.clock = realClock{}
	}
	for _, h := range handlers {
		name := h.Name()
		if name == "" {
			return nil, errors.New("handler with an empty name")
		}
		if _, dup := d.workers[name]; dup {
			return nil, fmt.Errorf("duplicate handler name %q", name)
		}
		w := &worker{h: h, queue: make(chan *Notification, d.cfg.QueueSize)}
		d.workers[name] = w
		d.order = append(d.order, w)
	}
	ctx, cancel := context.WithCancel(context.Background())
	d.cancel = cancel
	for _, w := range d.order {
		d.wg.Add(1)
		go d.run(ctx, w)
	}
	return d, nil
}

// Handlers returns the handler names, in the order given to NewDeliverer.
func (d *Deliverer) Handlers() []string {
	names := make([]string, len(d.order))
	for i, w := range d.order {
		names[i] = w.h.Name()
	}
	return names
}

// Enqueue queues n for the handler named n.Receiver and returns at once.
// It returns false, without blocking, when that handler's queue is full
// (counted in QueueStats.Dropped), when no handler has that name, or after
// Shutdown. The Deliverer owns n from then on: the caller must not modify it.
func (d *Deliverer) Enqueue(n *Notification) bool {
	if n == nil {
		return false
	}
	d.mu.RLock()
	defer d.mu.RUnlock()
	if d.closed {
		return false
	}
	w, ok := d.workers[n.Receiver]
	if !ok {
		d.logger.Warn("Notification for an unknown handler dropped", zap.String("receiver", n.Receiver))
		return false
	}
	select {
	case w.queue <- n:
		return true
	default:
		w.dropped.Add(1)
		return false
	}
}

// Stats returns each handler's queue state, by handler name.
func (d *Deliverer) Stats() map[string]QueueStats {
	out := make(map[string]QueueStats, len(d.order))
	for _, w := range d.order {
		w.mu.Lock()
		inflight := w.inflight != nil
		w.mu.Unlock()
		out[w.h.Name()] = QueueStats{
			Queued:   len(w.queue),
			Capacity: cap(w.queue),
			Dropped:  w.dropped.Load(),
			InFlight: inflight,
		}
	}
	return out
}

// Shutdown stops the workers at once (an attempt in progress is cancelled
// through its context, a retry wait is cut short), closes the handlers that
// implement io.Closer, and returns the notifications not delivered — the
// one each worker was on, then those still queued, handler by handler — so
// the caller can persist them and enqueue them again after a restart or on
// the next leader. If ctx ends before a handler honours the cancellation,
// Shutdown returns with ctx's error and that handler's notification is
// returned too, although it may still get through.
func (d *Deliverer) Shutdown(ctx context.Context) ([]*Notification, error) {
	d.mu.Lock()
	if d.closed {
		d.mu.Unlock()
		return nil, nil
	}
	d.closed = true
	d.mu.Unlock()

	d.cancel()
	done := make(chan struct{})
	go func() {
		d.wg.Wait()
		close(done)
	}()
	var err error
	select {
	case <-done:
	case <-ctx.Done():
		err = fmt.Errorf("handlers still busy at shutdown: %w", ctx.Err())
	}

	var undelivered []*Notification
	for _, w := range d.order {
		w.mu.Lock()
		if w.inflight != nil {
			undelivered = append(undelivered, w.inflight)
			w.inflight = nil
		}
		w.mu.Unlock()
		undelivered = append(undelivered, drain(w.queue)...)
		if c, ok := w.h.(io.Closer); ok {
			if cerr := c.Close(); cerr != nil {
				err = errors.Join(err, fmt.Errorf("closing handler %q: %w", w.h.Name(), cerr))
			}
		}
	}
	return undelivered, err
}

func drain(q chan *Notification) []*Notification {
	var out []*Notification
	for {
		select {
		case n := <-q:
			out = append(out, n)
		default:
			return out
		}
	}
}

// run is a handler's worker: one notification at a time, in queue order.
func (d *Deliverer) run(ctx context.Context, w *worker) {
	defer d.wg.Done()
	for {
		select {
		case <-ctx.Done():
			return
		case n := <-w.queue:
			w.mu.Lock()
			w.inflight = n
			w.mu.Unlock()
			// Both cases of the select may have been ready: never start a
			// delivery once shutdown has begun.
			if ctx.Err() != nil || !d.deliver(ctx, w, n) {
				return // cancelled: n stays in flight for Shutdown to return
			}
			w.mu.Lock()
			w.inflight = nil
			w.mu.Unlock()
		}
	}
}

// deliver tries n until it is delivered, fails permanently or runs out of
// time, and reports the outcome. It returns false, without reporting, when
// shutdown cut it short.
func (d *Deliverer) deliver(ctx context.Context, w *worker, n *Notification) bool {
	name := w.h.Name()
	retry := d.cfg.Retry
	start := d.clock.Now()
	b := newBackoff(retry)
	for attempt := 1; ; attempt++ {
		err := attemptNotify(ctx, w.h, n)
		if err == nil {
			d.onResult(name, n, nil, attempt)
			return true
		}
		if ctx.Err() != nil {
			return false
		}
		if !retry.Enabled || !IsRetryable(err) {
			d.giveUp(name, n, err, attempt)
			return true
		}
		// Wait as long as the backoff says, or longer if the server asked
		// for longer; but never schedule an attempt past max_elapsed_time.
		wait := max(b.next(), retryAfter(err))
		if retry.MaxElapsedTime > 0 && d.clock.Now().Sub(start)+wait > retry.MaxElapsedTime {
			d.giveUp(name, n, fmt.Errorf("%w after %d attempts: %w", ErrRetriesExhausted, attempt, err), attempt)
			return true
		}
		d.logger.Debug("Notification failed, will retry",
			zap.String("handler", name), zap.String("group_key", n.GroupKey),
			zap.Int("attempt", attempt), zap.Duration("wait", wait), zap.Error(err))
		t := d.clock.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return false
		case <-t.C():
		}
	}
}

func (d *Deliverer) giveUp(name string, n *Notification, err error, attempts int) {
	d.logger.Warn("Notification not delivered",
		zap.String("handler", name), zap.String("group_key", n.GroupKey),
		zap.Int("attempts", attempts), zap.Error(err))
	d.onResult(name, n, err, attempts)
}

// attemptNotify calls the handler once, turning a panic into a permanent
// error: a buggy handler must not take the collector down.
func attemptNotify(ctx context.Context, h Handler, n *Notification) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = permanent(fmt.Errorf("handler panicked: %v", r))
		}
	}()
	return h.Notify(ctx, n)
}
