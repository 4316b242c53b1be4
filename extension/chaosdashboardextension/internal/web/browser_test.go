//go:build browser

// The browser test drives the page in a real Chromium against a fake of the
// JSON API and a real stream hub. It needs /usr/bin/chromium (Debian:
// apt-get install chromium), or the path in $CHROMIUM, and runs with
//
//	go test -tags browser -count=1 -run Browser ./extension/chaosdashboardextension/internal/web/
//
// Screenshots go to $DASHBOARD_SCREENSHOTS when set, else to a temporary
// directory.

package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"go.uber.org/zap"

	"github.com/otelcol-chaos/otelcol-chaos/extension/chaosdashboardextension/internal/stream"
)

// ---- browser helpers: copy these into other browser tests ------------------

// browserZone is the time zone the browser runs in (Asia/Kolkata has no
// daylight saving time, so a fixed offset matches it).
const browserZoneName = "Asia/Kolkata"

var browserZone = time.FixedZone("IST", 5*3600+1800)

// newBrowser starts a headless Chromium for the test and returns the context
// of one tab. The browser is closed, and its goroutines have ended, when the
// test's cleanup runs, so goleak stays quiet.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	execPath := os.Getenv("CHROMIUM")
	if execPath == "" {
		execPath = "/usr/bin/chromium"
	}
	if _, err := os.Stat(execPath); err != nil {
		t.Skipf("no browser at %s (apt-get install chromium, or set $CHROMIUM): %v", execPath, err)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(execPath),
		chromedp.NoSandbox, // containers and CI runners have no user namespaces
		chromedp.Flag("disable-gpu", true),
		chromedp.WindowSize(1280, 900),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelTab := chromedp.NewContext(allocCtx)
	t.Cleanup(func() {
		cancelTab()
		cancelAlloc() // waits for the browser process to exit
	})
	// Start the browser now, with a context without deadline: the first
	// Run binds the browser's life to its context.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("starting %s: %v", execPath, err)
	}
	// Fix the locale and the zone, so that the page's number and time
	// formats do not depend on the machine; the zone is not UTC, so that
	// a test sees times converted to local time.
	if _, err := chromedp.Call(ctx, emulation.SetLocaleOverride, emulation.SetLocaleOverrideParams{Locale: "en_GB"}); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(ctx, emulation.SetTimezoneOverride, emulation.SetTimezoneOverrideParams{TimezoneID: browserZoneName}); err != nil {
		t.Fatal(err)
	}
	return ctx
}

// collectConsole records what the page writes to the console (calls,
// uncaught exceptions, browser log entries such as CSP violations) until the
// test ends. Call it before navigating.
func collectConsole(t *testing.T, ctx context.Context) func() []chromedp.ConsoleMessage {
	t.Helper()
	ctx, cancel := context.WithCancel(ctx)
	messages := chromedp.Console(ctx)
	var (
		mu   sync.Mutex
		got  []chromedp.ConsoleMessage
		done = make(chan struct{})
	)
	go func() {
		defer close(done)
		for m, err := range messages {
			if err != nil {
				return
			}
			mu.Lock()
			got = append(got, m)
			mu.Unlock()
		}
	}()
	// Registered after newBrowser's cleanup, so it runs before it.
	t.Cleanup(func() { cancel(); <-done })
	return func() []chromedp.ConsoleMessage {
		mu.Lock()
		defer mu.Unlock()
		return append([]chromedp.ConsoleMessage(nil), got...)
	}
}

// evalString evaluates a JavaScript expression that yields a string.
func evalString(ctx context.Context, expr string) (string, error) {
	return chromedp.Run(ctx, chromedp.Evaluate[string](expr))
}

// attrExpr is the JavaScript reading attribute name of the first element
// matching the CSS selector sel; "(no element)" when none matches.
func attrExpr(sel, name string) string {
	s, _ := json.Marshal(sel)
	n, _ := json.Marshal(name)
	return fmt.Sprintf(`(() => { const e = document.querySelector(%s); return e ? (e.getAttribute(%s) ?? '') : '(no element)'; })()`, s, n)
}

