package notify

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/dynamic"
	dynamicfake "k8s.io/client-go/dynamic/fake"
	k8stesting "k8s.io/client-go/testing"

	"github.com/otelcol-chaos/otelcol-chaos/exporter/alertexporter/config"
	"github.com/otelcol-chaos/otelcol-chaos/internal/chaosconv"
)

const (
	guardRule       = "SteadyStateBroken"
	experimentLabel = "experiment"
)

// guardAlert is a firing alert of the steady_state rule for experiment exp.
func guardAlert(rule, exp, fingerprint string, start time.Time) Alert {
	return Alert{
		Fingerprint: fingerprint,
		Labels: map[string]string{LabelAlertName: rule, LabelSeverity: SeverityCritical,
			chaosconv.AlertLabelScope: chaosconv.ScopeService.String(), chaosconv.AlertLabelScopeKey: "checkout",
			experimentLabel: exp},
		StartsAt: start,
	}
}

func guardNotification(alerts ...Alert) *Notification {
	return &Notification{Receiver: "stop-chaos", GroupKey: `{}:{alertname="SteadyStateBroken"}`,
		GroupLabels: map[string]string{LabelAlertName: guardRule}, Alerts: alerts, Term: 3}
}

// abortRecorder collects OnAbort calls.
type abortRecorder struct {
	mu   sync.Mutex
	recs []AbortRecord
}

func (r *abortRecorder) add(rec AbortRecord) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.recs = append(r.recs, rec)
}

func (r *abortRecorder) outcomes() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, rec := range r.recs {
		out = append(out, rec.Outcome)
	}
	return out
}

// testClock is the handler's injected clock.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *testClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

type abortFixture struct {
	h        *AbortHandler
	rec      *abortRecorder
	clock    *testClock
	feedback *captureServer
	logs     *observer.ObservedLogs
}

// newAbort builds an abort handler on cfg (rules: guardRule) with a
// feedback capture server, an injected clock and observed logs.
func newAbort(t *testing.T, mutate func(*AbortConfig), kube KubeClientFunc) *abortFixture {
	t.Helper()
	f := &abortFixture{rec: &abortRecorder{}, clock: &testClock{now: t0}}
	f.feedback = newCaptureServer(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
		w.Header().Set("Content-Type", contentTypeJSON)
		_, _ = w.Write([]byte(`{"accepted":1}`))
	})
	cfg := config.NewDefaultAbortConfig()
	cfg.Rules = []string{guardRule}
	cfg.Feedback.ClientConfig.Endpoint = f.feedback.URL + "/v1/chaos/events"
	mutate(&cfg)
	core, logs := observer.New(zapcore.InfoLevel)
	f.logs = logs
	h, err := NewAbortHandler(context.Background(), "stop-chaos", &cfg, nopHost(), nopSettings(), AbortSettings{
		ExperimentLabel: experimentLabel, Logger: zap.New(core), Now: f.clock.Now, OnAbort: f.rec.add, NewKubeClient: kube,
	})
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, h.Close()) })
	f.h = h
	return f
}

// mockForgeServer behaves as mockforge-chaos's API router documents:
// POST /api/chaos/disable → 200 {"message":…}; DELETE
// /api/chaos/scenarios/{name} → 200, or 404 {"error":…} when the scenario
// is not running; DELETE /api/chaos/scenarios → 200; any other route → 404
// with an empty body (axum's fallback).
func mockForgeServer(t *testing.T, running map[string]bool, fail func(i int) int) *captureServer {
	t.Helper()
	var mu sync.Mutex
	return newCaptureServer(t, func(w http.ResponseWriter, r *http.Request, i int) {
		if fail != nil {
			if code := fail(i); code != 0 {
				w.WriteHeader(code)
				return
			}
		}
		mu.Lock()
		defer mu.Unlock()
		w.Header().Set("Content-Type", contentTypeJSON)
		switch {
		case r.Method == http.MethodPost && r.URL.Path == "/api/chaos/disable":
			_, _ = w.Write([]byte(`{"message":"Chaos engineering disabled"}`))
		case r.Method == http.MethodDelete && r.URL.Path == "/api/chaos/scenarios":
			clear(running)
			_, _ = w.Write([]byte(`{"message":"All scenarios stopped"}`))
		case r.Method == http.MethodDelete && strings.HasPrefix(r.URL.Path, "/api/chaos/scenarios/"):
			name := strings.TrimPrefix(r.URL.Path, "/api/chaos/scenarios/")
			if !running[name] {
				w.WriteHeader(http.StatusNotFound)
				_, _ = w.Write([]byte(`{"error":"Scenario '` + name + `' not found or not running"}`))
				return
			}
			delete(running, name)
			_, _ = w.Write([]byte(`{"message":"Scenario '` + name + `' stopped"}`))
		default:
			w.Header().Del("Content-Type")
			w.WriteHeader(http.StatusNotFound)
		}
	})
}

