package chaosreceiver

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/klauspost/compress/zstd"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/consumer/consumererror"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/receiver/receivertest"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	"github.com/otelcol-chaos/otelcol-chaos/internal/chaosconv"
	"github.com/otelcol-chaos/otelcol-chaos/receiver/chaosreceiver/internal/decoder"
	"github.com/otelcol-chaos/otelcol-chaos/receiver/chaosreceiver/internal/metadata"
)

const ts = "2026-11-23T10:00:00.5Z"

var observed = time.Date(2026, 11, 23, 10, 0, 1, 0, time.UTC)

func latencyEvent(delay string) string {
	return `{"timestamp":"` + ts + `","event_type":{"type":"LatencyInjection","delay_ms":` + delay + `,"endpoint":"/api/users"},"metadata":{}}`
}

// testReceiver is a started receiver on a loopback port.
type testReceiver struct {
	r   *chaosReceiver
	url string
	tel *componenttest.Telemetry
}

func startReceiver(t *testing.T, next consumer.Logs, mutate func(*Config)) *testReceiver {
	t.Helper()
	cfg := createDefaultConfig().(*Config)
	cfg.ServerConfig.NetAddr.Endpoint = "127.0.0.1:0"
	if mutate != nil {
		mutate(cfg)
	}
	require.NoError(t, cfg.Validate())
	tel := componenttest.NewTelemetry()
	set := receivertest.NewNopSettings(metadata.Type)
	set.TelemetrySettings = tel.NewTelemetrySettings()
	r, err := newReceiver(cfg, set, next)
	require.NoError(t, err)
	r.now = func() time.Time { return observed }
	require.NoError(t, r.Start(context.Background(), componenttest.NewNopHost()))
	t.Cleanup(func() {
		require.NoError(t, r.Shutdown(context.Background()))
		require.NoError(t, tel.Shutdown(context.Background()))
	})
	return &testReceiver{r: r, url: "http://" + r.server.Addr().String(), tel: tel}
}

type response struct {
	status int
	header http.Header
	body   errorBody
	raw    string
}

func send(t *testing.T, method, url string, header map[string]string, body []byte) response {
	t.Helper()
	req, err := http.NewRequest(method, url, bytes.NewReader(body))
	require.NoError(t, err)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	out := response{status: resp.StatusCode, header: resp.Header, raw: string(raw)}
	if resp.StatusCode != http.StatusOK && len(raw) > 0 {
		require.NoError(t, json.Unmarshal(raw, &out.body), "error answers are JSON: %s", raw)
	}
	return out
}

func postJSON(t *testing.T, url, body string) response {
	return send(t, http.MethodPost, url, map[string]string{"Content-Type": "application/json"}, []byte(body))
}

func gz(t *testing.T, s string) []byte {
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	_, err := w.Write([]byte(s))
	require.NoError(t, err)
	require.NoError(t, w.Close())
	return b.Bytes()
}

