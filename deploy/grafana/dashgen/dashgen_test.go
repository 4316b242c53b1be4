package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

const (
	committedDir = "../dashboards"
	regenerate   = "go run ./deploy/grafana/dashgen -out deploy/grafana/dashboards"
)

// generated runs the generator into a temporary directory and returns the
// files it wrote, by name.
func generated(t *testing.T) map[string][]byte {
	t.Helper()
	dir := t.TempDir()
	require.NoError(t, generate(dir))
	return readJSONFiles(t, dir)
}

func readJSONFiles(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(dir, "*.json"))
	require.NoError(t, err)
	files := make(map[string][]byte, len(paths))
	for _, p := range paths {
		b, err := os.ReadFile(p)
		require.NoError(t, err)
		files[filepath.Base(p)] = b
	}
	return files
}

// TestCommittedDashboards fails when deploy/grafana/dashboards is not what
// the generator writes: a file differs, is missing, or is not generated.
func TestCommittedDashboards(t *testing.T) {
	want := generated(t)
	got := readJSONFiles(t, committedDir)
	for name, b := range want {
		path := "deploy/grafana/dashboards/" + name
		switch c, ok := got[name]; {
		case !ok:
			t.Errorf("%s is missing: run %s", path, regenerate)
		case !bytes.Equal(c, b):
			t.Errorf("%s is out of date (the generator writes something else): run %s", path, regenerate)
		}
	}
	for name := range got {
		if _, ok := want[name]; !ok {
			t.Errorf("deploy/grafana/dashboards/%s is not written by the generator: delete it or generate it (%s)", name, regenerate)
		}
	}
}

func TestDeterministic(t *testing.T) {
	require.Equal(t, generated(t), generated(t), "two runs of the generator must write the same bytes")
}

// dashboardJSON is what the tests read of a generated dashboard.
type dashboardJSON struct {
	UID        string      `json:"uid"`
	Panels     []panelJSON `json:"panels"`
	Templating struct {
		List []struct {
			Name  string `json:"name"`
			Query string `json:"query"`
		} `json:"list"`
	} `json:"templating"`
	Annotations struct {
		List []annotationJSON `json:"list"`
	} `json:"annotations"`
}

type panelJSON struct {
	Type    string `json:"type"`
	Title   string `json:"title"`
	Targets []struct {
		Expr string `json:"expr"`
	} `json:"targets"`
}

type annotationJSON struct {
	Name       string `json:"name"`
	Enable     bool   `json:"enable"`
	Expr       string `json:"expr"`
	Datasource struct {
		Type string `json:"type"`
		UID  string `json:"uid"`
	} `json:"datasource"`
}

func parsed(t *testing.T) map[string]dashboardJSON {
	t.Helper()
	out := map[string]dashboardJSON{}
	for name, b := range generated(t) {
		var d dashboardJSON
		require.NoError(t, json.Unmarshal(b, &d), name)
		out[name] = d
	}
	return out
}

// expression is a PromQL expression of a dashboard and where it is.
type expression struct {
	where, expr string
	variable    string // the template variable of a label_values(selector, label)
}

// promQL is the PromQL of e: the selector of a variable's label_values,
// else the expression.
func (e expression) promQL(t *testing.T) string {
	t.Helper()
	if e.variable == "" {
		return e.expr
	}
	m := labelValues.FindStringSubmatch(e.expr)
	require.NotNil(t, m, "%s: %q is not label_values(selector, label)", e.where, e.expr)
	return m[1]
}

func expressions(name string, d dashboardJSON) []expression {
	var out []expression
	for _, p := range d.Panels {
		for _, tg := range p.Targets {
			out = append(out, expression{name + ": panel " + p.Title, tg.Expr, ""})
		}
	}
	for _, a := range d.Annotations.List {
		out = append(out, expression{name + ": annotation " + a.Name, a.Expr, ""})
	}
	for _, v := range d.Templating.List {
		out = append(out, expression{name + ": variable " + v.Name, v.Query, v.Name})
	}
	return out
}

