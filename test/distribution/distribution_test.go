// Package distribution tests the built otelcol-chaos binary end to end: it
// starts the binary on a generated configuration, posts chaos events over
// HTTP, and checks that every one of them leaves the collector (through its
// otlp_http exporter, into an OTLP sink served here) with the right
// attributes. `make test` builds the binary and sets OTELCOL_CHAOS_BINARY.
package distribution

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/plog/plogotlp"

	"github.com/otelcol-chaos/otelcol-chaos/internal/chaosconv"
)

// sink is an OTLP/HTTP logs endpoint collecting every record it is sent.
type sink struct {
	mu      sync.Mutex
	records []received
}

type received struct {
	resource pcommon.Map
	record   plog.LogRecord
}

func (s *sink) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	req := plogotlp.NewExportRequest()
	if err := req.UnmarshalProto(body); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	logs := req.Logs()
	s.mu.Lock()
	for _, rl := range logs.ResourceLogs().All() {
		for _, sl := range rl.ScopeLogs().All() {
			for _, lr := range sl.LogRecords().All() {
				s.records = append(s.records, received{resource: rl.Resource().Attributes(), record: lr})
			}
		}
	}
	s.mu.Unlock()
	w.Header().Set("Content-Type", "application/x-protobuf")
	out, _ := plogotlp.NewExportResponse().MarshalProto()
	_, _ = w.Write(out)
}

// snapshot returns the records of one kind received so far.
func (s *sink) snapshot(kind string) []received {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []received
	for _, r := range s.records {
		if r.record.EventName() == kind {
			out = append(out, r)
		}
	}
	return out
}

func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// collector is the running binary.
type collector struct {
	events, health, metrics string
	logs                    *bytes.Buffer
}

func startCollector(t *testing.T, sinkURL string) *collector {
	t.Helper()
	bin := os.Getenv("OTELCOL_CHAOS_BINARY")
	if bin == "" {
		t.Skip("OTELCOL_CHAOS_BINARY is not set: run `make distribution-test` (part of `make test`), which builds the binary first")
	}
	chaosPort, metricsPort := freePort(t), freePort(t)
	cfg := fmt.Sprintf(`
receivers:
  chaos:
    endpoint: 127.0.0.1:%d
    resource_attributes:
      deployment.environment.name: e2e
exporters:
  otlp_http:
    logs_endpoint: %s/v1/logs
    compression: none
    retry_on_failure:
      enabled: false
processors:
  batch:
    timeout: 100ms
  chaos_analytics:
    widths: [1m, 5m]
    allowed_lateness: 1s
service:
  telemetry:
    metrics:
      readers:
        - pull:
            exporter:
              prometheus:
                host: 127.0.0.1
                port: %d
  pipelines:
    logs:
      receivers: [chaos]
      processors: [chaos_analytics, batch]
      exporters: [otlp_http]
`, chaosPort, sinkURL, metricsPort)
	cfgPath := filepath.Join(t.TempDir(), "config.yaml")
	require.NoError(t, os.WriteFile(cfgPath, []byte(cfg), 0o600))

	out := runBinary(t, bin, cfgPath)

	c := &collector{
		events:  fmt.Sprintf("http://127.0.0.1:%d/v1/chaos/events", chaosPort),
		health:  fmt.Sprintf("http://127.0.0.1:%d/v1/chaos/health", chaosPort),
		metrics: fmt.Sprintf("http://127.0.0.1:%d/metrics", metricsPort),
		logs:    out,
	}
	require.Eventually(t, func() bool {
		resp, err := http.Get(c.health)
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	}, 30*time.Second, 100*time.Millisecond, "collector did not become healthy")
	return c
}

// runBinary starts the collector on cfgPath until the test ends (then
// interrupts it) and returns its output, logged if the test failed.
func runBinary(t *testing.T, bin, cfgPath string) *bytes.Buffer {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, bin, "--config", cfgPath)
	out := &bytes.Buffer{}
	cmd.Stdout, cmd.Stderr = out, out
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = 10 * time.Second
	require.NoError(t, cmd.Start())
	t.Cleanup(func() {
		cancel()
		_ = cmd.Wait()
		if t.Failed() {
			t.Logf("collector output (tail):\n%s", tail(out.String(), 8000))
		}
	})
	return out
}

