package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/coder/websocket"
	"github.com/stretchr/testify/require"
)

// dashboardCollectorConfig: chaos events → chaos_analytics (1-minute
// buckets) → anomaly → alert, with the chaos_dashboard extension, which
// every component finds through the host (no `dashboard` key needed with
// one dashboard). anomaly: warmup 10, as in the Prometheus test, so that a
// 14-minute baseline warms the detectors.
const dashboardCollectorConfig = `
receivers:
  chaos:
    endpoint: 127.0.0.1:%[1]d
processors:
  chaos_analytics:
    widths: [1m]
    allowed_lateness: 10s
    idle_flush: 2s
    flush_interval: 500ms
  anomaly:
    warmup: 10
exporters:
  alert:
    evaluation_interval: 1s
    rules:
      - name: ChaosFaultStorm
        preset: fault_rate
        threshold: 0.3
        window: 2m
        for: 1m
      - name: ChaosAnomaly
        type: anomaly
        min_severity: warning
    route:
      group_by: [alertname]
      group_wait: 1s
      group_interval: 2s
    handlers:
      - name: log
        log: {}
extensions:
  chaos_dashboard:
    endpoint: 127.0.0.1:%[2]d
service:
  extensions: [chaos_dashboard]
  telemetry:
    metrics:
      readers:
        - pull:
            exporter:
              prometheus:
                host: 127.0.0.1
                port: %[3]d
  pipelines:
    logs:
      receivers: [chaos]
      processors: [chaos_analytics, anomaly]
      exporters: [alert]
`

// pageLag is how long after the collector streams a message the page may
// take to show it (the bound).
const pageLag = 2 * time.Second