func TestAcceptsEveryShape(t *testing.T) {
	sink := new(consumertest.LogsSink)
	tr := startReceiver(t, sink, nil)
	events := tr.url + "/v1/chaos/events"

	zenc, err := zstd.NewWriter(nil)
	require.NoError(t, err)
	zstdBody := zenc.EncodeAll([]byte("["+latencyEvent("1")+","+latencyEvent("2")+"]"), nil)
	require.NoError(t, zenc.Close())

	tests := []struct {
		name   string
		header map[string]string
		body   []byte
		want   int
	}{
		{"single object", map[string]string{"Content-Type": "application/json"}, []byte(latencyEvent("5")), 1},
		{"array", map[string]string{"Content-Type": "application/json; charset=utf-8"}, []byte("[" + latencyEvent("1") + "," + latencyEvent("2") + "]"), 2},
		{"empty array", map[string]string{"Content-Type": "application/json"}, []byte("[]"), 0},
		{"ndjson", map[string]string{"Content-Type": "application/x-ndjson"}, []byte(latencyEvent("1") + "\n" + latencyEvent("2") + "\n" + latencyEvent("3") + "\n"), 3},
		{"no content type", nil, []byte(latencyEvent("1")), 1},
		{"recording", map[string]string{"Content-Type": "application/json"}, []byte(`{"scenario":{"name":"slow_backend"},"events":[` + latencyEvent("2000") + `],"recording_started":"` + ts + `"}`), 1},
		{"gzip", map[string]string{"Content-Type": "application/json", "Content-Encoding": "gzip"}, gz(t, latencyEvent("7")), 1},
		{"zstd", map[string]string{"Content-Type": "application/json", "Content-Encoding": "zstd"}, zstdBody, 2},
	}
	total := 0
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := send(t, http.MethodPost, events, tt.header, tt.body)
			require.Equal(t, http.StatusOK, resp.status, resp.raw)
			var acc acceptedBody
			require.NoError(t, json.Unmarshal([]byte(resp.raw), &acc))
			require.Equal(t, tt.want, acc.Accepted)
			total += tt.want
			require.Equal(t, total, sink.LogRecordCount())
		})
	}
	last := sink.AllLogs()[len(sink.AllLogs())-1]
	lr := last.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords().At(0)
	require.Equal(t, chaosconv.RecordEvent, lr.EventName())
	require.Equal(t, pcommon.NewTimestampFromTime(observed), lr.ObservedTimestamp())
	require.Equal(t, metadata.ScopeName, last.ResourceLogs().At(0).ScopeLogs().At(0).Scope().Name())
}

func TestResourceAttributes(t *testing.T) {
	sink := new(consumertest.LogsSink)
	tr := startReceiver(t, sink, func(c *Config) {
		c.ResourceAttributes = map[string]string{"deployment.environment.name": "staging", chaosconv.AttrServiceName: "from-config"}
		c.ResourceFromHeaders["X-Tenant"] = "tenant.id"
	})
	body := `[` + latencyEvent("1") + `,
		{"kind":"probe","timestamp":"` + ts + `","service":"payments","target":"http://payments/health","success":true},
		` + latencyEvent("2") + `]`
	resp := send(t, http.MethodPost, tr.url+"/v1/chaos/events",
		map[string]string{"Content-Type": "application/json", "X-Chaos-Service": "checkout", "X-Tenant": "acme"}, []byte(body))
	require.Equal(t, http.StatusOK, resp.status, resp.raw)

	logs := sink.AllLogs()[0]
	require.Equal(t, 2, logs.ResourceLogs().Len(), "one resource per distinct service")
	want := []struct {
		service string
		records int
	}{{"checkout", 2}, {"payments", 1}}
	for i, w := range want {
		rl := logs.ResourceLogs().At(i)
		attrs := rl.Resource().Attributes().AsRaw()
		require.Equal(t, w.service, attrs[chaosconv.AttrServiceName], "header beats config; the event's own service beats both")
		require.Equal(t, "staging", attrs["deployment.environment.name"])
		require.Equal(t, "acme", attrs["tenant.id"])
		require.Equal(t, w.records, rl.ScopeLogs().At(0).LogRecords().Len())
	}
}

