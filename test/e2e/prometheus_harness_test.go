package e2e

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// prometheus is a running Prometheus of our own (Debian's package, 2.42):
// loopback port, storage in a temporary directory, scraping the targets it
// was given every second. It never touches a system-wide instance.
type prometheus struct {
	url    string
	proc   *process
	client *http.Client
}

// scrapeJob is one job of the Prometheus configuration.
type scrapeJob struct {
	name, target string
}

func startPrometheus(t *testing.T, bin string, jobs []scrapeJob, ruleFiles ...string) *prometheus {
	t.Helper()
	dir := t.TempDir()
	var cfg strings.Builder
	cfg.WriteString("global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n")
	if len(ruleFiles) > 0 {
		cfg.WriteString("rule_files:\n")
		for _, f := range ruleFiles {
			abs, err := filepath.Abs(f)
			require.NoError(t, err)
			fmt.Fprintf(&cfg, "  - %s\n", abs)
		}
	}
	cfg.WriteString("scrape_configs:\n")
	for _, j := range jobs {
		fmt.Fprintf(&cfg, "  - job_name: %s\n    static_configs:\n      - targets: [%q]\n", j.name, j.target)
	}
	path := filepath.Join(dir, "prometheus.yml")
	require.NoError(t, os.WriteFile(path, []byte(cfg.String()), 0o600))
	addr := fmt.Sprintf("127.0.0.1:%d", freePort(t))
	p := &prometheus{url: "http://" + addr, client: newClient(t)}
	p.proc = startProcess(t, "prometheus", bin,
		"--config.file="+path,
		"--storage.tsdb.path="+filepath.Join(dir, "data"),
		"--web.listen-address="+addr,
		"--web.console.templates=/dev/null", "--web.console.libraries=/dev/null",
	)
	waitReady(t, p.client, p.proc, p.url+"/-/ready", 60*time.Second)
	return p
}

// apiResponse is the envelope of Prometheus' HTTP API.
type apiResponse struct {
	Status    string          `json:"status"`
	ErrorType string          `json:"errorType"`
	Error     string          `json:"error"`
	Data      json.RawMessage `json:"data"`
}

// promSeries is one series of a query result or of /api/v1/series.
type promSeries struct {
	Metric map[string]string `json:"metric"`
	Values [][2]any          `json:"values"`
}

func (p *prometheus) api(path string, params url.Values) (json.RawMessage, error) {
	code, body, err := get(p.client, p.url+path+"?"+params.Encode())
	if err != nil {
		return nil, err
	}
	var r apiResponse
	if err := json.Unmarshal(body, &r); err != nil {
		return nil, fmt.Errorf("HTTP %d, not Prometheus' API: %s", code, body)
	}
	if r.Status != "success" {
		return nil, fmt.Errorf("%s: %s", r.ErrorType, r.Error)
	}
	return r.Data, nil
}

// queryRange evaluates expr over [from, to] as Grafana does for a panel.
func (p *prometheus) queryRange(expr string, from, to time.Time, step time.Duration) ([]promSeries, error) {
	data, err := p.api("/api/v1/query_range", url.Values{"query": {expr},
		"start": {unix(from)}, "end": {unix(to)}, "step": {strconv.FormatFloat(step.Seconds(), 'f', -1, 64)}})
	if err != nil {
		return nil, err
	}
	var m struct {
		ResultType string       `json:"resultType"`
		Result     []promSeries `json:"result"`
	}
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, err
	}
	return m.Result, nil
}

// series lists the series matching selector over [from, to].
func (p *prometheus) series(selector string, from, to time.Time) ([]map[string]string, error) {
	data, err := p.api("/api/v1/series", url.Values{"match[]": {selector}, "start": {unix(from)}, "end": {unix(to)}})
	if err != nil {
		return nil, err
	}
	var out []map[string]string
	return out, json.Unmarshal(data, &out)
}

// scalarAt is the value of a one-series instant query (false when empty).
func (p *prometheus) scalarAt(expr string, at time.Time) (float64, bool, error) {
	data, err := p.api("/api/v1/query", url.Values{"query": {expr}, "time": {unix(at)}})
	if err != nil {
		return 0, false, err
	}
	var m struct {
		Result []struct {
			Value [2]any `json:"value"`
		} `json:"result"`
	}
	if err := json.Unmarshal(data, &m); err != nil || len(m.Result) == 0 {
		return 0, false, err
	}
	s, _ := m.Result[0].Value[1].(string)
	v, err := strconv.ParseFloat(s, 64)
	return v, err == nil, err
}

func unix(t time.Time) string {
	return strconv.FormatFloat(float64(t.UnixNano())/1e9, 'f', 3, 64)
}