func withMockForge(endpoint, scenario string) func(*AbortConfig) {
	return func(c *AbortConfig) {
		mf := config.NewDefaultMockForgeTargetConfig()
		mf.ClientConfig.Endpoint = endpoint
		mf.Scenario = scenario
		c.Target.MockForge = &mf
	}
}

func TestAbortMockForgeStopsOnceAndReportsBack(t *testing.T) {
	running := map[string]bool{"slow_backend": true}
	mf := mockForgeServer(t, running, nil)
	f := newAbort(t, withMockForge(mf.URL, "{{ .CommonLabels.experiment }}"), nil)

	n := guardNotification(guardAlert(guardRule, "slow_backend", "aa01", t0))
	require.NoError(t, f.h.Notify(context.Background(), n))

	reqs := mf.requests()
	require.Len(t, reqs, 2)
	for i, want := range []struct{ method, path string }{
		{http.MethodPost, "/api/chaos/disable"},
		{http.MethodDelete, "/api/chaos/scenarios/slow_backend"},
	} {
		assert.Equal(t, want.method, reqs[i].Method, "request %d", i)
		assert.Equal(t, want.path, reqs[i].Path, "request %d", i)
		assert.Empty(t, reqs[i].Body, "MockForge's control routes take no body")
		assert.Empty(t, reqs[i].Header.Get("Content-Type"))
		assert.Equal(t, userAgent, reqs[i].Header.Get("User-Agent"))
	}
	assert.Empty(t, running, "the scenario was stopped")
	assert.Equal(t, []string{AbortStopped}, f.rec.outcomes())

	// The aborted event, in the chaos receiver's native shape.
	fb := f.feedback.only(t)
	assert.Equal(t, http.MethodPost, fb.Method)
	assert.Equal(t, "/v1/chaos/events", fb.Path)
	assert.Equal(t, contentTypeJSON, fb.Header.Get("Content-Type"))
	assert.JSONEq(t, `{"kind":"experiment","timestamp":"2026-03-01T10:00:00Z","experiment":"slow_backend",
		"phase":"aborted","source":"otelcol-chaos","service":"checkout","metadata":{
		"abort.rule":"SteadyStateBroken","abort.handler":"stop-chaos","abort.target":"mockforge",
		"abort.target_ref":"scenario slow_backend at `+mf.URL+`","abort.outcome":"stopped","abort.dry_run":"false",
		"abort.alert_fingerprint":"aa01","abort.scope":"service","abort.scope_key":"checkout"}}`, string(fb.Body))

	// The same alert again (repeat_interval), and another alert of the same
	// experiment within once_per: nothing sent, counted already_stopped.
	require.NoError(t, f.h.Notify(context.Background(), guardNotification(guardAlert(guardRule, "slow_backend", "aa01", t0))))
	f.clock.advance(30 * time.Minute)
	require.NoError(t, f.h.Notify(context.Background(), guardNotification(guardAlert(guardRule, "slow_backend", "bb02", t0.Add(30*time.Minute)))))
	assert.Len(t, mf.requests(), 2)
	assert.Len(t, f.feedback.requests(), 1)
	assert.Equal(t, []string{AbortStopped, AbortAlreadyStopped, AbortAlreadyStopped}, f.rec.outcomes())

	// Past once_per, a new firing of that experiment stops it again (its
	// scenario not running any more: MockForge's 404 JSON is fine); the
	// alert of the first stop, still firing, still does not.
	f.clock.advance(time.Hour)
	require.NoError(t, f.h.Notify(context.Background(), guardNotification(guardAlert(guardRule, "slow_backend", "aa01", t0))))
	assert.Len(t, mf.requests(), 2)
	require.NoError(t, f.h.Notify(context.Background(), guardNotification(guardAlert(guardRule, "slow_backend", "cc03", t0.Add(2*time.Hour)))))
	assert.Len(t, mf.requests(), 4)
	assert.Equal(t, []string{AbortStopped, AbortAlreadyStopped, AbortAlreadyStopped, AbortAlreadyStopped, AbortStopped}, f.rec.outcomes())
}