// allowedMetrics are the series Prometheus has when the collector has seen
// chaos traffic: the chaos_metrics connector's (:8889) and the collector's
// own telemetry (:8888, counters without _total).
var allowedMetrics = func() map[string]bool {
	m := map[string]bool{}
	for _, name := range strings.Fields(`
		chaos_events_total chaos_faults_total chaos_rate_limit_violations_total
		chaos_traffic_events_total chaos_traffic_bytes_total chaos_protocol_events_total
		chaos_probes_total chaos_anomalies_opened_total chaos_scenario_transitions_total
		chaos_experiment_phases_total
		chaos_impact_severity_ratio chaos_impact_degradation_percent chaos_impact_factor_ratio
		chaos_impact_measured chaos_anomalies_open chaos_health_score chaos_health_component_score
		chaos_trend_slope chaos_forecast_value chaos_forecast_low chaos_forecast_high
		otelcol_exporter_alert_alerts otelcol_exporter_alert_notifications_sent
		otelcol_exporter_alert_notifications_failed otelcol_exporter_alert_notifications_dropped
		otelcol_extension_coordinator_is_leader otelcol_extension_coordinator_term
		otelcol_extension_coordinator_members otelcol_extension_coordinator_leader_changes
		otelcol_receiver_accepted_log_records
		otelcol_receiver_refused_log_records otelcol_receiver_chaos_rejected_requests
		otelcol_processor_chaos_analytics_events otelcol_connector_chaos_metrics_records
		otelcol_process_uptime`) {
		m[name] = true
	}
	for _, h := range []string{"chaos_injected_latency_seconds", "chaos_probe_duration_seconds"} {
		for _, s := range []string{"_bucket", "_sum", "_count"} {
			m[h+s] = true
		}
	}
	return m
}()

var (
	// The Grafana variables a query may use: those the e2e test substitutes
	// before it sends the queries to Prometheus (values here are examples).
	grafanaVars = strings.NewReplacer(
		"$__rate_interval", "1m", "$__interval", "1m", "$__range", "1h",
		"$instance", ".*", "$service", ".*", "$endpoint", ".*")

	labelValues = regexp.MustCompile(`^label_values\((.+),\s*[a-zA-Z_]\w*\)$`)
	quoted      = regexp.MustCompile(`"(?:[^"\\]|\\.)*"`)
	braces      = regexp.MustCompile(`\{[^}]*\}`)
	brackets    = regexp.MustCompile(`\[[^\]]*\]`)
	// Label lists of aggregations and vector matching: by (a, b) ...
	grouping   = regexp.MustCompile(`\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)`)
	identifier = regexp.MustCompile(`\b([a-zA-Z_][a-zA-Z0-9_:]*)\s*(\(?)`)
	keywords   = map[string]bool{"and": true, "or": true, "unless": true, "offset": true, "bool": true, "inf": true, "nan": true}
)

// metricNames are the metric names of a PromQL expression, roughly: the
// identifiers left once strings, label matchers, ranges and grouping
// labels are gone, that are neither a function call nor a keyword.
func metricNames(expr string) []string {
	expr = quoted.ReplaceAllString(expr, `""`)
	expr = braces.ReplaceAllString(expr, "{}")
	expr = brackets.ReplaceAllString(expr, "[]")
	expr = grouping.ReplaceAllString(expr, "")
	var names []string
	for _, m := range identifier.FindAllStringSubmatch(expr, -1) {
		if m[2] == "(" || keywords[strings.ToLower(m[1])] {
			continue
		}
		names = append(names, m[1])
	}
	return names
}

