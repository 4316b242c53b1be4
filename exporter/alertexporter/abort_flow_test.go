package alertexporter

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/exporter"
	"go.opentelemetry.io/collector/exporter/exportertest"

	"github.com/otelcol-chaos/otelcol-chaos/exporter/alertexporter/config"
	"github.com/otelcol-chaos/otelcol-chaos/exporter/alertexporter/internal/dispatch"
	"github.com/otelcol-chaos/otelcol-chaos/exporter/alertexporter/internal/metadata"
	"github.com/otelcol-chaos/otelcol-chaos/exporter/alertexporter/internal/rules"
	"github.com/otelcol-chaos/otelcol-chaos/internal/chaosconv"
)

// recorder is an httptest handler that keeps "METHOD path" and the body of
// each request and answers 200 with a JSON message.
type recorder struct {
	mu     sync.Mutex
	routes []string
	bodies []string
}

func (r *recorder) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	b, _ := io.ReadAll(req.Body)
	r.mu.Lock()
	r.routes = append(r.routes, req.Method+" "+req.URL.Path)
	r.bodies = append(r.bodies, string(b))
	r.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write([]byte(`{"message":"ok"}`))
}

func (r *recorder) got() ([]string, []string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.routes...), append([]string(nil), r.bodies...)
}

// TestSteadyStateAbortThroughTheExporter: the started exporter, fed a
// calm baseline, an experiment start and collapsing probes, fires its
// steady_state rule, stops MockForge once however long the alert keeps
// firing, posts the aborted event back, and lists the abort in the alerts
// API's GET /v1/alerts/aborts.
// abortFlow is a started exporter whose abort handler "stop-chaos" stops
// a MockForge recorder and reports back to a feedback recorder.
type abortFlow struct {
	exp                 exporter.Logs
	api                 string // the alerts API's base URL
	mockforge, feedback *recorder
}

func startAbortFlow(t *testing.T, rcfg []rules.Config, abortRules []string, scenario string, dataDelay time.Duration) *abortFlow {
	t.Helper()
	f := &abortFlow{mockforge: &recorder{}, feedback: &recorder{}}
	mfSrv, fbSrv := httptest.NewServer(f.mockforge), httptest.NewServer(f.feedback)
	t.Cleanup(mfSrv.Close)
	t.Cleanup(fbSrv.Close)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	f.api = "http://" + addr

	cfg := createDefaultConfig().(*Config)
	cfg.API.Enabled = true
	cfg.API.ServerConfig.NetAddr.Endpoint = addr
	cfg.EvaluationInterval = 10 * time.Millisecond
	cfg.DataDelay = dataDelay
	cfg.Route = dispatch.Config{GroupBy: []string{"alertname"}, GroupWait: 10 * time.Millisecond,
		GroupInterval: 20 * time.Millisecond, RepeatInterval: 50 * time.Millisecond}
	cfg.Rules = rcfg
	abort := config.NewDefaultAbortConfig()
	abort.Rules = abortRules
	mf := config.NewDefaultMockForgeTargetConfig()
	mf.ClientConfig.Endpoint = mfSrv.URL
	mf.Scenario = scenario
	abort.Target.MockForge = &mf
	abort.Feedback.ClientConfig.Endpoint = fbSrv.URL + "/v1/chaos/events"
	cfg.Handlers = []HandlerConfig{{Name: "stop-chaos", Abort: &abort}}
	require.NoError(t, cfg.Validate())
	f.exp, err = NewFactory().CreateLogs(context.Background(), exportertest.NewNopSettings(metadata.Type), cfg)
	require.NoError(t, err)
	require.NoError(t, f.exp.Start(context.Background(), componenttest.NewNopHost()))
	t.Cleanup(func() { require.NoError(t, f.exp.Shutdown(context.Background())) })
	return f
}