func TestAbortMockForgeAllScenariosAndPrefix(t *testing.T) {
	mf := mockForgeServer(t, map[string]bool{}, nil)
	// A trailing slash on the base URL is not doubled.
	f := newAbort(t, withMockForge(mf.URL+"/", ""), nil)
	require.NoError(t, f.h.Notify(context.Background(), guardNotification(guardAlert(guardRule, "x", "aa01", t0))))
	reqs := mf.requests()
	require.Len(t, reqs, 2)
	assert.Equal(t, "/api/chaos/disable", reqs[0].Path)
	assert.Equal(t, http.MethodDelete, reqs[1].Method)
	assert.Equal(t, "/api/chaos/scenarios", reqs[1].Path)
}

func TestAbortIgnoresOtherRulesAndResolvedAlerts(t *testing.T) {
	mf := mockForgeServer(t, map[string]bool{}, nil)
	f := newAbort(t, withMockForge(mf.URL, ""), nil)
	resolved := guardAlert(guardRule, "x", "aa01", t0)
	resolved.EndsAt = t1
	for _, n := range []*Notification{
		guardNotification(guardAlert("HighLatency", "x", "bb02", t0)),
		guardNotification(resolved),
		firingNotification("stop-chaos"),
	} {
		require.NoError(t, f.h.Notify(context.Background(), n))
	}
	assert.Empty(t, mf.requests())
	assert.Empty(t, f.feedback.requests())
	assert.Empty(t, f.rec.outcomes())
}

func TestAbortErrors(t *testing.T) {
	tests := []struct {
		name      string
		fail      func(int) int
		base      string // appended to the server URL
		scenario  string
		retryable bool
		code      int
		msg       string
	}{
		{name: "503 is retried", fail: func(int) int { return http.StatusServiceUnavailable }, retryable: true, code: 503},
		{name: "429 is retried", fail: func(int) int { return http.StatusTooManyRequests }, retryable: true, code: 429},
		{name: "403 is not", fail: func(int) int { return http.StatusForbidden }, code: 403},
		{name: "no chaos API at the endpoint", base: "/wrong", code: 404, msg: "is endpoint MockForge's base URL"},
		{name: "scenario template empty", scenario: "{{ .CommonLabels.nope }}", msg: "does the alert carry the label"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mf := mockForgeServer(t, map[string]bool{}, tt.fail)
			f := newAbort(t, withMockForge(mf.URL+tt.base, tt.scenario), nil)
			err := f.h.Notify(context.Background(), guardNotification(guardAlert(guardRule, "x", "aa01", t0)))
			require.Error(t, err)
			assert.Equal(t, tt.retryable, IsRetryable(err))
			var de *DeliveryError
			require.ErrorAs(t, err, &de)
			assert.Equal(t, tt.code, de.StatusCode)
			assert.ErrorContains(t, err, tt.msg)
			assert.Empty(t, f.feedback.requests(), "no aborted event for a failed stop")
			assert.Empty(t, f.rec.outcomes(), "failed is counted by Result, when the Deliverer gives up")
		})
	}
}

// Through the Deliverer: a 503 is retried with backoff until MockForge
// answers; a 400 gives up at once, counted failed and logged as an error.
func TestAbortRetriedThroughTheDeliverer(t *testing.T) {
	mf := mockForgeServer(t, map[string]bool{}, func(i int) int {
		if i < 2 {
			return http.StatusServiceUnavailable
		}
		return 0
	})
	f := newAbort(t, withMockForge(mf.URL, ""), nil)
	sink := newResultSink()
	clock := newFakeClock()
	d := newTestDeliverer(t, []Handler{f.h}, fastRetry(), 10, clock, sink)
	require.True(t, d.Enqueue(guardNotification(guardAlert(guardRule, "x", "aa01", t0))))
	r := sink.next(t)
	require.NoError(t, r.err)
	assert.Equal(t, 3, r.attempts)
	assert.Equal(t, []time.Duration{10 * time.Millisecond, 20 * time.Millisecond}, clock.recorded())
	assert.Len(t, mf.requests(), 4) // 2 refused disables, then disable + delete
	assert.Equal(t, []string{AbortStopped}, f.rec.outcomes())

	refused := mockForgeServer(t, map[string]bool{}, func(int) int { return http.StatusBadRequest })
	g := newAbort(t, withMockForge(refused.URL, ""), nil)
	sink2 := newResultSink()
	d2 := newTestDeliverer(t, []Handler{g.h}, fastRetry(), 10, newFakeClock(), sink2)
	n := guardNotification(guardAlert(guardRule, "x", "aa01", t0))
	require.True(t, d2.Enqueue(n))
	r = sink2.next(t)
	require.Error(t, r.err)
	assert.Equal(t, 1, r.attempts, "a 4xx other than 429 is not retried")
	g.h.Result(r.n, r.err, r.attempts)
	assert.Equal(t, []string{AbortFailed}, g.rec.outcomes())
	errs := g.logs.FilterLevelExact(zapcore.ErrorLevel).All()
	require.Len(t, errs, 1)
	assert.Contains(t, errs[0].Message, "the chaos was NOT stopped")
}

