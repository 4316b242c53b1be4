package notify

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/otelcol-chaos/otelcol-chaos/exporter/alertexporter/config"
)

func retryableErr(after time.Duration) error {
	return &DeliveryError{Retryable: true, RetryAfter: after, StatusCode: http.StatusServiceUnavailable, Err: errors.New("unavailable")}
}

// TestDeliverHonoursRetryAfter runs on the wall clock against a real
// server: a 429 with Retry-After: 1, then 200. The second attempt must come
// at least a second after the first, although the backoff alone says 10ms.
func TestDeliverHonoursRetryAfter(t *testing.T) {
	var mu sync.Mutex
	var hits []time.Time
	srv := newCaptureServer(t, func(w http.ResponseWriter, _ *http.Request, i int) {
		mu.Lock()
		hits = append(hits, time.Now())
		mu.Unlock()
		if i == 0 {
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		w.WriteHeader(http.StatusOK)
	})
	sink := newResultSink()
	d := newTestDeliverer(t, []Handler{newWebhook(t, srv.URL, nil)}, fastRetry(), 10, nil, sink)

	n := firingNotification("webhook")
	require.True(t, d.Enqueue(n))
	r := sink.next(t)
	require.NoError(t, r.err)
	require.Equal(t, 2, r.attempts, "delivered on the second attempt")
	require.Same(t, n, r.n)
	require.Equal(t, "webhook", r.handler)

	mu.Lock()
	defer mu.Unlock()
	require.Len(t, hits, 2)
	require.GreaterOrEqual(t, hits[1].Sub(hits[0]), time.Second, "Retry-After: 1 honoured")
}

func TestDeliverPermanentErrorGivesUpAfterOneAttempt(t *testing.T) {
	srv := newCaptureServer(t, status(http.StatusBadRequest, ""))
	sink := newResultSink()
	d := newTestDeliverer(t, []Handler{newWebhook(t, srv.URL, nil)}, fastRetry(), 10, nil, sink)

	require.True(t, d.Enqueue(firingNotification("webhook")))
	r := sink.next(t)
	require.Equal(t, 1, r.attempts)
	var de *DeliveryError
	require.ErrorAs(t, r.err, &de)
	require.Equal(t, http.StatusBadRequest, de.StatusCode)
	require.False(t, de.Retryable)
	require.NotErrorIs(t, r.err, ErrRetriesExhausted)
	require.Len(t, srv.requests(), 1)
}

// TestDeliverWaitSchedule checks the exact waits on a fake clock: the
// backoff, stretched to Retry-After when the server asks for longer.
func TestDeliverWaitSchedule(t *testing.T) {
	errs := []error{
		retryableErr(0),                // backoff 1s
		retryableErr(10 * time.Second), // backoff 2s < Retry-After 10s
		retryableErr(time.Second),      // backoff 4s > Retry-After 1s
		errors.New("unclassified"),     // retried: backoff 8s
		nil,
	}
	var calls atomic.Int32
	h := &funcHandler{name: "h", fn: func(context.Context, *Notification) error {
		return errs[calls.Add(1)-1]
	}}
	clock := newFakeClock()
	sink := newResultSink()
	d := newTestDeliverer(t, []Handler{h}, config.NewDefaultBackoffConfig(), 10, clock, sink)

	require.True(t, d.Enqueue(&Notification{Receiver: "h"}))
	r := sink.next(t)
	require.NoError(t, r.err)
	require.Equal(t, 5, r.attempts)
	require.Equal(t, []time.Duration{time.Second, 10 * time.Second, 4 * time.Second, 8 * time.Second}, clock.recorded())
}

func TestDeliverGivesUpAtMaxElapsedTime(t *testing.T) {
	var calls atomic.Int32
	h := &funcHandler{name: "h", fn: func(context.Context, *Notification) error {
		calls.Add(1)
		return retryableErr(0)
	}}
	retry := config.NewDefaultBackoffConfig()
	retry.MaxElapsedTime = 10 * time.Second
	clock := newFakeClock()
	sink := newResultSink()
	d := newTestDeliverer(t, []Handler{h}, retry, 10, clock, sink)

	require.True(t, d.Enqueue(&Notification{Receiver: "h"}))
	r := sink.next(t)
	// Attempts at t=0, 1s, 3s, 7s; the next wait (8s) would end at 15s > 10s.
	require.Equal(t, 4, r.attempts)
	require.Equal(t, int32(4), calls.Load())
	require.Equal(t, []time.Duration{time.Second, 2 * time.Second, 4 * time.Second}, clock.recorded())
	require.ErrorIs(t, r.err, ErrRetriesExhausted)
	var de *DeliveryError
	require.ErrorAs(t, r.err, &de, "the last attempt's error is kept")
	require.Contains(t, r.err.Error(), "after 4 attempts")
}

func TestDeliverRetryAfterBeyondMaxElapsedTimeGivesUp(t *testing.T) {
	h := &funcHandler{name: "h", fn: func(context.Context, *Notification) error {
		return retryableErr(time.Hour)
	}}
	clock := newFakeClock()
	sink := newResultSink()
	d := newTestDeliverer(t, []Handler{h}, config.NewDefaultBackoffConfig(), 10, clock, sink)

	require.True(t, d.Enqueue(&Notification{Receiver: "h"}))
	r := sink.next(t)
	require.Equal(t, 1, r.attempts)
	require.ErrorIs(t, r.err, ErrRetriesExhausted)
	require.Empty(t, clock.recorded(), "never waits past max_elapsed_time")
}

func TestDeliverRetryDisabled(t *testing.T) {
	h := &funcHandler{name: "h", fn: func(context.Context, *Notification) error { return retryableErr(0) }}
	sink := newResultSink()
	d := newTestDeliverer(t, []Handler{h}, BackoffConfig{Enabled: false}, 10, newFakeClock(), sink)
	require.True(t, d.Enqueue(&Notification{Receiver: "h"}))
	r := sink.next(t)
	require.Equal(t, 1, r.attempts)
	require.True(t, IsRetryable(r.err))
	require.NotErrorIs(t, r.err, ErrRetriesExhausted)
}

func TestDeliverHandlerPanicIsPermanent(t *testing.T) {
	h := &funcHandler{name: "h", fn: func(context.Context, *Notification) error { panic("bug") }}
	sink := newResultSink()
	d := newTestDeliverer(t, []Handler{h}, fastRetry(), 10, nil, sink)
	require.True(t, d.Enqueue(&Notification{Receiver: "h"}))
	r := sink.next(t)
	require.Equal(t, 1, r.attempts)
	require.ErrorContains(t, r.err, "handler panicked: bug")
	require.False(t, IsRetryable(r.err))

	require.True(t, d.Enqueue(&Notification{Receiver: "h"}), "the worker survived")
	require.Equal(t, 1, sink.next(t).attempts)
}

func TestDeliverInQueueOrder(t *testing.T) {
	var mu sync.Mutex
	var order []string
	h := &funcHandler{name: "h", fn: func(_ context.Context, n *Notification) error {
		mu.Lock()
		order = append(order, n.GroupKey)
		mu.Unlock()
		return nil
	}}
	sink := newResultSink()
	d := newTestDeliverer(t, []Handler{h}, fastRetry(), 10, nil, sink)
	for _, k := range []string{"a", "b", "c"} {
		require.True(t, d.Enqueue(&Notification{Receiver: "h", GroupKey: k}))
	}
	for range 3 {
		require.NoError(t, sink.next(t).err)
	}
	mu.Lock()
	defer mu.Unlock()
	require.Equal(t, []string{"a", "b", "c"}, order)
}

// TestSlowHandlerDoesNotBlockOthers: one webhook server hangs; another
// handler's notification, enqueued after, is delivered while the first is
// still stuck, and Shutdown hands the stuck one back.
func TestSlowHandlerDoesNotBlockOthers(t *testing.T) {
	slowGot := make(chan struct{})
	release := make(chan struct{})
	var slowReturned atomic.Bool
	slow := newCaptureServer(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		defer slowReturned.Store(true)
		close(slowGot)
		select {
		case <-r.Context().Done(): // the client gave up (Shutdown)
		case <-release:
		}
		w.WriteHeader(http.StatusOK)
	})
	t.Cleanup(func() { close(release) }) // before slow.Close (cleanups run LIFO)
	fast := newCaptureServer(t, nil)

	slowCfg := config.NewDefaultWebhookConfig()
	slowCfg.ClientConfig.Endpoint = slow.URL
	slowCfg.ClientConfig.Timeout = 0 // hang for as long as the server does
	slowH, err := NewWebhookHandler(context.Background(), "slow", &slowCfg, nopHost(), nopSettings())
	require.NoError(t, err)
	fastCfg := config.NewDefaultWebhookConfig()
	fastCfg.ClientConfig.Endpoint = fast.URL
	fastH, err := NewWebhookHandler(context.Background(), "fast", &fastCfg, nopHost(), nopSettings())
	require.NoError(t, err)

	sink := newResultSink()
	cfg := config.NewDefaultDeliveryConfig()
	cfg.Retry = fastRetry()
	d, err := NewDeliverer([]Handler{slowH, fastH}, DelivererSettings{Config: cfg, OnResult: sink.onResult})
	require.NoError(t, err)
	t.Cleanup(func() { _, _ = d.Shutdown(context.Background()) }) // if an assertion fails early

	stuck := firingNotification("slow")
	require.True(t, d.Enqueue(stuck))
	<-slowGot

	require.True(t, d.Enqueue(firingNotification("fast")))
	r := sink.next(t)
	require.Equal(t, "fast", r.handler)
	require.NoError(t, r.err)
	require.Len(t, fast.requests(), 1)
	require.False(t, slowReturned.Load(), "the slow server is still holding its request")
	require.True(t, d.Stats()["slow"].InFlight)

	undelivered, err := d.Shutdown(context.Background())
	require.NoError(t, err)
	require.Equal(t, []*Notification{stuck}, undelivered)
	sink.none(t) // a notification cut short by Shutdown is returned, not reported
}

