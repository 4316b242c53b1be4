package e2e

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// metricsCollectorConfig is the single-node pipeline with the metrics
// path: chaos events → chaos_analytics (1-minute buckets) → anomaly →
// alert and chaos_metrics → the prometheus exporter, plus the collector's
// own telemetry; Prometheus scrapes both.
//
// anomaly: warmup 10 instead of 20, so that a 14-minute baseline warms the
// detectors. chaos_metrics: max_label_values 100, the bound the label
// check below holds every chaos_* label to.
const metricsCollectorConfig = `
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
connectors:
  chaos_metrics:
    max_label_values: 100
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
  prometheus:
    endpoint: 127.0.0.1:%[2]d
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
      processors: [chaos_analytics, anomaly]
      exporters: [alert, chaos_metrics]
    metrics:
      receivers: [chaos_metrics]
      exporters: [prometheus]
`

const (
	// baselineDuration warms the detectors (warmup 10) with margin.
	baselineDuration = 14 * time.Minute
	// incidentDuration of each of spike and fault-storm: an event spike,
	// then a fault storm whose fault ratio passes ChaosFaultStorm's 0.3.
	incidentDuration = 6 * time.Minute
	// dataTimeout bounds the wait for Prometheus to have scraped what the
	// incident produced.
	dataTimeout = 90 * time.Second
)

// TestDashboardsAnswerInPrometheus drives the built collector with chaosgen
// through a baseline, an event spike and a fault storm (scenario
// transitions, experiment phases, anomalies, a firing alert), lets a real
// Prometheus scrape its chaos metrics and its own telemetry, then runs
// every PromQL expression of every dashboard — panels, annotations and
// template variables, with the variables substituted — over the test's time
// range. An error or an empty result fails the test, naming the dashboard,
// the panel and the expression. Then every label of every series must be
// bounded.
func TestDashboardsAnswerInPrometheus(t *testing.T) {
	env := requireEnv(t, envCollector, envChaosgen, envPrometheus)
	collectorBin, chaosgen, promBin := env[0], env[1], env[2]
	dashboards := loadDashboards(t)

	chaosPort, metricsPort, telemetryPort := freePort(t), freePort(t), freePort(t)
	cfg := fmt.Sprintf(metricsCollectorConfig, chaosPort, metricsPort, freePort(t), telemetryPort)
	cfgPath := filepath.Join(t.TempDir(), "config.yaml")
	require.NoError(t, os.WriteFile(cfgPath, []byte(cfg), 0o600))
	col := startProcess(t, "collector", collectorBin, "--config", cfgPath)
	client := newClient(t)
	waitReady(t, client, col, fmt.Sprintf("http://127.0.0.1:%d/v1/chaos/health", chaosPort), 30*time.Second)

	prom := startPrometheus(t, promBin, []scrapeJob{
		{"otelcol-chaos", fmt.Sprintf("127.0.0.1:%d", metricsPort)},
		{"otelcol-chaos-telemetry", fmt.Sprintf("127.0.0.1:%d", telemetryPort)},
	}, filepath.Join("..", "..", "deploy", "prometheus", "rules.yaml"))
	from := time.Now()

	// The baseline, dated before the incident (see shiftProxy), then the
	// incident, each after Prometheus has scraped the state before it, so
	// that rates and annotations see the counters move.
	events := fmt.Sprintf("http://127.0.0.1:%d/v1/chaos/events", chaosPort)
	proxyURL, _ := startShiftProxy(t, events, -(2*incidentDuration + time.Minute))
	time.Sleep(3 * time.Second)
	runChaosgen(t, chaosgen, chaosgenTimeout, "-fast", "-scenario", "baseline", "-duration", baselineDuration.String(), "-endpoint", proxyURL)
	time.Sleep(3 * time.Second)
	runChaosgen(t, chaosgen, chaosgenTimeout, "-fast", "-scenario", "spike,fault-storm", "-duration", incidentDuration.String(), "-endpoint", events)
	// One malformed request: the refusal panels count it.
	code, body, err := postJSON(client, events, `[{"timestamp":"2026-11-23T10:00:00Z","event_type":{"type":"LatencyInjection","delay_ms":"slow"}}]`)
	require.NoError(t, err)
	require.Equal(t, 400, code, "%s", body)

	// Wait until Prometheus holds the incident's consequences.
	for _, c := range []struct{ what, expr string }{
		{"an anomaly opened", `sum(chaos_anomalies_opened_total)`},
		{"an alert firing in the alert exporter", `max_over_time(otelcol_exporter_alert_alerts{state="firing"}[5m])`},
		{"a notification sent", `sum(otelcol_exporter_alert_notifications_sent)`},
		{"a forecast", `count(chaos_forecast_value)`},
		{"two scenario transitions", `sum(chaos_scenario_transitions_total)`},
	} {
		poll(t, dataTimeout, time.Second, c.what, func() error {
			v, ok, err := prom.scalarAt(c.expr, time.Now())
			switch {
			case err != nil:
				return err
			case !ok || v < 1:
				return fmt.Errorf("%s = %v (present %v)", c.expr, v, ok)
			}
			return nil
		})
	}
	time.Sleep(3 * time.Second) // a few more scrapes of the final state
	to := time.Now()
	t.Logf("data in Prometheus after %.0fs", to.Sub(from).Seconds())

	failures := 0
	for file, d := range dashboards {
		exprs := extractExpressions(t, d)
		vars := resolveVariables(t, prom, exprs, from, to)
		t.Logf("%s: %d expressions, variables %v", file, len(exprs), vars)
		for _, e := range exprs {
			if e.variable != "" {
				continue // resolved above: an empty variable already failed
			}
			q := vars.substitute(e.expr)
			res, err := prom.queryRange(q, from, to, 2*time.Second)
			switch {
			case err != nil:
				t.Errorf("%s\n  as run: %s\n  error: %v", e, q, err)
				failures++
			case len(res) == 0:
				t.Errorf("%s\n  as run: %s\n  empty result", e, q)
				failures++
			case allNaN(res):
				t.Errorf("%s\n  as run: %s\n  only NaN", e, q)
				failures++
			}
		}
	}
	require.Zero(t, failures, "dashboard expressions that do not answer")

	checkLabelsBounded(t, prom, from, to, 100)
}