// TestBadInput covers every way a request can be wrong: each gets the
// right status, a JSON body naming the fault, and nothing reaches the
// pipeline (a batch is all-or-nothing).
func TestBadInput(t *testing.T) {
	sink := new(consumertest.LogsSink)
	tr := startReceiver(t, sink, func(c *Config) {
		c.ServerConfig.MaxRequestBodySize = 4096
		c.MaxEventsPerRequest = 3
	})
	events := tr.url + "/v1/chaos/events"
	jsonCT := map[string]string{"Content-Type": "application/json"}
	corruptGzip := gz(t, strings.Repeat(latencyEvent("1"), 3))
	corruptGzip[len(corruptGzip)-12] ^= 0xff // flip a byte of the deflate stream

	tests := []struct {
		name    string
		method  string
		header  map[string]string
		body    []byte
		status  int
		reason  string
		index   int    // of the first problem; -2: no problem expected
		field   string // of the first problem
		message string // substring of the message or first problem
	}{
		{"malformed JSON", "POST", jsonCT, []byte(`{"timestamp":`), 400, reasonMalformedJSON, 0, "", "end of input"},
		{"trailing garbage", "POST", jsonCT, []byte(latencyEvent("1") + " nope"), 400, reasonMalformedJSON, -1, "", "expected an event object"},
		{"top-level number", "POST", jsonCT, []byte(`42`), 400, reasonMalformedJSON, -1, "", "expected an event object"},
		{"wrong field type", "POST", jsonCT, []byte(latencyEvent(`"slow"`)), 400, reasonInvalidEvent, 0, "event_type.delay_ms", "non-negative integer"},
		{"negative delay", "POST", jsonCT, []byte(latencyEvent("-5")), 400, reasonInvalidEvent, 0, "event_type.delay_ms", "non-negative integer"},
		{"unknown variant", "POST", jsonCT, []byte(`{"timestamp":"` + ts + `","event_type":{"type":"CpuHog"}}`), 400, reasonInvalidEvent, 0, "event_type.type", "unknown variant"},
		{"unknown native kind", "POST", jsonCT, []byte(`{"kind":"cpu_hog","timestamp":"` + ts + `"}`), 400, reasonInvalidEvent, 0, "kind", "unknown kind"},
		{"missing timestamp", "POST", jsonCT, []byte(`{"event_type":{"type":"LatencyInjection","delay_ms":1}}`), 400, reasonInvalidEvent, 0, "timestamp", "required"},
		{"timestamp before 1970", "POST", jsonCT, []byte(`{"timestamp":"1969-12-31T23:59:59Z","event_type":{"type":"LatencyInjection","delay_ms":1}}`), 400, reasonInvalidEvent, 0, "timestamp", "out of range"},
		{"timestamp without zone", "POST", jsonCT, []byte(`{"timestamp":"2026-11-23T10:00:00","event_type":{"type":"LatencyInjection","delay_ms":1}}`), 400, reasonInvalidEvent, 0, "timestamp", "RFC 3339"},
		{"missing required field", "POST", jsonCT, []byte(`{"timestamp":"` + ts + `","event_type":{"type":"FaultInjection","endpoint":"/x"}}`), 400, reasonInvalidEvent, 0, "event_type.fault_type", "required"},
		{"second event bad", "POST", jsonCT, []byte(`[` + latencyEvent("1") + `,` + latencyEvent("1.5") + `]`), 400, reasonInvalidEvent, 1, "event_type.delay_ms", "non-negative integer"},
		{"metadata not strings", "POST", jsonCT, []byte(`{"timestamp":"` + ts + `","event_type":{"type":"LatencyInjection","delay_ms":1},"metadata":{"attempt":3}}`), 400, reasonInvalidEvent, 0, "metadata.attempt", "string"},
		{"neither shape", "POST", jsonCT, []byte(`{"timestamp":"` + ts + `"}`), 400, reasonInvalidEvent, 0, "", "event_type"},
		{"empty body", "POST", jsonCT, nil, 400, reasonEmptyBody, -1, "", "empty body"},
		{"whitespace body", "POST", jsonCT, []byte(" \n\t "), 400, reasonEmptyBody, -1, "", "empty body"},
		{"too many events", "POST", jsonCT, []byte(`[` + strings.Repeat(latencyEvent("1")+",", 3) + latencyEvent("1") + `]`), 413, reasonTooManyEvents, -1, "", "max_events_per_request"},
		{"oversized body", "POST", jsonCT, []byte(`[` + strings.Repeat(" ", 5000) + `]`), 413, reasonTooLarge, -2, "", "max_request_body_size"},
		{"oversized once decompressed", "POST", map[string]string{"Content-Type": "application/json", "Content-Encoding": "gzip"}, gz(t, `[`+strings.Repeat(" ", 100_000)+`]`), 413, reasonTooLarge, -2, "", "max_request_body_size"},
		{"unsupported media type", "POST", map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, []byte(latencyEvent("1")), 415, reasonUnsupportedMediaType, -2, "", "application/json"},
		{"unsupported encoding", "POST", map[string]string{"Content-Type": "application/json", "Content-Encoding": "br"}, []byte(latencyEvent("1")), 415, reasonUnsupportedEncoding, -2, "", "gzip"},
		{"gzip header corrupt", "POST", map[string]string{"Content-Type": "application/json", "Content-Encoding": "gzip"}, []byte("not gzip at all"), 400, reasonBadBody, -2, "", "decompress"},
		{"gzip stream corrupt", "POST", map[string]string{"Content-Type": "application/json", "Content-Encoding": "gzip"}, corruptGzip, 400, reasonBadBody, -2, "", "request body"},
		{"wrong method", "GET", nil, nil, 405, reasonMethodNotAllowed, -2, "", "POST"},
		{"invalid UTF-8", "POST", jsonCT, []byte("{\"timestamp\":\"" + ts + "\",\"event_type\":{\"type\":\"FaultInjection\",\"fault_type\":\"\xff\"}}"), 400, reasonMalformedJSON, 0, "", "UTF-8"},
	}
	require.GreaterOrEqual(t, len(tests), 15)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := send(t, tt.method, events, tt.header, tt.body)
			require.Equal(t, tt.status, resp.status, resp.raw)
			require.Equal(t, "application/json", resp.header.Get("Content-Type"))
			require.Equal(t, tt.reason, resp.body.Error, resp.raw)
			msg := resp.body.Message
			if tt.index != -2 {
				require.NotEmpty(t, resp.body.Problems, resp.raw)
				p := resp.body.Problems[0]
				require.Equal(t, tt.index, p.Index, resp.raw)
				require.Equal(t, tt.field, p.Field, resp.raw)
				msg = p.Message + " " + msg
			}
			require.Contains(t, msg, tt.message)
			if tt.status == 405 {
				require.Equal(t, "POST", resp.header.Get("Allow"))
			}
			require.Zero(t, sink.LogRecordCount(), "nothing of a refused request may reach the pipeline")
		})
	}

	// Every rejection is counted by reason in the receiver's own telemetry.
	m, err := tr.tel.GetMetric("otelcol_receiver_chaos_rejected_requests")
	require.NoError(t, err)
	var counted int64
	for _, dp := range m.Data.(metricdata.Sum[int64]).DataPoints {
		counted += dp.Value
	}
	require.Equal(t, int64(len(tests)), counted)
}