// TestDashboardPageInChromium loads the dashboard page served by the built
// collector in Debian's chromium, sends chaosgen traffic (a baseline, then
// an event spike and a fault storm), and checks that the charts, the
// anomaly list and the alert list change within pageLag of the collector
// streaming the data — measured against a WebSocket client of the test's
// own that records when each kind of message left the collector. Then it
// restarts the collector: the page must show that it is disconnected,
// reconnect by itself, and chart the traffic sent after the restart.
// Screenshots of each step are saved in the test's output directory
// (DASHBOARD_SCREENSHOTS, else a temporary directory, logged).
func TestDashboardPageInChromium(t *testing.T) {
	env := requireEnv(t, envCollector, envChaosgen, envChromium)
	collectorBin, chaosgen, chromium := env[0], env[1], env[2]
	shots := screenshotDir(t)

	chaosPort, dashPort, telemetryPort := freePort(t), freePort(t), freePort(t)
	cfgPath := filepath.Join(t.TempDir(), "config.yaml")
	require.NoError(t, os.WriteFile(cfgPath,
		[]byte(fmt.Sprintf(dashboardCollectorConfig, chaosPort, dashPort, telemetryPort)), 0o600))
	client := newClient(t)
	events := fmt.Sprintf("http://127.0.0.1:%d/v1/chaos/events", chaosPort)
	pageURL := fmt.Sprintf("http://127.0.0.1:%d/", dashPort)
	start := func() *process {
		p := startProcess(t, "collector", collectorBin, "--config", cfgPath)
		waitReady(t, client, p, fmt.Sprintf("http://127.0.0.1:%d/v1/chaos/health", chaosPort), 30*time.Second)
		waitReady(t, client, p, pageURL+"api/v1/stats", 10*time.Second)
		return p
	}
	col := start()

	b := newBrowser(t, chromium)
	b.run(t, chromedp.Navigate(pageURL))
	b.waitFor(t, 10*time.Second, "the page loaded its state", `document.body.dataset.ready === "true"`)
	b.waitFor(t, 10*time.Second, "the stream connected", `document.querySelector("#connection").dataset.state === "connected"`)
	b.screenshot(t, shots, "01-loaded")

	probe := newStreamProbe(t, fmt.Sprintf("ws://127.0.0.1:%d/api/v1/stream", dashPort))

	// The baseline, dated before the incident (see shiftProxy).
	proxyURL, _ := startShiftProxy(t, events, -(2*incidentDuration + time.Minute))
	runChaosgen(t, chaosgen, chaosgenTimeout, "-fast", "-scenario", "baseline", "-duration", baselineDuration.String(), "-endpoint", proxyURL)
	b.requireWithin(t, probe, "bucket@global", "the charts", `Number(document.querySelector("#charts").dataset.bucketCount) > 0`)
	// The statistics cards follow (the page refetches /stats at most
	// every 2 s while buckets arrive).
	b.waitFor(t, 5*time.Second, "the events card counts the baseline",
		`Number(document.querySelector("#stat-events-hour").textContent.replace(/[^0-9]/g, "")) > 0`)
	b.screenshot(t, shots, "02-baseline")

	runChaosgen(t, chaosgen, chaosgenTimeout, "-fast", "-scenario", "spike,fault-storm", "-duration", incidentDuration.String(), "-endpoint", events)
	b.requireWithin(t, probe, "anomaly_opened", "the anomaly list", `Number(document.querySelector("#anomalies").dataset.count) > 0`)
	b.requireWithin(t, probe, "alert_fired", "the alert list",
		`[...document.querySelectorAll("#alerts tr")].some(r => r.textContent.includes("firing"))`)
	b.screenshot(t, shots, "03-incident")

	// The page's lists agree with the API's (both move while anomalies
	// and alerts change state: compared until they agree).
	poll(t, 10*time.Second, 100*time.Millisecond, "the page's counts equal the API's", func() error {
		var stats struct {
			OpenAnomalies int `json:"open_anomalies"`
			ActiveAlerts  int `json:"active_alerts"`
		}
		code, body, err := get(client, pageURL+"api/v1/stats")
		if err != nil || code != 200 {
			return fmt.Errorf("GET stats: %d %v", code, err)
		}
		if err := json.Unmarshal(body, &stats); err != nil {
			return err
		}
		expr := fmt.Sprintf(`Number(document.querySelector("#anomalies").dataset.count) === %d && `+
			`Number(document.querySelector("#alerts").dataset.count) === %d`, stats.OpenAnomalies, stats.ActiveAlerts)
		if ok, err := b.holds(expr); err != nil || !ok {
			return fmt.Errorf("page differs from %s (%v)", body, err)
		}
		return nil
	})

	// Restart: the page says it is disconnected, then reconnects.
	col.stop()
	b.waitFor(t, 10*time.Second, "the page shows it is disconnected", `document.querySelector("#connection").dataset.state === "disconnected"`)
	b.screenshot(t, shots, "04-disconnected")
	restarted := time.Now()
	start()
	b.waitFor(t, 20*time.Second, "the page reconnected", `document.querySelector("#connection").dataset.state === "connected"`)
	t.Logf("page reconnected %.1fs after the collector was started again", time.Since(restarted).Seconds())
	// It reloaded its state from the restarted collector, whose store
	// starts empty: the charts are empty until new data arrives.
	b.waitFor(t, 5*time.Second, "the page reloaded the (empty) state", `document.querySelector("#charts").dataset.bucketCount === "0"`)

	// Live again: traffic after the restart reaches the charts.
	probe = newStreamProbe(t, fmt.Sprintf("ws://127.0.0.1:%d/api/v1/stream", dashPort))
	runChaosgen(t, chaosgen, chaosgenTimeout, "-fast", "-scenario", "baseline", "-duration", "3m", "-endpoint", events)
	b.requireWithin(t, probe, "bucket@global", "the charts after the restart", `Number(document.querySelector("#charts").dataset.bucketCount) > 0`)
	b.screenshot(t, shots, "05-reconnected")
}

// screenshotDir is DASHBOARD_SCREENSHOTS when set, else a temporary
// directory kept for the test's duration.
func screenshotDir(t *testing.T) string {
	dir := os.Getenv("DASHBOARD_SCREENSHOTS")
	if dir == "" {
		dir = t.TempDir()
	}
	require.NoError(t, os.MkdirAll(dir, 0o755))
	t.Logf("screenshots in %s", dir)
	return dir
}

// browser is a headless chromium driven over the DevTools protocol.
type browser struct{ ctx context.Context }

func newBrowser(t *testing.T, bin string) *browser {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(bin), chromedp.NoSandbox, chromedp.WindowSize(1400, 1100),
		chromedp.Flag("disable-gpu", true), chromedp.Flag("disable-dev-shm-usage", true))
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(allocCtx)
	t.Cleanup(func() {
		cancel()
		cancelAlloc() // waits for the browser process to exit
	})
	// Start the browser on a context without deadline: the first action
	// binds the browser's life to the context it runs on.
	require.NoError(t, chromedp.Do(ctx), "starting %s", bin)
	return &browser{ctx: ctx}
}

