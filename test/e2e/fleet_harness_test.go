package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/plog/plogotlp"

	"github.com/otelcol-chaos/otelcol-chaos/internal/chaosconv"
)

// Fleet timing. The coordinator's lease is short so that a failover takes
// seconds; group_wait is shorter than the lease, so a leader killed right
// after an alert fires dies with the group's first notification pending.
const (
	fleetLease     = 3 * time.Second
	fleetGroupWait = 2 * time.Second
)

// gatewayConfig: an OTLP receiver for the agents' partials, chaos_analytics
// merging them (a minute closes once every agent has sent the next one),
// the alert exporter notifying a webhook sink through an etcd coordinator,
// and the merged buckets to an OTLP sink the test compares.
const gatewayConfig = `
receivers:
  otlp:
    protocols:
      http:
        endpoint: 127.0.0.1:%[1]d
extensions:
  coordinator:
    backend: etcd
    node_id: %[2]s
    group: fleet-e2e
    lease_duration: 3s
    renew_deadline: 2s
    retry_period: 500ms
    heartbeat_interval: 500ms
    etcd:
      endpoints: [%[3]s]
      request_timeout: 1s
    status:
      endpoint: 127.0.0.1:%[4]d
  file_storage:
    directory: %[5]s
processors:
  chaos_analytics:
    widths: [1m]
    allowed_lateness: 1s
    # Outlasts the 30 s outage of an agent: the gateways keep its minutes
    # open until it is back.
    producer_timeout: 60s
    flush_interval: 200ms
    storage: file_storage
    checkpoint_interval: 1s
exporters:
  alert:
    evaluation_interval: 200ms
    rules:
      - name: ChaosFaultStorm
        preset: fault_rate
        threshold: 0.3
        window: 2m
        for: 1m
    route:
      group_by: [alertname]
      group_wait: 2s
      group_interval: 3s
      repeat_interval: 1h
    handlers:
      - name: sink
        webhook:
          endpoint: %[6]s
    coordinator: coordinator
    storage: file_storage
    api:
      enabled: true
      endpoint: 127.0.0.1:%[7]d
  otlp_http/buckets:
    logs_endpoint: %[8]s/v1/logs
    compression: none
service:
  extensions: [coordinator, file_storage]
  telemetry:
    metrics:
      readers:
        - pull:
            exporter:
              prometheus:
                host: 127.0.0.1
                port: %[9]d
  pipelines:
    logs:
      receivers: [otlp]
      processors: [chaos_analytics]
      exporters: [alert, otlp_http/buckets]
`

// agentConfig: deploy/config/agent.yaml's shape on loopback — the chaos
// receiver, 1-minute partials with a stable producer id and a checkpoint,
// idle_flush so that a replayed phase's last minute is sent 5 s after it
// ends rather than when the wall clock would reach it (a live agent has no
// use for it),
// one otlp_http exporter per gateway with its own persistent, in-order
// queue.
const agentConfig = `
receivers:
  chaos:
    endpoint: 127.0.0.1:%[1]d
extensions:
  file_storage:
    directory: %[2]s
processors:
  chaos_analytics:
    widths: [1m]
    drop_events: true
    allowed_lateness: 10s
    producer_id: %[3]s
    idle_flush: 5s
    flush_interval: 200ms
    storage: file_storage
    checkpoint_interval: 1s
exporters:
%[4]s
service:
  extensions: [file_storage]
  telemetry:
    metrics:
      level: none
  pipelines:
    logs:
      receivers: [chaos]
      processors: [chaos_analytics]
      exporters: [%[5]s]
`

const agentExporter = `  otlp_http/gateway-%[1]s:
    endpoint: http://127.0.0.1:%[2]d
    compression: none
    sending_queue:
      enabled: true
      num_consumers: 1
      queue_size: 100000
      storage: file_storage
    retry_on_failure:
      enabled: true
      initial_interval: 200ms
      max_interval: 1s
      max_elapsed_time: 10m
`