func TestProblemsListEveryBadEvent(t *testing.T) {
	sink := new(consumertest.LogsSink)
	tr := startReceiver(t, sink, nil)
	body := "[" + latencyEvent("1") + "," + latencyEvent(`"a"`) + "," + latencyEvent("2") + "," + latencyEvent("-1") + "]"
	resp := postJSON(t, tr.url+"/v1/chaos/events", body)
	require.Equal(t, http.StatusBadRequest, resp.status)
	require.Len(t, resp.body.Problems, 2)
	require.Equal(t, 1, resp.body.Problems[0].Index)
	require.Equal(t, 3, resp.body.Problems[1].Index)
	require.Contains(t, resp.body.Message, "nothing in this request was accepted")
	require.Zero(t, sink.LogRecordCount())

	many := "[" + strings.TrimSuffix(strings.Repeat(latencyEvent(`"x"`)+",", decoder.MaxProblems+5), ",") + "]"
	resp = postJSON(t, tr.url+"/v1/chaos/events", many)
	require.Equal(t, http.StatusBadRequest, resp.status)
	require.Len(t, resp.body.Problems, decoder.MaxProblems)
	require.True(t, resp.body.Truncated)
}

func TestPipelineRefusal(t *testing.T) {
	t.Run("back-pressure is 503 with Retry-After", func(t *testing.T) {
		tr := startReceiver(t, consumertest.NewErr(errors.New("data refused due to high memory usage")), func(c *Config) {
			c.RetryAfter = 7 * time.Second
		})
		resp := postJSON(t, tr.url+"/v1/chaos/events", latencyEvent("1"))
		require.Equal(t, http.StatusServiceUnavailable, resp.status)
		require.Equal(t, "7", resp.header.Get("Retry-After"))
		require.Equal(t, reasonPipelineRefused, resp.body.Error)
		require.Contains(t, resp.body.Message, "high memory usage")

		m, err := tr.tel.GetMetric("otelcol_receiver_refused_log_records")
		require.NoError(t, err)
		require.Equal(t, int64(1), m.Data.(metricdata.Sum[int64]).DataPoints[0].Value)
	})
	t.Run("permanent error is 400", func(t *testing.T) {
		tr := startReceiver(t, consumertest.NewErr(consumererror.NewPermanent(errors.New("schema mismatch"))), nil)
		resp := postJSON(t, tr.url+"/v1/chaos/events", latencyEvent("1"))
		require.Equal(t, http.StatusBadRequest, resp.status)
		require.Empty(t, resp.header.Get("Retry-After"))
		require.Equal(t, reasonPipelineRejected, resp.body.Error)
	})
}

