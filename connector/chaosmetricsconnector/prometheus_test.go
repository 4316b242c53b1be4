package chaosmetricsconnector

import (
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/open-telemetry/opentelemetry-collector-contrib/exporter/prometheusexporter"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/exporter/exportertest"

	"github.com/otelcol-chaos/otelcol-chaos/internal/chaosconv"
)

// scrapeThroughPrometheusExporter runs every golden scenario through the
// connector into contrib's prometheus exporter (the one in the
// distribution, on its default settings) and returns what a scrape of it
// shows.
func scrapeThroughPrometheusExporter(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())

	f := prometheusexporter.NewFactory()
	cfg := f.CreateDefaultConfig().(*prometheusexporter.Config)
	cfg.ServerConfig.NetAddr.Endpoint = addr
	ctx := context.Background()
	exp, err := f.CreateMetrics(ctx, exportertest.NewNopSettings(f.Type()), cfg)
	require.NoError(t, err)
	require.NoError(t, exp.Start(ctx, componenttest.NewNopHost()))
	defer func() { require.NoError(t, exp.Shutdown(ctx)) }()

	for _, batches := range goldenScenarios() {
		c := newTestConnector(t, defaultConfig(), exp)
		for _, ld := range batches {
			require.NoError(t, c.ConsumeLogs(ctx, ld))
		}
	}
	client := &http.Client{Timeout: 10 * time.Second}
	resp, err := client.Get("http://" + addr + "/metrics")
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return string(body)
}

// promLabel is the label Prometheus shows for an attribute key.
func promLabel(key string) string { return strings.NewReplacer(".", "_").Replace(key) }

// readmeRow is the row of the README's metric table for descriptor d,
// whose name as Prometheus shows it is promName.
func readmeRow(d *descriptor, promName, promType string) string {
	var labels []string
	if d.scoped {
		labels = append(labels, "`chaos_scope`", "`service_name` or `chaos_endpoint`")
	}
	for _, lb := range d.labels {
		labels = append(labels, "`"+promLabel(lb.key)+"`")
	}
	unit := d.unit
	if unit == "" {
		unit = "—"
	}
	return "| `" + promName + "` | " + promType + " | `" + unit + "` | " + strings.Join(labels, ", ") + " | `" + d.source + "` |"
}

// TestPrometheusNames checks, against the real prometheus exporter, the
// name and type Prometheus shows for every metric, that its labels are
// the documented ones, and that the README's metric table says so.
func TestPrometheusNames(t *testing.T) {
	scrape := scrapeThroughPrometheusExporter(t)
	readme, err := os.ReadFile("README.md")
	require.NoError(t, err)
	help := regexp.MustCompile(`(?m)^# HELP (\S+) (.*)$`)
	typ := regexp.MustCompile(`(?m)^# TYPE (\S+) (\S+)$`)
	types := map[string]string{}
	for _, m := range typ.FindAllStringSubmatch(scrape, -1) {
		types[m[1]] = m[2]
	}
	byHelp := map[string]string{}
	for _, m := range help.FindAllStringSubmatch(scrape, -1) {
		byHelp[m[2]] = m[1]
	}
	conventions, err := os.ReadFile("../../docs/semantic-conventions.md")
	require.NoError(t, err)
	for i := range descriptors {
		d := &descriptors[i]
		name, ok := byHelp[d.description]
		require.True(t, ok, "%s is not in the scrape:\n%s", d.name, scrape)
		// Every series of the metric carries exactly the documented labels
		// (plus the exporter's otel_scope_* labels).
		series := regexp.MustCompile(`(?m)^`+regexp.QuoteMeta(name)+`(?:_bucket|_sum|_count)?\{([^}]*)\}`).FindAllStringSubmatch(scrape, -1)
		require.NotEmpty(t, series, name)
		allowed := map[string]bool{"le": d.typ == typeHistogram}
		if d.scoped {
			allowed["chaos_scope"], allowed["service_name"], allowed["chaos_endpoint"] = true, true, true
		}
		for _, lb := range d.labels {
			allowed[promLabel(lb.key)] = true
		}
		for _, s := range series {
			for _, pair := range strings.Split(s[1], ",") {
				k := pair[:strings.Index(pair, "=")]
				require.True(t, allowed[k] || strings.HasPrefix(k, "otel_scope_"), "%s carries the undocumented label %s", name, k)
			}
		}
		row := readmeRow(d, name, types[name])
		require.Contains(t, string(readme), row, "README.md's metric table lacks (or differs from) this row")
		require.Contains(t, string(conventions), "| `"+d.name+"` | `"+name+"` |", "docs/semantic-conventions.md does not list %s", d.name)
	}
	for _, n := range chaosconv.MetricNames {
		found := false
		for i := range descriptors {
			found = found || descriptors[i].name == n
		}
		require.True(t, found, "the contract names %s, the connector emits no such metric", n)
	}
}