func (b *browser) run(t *testing.T, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	require.NoError(t, chromedp.Do(ctx, actions...))
}

// holds evaluates a boolean JavaScript expression in the page.
func (b *browser) holds(expr string) (bool, error) {
	ctx, cancel := context.WithTimeout(b.ctx, 5*time.Second)
	defer cancel()
	return chromedp.Run(ctx, chromedp.Evaluate[bool](expr))
}

func (b *browser) waitFor(t *testing.T, timeout time.Duration, what, expr string) {
	t.Helper()
	poll(t, timeout, 50*time.Millisecond, what, func() error {
		ok, err := b.holds(expr)
		if err != nil {
			return err
		}
		if !ok {
			return fmt.Errorf("%s is false", expr)
		}
		return nil
	})
}

// requireWithin waits (up to 2 minutes) for the collector to stream a
// message of type typ, then requires the page to satisfy expr within
// pageLag of that message.
func (b *browser) requireWithin(t *testing.T, p *streamProbe, typ, what, expr string) {
	t.Helper()
	sent := p.first(t, typ, 2*time.Minute)
	deadline := sent.Add(pageLag)
	for {
		ok, err := b.holds(expr)
		require.NoError(t, err)
		if ok {
			t.Logf("%s changed %.0f ms after the first %s message left the collector", what,
				float64(time.Since(sent).Microseconds())/1000, typ)
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s did not change within %s of the first %s message (%s is still false)", what, pageLag, typ, expr)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (b *browser) screenshot(t *testing.T, dir, name string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644))
}

// streamProbe is a WebSocket client of the dashboard's stream that records
// when the first message of each type (and of each type and scope)
// arrived.
type streamProbe struct {
	mu      sync.Mutex
	arrived map[string]time.Time
	wake    chan struct{}
}

func newStreamProbe(t *testing.T, url string) *streamProbe {
	t.Helper()
	p := &streamProbe{arrived: map[string]time.Time{}, wake: make(chan struct{}, 1)}
	readStream(t, url, "", func(data []byte, at time.Time) {
		var m struct{ Type, Scope string }
		if json.Unmarshal(data, &m) != nil {
			return
		}
		p.mu.Lock()
		// By type, and by type and scope ("bucket@global"): the charts
		// show global buckets only.
		for _, k := range []string{m.Type, m.Type + "@" + m.Scope} {
			if _, ok := p.arrived[k]; !ok {
				p.arrived[k] = at
			}
		}
		p.mu.Unlock()
		select {
		case p.wake <- struct{}{}:
		default:
		}
	})
	return p
}

// readStream connects to the dashboard's stream, sends subscribe (when not
// empty), and hands each message to onMessage with the time it arrived,
// until the test ends.
func readStream(t *testing.T, url, subscribe string, onMessage func(data []byte, at time.Time)) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	conn, _, err := websocket.Dial(ctx, url, nil)
	require.NoError(t, err)
	conn.SetReadLimit(-1)
	if subscribe != "" {
		require.NoError(t, conn.Write(ctx, websocket.MessageText, []byte(subscribe)))
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			_, data, err := conn.Read(ctx)
			if err != nil {
				return
			}
			onMessage(data, time.Now())
		}
	}()
	t.Cleanup(func() {
		cancel()
		_ = conn.CloseNow()
		<-done
	})
}

// firstAt returns when the first message of typ arrived, if it did.
func (p *streamProbe) firstAt(typ string) (time.Time, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	at, ok := p.arrived[typ]
	return at, ok
}

// first returns when the first message of typ arrived, waiting for it.
func (p *streamProbe) first(t *testing.T, typ string, timeout time.Duration) time.Time {
	t.Helper()
	deadline := time.After(timeout)
	for {
		if at, ok := p.firstAt(typ); ok {
			return at
		}
		select {
		case <-p.wake:
		case <-deadline:
			p.mu.Lock()
			seen := make([]string, 0, len(p.arrived))
			for k, at := range p.arrived {
				seen = append(seen, k+" "+strconv.Itoa(int(time.Since(at).Seconds()))+"s ago")
			}
			p.mu.Unlock()
			t.Fatalf("no %s message from the collector in %s (seen: %v)", typ, timeout, seen)
		}
	}
}