// blockingHandler blocks every Notify until released or cancelled and
// signals each start.
func blockingHandler(name string, started chan<- *Notification, release <-chan struct{}) *funcHandler {
	return &funcHandler{name: name, fn: func(ctx context.Context, n *Notification) error {
		started <- n
		select {
		case <-release:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}}
}

func TestEnqueueQueueFullAndShutdownReturnsUndelivered(t *testing.T) {
	started := make(chan *Notification, 10)
	release := make(chan struct{})
	defer close(release)
	sink := newResultSink()
	d := newTestDeliverer(t, []Handler{blockingHandler("h", started, release)}, fastRetry(), 2, nil, sink)

	n1 := &Notification{Receiver: "h", GroupKey: "1"}
	n2 := &Notification{Receiver: "h", GroupKey: "2"}
	n3 := &Notification{Receiver: "h", GroupKey: "3"}
	n4 := &Notification{Receiver: "h", GroupKey: "4"}
	require.True(t, d.Enqueue(n1))
	require.Same(t, n1, <-started) // n1 in flight, queue empty
	require.True(t, d.Enqueue(n2))
	require.True(t, d.Enqueue(n3))
	require.False(t, d.Enqueue(n4), "queue of 2 is full")
	require.Equal(t, QueueStats{Queued: 2, Capacity: 2, Dropped: 1, InFlight: true}, d.Stats()["h"])

	undelivered, err := d.Shutdown(context.Background())
	require.NoError(t, err)
	require.Equal(t, []*Notification{n1, n2, n3}, undelivered, "in-flight first, then the queue in order")
	sink.none(t)

	require.False(t, d.Enqueue(&Notification{Receiver: "h"}), "closed")
	again, err := d.Shutdown(context.Background())
	require.NoError(t, err)
	require.Empty(t, again, "Shutdown is idempotent")
}

func TestShutdownDuringRetryWait(t *testing.T) {
	attempted := make(chan struct{}, 1)
	h := &funcHandler{name: "h", fn: func(context.Context, *Notification) error {
		attempted <- struct{}{}
		return retryableErr(0)
	}}
	clock := newFakeClock()
	clock.hold = true // the retry timer never fires
	sink := newResultSink()
	d := newTestDeliverer(t, []Handler{h}, config.NewDefaultBackoffConfig(), 10, clock, sink)

	n := &Notification{Receiver: "h"}
	require.True(t, d.Enqueue(n))
	<-attempted
	require.Eventually(t, func() bool { return len(clock.recorded()) == 1 }, 5*time.Second, time.Millisecond)

	undelivered, err := d.Shutdown(context.Background())
	require.NoError(t, err)
	require.Equal(t, []*Notification{n}, undelivered)
	sink.none(t)
}

func TestShutdownTimesOutOnAHandlerIgnoringCancellation(t *testing.T) {
	started := make(chan *Notification, 1)
	release := make(chan struct{})
	h := &funcHandler{name: "h", fn: func(_ context.Context, n *Notification) error {
		started <- n
		<-release // ignores ctx
		return nil
	}}
	d := newTestDeliverer(t, []Handler{h}, fastRetry(), 10, nil, nil)
	n := &Notification{Receiver: "h"}
	require.True(t, d.Enqueue(n))
	<-started

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	undelivered, err := d.Shutdown(ctx)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	require.Equal(t, []*Notification{n}, undelivered)
	close(release) // let the worker finish so no goroutine leaks
	d.wg.Wait()
}

func TestEnqueueRoutesByReceiver(t *testing.T) {
	sink := newResultSink()
	ok := func(name string) *funcHandler {
		return &funcHandler{name: name, fn: func(context.Context, *Notification) error { return nil }}
	}
	d := newTestDeliverer(t, []Handler{ok("a"), ok("b")}, fastRetry(), 10, nil, sink)
	require.Equal(t, []string{"a", "b"}, d.Handlers())

	require.True(t, d.Enqueue(&Notification{Receiver: "b"}))
	require.Equal(t, "b", sink.next(t).handler)
	require.False(t, d.Enqueue(&Notification{Receiver: "nobody"}), "unknown receiver")
	require.False(t, d.Enqueue(nil))
}

type closingHandler struct {
	funcHandler
	closed atomic.Bool
}

func (h *closingHandler) Close() error {
	h.closed.Store(true)
	return nil
}

func TestShutdownClosesHandlers(t *testing.T) {
	h := &closingHandler{funcHandler: funcHandler{name: "h", fn: func(context.Context, *Notification) error { return nil }}}
	d, err := NewDeliverer([]Handler{h}, DelivererSettings{Config: config.NewDefaultDeliveryConfig()})
	require.NoError(t, err)
	_, err = d.Shutdown(context.Background())
	require.NoError(t, err)
	require.True(t, h.closed.Load())
}

func TestNewDelivererErrors(t *testing.T) {
	h := func(name string) Handler {
		return &funcHandler{name: name, fn: func(context.Context, *Notification) error { return nil }}
	}
	_, err := NewDeliverer([]Handler{h("a"), h("a")}, DelivererSettings{Config: config.NewDefaultDeliveryConfig()})
	require.ErrorContains(t, err, `duplicate handler name "a"`)
	_, err = NewDeliverer([]Handler{h("")}, DelivererSettings{Config: config.NewDefaultDeliveryConfig()})
	require.ErrorContains(t, err, "empty name")
	_, err = NewDeliverer(nil, DelivererSettings{Config: DeliveryConfig{QueueSize: 0}})
	require.ErrorContains(t, err, "queue_size")
}