// TestSteadyStateAbortThroughTheExporter: the started exporter, fed a
// calm baseline, an experiment start and collapsing probes, fires its
// steady_state rule, stops MockForge once however long the alert keeps
// firing, posts the aborted event back, and lists the abort in the alerts
// API's GET /v1/alerts/aborts.
func TestSteadyStateAbortThroughTheExporter(t *testing.T) {
	f := startAbortFlow(t, []rules.Config{{Name: "Guardrail", Preset: rules.PresetSteadyState, For: time.Minute}},
		[]string{"Guardrail"}, "{{ .CommonLabels.experiment }}", time.Hour)
	exp, mockforge, feedback, addr := f.exp, f.mockforge, f.feedback, strings.TrimPrefix(f.api, "http://")

	ctx := context.Background()
	t0 := time.Now().Add(-20 * time.Minute).Truncate(time.Minute)
	require.NoError(t, exp.ConsumeLogs(ctx, probeBucketLogs("checkout", t0, repeat[uint64](1, 10), repeat(100.0, 10))))
	require.NoError(t, exp.ConsumeLogs(ctx, experimentLogs("chaosgen", "pod-kill", chaosconv.PhaseStarted, t0.Add(10*time.Minute))))
	require.NoError(t, exp.ConsumeLogs(ctx, probeBucketLogs("checkout", t0.Add(10*time.Minute), []uint64{40, 40}, []float64{100, 100})))

	require.Eventually(t, func() bool { r, _ := mockforge.got(); return len(r) == 2 }, 5*time.Second, 10*time.Millisecond)
	// The alert keeps firing for minutes more (and is re-notified every
	// repeat_interval): no second stop.
	require.NoError(t, exp.ConsumeLogs(ctx, probeBucketLogs("checkout", t0.Add(12*time.Minute), repeat[uint64](40, 5), repeat(100.0, 5))))
	time.Sleep(200 * time.Millisecond)
	routes, _ := mockforge.got()
	require.Equal(t, []string{"POST /api/chaos/disable", "DELETE /api/chaos/scenarios/pod-kill"}, routes)

	require.Eventually(t, func() bool { r, _ := feedback.got(); return len(r) == 1 }, 5*time.Second, 10*time.Millisecond)
	_, bodies := feedback.got()
	var ev map[string]any
	require.NoError(t, json.Unmarshal([]byte(bodies[0]), &ev))
	assert.Equal(t, "aborted", ev["phase"])
	assert.Equal(t, "pod-kill", ev["experiment"])
	assert.Equal(t, "checkout", ev["service"])

	var got struct{ Aborts []apiAbort }
	require.Equal(t, http.StatusOK, getJSON(t, "http://"+addr+"/v1/alerts/aborts", &got))
	require.Len(t, got.Aborts, 1)
	a := got.Aborts[0]
	assert.NotEmpty(t, a.At)
	assert.NotEmpty(t, a.Fingerprint)
	a.At, a.Fingerprint = "", ""
	assert.Equal(t, apiAbort{Handler: "stop-chaos", Target: "mockforge", TargetRef: a.TargetRef, Experiment: "pod-kill",
		Rule: "Guardrail", Outcome: "stopped"}, a)
	assert.Contains(t, a.TargetRef, "pod-kill")
	var bad map[string]string
	require.Equal(t, http.StatusBadRequest, getJSON(t, "http://"+addr+"/v1/alerts/aborts?limit=x", &bad))
}

// TestAbsentDataAbortsThroughTheExporter: the fail-closed guardrail. An
// absent rule listed in the abort handler's rules stops the chaos when the
// data stops: once data_delay has passed, the wall clock moves evaluation
// on, the rule fires, and MockForge is told to stop every scenario (an
// absent alert names no experiment, so the target does not template on it).
func TestAbsentDataAbortsThroughTheExporter(t *testing.T) {
	f := startAbortFlow(t, []rules.Config{
		{Name: "Guardrail", Preset: rules.PresetSteadyState, For: time.Minute},
		{Name: "ChaosDataAbsent", Type: rules.TypeAbsent, Scope: "global", Window: time.Second},
	}, []string{"Guardrail", "ChaosDataAbsent"}, "", 100*time.Millisecond)
	ctx := context.Background()
	// Data up to now, then nothing.
	t0 := time.Now().Add(-3 * time.Minute)
	require.NoError(t, f.exp.ConsumeLogs(ctx, bucketLogs(t0, [][2]uint64{{100, 0}, {100, 0}, {100, 0}})))
	routes, _ := f.mockforge.got()
	require.Empty(t, routes, "data is flowing")

	require.Eventually(t, func() bool { r, _ := f.mockforge.got(); return len(r) == 2 }, 10*time.Second, 10*time.Millisecond)
	routes, _ = f.mockforge.got()
	require.Equal(t, []string{"POST /api/chaos/disable", "DELETE /api/chaos/scenarios"}, routes)
	var got struct{ Aborts []apiAbort }
	require.Equal(t, http.StatusOK, getJSON(t, f.api+"/v1/alerts/aborts", &got))
	require.Len(t, got.Aborts, 1)
	require.Equal(t, "ChaosDataAbsent", got.Aborts[0].Rule)
	require.Equal(t, "stopped", got.Aborts[0].Outcome)
	require.Empty(t, got.Aborts[0].Experiment)
}