func TestMetricNamesParser(t *testing.T) {
	for expr, want := range map[string][]string{
		`sum by (le, service_name) (rate(a_bucket{x="y{z}",le!="1"}[5m]))`:      {"a_bucket"},
		`max_over_time(sum(increase(b{c="d"}[1m]))[1h:1m])`:                     {"b"},
		`(changes(c[1m]) > 0) or (c unless c offset 1m)`:                        {"c", "c", "c"},
		`histogram_quantile(0.95, sum without (instance) (rate(d_bucket[1m])))`: {"d_bucket"},
		`sort_desc(topk(10, e))`:                                                {"e"},
	} {
		require.Equal(t, want, metricNames(expr), expr)
	}
}

// TestQueriesUseKnownMetrics checks every panel query, annotation and
// template variable: only the Grafana variables the e2e test substitutes,
// and only metrics that exist.
func TestQueriesUseKnownMetrics(t *testing.T) {
	for name, d := range parsed(t) {
		exprs := expressions(name, d)
		require.NotEmpty(t, exprs, name)
		for _, e := range exprs {
			expr := grafanaVars.Replace(e.promQL(t))
			require.NotContains(t, expr, "$", "%s: %q uses a Grafana variable the e2e test does not substitute", e.where, e.expr)
			names := metricNames(expr)
			require.NotEmpty(t, names, "%s: no metric found in %q", e.where, e.expr)
			for _, n := range names {
				require.True(t, allowedMetrics[n], "%s: %q reads %s, which Prometheus does not have", e.where, e.expr, n)
			}
		}
	}
}

// chaosSelector is a chaos_* vector selector and its matchers.
var chaosSelector = regexp.MustCompile(`\bchaos_\w+(\{[^}]*\})?`)

// TestQueriesFollowVariables checks that the chaos dashboards read the
// collector of $instance, and their service and endpoint series the
// services and endpoints selected. (On the fleet dashboard $instance is the
// telemetry endpoint, not the chaos metrics one.)
func TestQueriesFollowVariables(t *testing.T) {
	for name, d := range parsed(t) {
		if d.UID == "otelcol-chaos-alerts-fleet" {
			continue
		}
		for _, e := range expressions(name, d) {
			if e.variable == "instance" {
				continue // lists the instances
			}
			for _, s := range chaosSelector.FindAllString(grouping.ReplaceAllString(e.promQL(t), ""), -1) {
				require.Contains(t, s, `instance=~"$instance"`, "%s: %s", e.where, s)
				if e.variable != "" {
					continue // $service and $endpoint list every service, endpoint
				}
				if strings.Contains(s, `chaos_scope="service"`) {
					require.Contains(t, s, `service_name=~"$service"`, "%s: %s", e.where, s)
				}
				if strings.Contains(s, `chaos_scope="endpoint"`) {
					require.Contains(t, s, `chaos_endpoint=~"$endpoint"`, "%s: %s", e.where, s)
				}
			}
		}
	}
}

// TestTimeSeriesHaveAnnotations checks that every dashboard with a graph
// marks scenario transitions and experiment phases, from Prometheus.
func TestTimeSeriesHaveAnnotations(t *testing.T) {
	wantExpr := map[string]string{
		scenarioAnnotation:   "chaos_scenario_transitions_total",
		experimentAnnotation: "chaos_experiment_phases_total",
	}
	for name, d := range parsed(t) {
		if !slices.ContainsFunc(d.Panels, func(p panelJSON) bool { return p.Type == "timeseries" }) {
			continue
		}
		for annotation, metric := range wantExpr {
			i := slices.IndexFunc(d.Annotations.List, func(a annotationJSON) bool { return a.Name == annotation })
			require.GreaterOrEqual(t, i, 0, "%s has time series but no %q annotation", name, annotation)
			a := d.Annotations.List[i]
			require.True(t, a.Enable, "%s: %s", name, annotation)
			require.Equal(t, "prometheus", a.Datasource.Type, "%s: %s", name, annotation)
			require.Equal(t, "prometheus", a.Datasource.UID, "%s: %s", name, annotation)
			require.Contains(t, a.Expr, metric, "%s: %s", name, annotation)
		}
	}
}