func post(t *testing.T, url, contentType, body string) (int, string) {
	t.Helper()
	resp, err := http.Post(url, contentType, strings.NewReader(body))
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, string(b)
}

// expected is what one posted event must look like downstream.
type expected struct {
	kind  string
	attrs map[string]any
}

func TestBinaryForwardsEveryEvent(t *testing.T) {
	s := &sink{}
	srv := &http.Server{Handler: s, ReadHeaderTimeout: 5 * time.Second}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })

	c := startCollector(t, "http://"+ln.Addr().String())

	const ts = "2026-11-23T10:00:00.123456789Z"
	bodies := []struct {
		contentType string
		body        string
	}{
		{"application/json", `{"timestamp":"` + ts + `","event_type":{"type":"LatencyInjection","delay_ms":500,"endpoint":"/api/users"},"metadata":{"run":"e2e"}}`},
		{"application/json", `[
			{"timestamp":"` + ts + `","event_type":{"type":"FaultInjection","fault_type":"http_503","endpoint":null},"metadata":{}},
			{"timestamp":"` + ts + `","event_type":{"type":"RateLimitExceeded","client_ip":"10.1.2.3","endpoint":"/api/orders"},"metadata":{}}
		]`},
		{"application/x-ndjson", `{"timestamp":"` + ts + `","event_type":{"type":"TrafficShaping","action":"throttle","bytes":4096},"metadata":{}}` + "\n" +
			`{"timestamp":"` + ts + `","event_type":{"type":"ProtocolEvent","protocol":"grpc","event":"stream_reset","details":{"code":"14"}},"metadata":{}}` + "\n"},
		{"application/json", `{"scenario":{"name":"net-degradation","description":null,"chaos_config":{},"duration_seconds":60,"start_time":null,"end_time":null,"tags":[]},
			"events":[{"timestamp":"` + ts + `","event_type":{"type":"ScenarioTransition","from_scenario":null,"to_scenario":"net-degradation"},"metadata":{}}],
			"recording_started":"` + ts + `","recording_ended":null,"total_duration_ms":0}`},
		{"application/json", `[{"kind":"probe","timestamp":"` + ts + `","service":"checkout","target":"http://checkout/health","success":false,"latency_ms":812.5},
			{"kind":"experiment","timestamp":"` + ts + `","experiment":"fault-storm","phase":"started","source":"litmus"}]`},
	}
	want := []expected{
		{"latency_injection", map[string]any{chaosconv.AttrLatencyDelayMs: int64(500), chaosconv.AttrEndpoint: "/api/users", chaosconv.AttrSource: "mockforge", chaosconv.AttrMetadata: map[string]any{"run": "e2e"}}},
		{"fault_injection", map[string]any{chaosconv.AttrFaultType: "http_503"}},
		{"rate_limit_exceeded", map[string]any{chaosconv.AttrClientAddress: "10.1.2.3", chaosconv.AttrEndpoint: "/api/orders"}},
		{"traffic_shaping", map[string]any{chaosconv.AttrTrafficAction: "throttle", chaosconv.AttrTrafficBytes: int64(4096)}},
		{"protocol_event", map[string]any{chaosconv.AttrProtocolName: "grpc", chaosconv.AttrProtocolEvent: "stream_reset", chaosconv.AttrProtocolDetails: map[string]any{"code": "14"}}},
		{"scenario_transition", map[string]any{chaosconv.AttrScenarioTo: "net-degradation", chaosconv.AttrScenarioName: "net-degradation"}},
		{"probe", map[string]any{chaosconv.AttrProbeTarget: "http://checkout/health", chaosconv.AttrProbeSuccess: false, chaosconv.AttrProbeLatencyMs: 812.5}},
		{"experiment", map[string]any{chaosconv.AttrExperimentName: "fault-storm", chaosconv.AttrExperimentPhase: "started", chaosconv.AttrSource: "litmus"}},
	}
	accepted := 0
	for _, b := range bodies {
		code, resp := post(t, c.events, b.contentType, b.body)
		require.Equal(t, http.StatusOK, code, resp)
		var n int
		_, err := fmt.Sscanf(resp, `{"accepted":%d}`, &n)
		require.NoError(t, err, resp)
		accepted += n
	}
	require.Equal(t, len(want), accepted)

	// A bad batch is refused whole and names the event and field at fault.
	code, resp := post(t, c.events, "application/json",
		`[{"timestamp":"`+ts+`","event_type":{"type":"LatencyInjection","delay_ms":1}},{"timestamp":"`+ts+`","event_type":{"type":"LatencyInjection","delay_ms":"slow"}}]`)
	require.Equal(t, http.StatusBadRequest, code)
	require.Contains(t, resp, `"index":1`)
	require.Contains(t, resp, `"field":"event_type.delay_ms"`)

	require.Eventually(t, func() bool { return len(s.snapshot(chaosconv.RecordEvent)) >= len(want) }, 20*time.Second, 50*time.Millisecond)
	time.Sleep(300 * time.Millisecond) // a refused batch must not trickle in late
	got := s.snapshot(chaosconv.RecordEvent)
	require.Len(t, got, len(want), "exactly the accepted events arrive, none of the refused batch")

	wantTime, err := time.Parse(time.RFC3339Nano, ts)
	require.NoError(t, err)
	byKind := map[string]received{}
	for _, r := range got {
		assert.Equal(t, chaosconv.RecordEvent, r.record.EventName())
		assert.Equal(t, wantTime.UnixNano(), r.record.Timestamp().AsTime().UnixNano())
		assert.NotZero(t, r.record.ObservedTimestamp())
		env, ok := r.resource.Get("deployment.environment.name")
		assert.True(t, ok)
		assert.Equal(t, "e2e", env.Str())
		kind, ok := r.record.Attributes().Get(chaosconv.AttrEventKind)
		require.True(t, ok)
		byKind[kind.Str()] = r
	}
	for _, w := range want {
		r, ok := byKind[w.kind]
		require.True(t, ok, "no %s event arrived", w.kind)
		for k, v := range w.attrs {
			a, ok := r.record.Attributes().Get(k)
			require.True(t, ok, "%s: attribute %s missing", w.kind, k)
			assert.Equal(t, v, a.AsRaw(), "%s: attribute %s", w.kind, k)
		}
	}
	svc, ok := byKind["probe"].resource.Get(chaosconv.AttrServiceName)
	require.True(t, ok, "a native event's service becomes the resource's service.name")
	assert.Equal(t, "checkout", svc.Str())

	// chaos_analytics summarised them: an event two minutes later moves the
	// watermark past 10:00, and the minute's chaos.bucket records follow.
	code, resp = post(t, c.events, "application/json",
		`{"timestamp":"2026-11-23T10:02:00Z","event_type":{"type":"LatencyInjection","delay_ms":5},"metadata":{}}`)
	require.Equal(t, http.StatusOK, code, resp)
	var global *chaosconv.Bucket
	require.Eventually(t, func() bool {
		for _, r := range s.snapshot(chaosconv.RecordBucket) {
			b := &chaosconv.Bucket{}
			require.NoError(t, chaosconv.DecodeBucket(r.record, b))
			if b.Scope == chaosconv.ScopeGlobal && b.Width == time.Minute && b.StartUnixNano == wantTime.Truncate(time.Minute).UnixNano() {
				global = b
				return true
			}
		}
		return false
	}, 20*time.Second, 50*time.Millisecond, "no chaos.bucket summary for the 10:00 minute")
	require.Equal(t, uint64(len(want)), global.Events)
	require.Equal(t, uint64(1), global.Faults)
	require.Equal(t, uint64(1), global.ProbeFailures)
	require.Equal(t, uint64(1), global.Latency.Count)

	// The collector's own telemetry counts what the receiver accepted.
	require.Eventually(t, func() bool {
		resp, err := http.Get(c.metrics)
		if err != nil {
			return false
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return strings.Contains(string(b), `otelcol_receiver_accepted_log_records{receiver="chaos",transport="http"} 9`) &&
			strings.Contains(string(b), `otelcol_receiver_chaos_rejected_requests{reason="invalid_event"} 1`)
	}, 10*time.Second, 200*time.Millisecond, "collector metrics do not show the chaos receiver's counts")
}