func TestAbortDryRunSendsNothingButReports(t *testing.T) {
	mf := mockForgeServer(t, map[string]bool{"slow_backend": true}, nil)
	f := newAbort(t, func(c *AbortConfig) {
		withMockForge(mf.URL, "{{ .CommonLabels.experiment }}")(c)
		c.DryRun = true
	}, nil)
	require.NoError(t, f.h.Notify(context.Background(), guardNotification(guardAlert(guardRule, "slow_backend", "aa01", t0))))
	require.NoError(t, f.h.Notify(context.Background(), guardNotification(guardAlert(guardRule, "slow_backend", "aa01", t0))))
	assert.Empty(t, mf.requests())
	assert.Equal(t, []string{AbortDryRun, AbortAlreadyStopped}, f.rec.outcomes())

	logs := f.logs.FilterMessageSnippet("Abort dry run").All()
	require.Len(t, logs, 1)
	ctx := logs[0].ContextMap()
	assert.Equal(t, []any{"POST " + mf.URL + "/api/chaos/disable", "DELETE " + mf.URL + "/api/chaos/scenarios/slow_backend"}, ctx["requests"])
	var ev map[string]any
	require.NoError(t, json.Unmarshal(f.feedback.only(t).Body, &ev))
	assert.Equal(t, "true", ev["metadata"].(map[string]any)["abort.dry_run"])
	assert.Equal(t, "dry_run", ev["metadata"].(map[string]any)["abort.outcome"])
}

// Two experiments in one group are two aborts; a retry after one of them
// failed stops only the other.
func TestAbortOneGroupSeveralExperiments(t *testing.T) {
	var fail sync.Map
	fail.Store("/api/chaos/scenarios/b", true)
	running := map[string]bool{"a": true, "b": true}
	mf := mockForgeServer(t, running, nil)
	// A second server in front decides failures by path.
	front := newCaptureServer(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		if _, ok := fail.LoadAndDelete(r.URL.Path); ok {
			w.WriteHeader(http.StatusBadGateway)
			return
		}
		req, _ := http.NewRequestWithContext(r.Context(), r.Method, mf.URL+r.URL.Path, http.NoBody)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			w.WriteHeader(http.StatusInternalServerError)
			return
		}
		defer resp.Body.Close()
		w.WriteHeader(resp.StatusCode)
	})
	f := newAbort(t, withMockForge(front.URL, "{{ .CommonLabels.experiment }}"), nil)
	n := guardNotification(guardAlert(guardRule, "a", "aa01", t0), guardAlert(guardRule, "b", "bb02", t0))
	err := f.h.Notify(context.Background(), n)
	require.Error(t, err)
	assert.True(t, IsRetryable(err))
	require.NoError(t, f.h.Notify(context.Background(), n), "the retry")
	assert.Empty(t, running)
	assert.Equal(t, []string{AbortStopped, AbortStopped}, f.rec.outcomes(), "a is not counted again on the retry")
	var paths []string
	for _, r := range front.requests() {
		paths = append(paths, r.Method+" "+r.Path)
	}
	assert.Equal(t, []string{
		"POST /api/chaos/disable", "DELETE /api/chaos/scenarios/a",
		"POST /api/chaos/disable", "DELETE /api/chaos/scenarios/b", // 502
		"POST /api/chaos/disable", "DELETE /api/chaos/scenarios/b",
	}, paths)
}

