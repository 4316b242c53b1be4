package e2e

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// guardrailCollectorConfig: chaos events → chaos_analytics (10-second
// buckets, so that the storm's buckets close within seconds) → the alert
// exporter, whose steady_state rule drives an abort handler aimed at a
// MockForge stub; a second pipeline prints every record the chaos receiver
// takes (the aborted event the handler feeds back among them) with the
// debug exporter. The chaos_dashboard extension is how the test sees when
// the collector concluded each service bucket.
//
// The rule: window 10s (one bucket per evaluation), for 20s (the breach
// must hold three evaluations in a row). p95_latency_growth is set out of
// reach so that only the probe success ratio decides: the test recomputes
// that from the buckets to time the breach (latency sketches do not merge
// from the bucket messages' quantiles; the p95 criterion has unit tests).
// allowed_lateness 2s with small chaosgen batches keeps the delay from a
// bucket's end to its closing nearly constant, so the breach and the
// firing are observed with the same delay.
const guardrailCollectorConfig = `
receivers:
  chaos:
    endpoint: 127.0.0.1:%[1]d
processors:
  chaos_analytics:
    widths: [10s]
    allowed_lateness: 2s
    idle_flush: 2s
    flush_interval: 100ms
exporters:
  debug:
    verbosity: detailed
  alert:
    evaluation_interval: 1s
    api:
      enabled: true
      endpoint: 127.0.0.1:%[2]d
    rules:
      - name: SteadyStateBroken
        preset: steady_state
        window: 10s
        for: 20s
        steady_state:
          success_ratio_drop: 0.05
          p95_latency_growth: 1000
          min_probes: 5
    route:
      group_by: [alertname]
      group_wait: 1s
      group_interval: 2s
      repeat_interval: 1m
    handlers:
      - name: stop-chaos
        abort:
          rules: [SteadyStateBroken]
          target:
            mockforge:
              endpoint: %[3]s
              scenario: "{{ .CommonLabels.experiment }}"
          feedback:
            endpoint: http://127.0.0.1:%[1]d/v1/chaos/events
      - name: log
        log: {}
extensions:
  chaos_dashboard:
    endpoint: 127.0.0.1:%[4]d
service:
  extensions: [chaos_dashboard]
  telemetry:
    metrics:
      readers:
        - pull:
            exporter:
              prometheus:
                host: 127.0.0.1
                port: %[5]d
  pipelines:
    logs/analytics:
      receivers: [chaos]
      processors: [chaos_analytics]
      exporters: [alert]
    logs/output:
      receivers: [chaos]
      exporters: [debug]
`

// The steady-state rule's settings, as the test recomputes them.
const (
	guardrailFor        = 20 * time.Second
	guardrailGroupWait  = time.Second
	guardrailDrop       = 0.05
	guardrailMinProbes  = 5
	guardrailBaseWindow = 10 * time.Minute // the preset's default baseline_window
	guardrailWidth      = 10 * time.Second
	guardrailStorm      = 80 * time.Second
	guardrailCalm       = 8 * time.Minute
)

