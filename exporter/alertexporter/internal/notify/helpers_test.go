package notify

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/component/componenttest"

	"github.com/otelcol-chaos/otelcol-chaos/exporter/alertexporter/config"
)

// -update rewrites the golden payloads from the current output; review the
// diff before committing it.
var update = flag.Bool("update", false, "rewrite testdata golden files")

var (
	t0 = time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	t1 = t0.Add(7 * time.Minute)
)

const testRoutingKey = "0123456789abcdef0123456789abcdef" // 32 characters

func firingAlerts() []Alert {
	return []Alert{
		{
			Fingerprint:  "a1b2c3d4e5f60718",
			Labels:       map[string]string{"alertname": "HighLatency", "severity": "critical", "service": "checkout", "endpoint": "/pay"},
			Annotations:  map[string]string{"summary": "p99 latency 2.4s on /pay", "description": "p99 above 1s for 5m"},
			StartsAt:     t0,
			GeneratorURL: "http://collector.example:8080/rules/high_latency?scope=checkout&x=1",
		},
		{
			Fingerprint:  "0f1e2d3c4b5a6978",
			Labels:       map[string]string{"alertname": "HighLatency", "severity": "warning", "service": "checkout", "endpoint": "/cart"},
			Annotations:  map[string]string{"summary": "p99 latency 1.2s on /cart", "description": "p99 above 1s for 5m"},
			StartsAt:     t0.Add(30 * time.Second),
			GeneratorURL: "http://collector.example:8080/rules/high_latency?scope=checkout&x=1",
		},
	}
}

// firingNotification is a group of two firing alerts of one rule.
func firingNotification(receiver string) *Notification {
	return &Notification{
		Receiver:    receiver,
		GroupKey:    `{}:{alertname="HighLatency", service="checkout"}`,
		GroupLabels: map[string]string{"alertname": "HighLatency", "service": "checkout"},
		Alerts:      firingAlerts(),
		Term:        7,
		Sender:      "node-a",
		ExternalURL: "http://collector.example:8080/alerts",
	}
}

// resolvedNotification is the same group after both alerts resolved.
func resolvedNotification(receiver string) *Notification {
	n := firingNotification(receiver)
	for i := range n.Alerts {
		n.Alerts[i].EndsAt = t1
	}
	return n
}

// mixedNotification has the first alert resolved and the second firing.
func mixedNotification(receiver string) *Notification {
	n := firingNotification(receiver)
	n.Alerts[0].EndsAt = t1
	return n
}

// captured is one request a capture server received.
type captured struct {
	Method string
	Path   string
	Header http.Header
	Body   []byte
}

// captureServer is a loopback HTTP server that records every request and
// answers with respond (200 when nil).
type captureServer struct {
	*httptest.Server
	mu   sync.Mutex
	reqs []captured
}

func newCaptureServer(t *testing.T, respond func(w http.ResponseWriter, r *http.Request, i int)) *captureServer {
	t.Helper()
	cs := &captureServer{}
	cs.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		cs.mu.Lock()
		i := len(cs.reqs)
		cs.reqs = append(cs.reqs, captured{Method: r.Method, Path: r.URL.Path, Header: r.Header.Clone(), Body: body})
		cs.mu.Unlock()
		if respond != nil {
			respond(w, r, i)
			return
		}
		w.WriteHeader(http.StatusOK)
	}))
	t.Cleanup(cs.Close)
	return cs
}

func (cs *captureServer) requests() []captured {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	return append([]captured(nil), cs.reqs...)
}

func (cs *captureServer) only(t *testing.T) captured {
	t.Helper()
	reqs := cs.requests()
	require.Len(t, reqs, 1)
	return reqs[0]
}

// status answers every request with code (and Retry-After when set).
func status(code int, retryAfterHdr string) func(http.ResponseWriter, *http.Request, int) {
	return func(w http.ResponseWriter, _ *http.Request, _ int) {
		if retryAfterHdr != "" {
			w.Header().Set("Retry-After", retryAfterHdr)
		}
		w.WriteHeader(code)
	}
}

