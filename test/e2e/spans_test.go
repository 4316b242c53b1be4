package e2e

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/pdata/ptrace/ptraceotlp"
)

// spansCollectorConfig: the services' traces through the otlp receiver into
// the chaos_spans connector, its chaos.observed records and the chaos
// events into chaos_analytics (1-minute buckets), read back through the
// chaos_dashboard extension's JSON API.
const spansCollectorConfig = `
receivers:
  chaos:
    endpoint: 127.0.0.1:%[1]d
  otlp:
    protocols:
      http:
        endpoint: 127.0.0.1:%[2]d
connectors:
  chaos_spans:
    flush_interval: 500ms
processors:
  chaos_analytics:
    widths: [1m]
    allowed_lateness: 2s
    idle_flush: 2s
    flush_interval: 100ms
exporters:
  debug: {}
extensions:
  chaos_dashboard:
    endpoint: 127.0.0.1:%[3]d
service:
  extensions: [chaos_dashboard]
  telemetry:
    metrics:
      readers:
        - pull:
            exporter:
              prometheus:
                host: 127.0.0.1
                port: %[4]d
  pipelines:
    traces:
      receivers: [otlp]
      exporters: [chaos_spans]
    logs:
      receivers: [chaos, chaos_spans]
      processors: [chaos_analytics]
      exporters: [debug]
`

// minuteSpans is one minute of checkout's GET /api/users server spans:
// durations[i] ms each, the first failed of them with status 503.
type minuteSpans struct {
	start     time.Time
	durations []float64
	failed    int
}

func (m minuteSpans) traces(seq *uint64) ptrace.Traces {
	td := ptrace.NewTraces()
	rs := td.ResourceSpans().AppendEmpty()
	rs.Resource().Attributes().PutStr("service.name", "checkout")
	spans := rs.ScopeSpans().AppendEmpty().Spans()
	for i, d := range m.durations {
		*seq++
		var tid [16]byte
		var sid [8]byte
		binary.BigEndian.PutUint64(tid[8:], *seq)
		binary.BigEndian.PutUint64(sid[:], *seq)
		s := spans.AppendEmpty()
		s.SetTraceID(tid)
		s.SetSpanID(sid)
		s.SetName("GET /api/users")
		s.SetKind(ptrace.SpanKindServer)
		start := m.start.Add(time.Duration(i) * 100 * time.Millisecond)
		s.SetStartTimestamp(pcommon.NewTimestampFromTime(start))
		s.SetEndTimestamp(pcommon.NewTimestampFromTime(start.Add(time.Duration(d * float64(time.Millisecond)))))
		s.Attributes().PutStr("http.request.method", "GET")
		s.Attributes().PutStr("http.route", "/api/users")
		code := int64(200)
		if i < m.failed {
			code = 503
			s.Status().SetCode(ptrace.StatusCodeError)
		}
		s.Attributes().PutInt("http.response.status_code", code)
	}
	return td
}

func repeatMs(ms float64, n int) []float64 {
	out := make([]float64, n)
	for i := range out {
		out[i] = ms
	}
	return out
}