func TestAbortHTTPTargetPayload(t *testing.T) {
	srv := newCaptureServer(t, nil)
	f := newAbort(t, func(c *AbortConfig) {
		h := config.NewDefaultHTTPTargetConfig()
		h.ClientConfig.Endpoint = srv.URL + "/stop?token=secret"
		h.Method = http.MethodPut
		h.Body = `{"experiment":"{{ .CommonLabels.experiment }}","reason":"{{ (index .Alerts 0).Labels.alertname }}"}`
		h.ClientConfig.Headers = configopaqueHeaders(map[string]string{"X-Api-Key": "k"})
		c.Target.HTTP = &h
		c.Feedback.ClientConfig.Endpoint = ""
	}, nil)
	require.NoError(t, f.h.Notify(context.Background(), guardNotification(guardAlert(guardRule, "pod-kill", "aa01", t0))))
	got := srv.only(t)
	assert.Equal(t, http.MethodPut, got.Method)
	assert.Equal(t, "/stop", got.Path)
	assert.Equal(t, contentTypeJSON, got.Header.Get("Content-Type"))
	assert.Equal(t, "k", got.Header.Get("X-Api-Key"))
	assert.JSONEq(t, `{"experiment":"pod-kill","reason":"SteadyStateBroken"}`, string(got.Body))
	assert.Equal(t, []string{AbortStopped}, f.rec.outcomes())

	// Another experiment renders another body: another target.
	require.NoError(t, f.h.Notify(context.Background(), guardNotification(guardAlert(guardRule, "net-delay", "bb02", t0))))
	assert.Len(t, srv.requests(), 2)
}

// Kubernetes targets, on client-go's fake dynamic client (no API server
// here): the exact patch type and bytes, and the object after it.

var podChaos = schema.GroupVersionResource{Group: "chaos-mesh.org", Version: "v1alpha1", Resource: "podchaos"}

// fakeKube is a fake dynamic client holding obj under gvr (created through
// the tracker with the resource named: guessing it from the kind would
// say "podchaoses").
func fakeKube(t *testing.T, gvr schema.GroupVersionResource, obj *unstructured.Unstructured) (*dynamicfake.FakeDynamicClient, KubeClientFunc) {
	t.Helper()
	listKinds := map[schema.GroupVersionResource]string{podChaos: "PodChaosList", LitmusChaosEngines: "ChaosEngineList"}
	c := dynamicfake.NewSimpleDynamicClientWithCustomListKinds(runtime.NewScheme(), listKinds)
	require.NoError(t, c.Tracker().Create(gvr, obj, obj.GetNamespace()))
	c.ClearActions()
	return c, func(config.KubeAuthConfig) (dynamic.Interface, error) { return c, nil }
}

func object(apiVersion, kind, ns, name string, spec map[string]any) *unstructured.Unstructured {
	u := &unstructured.Unstructured{Object: map[string]any{"apiVersion": apiVersion, "kind": kind,
		"metadata": map[string]any{"namespace": ns, "name": name}, "spec": spec}}
	return u
}

func patches(c *dynamicfake.FakeDynamicClient) []k8stesting.PatchAction {
	var out []k8stesting.PatchAction
	for _, a := range c.Actions() {
		if p, ok := a.(k8stesting.PatchAction); ok {
			out = append(out, p)
		}
	}
	return out
}

func TestAbortChaosMeshPausesTheExperiment(t *testing.T) {
	gvr := podChaos
	client, kube := fakeKube(t, gvr, object("chaos-mesh.org/v1alpha1", "PodChaos", "chaos", "pod-kill", map[string]any{"action": "pod-kill"}))
	f := newAbort(t, func(c *AbortConfig) {
		cm := config.NewDefaultChaosMeshTargetConfig()
		cm.Namespace, cm.Kind, cm.Name = "chaos", "PodChaos", "{{ .CommonLabels.experiment }}"
		c.Target.ChaosMesh = &cm
	}, kube)
	require.NoError(t, f.h.Notify(context.Background(), guardNotification(guardAlert(guardRule, "pod-kill", "aa01", t0))))

	ps := patches(client)
	require.Len(t, ps, 1)
	assert.Equal(t, gvr, ps[0].GetResource())
	assert.Equal(t, "chaos", ps[0].GetNamespace())
	assert.Equal(t, "pod-kill", ps[0].GetName())
	assert.Equal(t, types.MergePatchType, ps[0].GetPatchType())
	assert.Equal(t, `{"metadata":{"annotations":{"experiment.chaos-mesh.org/pause":"true"}}}`, string(ps[0].GetPatch()))
	obj, err := client.Resource(gvr).Namespace("chaos").Get(context.Background(), "pod-kill", metav1GetOptions())
	require.NoError(t, err)
	assert.Equal(t, map[string]string{ChaosMeshPauseAnnotation: "true"}, obj.GetAnnotations())
	assert.Equal(t, "pod-kill", obj.Object["spec"].(map[string]any)["action"], "the spec is untouched")
	assert.Equal(t, []string{AbortStopped}, f.rec.outcomes())

	// Another experiment's alert resolving to the same, paused object: read,
	// not patched again.
	require.NoError(t, f.h.Notify(context.Background(), guardNotification(guardAlert(guardRule, "pod-kill", "bb02", t0.Add(2*time.Hour)))))
	f.clock.advance(2 * time.Hour)
	require.NoError(t, f.h.Notify(context.Background(), guardNotification(guardAlert(guardRule, "pod-kill", "cc03", t0.Add(3*time.Hour)))))
	assert.Len(t, patches(client), 1)
	assert.Equal(t, []string{AbortStopped, AbortAlreadyStopped, AbortAlreadyStopped}, f.rec.outcomes())

	// A missing object is a permanent error saying what to check.
	err = f.h.Notify(context.Background(), guardNotification(guardAlert(guardRule, "no-such", "dd04", t0)))
	require.Error(t, err)
	assert.False(t, IsRetryable(err))
	assert.ErrorContains(t, err, "check namespace, kind and name")
}