// assertGolden compares a JSON body with testdata/name: same JSON value
// (key order and white space aside), or rewrites the file with -update.
func assertGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		var b bytes.Buffer
		require.NoError(t, json.Indent(&b, got, "", "  "))
		b.WriteByte('\n')
		require.NoError(t, os.WriteFile(path, b.Bytes(), 0o600))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err)
	require.JSONEq(t, string(want), string(got), "payload differs from %s", path)
}

func nopHost() component.Host { return componenttest.NewNopHost() }

func nopSettings() component.TelemetrySettings { return componenttest.NewNopTelemetrySettings() }

func newWebhook(t *testing.T, endpoint string, mutate func(*WebhookConfig)) *WebhookHandler {
	t.Helper()
	cfg := config.NewDefaultWebhookConfig()
	cfg.ClientConfig.Endpoint = endpoint
	if mutate != nil {
		mutate(&cfg)
	}
	h, err := NewWebhookHandler(context.Background(), "webhook", &cfg, nopHost(), nopSettings())
	require.NoError(t, err)
	t.Cleanup(func() { _ = h.Close() })
	return h
}

// funcHandler is a Handler made of a function, for delivery tests.
type funcHandler struct {
	name string
	fn   func(ctx context.Context, n *Notification) error
}

func (h *funcHandler) Name() string { return h.name }

func (h *funcHandler) Notify(ctx context.Context, n *Notification) error { return h.fn(ctx, n) }

// result is one OnResult call.
type result struct {
	handler  string
	n        *Notification
	err      error
	attempts int
	at       time.Time
}

// resultSink collects OnResult calls.
type resultSink chan result

func newResultSink() resultSink { return make(resultSink, 64) }

func (s resultSink) onResult(handler string, n *Notification, err error, attempts int) {
	s <- result{handler: handler, n: n, err: err, attempts: attempts, at: time.Now()}
}

func (s resultSink) next(t *testing.T) result {
	t.Helper()
	select {
	case r := <-s:
		return r
	case <-time.After(10 * time.Second):
		t.Fatal("no delivery result within 10s")
		return result{}
	}
}

func (s resultSink) none(t *testing.T) {
	t.Helper()
	select {
	case r := <-s:
		t.Fatalf("unexpected result %+v", r)
	default:
	}
}

// fakeClock makes retry waits instantaneous and records them: each timer
// fires at once and moves the clock forward by its duration. With hold set,
// timers never fire (to catch a worker waiting for a retry).
type fakeClock struct {
	mu    sync.Mutex
	now   time.Time
	waits []time.Duration
	hold  bool
}

func newFakeClock() *fakeClock { return &fakeClock{now: t0} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) NewTimer(d time.Duration) Timer {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.waits = append(c.waits, d)
	ch := make(chan time.Time, 1)
	if !c.hold {
		c.now = c.now.Add(d)
		ch <- c.now
	}
	return fakeTimer(ch)
}

func (c *fakeClock) recorded() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]time.Duration(nil), c.waits...)
}

type fakeTimer chan time.Time

func (f fakeTimer) C() <-chan time.Time { return f }
func (fakeTimer) Stop() bool            { return true }

// fastRetry is a real-clock retry policy with tiny intervals.
func fastRetry() BackoffConfig {
	return BackoffConfig{Enabled: true, InitialInterval: 10 * time.Millisecond, MaxInterval: 50 * time.Millisecond, MaxElapsedTime: 30 * time.Second, Multiplier: 2}
}

func newTestDeliverer(t *testing.T, handlers []Handler, retry BackoffConfig, queueSize int, clock Clock, sink resultSink) *Deliverer {
	t.Helper()
	cfg := config.NewDefaultDeliveryConfig()
	cfg.Retry = retry
	cfg.QueueSize = queueSize
	set := DelivererSettings{Config: cfg, Clock: clock}
	if sink != nil {
		set.OnResult = sink.onResult
	}
	d, err := NewDeliverer(handlers, set)
	require.NoError(t, err)
	t.Cleanup(func() { _, _ = d.Shutdown(context.Background()) })
	return d
}