// resolveVariables evaluates the dashboard's query variables in order
// (later ones may use earlier ones) and picks the first value of each, as
// Grafana selects a default; Grafana's own time variables get the values
// Grafana would give them for the test's range.
func resolveVariables(t *testing.T, prom *prometheus, exprs []expression, from, to time.Time) grafanaVars {
	t.Helper()
	rng := to.Sub(from).Round(time.Second)
	vars := grafanaVars{"__rate_interval": "1m", "__interval": "2s", "__range": strconv.Itoa(int(rng.Seconds())) + "s"}
	for _, e := range exprs {
		if e.variable == "" {
			continue
		}
		m := labelValuesQuery.FindStringSubmatch(e.expr)
		require.NotNil(t, m, "%s: only label_values(selector, label) variables are supported", e)
		selector := vars.substitute(m[1])
		series, err := prom.series(selector, from, to)
		require.NoError(t, err, "%s (as run: %s)", e, selector)
		values := map[string]bool{}
		for _, s := range series {
			if v := s[m[2]]; v != "" {
				values[v] = true
			}
		}
		require.NotEmpty(t, values, "%s: no value (as run: %s)", e, selector)
		sorted := make([]string, 0, len(values))
		for v := range values {
			sorted = append(sorted, v)
		}
		sort.Strings(sorted)
		vars[e.variable] = regexValue(sorted[0])
	}
	return vars
}

func allNaN(res []promSeries) bool {
	for _, s := range res {
		for _, v := range s.Values {
			str, _ := v[1].(string)
			if f, err := strconv.ParseFloat(str, 64); err == nil && !math.IsNaN(f) {
				return false
			}
		}
	}
	return true
}

// chaosLabels are the labels the chaos_metrics connector documents (its
// README's metric table), plus what the prometheus exporter and the scrape
// add. Any other label on a chaos_* series is a contract violation.
var chaosLabels = map[string]bool{
	"__name__": true, "job": true, "instance": true, "le": true,
	"otel_scope_name": true, "otel_scope_version": true, "otel_scope_schema_url": true,
	"chaos_scope": true, "service_name": true, "chaos_endpoint": true, "chaos_event_kind": true,
	"chaos_fault_type": true, "chaos_protocol_name": true, "chaos_probe_outcome": true,
	"chaos_impact_factor": true, "chaos_anomaly_type": true, "chaos_anomaly_severity": true,
	"chaos_health_component": true, "chaos_trend_metric": true, "chaos_forecast_metric": true,
	"chaos_scenario_from": true, "chaos_scenario_to": true,
	"chaos_experiment_name": true, "chaos_experiment_phase": true,
}

// checkLabelsBounded: every chaos_* series carries documented labels only,
// and no label of any series Prometheus holds (chaos metrics and the
// collector's own) takes more than bound distinct values.
func checkLabelsBounded(t *testing.T, prom *prometheus, from, to time.Time, bound int) {
	t.Helper()
	all, err := prom.series(`{job=~"otelcol-chaos.*"}`, from, to)
	require.NoError(t, err)
	require.NotEmpty(t, all)
	values := map[string]map[string]bool{}
	chaosSeries := 0
	for _, s := range all {
		chaos := strings.HasPrefix(s["__name__"], "chaos_")
		if chaos {
			chaosSeries++
		}
		for k, v := range s {
			if chaos {
				require.True(t, chaosLabels[k], "%s carries the undocumented label %s=%q", s["__name__"], k, v)
			}
			if values[k] == nil {
				values[k] = map[string]bool{}
			}
			values[k][v] = true
		}
	}
	require.Positive(t, chaosSeries)
	for k, vs := range values {
		if k == "__name__" {
			continue
		}
		require.LessOrEqual(t, len(vs), bound, "label %s takes %d values", k, len(vs))
	}
	t.Logf("%d series (%d chaos_*), %d label names, each within %d values", len(all), chaosSeries, len(values), bound)
}