// TestImpactMeasuredFromSpans: the built collector, fed the server spans of
// checkout (three calm minutes, then a minute of chaos whose requests fail
// and slow down) and one fault injection in that minute, concludes a bucket
// whose observed error ratio and p95 are what was sent (the p95 within the
// sketch's 1 %) and whose impact is measured from the spans against the
// calm minutes.
func TestImpactMeasuredFromSpans(t *testing.T) {
	env := requireEnv(t, envCollector)
	collectorBin := env[0]
	chaosPort, otlpPort, dashPort, telemetryPort := freePort(t), freePort(t), freePort(t), freePort(t)
	cfgPath := filepath.Join(t.TempDir(), "config.yaml")
	require.NoError(t, os.WriteFile(cfgPath, []byte(fmt.Sprintf(spansCollectorConfig, chaosPort, otlpPort, dashPort,
		telemetryPort)), 0o600))
	client := newClient(t)
	col := startProcess(t, "collector", collectorBin, "--config", cfgPath)
	waitReady(t, client, col, fmt.Sprintf("http://127.0.0.1:%d/v1/chaos/health", chaosPort), 30*time.Second)
	dashboard := fmt.Sprintf("http://127.0.0.1:%d", dashPort)
	waitReady(t, client, col, dashboard+"/api/v1/stats", 10*time.Second)

	// Ten minutes ago: three calm minutes (60 requests of 20 ms, one failed
	// each), then the chaos minute: 100 requests, 25 failed, 80 of 50 ms
	// and 20 of 200 ms (p95: 200 ms).
	m0 := time.Now().Add(-10 * time.Minute).Truncate(time.Minute)
	chaos := m0.Add(3 * time.Minute)
	var seq uint64
	for i := range 3 {
		sendSpans(t, client, otlpPort, minuteSpans{start: m0.Add(time.Duration(i) * time.Minute),
			durations: repeatMs(20, 60), failed: 1}.traces(&seq))
	}
	sendSpans(t, client, otlpPort, minuteSpans{start: chaos, durations: append(repeatMs(50, 80), repeatMs(200, 20)...),
		failed: 25}.traces(&seq))
	// The fault injection once the spans' records are in the analytics
	// processor's buckets: sent first, its time would close the calm minutes
	// before their records arrived (late), as any partial flushed after its
	// bucket closed is.
	metricsURL := fmt.Sprintf("http://127.0.0.1:%d/metrics", telemetryPort)
	poll(t, 10*time.Second, 100*time.Millisecond, "the 12 observed records merged", func() error {
		n, err := counterValue(client, metricsURL, "otelcol_processor_chaos_analytics_observed", `outcome="merged"`)
		if err != nil || n < 12 {
			return fmt.Errorf("%v merged (%v)", n, err)
		}
		return nil
	})
	fault := fmt.Sprintf(`[{"timestamp":%q,"event_type":{"type":"FaultInjection","fault_type":"http_503","endpoint":"/api/users"},"metadata":{},"service":"checkout"}]`,
		chaos.Add(30*time.Second).UTC().Format(timestampLayout))
	code, body, err := postJSON(client, fmt.Sprintf("http://127.0.0.1:%d/v1/chaos/events", chaosPort), fault)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, code, "%s", body)

	// The chaos minute's global bucket, once idle_flush has closed it.
	type bucket struct {
		Start    time.Time `json:"start"`
		Events   int       `json:"events"`
		Faults   int       `json:"faults"`
		Observed *struct {
			Requests   float64 `json:"requests"`
			Errors     float64 `json:"errors"`
			ErrorRatio float64 `json:"error_ratio"`
			LatencyMs  *struct {
				P95 float64 `json:"p95"`
			} `json:"latency_ms"`
		} `json:"observed"`
		Impact struct {
			DegradationPct float64 `json:"degradation_pct"`
			Measured       bool    `json:"measured"`
			Source         string  `json:"source"`
		} `json:"impact"`
	}
	var got *bucket
	q := url.Values{"scope": {"global"}, "width": {"1m"}, "from": {m0.UTC().Format(time.RFC3339)},
		"to": {chaos.Add(time.Minute).UTC().Format(time.RFC3339)}}
	poll(t, 30*time.Second, 200*time.Millisecond, "the chaos minute's bucket", func() error {
		code, body, err := get(client, dashboard+"/api/v1/buckets?"+q.Encode())
		if err != nil || code != http.StatusOK {
			return fmt.Errorf("GET buckets: %d %v %s", code, err, body)
		}
		var r struct{ Buckets []bucket }
		if err := json.Unmarshal(body, &r); err != nil {
			return err
		}
		for i := range r.Buckets {
			if r.Buckets[i].Start.Equal(chaos) {
				got = &r.Buckets[i]
				return nil
			}
		}
		return fmt.Errorf("no bucket at %s yet: %s", chaos, body)
	})
	t.Logf("chaos minute: %+v observed %+v", *got, *got.Observed)
	require.NotNil(t, got.Observed)
	assert.Equal(t, 1, got.Faults)
	assert.Equal(t, 100.0, got.Observed.Requests)
	assert.Equal(t, 25.0, got.Observed.Errors)
	assert.Equal(t, 0.25, got.Observed.ErrorRatio)
	require.NotNil(t, got.Observed.LatencyMs)
	assert.InEpsilon(t, 200, got.Observed.LatencyMs.P95, 0.01, "p95 within the sketch's 1 %")

	// Measured from the spans against the calm minutes: baseline error
	// ratio 3/180, p95 20 ms; e = 0.25 − 3/180, s = min(1, 200/20 − 1) = 1.
	assert.True(t, got.Impact.Measured)
	assert.Equal(t, "spans", got.Impact.Source)
	e := 0.25 - 3.0/180
	assert.InDelta(t, 100*(1-(1-e)*(1-0.5*math.Min(1, 200.0/20-1))), got.Impact.DegradationPct, 1e-6)
}

// sendSpans posts td to the otlp receiver as OTLP/HTTP protobuf.
func sendSpans(t *testing.T, c *http.Client, port int, td ptrace.Traces) {
	t.Helper()
	body, err := ptraceotlp.NewExportRequestFromTraces(td).MarshalProto()
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, fmt.Sprintf("http://127.0.0.1:%d/v1/traces", port),
		bytes.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-protobuf")
	resp, err := c.Do(req)
	require.NoError(t, err)
	require.NoError(t, resp.Body.Close())
	require.Equal(t, http.StatusOK, resp.StatusCode)
}