// waitEval evaluates the JavaScript expression expr, which yields a string,
// every 50 ms until ok accepts its value or timeout passes, and returns the
// value. Otherwise it fails the test with what (what was awaited), the last
// value seen and the last error.
func waitEval(t *testing.T, ctx context.Context, expr, what string, ok func(string) bool, timeout time.Duration) string {
	t.Helper()
	deadline := time.Now().Add(timeout)
	var (
		last    string
		lastErr error
	)
	for {
		evalCtx, cancel := context.WithDeadline(ctx, deadline.Add(time.Second))
		v, err := evalString(evalCtx, expr)
		cancel()
		if err == nil && ok(v) {
			return v
		}
		if err != nil {
			lastErr = err // e.g. the page is navigating: try again
		} else {
			last = v
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %s; last value %q (last error: %v)", what, timeout, last, lastErr)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// waitAttrFunc waits until ok accepts attribute name of the element sel
// (want describes what ok wants) and returns the value.
func waitAttrFunc(t *testing.T, ctx context.Context, sel, name, want string, ok func(string) bool, timeout time.Duration) string {
	t.Helper()
	return waitEval(t, ctx, attrExpr(sel, name), fmt.Sprintf("%s[%s] %s", sel, name, want), ok, timeout)
}

// waitAttr waits until attribute name of the element sel equals want.
func waitAttr(t *testing.T, ctx context.Context, sel, name, want string, timeout time.Duration) {
	t.Helper()
	waitAttrFunc(t, ctx, sel, name, strconv.Quote(want), func(v string) bool { return v == want }, timeout)
}

// waitUntil polls cond, on the Go side, every 10 ms until timeout.
func waitUntil(t *testing.T, what string, timeout time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %s", what, timeout)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// screenshotDir is $DASHBOARD_SCREENSHOTS, created if needed, or a
// temporary directory of the test.
func screenshotDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("DASHBOARD_SCREENSHOTS")
	if dir == "" {
		return t.TempDir()
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// screenshot saves a PNG of the whole page (not only the viewport).
func screenshot(t *testing.T, ctx context.Context, dir, name string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)) // 100: PNG
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", p)
}

// ---- a fake of the JSON API ---------------------------------------------

const minute = time.Minute

func rfc3339(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

// bucketJSON is a global 1m bucket of PROTOCOL.md, with values that vary
// with i so that the charts have shape. Every 7th bucket saw no latency.
func bucketJSON(start time.Time, i int) map[string]any {
	events := 400 + int(150*math.Sin(float64(i)/3))
	faults := events / (8 + i%5)
	var latency any
	if i%7 != 3 {
		p50 := 40 + 15*math.Sin(float64(i)/4)
		latency = map[string]any{"count": events - faults, "avg": p50 * 1.1,
			"p50": p50, "p95": p50 * 2.4, "p99": p50*3.5 + float64(i%4)*20}
	}
	severity := float64(faults)/float64(events)*0.6 + 0.05
	return map[string]any{
		"start": rfc3339(start), "end": rfc3339(start.Add(minute)), "scope": "global", "key": "", "width": "1m",
		"events": events, "faults": faults, "rate_limit_violations": i % 3, "traffic_events": events * 3,
		"probe_successes": 58, "probe_failures": i % 4, "latency_ms": latency,
		"impact": map[string]any{"severity": severity, "degradation_pct": severity * 80, "measured": true},
	}
}

func anomalyJSON(id, typ, scope, key string, opened time.Time, state string) map[string]any {
	return map[string]any{"id": id, "type": typ, "state": state, "severity": "warning", "scope": scope,
		"key": key, "width": "1m", "opened": rfc3339(opened), "at": rfc3339(opened.Add(minute)),
		"value": 412.5, "expected": 120.25, "score": 6.3, "description": "p95 latency far above its band",
		"close_reason": ""}
}

func transitionJSON(fp, rule, from, to string, at time.Time) map[string]any {
	return map[string]any{"at": rfc3339(at), "fingerprint": fp, "rule": rule,
		"labels":      map[string]any{"alertname": rule, "severity": "critical", "scope": "service", "scope_key": "checkout"},
		"annotations": map[string]any{"summary": rule + " on checkout"}, "from": from, "to": to, "value": 0.42}
}

// fakeAPI answers the JSON API of PROTOCOL.md with a fixed state built from
// now, the fleet's leader and term, and a number of buckets.
type fakeAPI struct {
	now     time.Time
	leader  string
	term    int
	buckets int

	mu       sync.Mutex
	requests map[string]int
}

func newFakeAPI(now time.Time, leader string, term, buckets int) *fakeAPI {
	return &fakeAPI{now: now, leader: leader, term: term, buckets: buckets, requests: map[string]int{}}
}

func (f *fakeAPI) count(path string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.requests[path]
}

// lastBucketStart is the start of the newest bucket the API returns.
func (f *fakeAPI) lastBucketStart() time.Time { return f.now.Add(-minute) }

func (f *fakeAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	f.requests[r.URL.Path]++
	f.mu.Unlock()
	now := f.now
	var body any
	switch r.URL.Path {
	case "/api/v1/stats":
		body = map[string]any{"events_last_hour": 23456, "events_last_day": 512345, "latency_avg_ms": 42.46,
			"faults_last_hour": 2891, "active_alerts": 1, "open_anomalies": 1,
			"impact":        map[string]any{"severity": 0.183, "degradation_pct": 12.5, "measured": true},
			"top_endpoints": []any{map[string]any{"endpoint": "/api/cart", "events": 9120}, map[string]any{"endpoint": "/api/pay", "events": 4033}},
			"health":        map[string]any{"score": 71.6, "at": rfc3339(now)},
			"scenario":      map[string]any{"from": "baseline", "to": "latency-storm", "at": rfc3339(now.Add(-20 * minute))}}
	case "/api/v1/buckets":
		bs := []any{}
		for i := f.buckets; i >= 1; i-- {
			bs = append(bs, bucketJSON(now.Add(-time.Duration(i)*minute), f.buckets-i))
		}
		body = map[string]any{"buckets": bs}
	case "/api/v1/anomalies":
		body = map[string]any{"anomalies": []any{anomalyJSON("an-1", "latency_spike", "service", "checkout", now.Add(-12*minute), "open")}}
	case "/api/v1/alerts":
		body = map[string]any{
			"active": []any{transitionJSON("fp-1", "HighFaultRate", "pending", "firing", now.Add(-8*minute))},
			"history": []any{transitionJSON("fp-1", "HighFaultRate", "pending", "firing", now.Add(-8*minute)),
				transitionJSON("fp-1", "HighFaultRate", "inactive", "pending", now.Add(-10*minute))}}
	case "/api/v1/health":
		body = map[string]any{"health": []any{
			map[string]any{"scope": "global", "key": "", "score": 71.6, "at": rfc3339(now),
				"components": map[string]any{"errors": 62.0, "latency": 44.5, "probes": 96.7, "saturation": 88.0},
				"factors":    []any{"p95 latency over budget"}},
			map[string]any{"scope": "service", "key": "checkout", "score": 48.2, "at": rfc3339(now),
				"components": map[string]any{}, "factors": []any{"fault rate 14%", "probe failures"}},
			map[string]any{"scope": "endpoint", "key": "/api/cart", "score": 83.0, "at": rfc3339(now),
				"components": map[string]any{}, "factors": []any{}}}}
	case "/api/v1/fleet":
		body = map[string]any{"self": "node-a", "leader": f.leader, "term": f.term, "is_leader": f.leader == "node-a",
			"members": []any{
				map[string]any{"id": "node-a", "status": "alive", "last_heartbeat": rfc3339(now)},
				map[string]any{"id": "node-b", "status": "alive", "last_heartbeat": rfc3339(now.Add(-2 * time.Second))},
				map[string]any{"id": "node-c", "status": "suspect", "last_heartbeat": rfc3339(now.Add(-40 * time.Second))}}}
	default:
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusNotFound)
		_ = json.NewEncoder(w).Encode(map[string]string{"error": "not_found", "message": "no such path: " + r.URL.Path})
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(body)
}

// ---- a collector stand-in: page, fake API and a real stream hub -----------

type dashboard struct {
	url     string
	addr    string
	hub     *stream.Hub
	api     *fakeAPI
	clients atomic.Int64
	dropped atomic.Int64 // messages the hub dropped for slow clients
	stop    func()
}

// startDashboard serves the page, api and a stream hub configured by cfg on
// addr ("127.0.0.1:0" for any port). Binding a port that was just released
// is retried for a while.
func startDashboard(t *testing.T, addr string, api *fakeAPI, cfg stream.Config) *dashboard {
	t.Helper()
	var (
		ln  net.Listener
		err error
	)
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if ln, err = net.Listen("tcp", addr); err == nil || !errors.Is(err, syscall.EADDRINUSE) || time.Now().After(deadline) {
			break
		}
	}
	if err != nil {
		t.Fatal(err)
	}
	d := &dashboard{api: api, addr: ln.Addr().String()}
	d.url = "http://" + d.addr + "/"
	d.hub = stream.New(cfg, stream.Counters{
		Clients: func(delta int64) { d.clients.Add(delta) },
		Dropped: func(n int64) { d.dropped.Add(n) },
	}, nil, zap.NewNop())
	mux := http.NewServeMux()
	mux.Handle("/api/v1/stream", d.hub)
	mux.Handle("/api/v1/", api)
	mux.Handle("/", Handler())
	srv := httptest.NewUnstartedServer(mux)
	_ = srv.Listener.Close()
	srv.Listener = ln
	srv.Start()
	var once sync.Once
	d.stop = func() {
		once.Do(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			if err := d.hub.Shutdown(ctx); err != nil {
				t.Errorf("hub shutdown: %v", err)
			}
			srv.Close()
		})
	}
	t.Cleanup(d.stop)
	return d
}

// publish sends a message through the hub as the extension does.
func (d *dashboard) publish(typ, scope, key string, data any) {
	d.hub.Publish(stream.Message{Type: typ, Scope: scope, Key: key, Data: data})
}

// waitClient waits until the page's socket is registered with the hub, so
// that a message published next reaches it.
func (d *dashboard) waitClient(t *testing.T) {
	t.Helper()
	waitUntil(t, "the page subscribes to the stream", 5*time.Second, func() bool { return d.clients.Load() > 0 })
}

// ---- the test -------------------------------------------------------------

func TestBrowserDashboard(t *testing.T) {
	ctx := newBrowser(t)
	console := collectConsole(t, ctx)
	shots := screenshotDir(t)
	const live = 2 * time.Second // how fast a published message must show

	now := time.Now().UTC().Truncate(minute)
	d := startDashboard(t, "127.0.0.1:0", newFakeAPI(now, "node-a", 1, 45), stream.Config{})
	if err := chromedp.Do(ctx, chromedp.Navigate(d.url)); err != nil {
		t.Fatal(err)
	}

	// The first REST load.
	waitAttr(t, ctx, "body", "data-ready", "true", 10*time.Second)
	waitAttr(t, ctx, "#connection", "data-state", "connected", 10*time.Second)
	for sel, want := range map[string]string{
		"#charts":        "45",
		"#chart-events":  "45",
		"#chart-latency": "45",
		"#chart-impact":  "45",
	} {
		waitAttr(t, ctx, sel, "data-bucket-count", want, time.Second)
	}
	waitAttr(t, ctx, "#charts", "data-width", "1m", time.Second)
	waitAttr(t, ctx, "#anomalies", "data-count", "1", time.Second)
	waitAttr(t, ctx, "#alerts", "data-count", "1", time.Second)
	waitAttr(t, ctx, "#alert-history", "data-count", "2", time.Second)
	waitAttr(t, ctx, "#fleet", "data-leader", "node-a", time.Second)
	waitAttr(t, ctx, "#fleet", "data-term", "1", time.Second)
	waitAttr(t, ctx, "#health", "data-score", "71.6", time.Second)
	for id, want := range map[string]string{
		"stat-events-hour": "23,456", "stat-events-day": "512,345", "stat-latency": "42.5 ms",
		"stat-faults": "2,891", "stat-impact": "18.3 %", "stat-health": "72", "stat-scenario": "latency-storm",
		"fleet-leader": "node-a",
	} {
		got, err := evalString(ctx, fmt.Sprintf(`document.getElementById(%q).textContent`, id))
		if err != nil || got != want {
			t.Errorf("#%s: got %q (%v), want %q", id, got, err, want)
		}
	}
	// Times are shown in the browser's zone (IST, UTC+5:30).
	opened := now.Add(-12 * minute).In(browserZone).Format("15:04:05")
	if got, _ := evalString(ctx, `document.querySelector('#anomalies tr[data-id="an-1"] td').textContent`); !strings.Contains(got, opened) {
		t.Errorf("anomaly opened: got %q, want the local time %s", got, opened)
	}
	screenshot(t, ctx, shots, "1-loaded.png")

	// Live buckets: a new one is appended, one with the same start
	// replaces it, other scopes are not charted.
	d.waitClient(t)
	next := d.api.lastBucketStart().Add(minute)
	d.publish(stream.TypeBucket, "global", "", bucketJSON(next, 45))
	waitAttr(t, ctx, "#charts", "data-bucket-count", "46", live)
	for _, svg := range []string{"#chart-events", "#chart-latency", "#chart-impact"} {
		waitAttr(t, ctx, svg, "data-bucket-count", "46", live)
	}
	waitAttr(t, ctx, "#charts", "data-last-start", rfc3339(next), live)
	d.publish(stream.TypeBucket, "global", "", bucketJSON(next, 46))                      // replaces
	d.publish(stream.TypeBucket, "service", "checkout", bucketJSON(next.Add(minute), 47)) // not charted
	d.publish(stream.TypeBucket, "global", "", bucketJSON(next.Add(minute), 48))          // appended
	waitAttr(t, ctx, "#charts", "data-last-start", rfc3339(next.Add(minute)), live)
	waitAttr(t, ctx, "#charts", "data-bucket-count", "47", live)
	d.publish(stream.TypeImpact, "global", "", map[string]any{"severity": 0.5, "degradation_pct": 33.3, "measured": false})

	// Anomalies: opened adds a row, closed removes it. The type holds
	// markup, which must show as text.
	evil := `<img src=x id=injected>spike`
	d.publish(stream.TypeAnomalyOpened, "service", "payments", anomalyJSON("an-2", evil, "service", "payments", now, "open"))
	waitAttr(t, ctx, "#anomalies", "data-count", "2", live)
	row, err := evalString(ctx, `document.querySelector('#anomalies tr[data-id="an-2"]').textContent`)
	if err != nil || !strings.Contains(row, evil) || !strings.Contains(row, "service payments") {
		t.Errorf("new anomaly row: %q (%v)", row, err)
	}
	if n, _ := evalString(ctx, `String(document.querySelectorAll('#injected, #anomalies img').length)`); n != "0" {
		t.Errorf("data was parsed as markup: %s elements", n)
	}
	screenshot(t, ctx, shots, "2-live.png")
	d.publish(stream.TypeAnomalyClosed, "service", "payments", anomalyJSON("an-2", evil, "service", "payments", now, "closed"))
	waitAttr(t, ctx, "#anomalies", "data-count", "1", live)
	waitAttr(t, ctx, `#anomalies tr[data-id="an-2"]`, "data-id", "(no element)", live)

	// Alerts: fired adds to the list, resolved removes it; both are in
	// the history, newest first.
	d.publish(stream.TypeAlertFired, "", "", transitionJSON("fp-2", "LatencyBudgetBurn", "pending", "firing", now))
	waitAttr(t, ctx, "#alerts", "data-count", "2", live)
	waitAttr(t, ctx, `#alerts tr[data-fingerprint="fp-2"]`, "data-state", "firing", live)
	waitAttr(t, ctx, "#alert-history", "data-count", "3", live)
	d.publish(stream.TypeAlertResolved, "", "", transitionJSON("fp-2", "LatencyBudgetBurn", "firing", "resolved", now.Add(time.Second)))
	waitAttr(t, ctx, "#alerts", "data-count", "1", live)
	waitAttr(t, ctx, `#alerts tr[data-fingerprint="fp-2"]`, "data-state", "(no element)", live)
	waitAttr(t, ctx, "#alert-history", "data-count", "4", live)
	waitAttr(t, ctx, "#alert-history tr", "data-state", "resolved", live)
	if got, _ := evalString(ctx, `document.querySelector('#alert-history tr').textContent`); !strings.Contains(got, "LatencyBudgetBurn") ||
		!strings.Contains(got, "firing → resolved") {
		t.Errorf("newest transition: %q", got)
	}

	// Health, scenario and leadership.
	d.publish(stream.TypeHealth, "global", "", map[string]any{"scope": "global", "key": "", "score": 55.0, "at": rfc3339(now),
		"components": map[string]any{"latency": 31.0}, "factors": []any{"latency"}})
	waitAttr(t, ctx, "#health", "data-score", "55", live)
	d.publish(stream.TypeScenario, "", "", map[string]any{"from": "latency-storm", "to": "partition"})
	waitAttr(t, ctx, "#scenario-banner", "data-scenario", "partition", live)
	d.publish(stream.TypeLeadership, "", "", map[string]any{"leader": "node-b", "term": 2})
	waitAttr(t, ctx, "#fleet", "data-leader", "node-b", live)
	waitAttr(t, ctx, "#fleet", "data-term", "2", live)
	waitAttrFunc(t, ctx, "#messages", "data-count", ">= 12", func(v string) bool { n, _ := strconv.Atoi(v); return n >= 12 }, live)

	// The collector goes away: the page says so.
	fleetLoads := d.api.count("/api/v1/fleet")
	d.stop()
	waitAttr(t, ctx, "#connection", "data-state", "disconnected", 5*time.Second)
	// It retries, backing off: 0.5 s, then 1 s after that attempt fails.
	waitEval(t, ctx, `document.getElementById('connection').textContent`, "#connection says it retries in 1 s",
		func(v string) bool { return strings.Contains(v, "retrying in 1 s") }, 3*time.Second)
	waitAttr(t, ctx, "#connection", "data-state", "disconnected", time.Second)
	screenshot(t, ctx, shots, "3-disconnected.png")

	// It comes back on the same port with other state: the page
	// reconnects (backoff at most 5 s) and loads that state.
	// Its queue of one message per client makes the page lose messages
	// below.
	d2 := startDashboard(t, d.addr, newFakeAPI(now, "node-c", 3, 30), stream.Config{QueueSize: 1})
	waitAttr(t, ctx, "#connection", "data-state", "connected", 10*time.Second)
	waitAttr(t, ctx, "#fleet", "data-term", "3", 5*time.Second)
	waitAttr(t, ctx, "#fleet", "data-leader", "node-c", time.Second)
	waitAttr(t, ctx, "#charts", "data-bucket-count", "30", time.Second)
	waitAttr(t, ctx, "#anomalies", "data-count", "1", time.Second)
	waitAttr(t, ctx, "#alerts", "data-count", "1", time.Second)
	if d2.api.count("/api/v1/fleet") == 0 || d.api.count("/api/v1/fleet") != fleetLoads {
		t.Errorf("fleet loads: old server %d (was %d), new server %d", d.api.count("/api/v1/fleet"), fleetLoads, d2.api.count("/api/v1/fleet"))
	}
	d2.waitClient(t)
	d2.publish(stream.TypeBucket, "global", "", bucketJSON(d2.api.lastBucketStart().Add(minute), 30))
	waitAttr(t, ctx, "#charts", "data-bucket-count", "31", live)
	screenshot(t, ctx, shots, "4-reconnected.png")

	// A burst overflows the page's queue: the hub drops messages, then
	// tells the page, which says so and reloads the state from the API.
	statsLoads := d2.api.count("/api/v1/stats")
	for burst := 0; d2.dropped.Load() == 0; burst++ {
		if burst == 50 {
			t.Fatal("the hub dropped nothing for the page")
		}
		for i := range 50 {
			d2.publish(stream.TypeAnomalyUpdated, "service", "payments",
				anomalyJSON(fmt.Sprintf("burst-%d-%d", burst, i), "error_rate", "service", "payments", now, "open"))
		}
	}
	waitEval(t, ctx, `document.getElementById('dropped').className + ' ' + document.getElementById('dropped').textContent`,
		"#dropped shows the loss", func(v string) bool { return !strings.Contains(v, "hidden") && strings.Contains(v, "lost") }, live)
	waitUntil(t, "the page reloads the state after a dropped message", live, func() bool {
		return d2.api.count("/api/v1/stats") > statsLoads
	})
	// The reload replaced the burst's anomalies with the API's one.
	waitAttr(t, ctx, "#anomalies", "data-count", "1", live)
	screenshot(t, ctx, shots, "5-dropped.png")

	// No exception and no refused resource (a CSP violation would be
	// one); refused connections while the collector was away are
	// expected.
	for _, m := range console() {
		outage := strings.Contains(m.Text, "ERR_CONNECTION_REFUSED") ||
			(strings.Contains(m.Text, "WebSocket connection to") && strings.Contains(m.Text, "failed"))
		if (m.IsException() || m.Type == chromedp.ConsoleError || m.Type == chromedp.ConsoleWarning) && !outage {
			t.Errorf("browser console: %s (%s:%d)", m, m.URL, m.Line)
		} else {
			t.Logf("browser console: %s", m)
		}
	}
}