// referenceConfig: one collector over the union of every agent's events,
// whose buckets the gateways' merged buckets must equal.
const referenceConfig = `
receivers:
  chaos:
    endpoint: 127.0.0.1:%[1]d
processors:
  chaos_analytics:
    widths: [1m]
    allowed_lateness: 1h
    idle_flush: 3s
    flush_interval: 200ms
exporters:
  otlp_http/buckets:
    logs_endpoint: %[2]s/v1/logs
    compression: none
service:
  telemetry:
    metrics:
      level: none
  pipelines:
    logs:
      receivers: [chaos]
      processors: [chaos_analytics]
      exporters: [otlp_http/buckets]
`

// node is a collector process of the fleet test, restartable on the same
// configuration and state directory.
type node struct {
	name, bin, cfgPath string
	ready              string // URL that answers 200 once it runs
	proc               *process
}

func writeConfig(t *testing.T, name, cfg string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name+".yaml")
	require.NoError(t, os.WriteFile(path, []byte(cfg), 0o600))
	return path
}

func (n *node) start(t *testing.T, c *http.Client) {
	t.Helper()
	n.proc = startProcess(t, n.name, n.bin, "--config", n.cfgPath)
	waitReady(t, c, n.proc, n.ready, 30*time.Second)
}

// kill -9s the node.
func (n *node) kill() {
	_ = n.proc.cmd.Process.Kill()
	<-n.proc.done
}

// bucketSink is an OTLP/HTTP logs endpoint keeping every chaos.bucket it
// is sent, decoded.
type bucketSink struct {
	mu      sync.Mutex
	buckets []*chaosconv.Bucket
}

func (s *bucketSink) ServeHTTP(w http.ResponseWriter, r *http.Request) {
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
	var got []*chaosconv.Bucket
	for _, rl := range req.Logs().ResourceLogs().All() {
		for _, sl := range rl.ScopeLogs().All() {
			for _, lr := range sl.LogRecords().All() {
				if !chaosconv.IsBucket(lr) {
					continue
				}
				b := &chaosconv.Bucket{}
				if err := chaosconv.DecodeBucket(lr, b); err != nil {
					http.Error(w, err.Error(), http.StatusBadRequest)
					return
				}
				got = append(got, b)
			}
		}
	}
	s.mu.Lock()
	s.buckets = append(s.buckets, got...)
	s.mu.Unlock()
	out, _ := plogotlp.NewExportResponse().MarshalProto()
	w.Header().Set("Content-Type", "application/x-protobuf")
	_, _ = w.Write(out)
}

// bucketID names a bucket: scope, key and start (all are 1-minute).
type fleetBucketID struct {
	scope chaosconv.ScopeKind
	key   string
	start int64
}

// byID returns the buckets received, by id; a bucket received twice is a
// failure of the gateway (it emits each once).
func (s *bucketSink) byID(t *testing.T, name string) map[fleetBucketID]*chaosconv.Bucket {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[fleetBucketID]*chaosconv.Bucket{}
	for _, b := range s.buckets {
		id := fleetBucketID{b.Scope, b.Key, b.StartUnixNano}
		require.NotContains(t, out, id, "%s emitted %s %q %s twice", name, b.Scope, b.Key, time.Unix(0, b.StartUnixNano).UTC())
		out[id] = b
	}
	return out
}

// notification is one webhook call the sink received.
type notification struct {
	at       time.Time
	term     uint64
	status   string // firing | resolved
	groupKey string
	alerts   []string // the alerts' statuses
}

// webhookSink records every notification with the term it carries.
type webhookSink struct {
	mu  sync.Mutex
	got []notification
}

func (s *webhookSink) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var msg struct {
		Status   string `json:"status"`
		GroupKey string `json:"groupKey"`
		Term     uint64 `json:"term"`
		Alerts   []struct {
			Status string `json:"status"`
		} `json:"alerts"`
	}
	if err := json.NewDecoder(r.Body).Decode(&msg); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	header, _ := strconv.ParseUint(r.Header.Get("X-Otelcol-Chaos-Term"), 10, 64)
	n := notification{at: time.Now(), term: header, status: msg.Status, groupKey: msg.GroupKey}
	for _, a := range msg.Alerts {
		n.alerts = append(n.alerts, a.Status)
	}
	if header != msg.Term {
		http.Error(w, "term header and body differ", http.StatusBadRequest)
		return
	}
	s.mu.Lock()
	s.got = append(s.got, n)
	s.mu.Unlock()
	w.WriteHeader(http.StatusOK)
}

