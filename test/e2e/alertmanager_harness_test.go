package e2e

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// alertmanagerConfig routes everything to a receiver that notifies nobody:
// the test reads Alertmanager's own view of the alerts (GET /api/v2/alerts).
const alertmanagerConfig = `global:
  resolve_timeout: 5m
route:
  receiver: "null"
  group_by: [alertname]
  group_wait: 1s
  group_interval: 2s
  repeat_interval: 1h
receivers:
  - name: "null"
`

// alertmanager is a running Alertmanager of our own: loopback port, storage
// in a temporary directory, clustering off. It never touches a system-wide
// instance (/etc/prometheus, /var/lib/prometheus, :9093, :9094).
type alertmanager struct {
	url    string // base URL, e.g. http://127.0.0.1:40123
	proc   *process
	client *http.Client
}

func startAlertmanager(t *testing.T, bin string) *alertmanager {
	t.Helper()
	dir := t.TempDir()
	cfg := filepath.Join(dir, "alertmanager.yml")
	require.NoError(t, os.WriteFile(cfg, []byte(alertmanagerConfig), 0o600))
	addr := fmt.Sprintf("127.0.0.1:%d", freePort(t))
	am := &alertmanager{url: "http://" + addr, client: newClient(t)}
	am.proc = startProcess(t, "alertmanager", bin,
		"--config.file="+cfg,
		"--storage.path="+filepath.Join(dir, "data"),
		"--web.listen-address="+addr,
		"--cluster.listen-address=", // no HA gossip, so no port 9094
		"--log.level=debug",         // logs every alert received, for failure output
	)
	waitReady(t, am.client, am.proc, am.url+"/-/ready", 30*time.Second)
	return am
}

// amAlert is one element of GET /api/v2/alerts (gettableAlerts).
type amAlert struct {
	Labels      map[string]string `json:"labels"`
	Annotations map[string]string `json:"annotations"`
	StartsAt    time.Time         `json:"startsAt"`
	EndsAt      time.Time         `json:"endsAt"`
	UpdatedAt   time.Time         `json:"updatedAt"`
	Fingerprint string            `json:"fingerprint"`
	Status      struct {
		State       string   `json:"state"` // unprocessed, active, suppressed
		SilencedBy  []string `json:"silencedBy"`
		InhibitedBy []string `json:"inhibitedBy"`
	} `json:"status"`
}

// alerts returns GET /api/v2/alerts with its default filters (active,
// silenced, inhibited and unprocessed alerts all included), and the raw
// body for messages.
func (am *alertmanager) alerts() ([]amAlert, string, error) {
	code, body, err := get(am.client, am.url+"/api/v2/alerts")
	if err != nil {
		return nil, "", err
	}
	if code != http.StatusOK {
		return nil, string(body), fmt.Errorf("GET /api/v2/alerts: %d %s", code, body)
	}
	var out []amAlert
	if err := json.Unmarshal(body, &out); err != nil {
		return nil, string(body), fmt.Errorf("GET /api/v2/alerts: %w: %s", err, body)
	}
	return out, string(body), nil
}

// named returns the alerts whose alertname is name.
func named(alerts []amAlert, name string) []amAlert {
	var out []amAlert
	for _, a := range alerts {
		if a.Labels["alertname"] == name {
			out = append(out, a)
		}
	}
	return out
}

// post sends postableAlerts to POST /api/v2/alerts, as a client such as
// Prometheus or our alert exporter does.
func (am *alertmanager) post(t *testing.T, alerts []map[string]any) {
	t.Helper()
	body, err := json.Marshal(alerts)
	require.NoError(t, err)
	resp, err := am.client.Post(am.url+"/api/v2/alerts", "application/json", bytes.NewReader(body))
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
}

// receivedTotal reads Alertmanager's own counter of alerts received over
// API v2 with the given status ("firing" or "resolved"). Alertmanager
// classifies each posted alert when it arrives: resolved when its endsAt is
// already past, firing otherwise.
func (am *alertmanager) receivedTotal(status string) (float64, error) {
	code, body, err := get(am.client, am.url+"/metrics")
	if err != nil {
		return 0, err
	}
	if code != http.StatusOK {
		return 0, fmt.Errorf("GET /metrics: %d", code)
	}
	want := `alertmanager_alerts_received_total{status="` + status + `",version="v2"} `
	sc := bufio.NewScanner(bytes.NewReader(body))
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), want); ok {
			return strconv.ParseFloat(strings.TrimSpace(v), 64)
		}
	}
	return 0, fmt.Errorf("no %s in Alertmanager's metrics", strings.TrimSpace(want))
}
