package e2e

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	toxiproxy "github.com/Shopify/toxiproxy/v2"
	toxiclient "github.com/Shopify/toxiproxy/v2/client"
	"github.com/rs/zerolog"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// toxiproxyCollectorConfig: the toxiproxy receiver polls the test's
// toxiproxy server → chaos_analytics (1-minute buckets; idle_flush closes
// the minute 2 s after the last event) → the debug exporter; the
// chaos_dashboard extension is where the test reads the closed buckets.
const toxiproxyCollectorConfig = `
receivers:
  toxiproxy:
    endpoint: %[1]s
    poll_interval: 200ms
    services:
      redis: cache
processors:
  chaos_analytics:
    widths: [1m]
    allowed_lateness: 1s
    idle_flush: 2s
    flush_interval: 100ms
exporters:
  debug:
    verbosity: detailed
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
      receivers: [toxiproxy]
      processors: [chaos_analytics]
      exporters: [debug]
`

// toxiproxyLatencyMs is the latency toxic's delay.
const toxiproxyLatencyMs = 250

// dashboardBucket is the part of /api/v1/buckets' Bucket the test reads.
type dashboardBucket struct {
	Start     time.Time `json:"start"`
	Scope     string    `json:"scope"`
	Key       string    `json:"key"`
	Width     string    `json:"width"`
	Events    int       `json:"events"`
	Faults    int       `json:"faults"`
	LatencyMs *struct {
		Count int     `json:"count"`
		Avg   float64 `json:"avg"`
		P50   float64 `json:"p50"`
		P95   float64 `json:"p95"`
	} `json:"latency_ms"`
}