// TestGuardrailAbortsTheStorm: a calm baseline (fast, dated before now),
// then chaosgen's fault storm in real time, whose probes fail more and more.
// The steady_state rule must see the services' probe success ratio fall
// below their own baseline, fire after `for`, and the abort handler must
// call MockForge's stop API exactly once (disable, then stop the scenario)
// within for + group_wait + 1 s of the breach — the moment the collector
// concluded the first bucket of the run of breaching buckets that fired —
// however long the storm goes on after that; the aborted experiment event
// must come back through the chaos receiver into the collector's output.
func TestGuardrailAbortsTheStorm(t *testing.T) {
	env := requireEnv(t, envCollector, envChaosgen)
	collectorBin, chaosgen := env[0], env[1]

	mockforge := &mockForgeStub{}
	mockforgeURL := startServer(t, mockforge)
	chaosPort, apiPort, dashPort, telemetryPort := freePort(t), freePort(t), freePort(t), freePort(t)
	cfgPath := filepath.Join(t.TempDir(), "config.yaml")
	require.NoError(t, os.WriteFile(cfgPath, []byte(fmt.Sprintf(guardrailCollectorConfig,
		chaosPort, apiPort, mockforgeURL, dashPort, telemetryPort)), 0o600))
	client := newClient(t)
	events := fmt.Sprintf("http://127.0.0.1:%d/v1/chaos/events", chaosPort)
	dashboard := fmt.Sprintf("http://127.0.0.1:%d", dashPort)
	col := startProcess(t, "collector", collectorBin, "--config", cfgPath)
	waitReady(t, client, col, fmt.Sprintf("http://127.0.0.1:%d/v1/chaos/health", chaosPort), 30*time.Second)
	waitReady(t, client, col, dashboard+"/api/v1/stats", 10*time.Second)

	// The calm baseline, dated to end 20 s ago: its last bucket closes
	// (idle_flush) before the storm's first event, which then is not late.
	proxyURL, _ := startShiftProxy(t, events, -20*time.Second)
	runChaosgen(t, chaosgen, chaosgenTimeout, "-fast", "-scenario", "baseline", "-duration", guardrailCalm.String(),
		"-batch", "50", "-endpoint", proxyURL)
	time.Sleep(3 * time.Second) // idle_flush: the calm's last buckets are published

	// From here on, every bucket message with its arrival time.
	rec := newStreamRecorder(t, strings.Replace(dashboard, "http", "ws", 1)+"/api/v1/stream",
		`{"subscribe":{"types":["bucket","alert_pending","alert_fired","alert_resolved"]}}`)
	storm := runChaosgen(t, chaosgen, guardrailStorm+time.Minute, "-scenario", "fault-storm",
		"-duration", guardrailStorm.String(), "-batch", "10", "-endpoint", events)
	stormStart, err := time.Parse(time.RFC3339Nano, storm.EventTimeStart)
	require.NoError(t, err)
	time.Sleep(5 * time.Second) // the storm's last buckets close; any late abort would show

	// The abort: exactly once, however long the alert kept firing.
	calls := mockforge.all()
	require.Len(t, calls, 2, "one abort: disable, then stop the scenario (calls: %v)", calls)
	assert.Equal(t, "POST /api/chaos/disable", calls[0].route)
	assert.Equal(t, "DELETE /api/chaos/scenarios/fault-storm", calls[1].route)
	abortAt := calls[0].at

	// The breach, recomputed from the buckets the collector published.
	baselines := serviceBaselines(t, client, dashboard, stormStart)
	breach, fired := firstSustainedBreach(t, rec.buckets(), baselines, stormStart)
	t.Logf("breach: %s's bucket %s concluded %s after the storm started; rule fired on its bucket %s; abort %.2fs after the breach (bound %s)",
		breach.key, breach.start.Format("15:04:05"), breach.arrived.Sub(stormStart).Round(time.Millisecond),
		fired.start.Format("15:04:05"), abortAt.Sub(breach.arrived).Seconds(), guardrailFor+guardrailGroupWait+time.Second)
	if at, ok := rec.first("alert_fired"); ok {
		t.Logf("alert_fired streamed %.2fs after the breach; the abort followed %.2fs later",
			at.Sub(breach.arrived).Seconds(), abortAt.Sub(at).Seconds())
	}
	assert.False(t, abortAt.Before(fired.arrived), "the abort came before the rule's `for` had elapsed")
	assert.LessOrEqual(t, abortAt.Sub(breach.arrived), guardrailFor+guardrailGroupWait+time.Second,
		"the abort came later than for + group_wait + 1s after the breach")

	// The aborted event, fed back through the chaos receiver.
	poll(t, 10*time.Second, 200*time.Millisecond, "the aborted event in the debug output", func() error {
		if rec := col.out.record("chaos.experiment.phase: Str(aborted)"); rec == "" {
			return fmt.Errorf("no aborted experiment event printed")
		} else if !strings.Contains(rec, "abort.outcome") || !strings.Contains(rec, "stopped") ||
			!strings.Contains(rec, "chaos.experiment.name: Str(fault-storm)") {
			return fmt.Errorf("the aborted event lacks the abort's metadata:\n%s", rec)
		}
		return nil
	})
	// Telemetry and the alerts API say the same.
	metricsURL := fmt.Sprintf("http://127.0.0.1:%d/metrics", telemetryPort)
	n, err := counterValue(client, metricsURL, "otelcol_exporter_alert_aborts", `outcome="stopped"`, `target="mockforge"`)
	require.NoError(t, err)
	assert.Equal(t, 1.0, n, "otelcol_exporter_alert_aborts{target=mockforge,outcome=stopped}")
	code, body, err := get(client, fmt.Sprintf("http://127.0.0.1:%d/v1/alerts/aborts", apiPort))
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, code, "%s", body)
	var aborts struct {
		Aborts []struct {
			Rule, Target, Experiment, Outcome string
		} `json:"aborts"`
	}
	require.NoError(t, json.Unmarshal(body, &aborts), "%s", body)
	require.Len(t, aborts.Aborts, 1, "%s", body)
	assert.Equal(t, "stopped", aborts.Aborts[0].Outcome)
	assert.Equal(t, "fault-storm", aborts.Aborts[0].Experiment)
	assert.Equal(t, "SteadyStateBroken", aborts.Aborts[0].Rule)
}