func TestAbortLitmusStopsTheEngine(t *testing.T) {
	client, kube := fakeKube(t, LitmusChaosEngines, object("litmuschaos.io/v1alpha1", "ChaosEngine", "litmus", "nginx-chaos",
		map[string]any{"engineState": "active", "appinfo": map[string]any{"appns": "default"}}))
	f := newAbort(t, func(c *AbortConfig) {
		l := config.NewDefaultLitmusTargetConfig()
		l.Namespace, l.Name = "litmus", "nginx-chaos"
		c.Target.Litmus = &l
	}, kube)
	require.NoError(t, f.h.Notify(context.Background(), guardNotification(guardAlert(guardRule, "", "aa01", t0))))
	ps := patches(client)
	require.Len(t, ps, 1)
	assert.Equal(t, LitmusChaosEngines, ps[0].GetResource())
	assert.Equal(t, types.MergePatchType, ps[0].GetPatchType())
	assert.Equal(t, `{"spec":{"engineState":"stop"}}`, string(ps[0].GetPatch()))
	obj, err := client.Resource(LitmusChaosEngines).Namespace("litmus").Get(context.Background(), "nginx-chaos", metav1GetOptions())
	require.NoError(t, err)
	state, _, _ := unstructured.NestedString(obj.Object, "spec", "engineState")
	assert.Equal(t, "stop", state)
	appns, _, _ := unstructured.NestedString(obj.Object, "spec", "appinfo", "appns")
	assert.Equal(t, "default", appns, "a merge patch keeps the rest of the spec")

	// Without an experiment label the event names the engine.
	var ev abortEvent
	require.NoError(t, json.Unmarshal(f.feedback.only(t).Body, &ev))
	assert.Equal(t, "nginx-chaos", ev.Experiment)
	assert.Equal(t, "ChaosEngine litmus/nginx-chaos", ev.Metadata[chaosconv.AbortMetaTargetRef])
}

func TestAbortKubeErrorsClassified(t *testing.T) {
	client, kube := fakeKube(t, LitmusChaosEngines, object("litmuschaos.io/v1alpha1", "ChaosEngine", "litmus", "e", map[string]any{}))
	tests := []struct {
		name      string
		err       error
		retryable bool
		msg       string
	}{
		{"forbidden", apiStatusError(http.StatusForbidden), false, "abort-rbac.yaml"},
		{"throttled", apiStatusError(http.StatusTooManyRequests), true, ""},
		{"server error", apiStatusError(http.StatusInternalServerError), true, ""},
		{"network", errors.New("connection refused"), true, "connection refused"},
	}
	f := newAbort(t, func(c *AbortConfig) {
		l := config.NewDefaultLitmusTargetConfig()
		l.Namespace, l.Name = "litmus", "e"
		c.Target.Litmus = &l
	}, kube)
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			client.PrependReactor("patch", "chaosengines", func(k8stesting.Action) (bool, runtime.Object, error) {
				return true, nil, tt.err
			})
			err := f.h.Notify(context.Background(), guardNotification(guardAlert(guardRule, "", string(rune('a'+i)), t0)))
			require.Error(t, err)
			assert.Equal(t, tt.retryable, IsRetryable(err))
			assert.ErrorContains(t, err, tt.msg)
		})
	}
}