// TestToxiproxyLatencyBucket: a real toxiproxy server (from its Go module,
// in this process) has a proxy with a latency toxic; the built collector's
// toxiproxy receiver reports it, and the chaos.bucket of that minute, for
// the proxy as the endpoint and for its service, shows the injection with
// the toxic's latency.
func TestToxiproxyLatencyBucket(t *testing.T) {
	env := requireEnv(t, envCollector)
	collectorBin := env[0]

	// The toxiproxy server, on a free loopback port.
	addr := fmt.Sprintf("127.0.0.1:%d", freePort(t))
	server := toxiproxy.NewServer(toxiproxy.NewMetricsContainer(nil), zerolog.Nop())
	served := make(chan error, 1)
	go func() { served <- server.Listen(addr) }()
	t.Cleanup(func() {
		assert.NoError(t, server.Collection.Clear())
		assert.NoError(t, server.Shutdown())
		assert.NoError(t, <-served)
		http.DefaultTransport.(*http.Transport).CloseIdleConnections() // the toxiproxy client's
	})
	toxi := toxiclient.NewClient("http://" + addr)
	poll(t, 10*time.Second, 20*time.Millisecond, "toxiproxy is up", func() error {
		_, err := toxi.Version()
		return err
	})
	upstream, err := net.Listen("tcp", "127.0.0.1:0") // something for the proxy to point at
	require.NoError(t, err)
	t.Cleanup(func() { _ = upstream.Close() })
	proxy, err := toxi.CreateProxy("redis", "127.0.0.1:0", upstream.Addr().String())
	require.NoError(t, err)
	_, err = proxy.AddToxic("slow", "latency", "downstream", 1,
		toxiclient.Attributes{"latency": toxiproxyLatencyMs, "jitter": 10})
	require.NoError(t, err)

	// The collector.
	dashPort, telemetryPort := freePort(t), freePort(t)
	cfgPath := filepath.Join(t.TempDir(), "config.yaml")
	require.NoError(t, os.WriteFile(cfgPath, []byte(fmt.Sprintf(toxiproxyCollectorConfig,
		"http://"+addr, dashPort, telemetryPort)), 0o600))
	client := newClient(t)
	dashboard := fmt.Sprintf("http://127.0.0.1:%d", dashPort)
	col := startProcess(t, "collector", collectorBin, "--config", cfgPath)
	waitReady(t, client, col, dashboard+"/api/v1/stats", 30*time.Second)

	// The minute's buckets, once idle_flush has closed them.
	find := func(scope, key string) (dashboardBucket, error) {
		code, body, err := get(client, dashboard+"/api/v1/buckets?scope="+scope+"&key="+key+"&width=1m")
		if err != nil {
			return dashboardBucket{}, err
		}
		if code != http.StatusOK {
			return dashboardBucket{}, fmt.Errorf("HTTP %d: %s", code, body)
		}
		var res struct {
			Buckets []dashboardBucket `json:"buckets"`
		}
		if err := json.Unmarshal(body, &res); err != nil {
			return dashboardBucket{}, fmt.Errorf("%w: %s", err, body)
		}
		for _, b := range res.Buckets {
			if b.LatencyMs != nil && b.LatencyMs.Count > 0 {
				return b, nil
			}
		}
		return dashboardBucket{}, fmt.Errorf("no %s %q bucket with latency yet: %s", scope, key, body)
	}
	var endpoint, service dashboardBucket
	poll(t, 30*time.Second, 200*time.Millisecond, "the toxic's chaos.bucket", func() error {
		var err error
		if endpoint, err = find("endpoint", "redis"); err != nil {
			return err
		}
		service, err = find("service", "cache")
		return err
	})
	t.Logf("endpoint bucket: %+v latency %+v", endpoint, *endpoint.LatencyMs)
	for _, b := range []dashboardBucket{endpoint, service} {
		assert.Equal(t, "1m", b.Width)
		assert.GreaterOrEqual(t, b.Events, 1, "%s bucket events", b.Scope)
		assert.Equal(t, 1, b.LatencyMs.Count, "%s bucket: one latency injection", b.Scope)
		assert.InDelta(t, toxiproxyLatencyMs, b.LatencyMs.Avg, 0.5, "%s bucket: the toxic's latency", b.Scope)
		assert.InEpsilon(t, toxiproxyLatencyMs, b.LatencyMs.P50, 0.02, "%s bucket: p50 ≈ the toxic's latency", b.Scope)
		assert.Zero(t, b.Faults)
		assert.WithinDuration(t, time.Now().Truncate(time.Minute), b.Start, 2*time.Minute, "the bucket is this minute's")
	}
	assert.Equal(t, "redis", endpoint.Key)
	assert.Equal(t, "cache", service.Key)

	// The records the receiver emitted, as the debug exporter printed them.
	rec := col.out.record("chaos.event.kind: Str(latency_injection)")
	require.NotEmpty(t, rec, "the latency injection in the debug output")
	for _, want := range []string{"chaos.source: Str(toxiproxy)", "chaos.endpoint: Str(redis)",
		fmt.Sprintf("chaos.latency.delay_ms: Int(%d)", toxiproxyLatencyMs), `"toxiproxy.toxic":"slow"`} {
		assert.Contains(t, rec, want)
	}
	started := col.out.record("chaos.experiment.phase: Str(started)")
	assert.Contains(t, started, "chaos.experiment.name: Str(redis/slow)")

	// The toxic removed: the experiment completes.
	require.NoError(t, proxy.RemoveToxic("slow"))
	poll(t, 10*time.Second, 100*time.Millisecond, "the completed experiment in the debug output", func() error {
		if rec := col.out.record("chaos.experiment.phase: Str(completed)"); !strings.Contains(rec, "redis/slow") {
			return fmt.Errorf("not printed yet")
		}
		return nil
	})

	// The receiver's own telemetry.
	metricsURL := fmt.Sprintf("http://127.0.0.1:%d/metrics", telemetryPort)
	n, err := counterValue(client, metricsURL, "otelcol_receiver_toxiproxy_toxic_changes", `change="added"`)
	require.NoError(t, err)
	assert.Equal(t, 1.0, n, "otelcol_receiver_toxiproxy_toxic_changes{change=added}")
	n, err = counterValue(client, metricsURL, "otelcol_receiver_toxiproxy_polls", `outcome="ok"`)
	require.NoError(t, err)
	assert.Positive(t, n, "otelcol_receiver_toxiproxy_polls{outcome=ok}")
}
