package distribution

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// defaultConfigOnFreePorts is deploy/config/single-node.yaml — what `make
// run` starts — with each of its localhost ports moved to a free loopback
// port, so the test cannot collide with a collector already running.
func defaultConfigOnFreePorts(t *testing.T) (path string, ports map[int]int) {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "..", "deploy", "config", "single-node.yaml"))
	require.NoError(t, err)
	ports = map[int]int{}
	moved := func(p string) string {
		var n int
		_, err := fmt.Sscan(p, &n)
		require.NoError(t, err)
		if _, ok := ports[n]; !ok {
			ports[n] = freePort(t)
		}
		return fmt.Sprint(ports[n])
	}
	cfg := regexp.MustCompile(`localhost:(\d+)`).ReplaceAllStringFunc(string(raw), func(m string) string {
		return "127.0.0.1:" + moved(strings.TrimPrefix(m, "localhost:"))
	})
	cfg = regexp.MustCompile(`(?m)^(\s+port: )(\d+)$`).ReplaceAllStringFunc(cfg, func(m string) string {
		i := strings.LastIndex(m, " ")
		return m[:i+1] + moved(m[i+1:])
	})
	cfg = strings.ReplaceAll(cfg, "host: localhost", "host: 127.0.0.1")
	for _, line := range strings.Split(cfg, "\n") {
		if code, _, _ := strings.Cut(line, "#"); strings.Contains(code, "localhost") {
			t.Fatalf("an endpoint was not moved to a free port: %q", line)
		}
	}
	path = filepath.Join(t.TempDir(), "single-node.yaml")
	require.NoError(t, os.WriteFile(path, []byte(cfg), 0o600))
	return path, ports
}

// TestDefaultConfigServesChaosMetrics is the README's quickstart: the
// default configuration, a few events, then chaos metrics on the
// prometheus exporter's /metrics (:8889 in the default configuration).
func TestDefaultConfigServesChaosMetrics(t *testing.T) {
	bin := os.Getenv("OTELCOL_CHAOS_BINARY")
	if bin == "" {
		t.Skip("OTELCOL_CHAOS_BINARY is not set: run `make distribution-test` (part of `make test`), which builds the binary first")
	}
	cfgPath, ports := defaultConfigOnFreePorts(t)
	for _, p := range []int{4320, 4321, 4322, 8888, 8889} {
		require.Contains(t, ports, p, "the default configuration serves :%d", p)
	}
	runBinary(t, bin, cfgPath)
	events := fmt.Sprintf("http://127.0.0.1:%d/v1/chaos/events", ports[4320])
	require.Eventually(t, func() bool {
		resp, err := http.Get(fmt.Sprintf("http://127.0.0.1:%d/v1/chaos/health", ports[4320]))
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	}, 30*time.Second, 100*time.Millisecond, "collector did not become healthy")

	// Three delays and two faults three minutes ago, and one event now: the
	// watermark passes their minute, which closes.
	past := time.Now().UTC().Add(-3 * time.Minute).Truncate(time.Minute).Add(5 * time.Second)
	var batch []string
	for i, ev := range []string{
		`{"type":"LatencyInjection","delay_ms":100,"endpoint":"/api/users"}`,
		`{"type":"LatencyInjection","delay_ms":250,"endpoint":"/api/users"}`,
		`{"type":"LatencyInjection","delay_ms":600,"endpoint":"/api/cart"}`,
		`{"type":"FaultInjection","fault_type":"http_503","endpoint":"/api/cart"}`,
		`{"type":"FaultInjection","fault_type":"http_503","endpoint":"/api/users"}`,
	} {
		batch = append(batch, fmt.Sprintf(`{"timestamp":%q,"event_type":%s,"metadata":{}}`,
			past.Add(time.Duration(i)*time.Second).Format(time.RFC3339Nano), ev))
	}
	batch = append(batch, fmt.Sprintf(`{"timestamp":%q,"event_type":{"type":"LatencyInjection","delay_ms":5},"metadata":{}}`,
		time.Now().UTC().Format(time.RFC3339Nano)))
	status, body := post(t, events, "application/json", "["+strings.Join(batch, ",")+"]")
	require.Equal(t, http.StatusOK, status, body)

	want := []string{
		`chaos_events_total{chaos_event_kind="latency_injection",chaos_scope="global",`,
		`chaos_faults_total{chaos_fault_type="http_503",chaos_scope="global",`,
		`chaos_faults_total{chaos_endpoint="/api/cart",chaos_fault_type="http_503",chaos_scope="endpoint",`,
		`chaos_injected_latency_seconds_bucket{chaos_scope="global",`,
		`chaos_impact_severity_ratio{chaos_scope="global",`,
	}
	metricsURL := fmt.Sprintf("http://127.0.0.1:%d/metrics", ports[8889])
	var scrape string
	require.Eventually(t, func() bool {
		resp, err := http.Get(metricsURL)
		if err != nil {
			return false
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		scrape = string(b)
		for _, w := range want {
			if !strings.Contains(scrape, w) {
				return false
			}
		}
		return true
	}, 30*time.Second, 200*time.Millisecond, "chaos metrics on %s", metricsURL)
	require.Regexp(t, `(?m)^chaos_events_total\{chaos_event_kind="latency_injection",chaos_scope="global",[^}]*\} 3$`, scrape)
	require.Regexp(t, `(?m)^chaos_faults_total\{chaos_fault_type="http_503",chaos_scope="global",[^}]*\} 2$`, scrape)
	require.Regexp(t, `(?m)^chaos_injected_latency_seconds_bucket\{chaos_scope="global",[^}]*le="0.25"\} 2$`, scrape)
	require.Regexp(t, `(?m)^chaos_injected_latency_seconds_sum\{chaos_scope="global",[^}]*\} 0.95$`, scrape)
	t.Logf("chaos metrics on the default configuration's prometheus exporter, e.g.:\n%s", grepLines(scrape, "chaos_events_total", "chaos_impact_severity_ratio"))
}

func grepLines(s string, prefixes ...string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		for _, p := range prefixes {
			if strings.HasPrefix(l, p) {
				out = append(out, l)
			}
		}
	}
	return strings.Join(out, "\n")
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}