func TestAcceptedTelemetry(t *testing.T) {
	sink := new(consumertest.LogsSink)
	tr := startReceiver(t, sink, nil)
	resp := postJSON(t, tr.url+"/v1/chaos/events", "["+latencyEvent("1")+","+latencyEvent("2")+"]")
	require.Equal(t, http.StatusOK, resp.status)
	m, err := tr.tel.GetMetric("otelcol_receiver_accepted_log_records")
	require.NoError(t, err)
	dp := m.Data.(metricdata.Sum[int64]).DataPoints[0]
	require.Equal(t, int64(2), dp.Value)
	recv, _ := dp.Attributes.Value("receiver")
	require.True(t, strings.HasPrefix(recv.AsString(), "chaos"), recv.AsString())
}

func TestHealthAndUnknownPaths(t *testing.T) {
	tr := startReceiver(t, consumertest.NewNop(), nil)
	resp := send(t, http.MethodGet, tr.url+"/v1/chaos/health", nil, nil)
	require.Equal(t, http.StatusOK, resp.status)
	assert.JSONEq(t, `{"status":"ok"}`, resp.raw)

	resp = send(t, http.MethodPost, tr.url+"/v1/chaos/health", nil, nil)
	require.Equal(t, http.StatusMethodNotAllowed, resp.status)
	require.Equal(t, "GET, HEAD", resp.header.Get("Allow"))

	resp = send(t, http.MethodPost, tr.url+"/v1/logs", nil, nil)
	require.Equal(t, http.StatusNotFound, resp.status)
	require.Equal(t, reasonNotFound, resp.body.Error)
}

// TestShutdownWaitsForInflight checks that Shutdown lets a request in the
// pipeline finish and answer, and that the receiver stops serving after.
func TestShutdownWaitsForInflight(t *testing.T) {
	release := make(chan struct{})
	entered := make(chan struct{})
	blocking := consumerFunc(func(context.Context) error {
		close(entered)
		<-release
		return nil
	})
	cfg := createDefaultConfig().(*Config)
	cfg.ServerConfig.NetAddr.Endpoint = "127.0.0.1:0"
	r, err := newReceiver(cfg, receivertest.NewNopSettings(metadata.Type), blocking)
	require.NoError(t, err)
	require.NoError(t, r.Start(context.Background(), componenttest.NewNopHost()))
	url := "http://" + r.server.Addr().String() + "/v1/chaos/events"

	done := make(chan int)
	go func() {
		resp, err := http.Post(url, "application/json", strings.NewReader(latencyEvent("1")))
		if err != nil {
			done <- -1
			return
		}
		resp.Body.Close()
		done <- resp.StatusCode
	}()
	<-entered
	shut := make(chan error)
	go func() { shut <- r.Shutdown(context.Background()) }()
	close(release)
	require.Equal(t, http.StatusOK, <-done)
	require.NoError(t, <-shut)
	_, err = http.Post(url, "application/json", strings.NewReader(latencyEvent("1")))
	require.Error(t, err, "no longer serving after Shutdown")
}

type consumerFunc func(context.Context) error

func (f consumerFunc) ConsumeLogs(ctx context.Context, _ plog.Logs) error { return f(ctx) }
func (consumerFunc) Capabilities() consumer.Capabilities                  { return consumer.Capabilities{} }
