package e2e

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// soakConfig is the whole single-node pipeline: chaos receiver →
// chaos_analytics → anomaly → alert (webhook) and chaos_metrics →
// prometheus exporter, which the test scrapes as Prometheus would.
const soakConfig = `
receivers:
  chaos:
    endpoint: 127.0.0.1:%[1]d
processors:
  memory_limiter:
    check_interval: 1s
    limit_percentage: 80
    spike_limit_percentage: 20
  chaos_analytics: {}
  anomaly: {}
connectors:
  chaos_metrics: {}
exporters:
  alert:
    rules:
      - name: ChaosFaultStorm
        preset: fault_rate
      - name: ChaosAnomaly
        type: anomaly
    handlers:
      - name: sink
        webhook:
          endpoint: %[2]s
  prometheus:
    endpoint: 127.0.0.1:%[3]d
extensions:
  pprof:
    endpoint: 127.0.0.1:%[4]d
service:
  extensions: [pprof]
  telemetry:
    metrics:
      level: none
  pipelines:
    logs:
      receivers: [chaos]
      processors: [memory_limiter, chaos_analytics, anomaly]
      exporters: [alert, chaos_metrics]
    metrics:
      receivers: [chaos_metrics]
      exporters: [prometheus]
`

// procSample is one reading of a process: resident memory and CPU time.
type procSample struct {
	at  time.Duration // since the start of the load
	rss int64         // bytes
	cpu time.Duration // user + system
}

func sampleProc(pid int) (procSample, error) {
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return procSample{}, err
	}
	var s procSample
	for _, line := range strings.Split(string(status), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmRSS:" {
			kb, err := strconv.ParseInt(f[1], 10, 64)
			if err != nil {
				return s, err
			}
			s.rss = kb << 10
		}
	}
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return s, err
	}
	// Fields after the command name (which may hold spaces, in parentheses).
	f := strings.Fields(string(stat)[strings.LastIndexByte(string(stat), ')')+2:])
	utime, err1 := strconv.ParseInt(f[11], 10, 64)
	stime, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return s, fmt.Errorf("/proc/%d/stat: %v %v", pid, err1, err2)
	}
	s.cpu = time.Duration(utime+stime) * time.Second / 100 // USER_HZ
	return s, nil
}

// TestSoak (make soak, not in CI): the built collector's whole pipeline
// under SOAK_RATE chaos events a second from chaosgen, live, for
// SOAK_DURATION, its RSS and CPU sampled every 10 s and its chaos metrics
// scraped as often. It reports events per second and per CPU-second, and
// fails if the RSS of the last minute exceeds that of the minute after the
// warm-up by 5 % or more.
func TestSoak(t *testing.T) {
	durationText, rateText := os.Getenv("SOAK_DURATION"), os.Getenv("SOAK_RATE")
	if durationText == "" {
		t.Skip("SOAK_DURATION is not set: run `make soak`")
	}
	env := requireEnv(t, envCollector, envChaosgen)
	duration, err := time.ParseDuration(durationText)
	require.NoError(t, err)
	rate, err := strconv.Atoi(rateText)
	require.NoError(t, err)
	warmup := 3 * time.Minute
	require.Greater(t, duration, warmup+2*time.Minute, "a soak needs the warm-up and two minutes more")

	webhook := startServer(t, &webhookSink{})
	client := newClient(t)
	chaosPort, promPort, pprofPort := freePort(t), freePort(t), freePort(t)
	cfgPath := filepath.Join(t.TempDir(), "soak.yaml")
	require.NoError(t, os.WriteFile(cfgPath, []byte(fmt.Sprintf(soakConfig, chaosPort, webhook, promPort, pprofPort)), 0o600))
	// Heap profiles (after a GC) at the end of the warm-up and at the end,
	// for `go tool pprof -diff_base` when memory grows.
	heapProfile := func(name string) {
		code, body, err := get(client, fmt.Sprintf("http://127.0.0.1:%d/debug/pprof/heap?gc=1", pprofPort))
		if err != nil || code != http.StatusOK {
			t.Logf("heap profile %s: HTTP %d, %v", name, code, err)
			return
		}
		path := filepath.Join(os.Getenv("SOAK_PROFILES"), "soak-heap-"+name+".pb.gz")
		if os.Getenv("SOAK_PROFILES") != "" && os.WriteFile(path, body, 0o600) == nil {
			t.Logf("heap profile: %s", path)
		}
	}
	col := startProcess(t, "collector", env[0], "--config", cfgPath)
	waitReady(t, client, col, fmt.Sprintf("http://127.0.0.1:%d/v1/chaos/health", chaosPort), 30*time.Second)
	pid := col.cmd.Process.Pid

	done := make(chan chaosgenSummary, 1)
	start := time.Now()
	go func() {
		done <- runChaosgen(t, env[1], duration+time.Minute, "-scenario", "baseline", "-duration", duration.String(),
			"-rate", strconv.Itoa(rate), "-batch", "500", "-endpoint", fmt.Sprintf("http://127.0.0.1:%d/v1/chaos/events", chaosPort))
	}()
	first, err := sampleProc(pid)
	require.NoError(t, err)
	var samples []procSample
	var summary chaosgenSummary
	ticker := time.NewTicker(10 * time.Second)
	defer ticker.Stop()
	scrapes := 0
loop:
	for {
		select {
		case summary = <-done:
			break loop
		case <-ticker.C:
			s, err := sampleProc(pid)
			require.NoError(t, err)
			s.at = time.Since(start)
			if s.at >= warmup && s.at < warmup+10*time.Second {
				heapProfile("warm")
			}
			samples = append(samples, s)
			code, _, err := get(client, fmt.Sprintf("http://127.0.0.1:%d/metrics", promPort))
			require.NoError(t, err)
			require.Equal(t, http.StatusOK, code)
			scrapes++
			t.Logf("%5.0fs  RSS %6.1f MiB  CPU %6.1fs", s.at.Seconds(), float64(s.rss)/(1<<20), (s.cpu - first.cpu).Seconds())
		}
	}
	elapsed := time.Since(start)
	heapProfile("end")
	last, err := sampleProc(pid)
	require.NoError(t, err)
	cpu := last.cpu - first.cpu
	t.Logf("%d events in %.0fs: %.0f events/s, %.0f events per CPU-second of the collector (%.1f CPU-s), %d scrapes",
		summary.Accepted, elapsed.Seconds(), float64(summary.Accepted)/elapsed.Seconds(),
		float64(summary.Accepted)/cpu.Seconds(), cpu.Seconds(), scrapes)

	median := func(from, to time.Duration) float64 {
		var v []int64
		for _, s := range samples {
			if s.at >= from && s.at < to {
				v = append(v, s.rss)
			}
		}
		require.NotEmpty(t, v, "samples between %s and %s", from, to)
		slices.Sort(v)
		return float64(v[len(v)/2])
	}
	afterWarmup := median(warmup, warmup+time.Minute)
	lastMinute := median(elapsed-time.Minute, elapsed)
	growth := (lastMinute - afterWarmup) / afterWarmup * 100
	t.Logf("RSS median: %.1f MiB the minute after the warm-up, %.1f MiB the last minute: growth %+.1f %%",
		afterWarmup/(1<<20), lastMinute/(1<<20), growth)
	require.Less(t, growth, 5.0, "memory grows after the warm-up")
}