func (s *webhookSink) all() []notification {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]notification(nil), s.got...)
}

// teeProxy forwards chaosgen's requests, their timestamps shifted into the
// phase under way, to its agent and then (once the agent accepted them) to
// the reference collector: the reference sees every event an agent took,
// once, even when chaosgen retries.
type teeProxy struct {
	agent, reference string
	shift            atomic.Int64 // nanoseconds
	client           *http.Client
}

func (p *teeProxy) post(url string, body []byte, ct string) (*http.Response, []byte, error) {
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return nil, nil, err
	}
	req.Header.Set("Content-Type", ct)
	resp, err := p.client.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp, b, err
}

func (p *teeProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	out, _, err := shiftTimestamps(body, time.Duration(p.shift.Load()))
	if err != nil {
		http.Error(w, "teeProxy: "+err.Error(), http.StatusBadRequest)
		return
	}
	ct := r.Header.Get("Content-Type")
	resp, answer, err := p.post(p.agent, out, ct)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	if resp.StatusCode == http.StatusOK {
		// The reference always runs: retry it until it takes the events.
		for attempt := 0; ; attempt++ {
			ref, msg, err := p.post(p.reference, out, ct)
			if err == nil && ref.StatusCode == http.StatusOK {
				break
			}
			if attempt == 50 {
				http.Error(w, fmt.Sprintf("reference refused: %v %s", err, msg), http.StatusInternalServerError)
				return
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	for _, h := range []string{"Content-Type", "Retry-After"} {
		if v := resp.Header.Get(h); v != "" {
			w.Header().Set(h, v)
		}
	}
	w.WriteHeader(resp.StatusCode)
	_, _ = w.Write(answer)
}

// startServer serves h on loopback until the test ends.
func startServer(t *testing.T, h http.Handler) string {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv.URL
}

// coordinatorStatus is GET /v1/coordinator/status.
type coordinatorStatus struct {
	Self     string `json:"self"`
	Leader   string `json:"leader"`
	IsLeader bool   `json:"is_leader"`
	Term     uint64 `json:"term"`
}

func statusOf(c *http.Client, url string) (coordinatorStatus, error) {
	var st coordinatorStatus
	code, body, err := get(c, url)
	if err != nil {
		return st, err
	}
	if code != http.StatusOK {
		return st, fmt.Errorf("HTTP %d: %s", code, body)
	}
	return st, json.Unmarshal(body, &st)
}

// firing reports whether the alerts API lists alertname as firing.
func firing(c *http.Client, apiURL, alertname string) (bool, error) {
	code, body, err := get(c, apiURL+"/v1/alerts?state=firing")
	if err != nil {
		return false, err
	}
	if code != http.StatusOK {
		return false, fmt.Errorf("HTTP %d: %s", code, body)
	}
	return strings.Contains(string(body), `"rule":"`+alertname+`"`), nil
}

// counterValue sums the samples of a counter whose labels include every
// given one, from a collector's own /metrics (0 when absent).
func counterValue(c *http.Client, metricsURL, name string, labels ...string) (float64, error) {
	code, body, err := get(c, metricsURL)
	if err != nil {
		return 0, err
	}
	if code != http.StatusOK {
		return 0, fmt.Errorf("HTTP %d", code)
	}
	var sum float64
	for _, line := range strings.Split(string(body), "\n") {
		if !strings.HasPrefix(line, name+"{") && !strings.HasPrefix(line, name+" ") {
			continue
		}
		match := true
		for _, l := range labels {
			match = match && strings.Contains(line, l)
		}
		if !match {
			continue
		}
		v, err := strconv.ParseFloat(line[strings.LastIndex(line, " ")+1:], 64)
		if err != nil {
			return 0, err
		}
		sum += v
	}
	return sum, nil
}
