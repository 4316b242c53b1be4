package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// collectorConfig is the pipeline under test: chaos events → chaos_analytics
// (1-minute buckets) → the alert exporter, which notifies Alertmanager.
//
// chaos_analytics: widths [1m] only, because idle_flush closes everything
// up to the end of the coarsest bucket holding data (with the default 1d
// width, any later event that day would be late). idle_flush 2s closes a
// fast replay's last minute two seconds after it ends. allowed_lateness 10s:
// the receiver groups a request's events by service, so the processor sees
// one request's events (about 2 s of event time at chaosgen's default rate
// and batch) out of order across services; with 1s, a few events at each
// minute boundary would be late.
//
// alert: the rules and route are the exporter's documented example, with
// its default data_delay. The exporter evaluates in event time, at every
// new bucket end as summaries arrive; the wall clock moves evaluation on
// only after data has stopped for data_delay. So the replayed storm (dated
// stormShift ago, see shiftProxy) is walked through as a live run would
// be, and the alert resolves because of the calm traffic, not because the
// wall clock slid the window past the storm.
const collectorConfig = `
receivers:
  chaos:
    endpoint: 127.0.0.1:%[1]d
processors:
  chaos_analytics:
    widths: [1m]
    allowed_lateness: 10s
    idle_flush: 2s
    flush_interval: 500ms
exporters:
  alert:
    evaluation_interval: 1s
    rules:
      - name: ChaosFaultStorm
        preset: fault_rate
        scope: global
        threshold: 0.3
        window: 2m
        for: 1m
        severity: critical
        annotations:
          summary: "fault ratio {{ .Value }} over {{ .Threshold }}"
    route:
      group_by: [alertname]
      group_wait: 1s
      group_interval: 2s
      repeat_interval: 1m
    handlers:
      - name: am
        alertmanager:
          endpoint: %[2]s
        send_resolved: true
      - name: log
        log: {}
extensions:
  coordinator:
    node_id: e2e
    status:
      endpoint: 127.0.0.1:%[3]d
service:
  extensions: [coordinator]
  telemetry:
    metrics:
      readers:
        - pull:
            exporter:
              prometheus:
                host: 127.0.0.1
                port: %[4]d
  pipelines:
    logs:
      receivers: [chaos]
      processors: [chaos_analytics]
      exporters: [alert]
`

// collector is the running otelcol-chaos binary.
type collector struct {
	events string // the chaos receiver's events URL
	proc   *process
}

func startCollector(t *testing.T, bin, alertmanagerURL string) *collector {
	t.Helper()
	chaosPort := freePort(t)
	cfg := fmt.Sprintf(collectorConfig, chaosPort, alertmanagerURL, freePort(t), freePort(t))
	path := filepath.Join(t.TempDir(), "config.yaml")
	require.NoError(t, os.WriteFile(path, []byte(cfg), 0o600))
	c := &collector{events: fmt.Sprintf("http://127.0.0.1:%d/v1/chaos/events", chaosPort)}
	c.proc = startProcess(t, "collector", bin, "--config", path)
	waitReady(t, newClient(t), c.proc, fmt.Sprintf("http://127.0.0.1:%d/v1/chaos/health", chaosPort), 30*time.Second)
	return c
}

// startShiftProxy serves a shiftProxy to target on loopback and returns its
// URL.
func startShiftProxy(t *testing.T, target string, shift time.Duration) (string, *shiftProxy) {
	t.Helper()
	p := &shiftProxy{target: target, shift: shift, client: newClient(t)}
	p.client.Timeout = 30 * time.Second
	srv := httptest.NewServer(p)
	t.Cleanup(srv.Close)
	return srv.URL, p
}

// chaosgenSummary is the part of `chaosgen -json-summary` the test reads.
type chaosgenSummary struct {
	Stopped        string `json:"stopped"`
	EventTimeStart string `json:"event_time_start"`
	EventTimeEnd   string `json:"event_time_end"`
	Generated      int    `json:"generated"`
	Sent           int    `json:"sent"`
	Accepted       int    `json:"accepted"`
	Rejected       int    `json:"rejected"`
	Requests       int    `json:"requests"`
	Retries        int    `json:"retries"`
}

// runChaosgen runs chaosgen to completion (bounded by timeout) and checks
// that every event it generated was accepted.
func runChaosgen(t *testing.T, bin string, timeout time.Duration, args ...string) chaosgenSummary {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, append([]string{"-json-summary"}, args...)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = 5 * time.Second
	start := time.Now()
	err := cmd.Run()
	t.Logf("chaosgen %v (%.1fs): %s", args, time.Since(start).Seconds(), bytes.TrimSpace(stderr.Bytes()))
	require.NoError(t, err, "chaosgen failed; stderr:\n%s\nstdout:\n%s", stderr.String(), stdout.String())
	var s chaosgenSummary
	require.NoError(t, json.Unmarshal(stdout.Bytes(), &s), "chaosgen summary: %s", stdout.String())
	require.Equal(t, "completed", s.Stopped)
	require.Positive(t, s.Generated)
	require.Equal(t, s.Generated, s.Accepted, "every generated event is accepted")
	require.Zero(t, s.Rejected)
	return s
}
