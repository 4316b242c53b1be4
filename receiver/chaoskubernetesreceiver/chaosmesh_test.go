package chaoskubernetesreceiver

// Chaos Mesh through client-go's fake dynamic client (no API server here):
// objects created, updated and deleted while the receiver runs, and the
// exact records they give.

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/otelcol-chaos/otelcol-chaos/internal/chaosconv"
)

// rec is an expected record of a resource in namespace shop.
func rec(service string, t time.Time, severity, body string, attrs map[string]any) record {
	return record{
		Resource: map[string]any{chaosconv.AttrServiceName: service, chaosconv.AttrK8sNamespaceName: "shop"},
		Time:     t, Severity: severity, Body: body, Attrs: attrs,
	}
}

// phaseAttrs are the attributes of an experiment event.
func phaseAttrs(source, exp, phase string, meta map[string]any) map[string]any {
	return map[string]any{
		chaosconv.AttrEventKind: "experiment", chaosconv.AttrSource: source,
		chaosconv.AttrExperimentName: exp, chaosconv.AttrExperimentPhase: phase, chaosconv.AttrMetadata: meta,
	}
}

// merge returns a copy of base with more.
func merge(base map[string]any, more ...map[string]any) map[string]any {
	out := map[string]any{}
	for _, m := range append([]map[string]any{base}, more...) {
		for k, v := range m {
			out[k] = v
		}
	}
	return out
}

func cmBase(kind, name, action string) map[string]any {
	m := map[string]any{
		chaosconv.KubeMetaKind: kind, chaosconv.KubeMetaUID: "uid-" + name, chaosconv.ChaosMeshMetaMode: "one",
	}
	if action != "" {
		m[chaosconv.ChaosMeshMetaAction] = action
	}
	return m
}

func TestChaosMeshNetworkDelayLifecycle(t *testing.T) {
	h := startHarness(t, nil)
	base := merge(cmBase("NetworkChaos", "web-delay", "delay"), map[string]any{chaosconv.ChaosMeshMetaDuration: "30s"})

	// Created: the controller has not written a status yet. Skipped and
	// counted once, however many notifications come before it has one.
	h.create(chaosMeshObject("NetworkChaos", "web-delay", networkDelaySpec("10ms"), nil))
	h.update(chaosMeshObject("NetworkChaos", "web-delay", networkDelaySpec("10ms"), nil))
	require.Empty(t, h.fresh())
	require.EqualValues(t, 1, h.skipped("networkchaos", reasonNoStatus))

	// Selected, not yet injected: nothing.
	h.update(chaosMeshObject("NetworkChaos", "web-delay", networkDelaySpec("10ms"), selected.status()))
	require.Empty(t, h.fresh())

	// Injected: started and the delay, at the observation time (Chaos
	// Mesh's conditions carry no lastTransitionTime).
	t1 := t0.Add(time.Minute)
	h.clock.set(t1)
	h.update(chaosMeshObject("NetworkChaos", "web-delay", networkDelaySpec("10ms"), running.status()))
	require.Equal(t, []record{
		rec("web", t1, "INFO", "chaos: experiment started",
			phaseAttrs("chaos_mesh", "shop/web-delay", "started", base)),
		rec("web", t1, "WARN", "chaos: latency injected", map[string]any{
			chaosconv.AttrEventKind: "latency_injection", chaosconv.AttrSource: "chaos_mesh",
			chaosconv.AttrLatencyDelayMs: int64(10), chaosconv.AttrExperimentName: "shop/web-delay",
			chaosconv.AttrMetadata: merge(base, map[string]any{
				chaosconv.ChaosMeshMetaJitter: "0ms", chaosconv.ChaosMeshMetaCorrelation: "100",
				chaosconv.ChaosMeshMetaDirection: "to",
			}),
		}),
	}, h.fresh())

	// The same state again (a resync, a re-list after a watch restart):
	// nothing twice.
	h.clock.set(t1.Add(time.Second))
	h.update(chaosMeshObject("NetworkChaos", "web-delay", networkDelaySpec("10ms"), running.status()))
	require.Empty(t, h.fresh())

	// The duration ran out: recovered, desiredPhase Stop → completed.
	t2 := t0.Add(2 * time.Minute)
	h.clock.set(t2)
	h.update(chaosMeshObject("NetworkChaos", "web-delay", networkDelaySpec("10ms"), recovered.status()))
	require.Equal(t, []record{
		rec("web", t2, "INFO", "chaos: experiment completed",
			phaseAttrs("chaos_mesh", "shop/web-delay", "completed", base)),
	}, h.fresh())

	// Deleted after recovery: nothing more.
	h.delete(chaosMeshObject("NetworkChaos", "web-delay", networkDelaySpec("10ms"), recovered.status()))
	require.Empty(t, h.fresh())
	require.EqualValues(t, 1, h.skipped("networkchaos", reasonNoStatus))
}

// Pause and deletion before recovery abort the experiment; transition
// times are used when present and key the deduplication, so an older
// version of the object delivered again (a re-list) restarts nothing.
func TestChaosMeshAbortAndDedupe(t *testing.T) {
	h := startHarness(t, nil)
	httpSpec := func() map[string]any {
		return withSelector(map[string]any{
			"target": "Request", "port": int64(8080), "path": "/api/*", "method": "GET",
			"delay": "2s", "duration": "5m",
		})
	}
	base := merge(cmBase("HTTPChaos", "api-delay", ""), map[string]any{chaosconv.ChaosMeshMetaDuration: "5m"})
	httpMeta := map[string]any{
		chaosconv.ChaosMeshMetaHTTPTarget: "Request", chaosconv.ChaosMeshMetaHTTPMethod: "GET",
		chaosconv.ChaosMeshMetaPort: "8080",
	}
	injectedAt := "2026-11-30T09:00:00Z"
	tInjected := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	h.create(chaosMeshObject("HTTPChaos", "api-delay", httpSpec(), running.at2(injectedAt).status()))
	require.Equal(t, []record{
		rec("web", tInjected, "INFO", "chaos: experiment started",
			phaseAttrs("chaos_mesh", "shop/api-delay", "started", base)),
		rec("web", tInjected, "WARN", "chaos: latency injected", map[string]any{
			chaosconv.AttrEventKind: "latency_injection", chaosconv.AttrSource: "chaos_mesh",
			chaosconv.AttrLatencyDelayMs: int64(2000), chaosconv.AttrEndpoint: "/api/*",
			chaosconv.AttrExperimentName: "shop/api-delay", chaosconv.AttrMetadata: merge(base, httpMeta),
		}),
	}, h.fresh())

	// Paused (the pause annotation, by a user or our guardrail): aborted.
	pausedAt := "2026-11-30T09:01:30Z"
	h.update(chaosMeshObject("HTTPChaos", "api-delay", httpSpec(), paused.at2(pausedAt).status()))
	require.Equal(t, []record{
		rec("web", time.Date(2026, 11, 30, 9, 1, 30, 0, time.UTC), "WARN", "chaos: experiment aborted",
			phaseAttrs("chaos_mesh", "shop/api-delay", "aborted",
				merge(base, map[string]any{chaosconv.KubeMetaAbortReason: "paused"}))),
	}, h.fresh())

	// The injected version again (same transition time): not a new start.
	h.update(chaosMeshObject("HTTPChaos", "api-delay", httpSpec(), running.at2(injectedAt).status()))
	require.Empty(t, h.fresh())

	// Resumed: injected anew (a new transition time) → started again.
	resumedAt := "2026-11-30T09:03:00Z"
	h.update(chaosMeshObject("HTTPChaos", "api-delay", httpSpec(), running.at2(resumedAt).status()))
	got := h.fresh()
	require.Len(t, got, 2)
	require.Equal(t, "started", got[0].Attrs[chaosconv.AttrExperimentPhase])
	require.Equal(t, time.Date(2026, 11, 30, 9, 3, 0, 0, time.UTC), got[0].Time)

	// Deleted while injected: aborted, at the observation time.
	tDel := t0.Add(5 * time.Minute)
	h.clock.set(tDel)
	h.delete(chaosMeshObject("HTTPChaos", "api-delay", httpSpec(), running.at2(resumedAt).status()))
	require.Equal(t, []record{
		rec("web", tDel, "WARN", "chaos: experiment aborted",
			phaseAttrs("chaos_mesh", "shop/api-delay", "aborted",
				merge(base, map[string]any{chaosconv.KubeMetaAbortReason: "deleted"}))),
	}, h.fresh())
}

// Every kind's faults and their parameters.
func TestChaosMeshFaultMapping(t *testing.T) {
	type fault struct {
		kind     string
		value    any // delay_ms, fault type, or traffic action
		bytes    int64
		endpoint string
		meta     map[string]any // beyond the common keys
	}
	cases := []struct {
		name   string
		kind   string
		spec   map[string]any
		faults []fault
	}{
		{"pod-kill", "PodChaos", map[string]any{"action": "pod-kill", "gracePeriod": int64(0)},
			[]fault{{kind: "fault_injection", value: "pod_kill"}}},
		{"pod-failure", "PodChaos", map[string]any{"action": "pod-failure", "duration": "30s"},
			[]fault{{kind: "fault_injection", value: "pod_failure"}}},
		{"container-kill", "PodChaos", map[string]any{"action": "container-kill", "containerNames": []any{"nginx", "sidecar"}},
			[]fault{{kind: "fault_injection", value: "container_kill", meta: map[string]any{chaosconv.ChaosMeshMetaContainers: "nginx,sidecar"}}}},
		{"network-loss", "NetworkChaos", map[string]any{"action": "loss", "loss": map[string]any{"loss": "25", "correlation": "25"}},
			[]fault{{kind: "fault_injection", value: "packet_loss", meta: map[string]any{
				chaosconv.ChaosMeshMetaPercent: "25", chaosconv.ChaosMeshMetaCorrelation: "25"}}}},
		{"network-partition", "NetworkChaos", map[string]any{"action": "partition", "direction": "both",
			"target": map[string]any{"mode": "all", "selector": map[string]any{"labelSelectors": map[string]any{"app": "db"}}}},
			[]fault{{kind: "fault_injection", value: "network_partition", meta: map[string]any{chaosconv.ChaosMeshMetaDirection: "both"}}}},
		{"network-corrupt", "NetworkChaos", map[string]any{"action": "corrupt", "corrupt": map[string]any{"corrupt": "40", "correlation": "25"}},
			[]fault{{kind: "fault_injection", value: "packet_corrupt", meta: map[string]any{
				chaosconv.ChaosMeshMetaPercent: "40", chaosconv.ChaosMeshMetaCorrelation: "25"}}}},
		{"network-duplicate", "NetworkChaos", map[string]any{"action": "duplicate", "duplicate": map[string]any{"duplicate": "40", "correlation": "25"}},
			[]fault{{kind: "fault_injection", value: "packet_duplicate", meta: map[string]any{
				chaosconv.ChaosMeshMetaPercent: "40", chaosconv.ChaosMeshMetaCorrelation: "25"}}}},
		{"network-bandwidth", "NetworkChaos", map[string]any{"action": "bandwidth",
			"bandwidth": map[string]any{"rate": "1mbps", "limit": int64(20971520), "buffer": int64(10000)}},
			[]fault{{kind: "traffic_shaping", value: "bandwidth_limit", bytes: 20971520, meta: map[string]any{
				chaosconv.ChaosMeshMetaRate: "1mbps", chaosconv.ChaosMeshMetaBuffer: "10000"}}}},
		{"network-netem", "NetworkChaos", map[string]any{"action": "netem",
			"delay": map[string]any{"latency": "1.5s"}, "loss": map[string]any{"loss": "10"}},
			[]fault{{kind: "latency_injection", value: int64(1500)},
				{kind: "fault_injection", value: "packet_loss", meta: map[string]any{chaosconv.ChaosMeshMetaPercent: "10"}}}},
		{"stress", "StressChaos", map[string]any{"stressors": map[string]any{
			"cpu":    map[string]any{"workers": int64(2), "load": int64(80)},
			"memory": map[string]any{"workers": int64(1), "size": "256MB"}}},
			[]fault{{kind: "fault_injection", value: "cpu_stress", meta: map[string]any{
				chaosconv.ChaosMeshMetaWorkers: "2", chaosconv.ChaosMeshMetaLoad: "80"}},
				{kind: "fault_injection", value: "memory_stress", meta: map[string]any{
					chaosconv.ChaosMeshMetaWorkers: "1", chaosconv.ChaosMeshMetaSize: "256MB"}}}},
		{"io-latency", "IOChaos", map[string]any{"action": "latency", "volumePath": "/var/run/etcd", "path": "/var/run/etcd/**/*",
			"delay": "100ms", "percent": int64(50)},
			[]fault{{kind: "latency_injection", value: int64(100), meta: map[string]any{
				chaosconv.ChaosMeshMetaVolumePath: "/var/run/etcd", chaosconv.ChaosMeshMetaPath: "/var/run/etcd/**/*",
				chaosconv.ChaosMeshMetaPercent: "50"}}}},
		{"io-fault", "IOChaos", map[string]any{"action": "fault", "volumePath": "/data", "errno": int64(5),
			"methods": []any{"READ", "WRITE"}, "percent": int64(50)},
			[]fault{{kind: "fault_injection", value: "io_fault", meta: map[string]any{
				chaosconv.ChaosMeshMetaVolumePath: "/data", chaosconv.ChaosMeshMetaErrno: "5",
				chaosconv.ChaosMeshMetaMethods: "READ,WRITE", chaosconv.ChaosMeshMetaPercent: "50"}}}},
		{"http-abort", "HTTPChaos", map[string]any{"target": "Request", "port": int64(80), "path": "/checkout",
			"method": "POST", "abort": true},
			[]fault{{kind: "fault_injection", value: "http_abort", endpoint: "/checkout", meta: map[string]any{
				chaosconv.ChaosMeshMetaHTTPTarget: "Request", chaosconv.ChaosMeshMetaHTTPMethod: "POST",
				chaosconv.ChaosMeshMetaPort: "80"}}}},
		{"http-replace", "HTTPChaos", map[string]any{"target": "Response", "port": int64(80), "path": "/",
			"code": int64(200), "replace": map[string]any{"code": int64(503)}},
			[]fault{{kind: "fault_injection", value: "http_replace", endpoint: "/", meta: map[string]any{
				chaosconv.ChaosMeshMetaHTTPTarget: "Response", chaosconv.ChaosMeshMetaHTTPCode: "200",
				chaosconv.ChaosMeshMetaPort: "80"}}}},
		{"time", "TimeChaos", map[string]any{"timeOffset": "-10m100ns", "clockIds": []any{"CLOCK_REALTIME"}},
			[]fault{{kind: "fault_injection", value: "time_skew", meta: map[string]any{
				chaosconv.ChaosMeshMetaTimeOffset: "-10m100ns", chaosconv.ChaosMeshMetaClockIDs: "CLOCK_REALTIME"}}}},
		{"dns", "DNSChaos", map[string]any{"action": "random", "patterns": []any{"google.com", "chaos-mesh.*"}},
			[]fault{{kind: "fault_injection", value: "dns_random", meta: map[string]any{
				chaosconv.ChaosMeshMetaPatterns: "google.com,chaos-mesh.*"}}}},
	}
	h := startHarness(t, nil)
	at := time.Date(2026, 11, 30, 9, 30, 0, 0, time.UTC)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h.t = t
			spec := withSelector(tc.spec)
			h.create(chaosMeshObject(tc.kind, tc.name, spec, running.at2(at.Format(time.RFC3339)).status()))
			got := h.fresh()
			require.Len(t, got, 1+len(tc.faults))
			require.Equal(t, "started", got[0].Attrs[chaosconv.AttrExperimentPhase])
			base := cmBase(tc.kind, tc.name, strField(tc.spec, "action"))
			if d := strField(tc.spec, "duration"); d != "" {
				base[chaosconv.ChaosMeshMetaDuration] = d
			}
			for i, f := range tc.faults {
				attrs := map[string]any{
					chaosconv.AttrEventKind: f.kind, chaosconv.AttrSource: "chaos_mesh",
					chaosconv.AttrExperimentName: "shop/" + tc.name,
					chaosconv.AttrMetadata:       merge(base, f.meta),
				}
				switch f.kind {
				case "latency_injection":
					attrs[chaosconv.AttrLatencyDelayMs] = f.value
				case "fault_injection":
					attrs[chaosconv.AttrFaultType] = f.value
				case "traffic_shaping":
					attrs[chaosconv.AttrTrafficAction] = f.value
					attrs[chaosconv.AttrTrafficBytes] = f.bytes
				}
				if f.endpoint != "" {
					attrs[chaosconv.AttrEndpoint] = f.endpoint
				}
				require.Equal(t, attrs, got[1+i].Attrs, "fault %d", i)
				require.Equal(t, at, got[1+i].Time, "the AllInjected transition time")
				require.Equal(t, map[string]any{chaosconv.AttrServiceName: "web", chaosconv.AttrK8sNamespaceName: "shop"},
					got[1+i].Resource)
			}
		})
	}
}

// Bad input: what cannot be mapped is logged and counted; the experiment's
// phases, and every valid object, still come through.
func TestChaosMeshBadInput(t *testing.T) {
	h := startHarness(t, nil)
	// An unparseable latency: started, no fault.
	h.create(chaosMeshObject("IOChaos", "io-bad", withSelector(map[string]any{
		"action": "latency", "volumePath": "/data", "delay": "fast"}), running.status()))
	got := h.fresh()
	require.Len(t, got, 1)
	require.Equal(t, "started", got[0].Attrs[chaosconv.AttrExperimentPhase])
	require.EqualValues(t, 1, h.skipped("iochaos", reasonInvalidValue))
	warn := h.logs.FilterMessageSnippet("invalid fault parameter").All()
	require.Len(t, warn, 1)
	require.Equal(t, "spec.delay", warn[0].ContextMap()["field"])
	require.Contains(t, warn[0].ContextMap()["error"], `"fast"`)

	// A negative latency, and a bandwidth without limit: the same.
	h.create(chaosMeshObject("NetworkChaos", "net-negative", networkDelaySpec("-5ms"), running.status()))
	h.create(chaosMeshObject("NetworkChaos", "net-bw", withSelector(map[string]any{
		"action": "bandwidth", "bandwidth": map[string]any{"rate": "1mbps"}}), running.status()))
	require.Len(t, h.fresh(), 2)
	require.EqualValues(t, 2, h.skipped("networkchaos", reasonInvalidValue))

	// An action this receiver does not know (a newer Chaos Mesh): started,
	// a warning and a count.
	h.create(chaosMeshObject("DNSChaos", "dns-new", withSelector(map[string]any{"action": "delay-resolve"}), running.status()))
	got = h.fresh()
	require.Len(t, got, 1)
	require.Equal(t, "started", got[0].Attrs[chaosconv.AttrExperimentPhase])
	require.EqualValues(t, 1, h.skipped("dnschaos", reasonUnknownAction))
	unknown := h.logs.FilterMessageSnippet("unknown action").All()
	require.Len(t, unknown, 1)
	require.Equal(t, "delay-resolve", unknown[0].ContextMap()["action"])
	require.Equal(t, "shop/dns-new", unknown[0].ContextMap()["object"])

	// A status with an unparseable transition time: the observation time.
	h.create(chaosMeshObject("PodChaos", "pod-time", withSelector(map[string]any{"action": "pod-kill"}),
		running.at2("yesterday").status()))
	got = h.fresh()
	require.Len(t, got, 2)
	require.Equal(t, t0, got[0].Time)

	// Without status, logged at debug, counted once.
	h.create(chaosMeshObject("TimeChaos", "time-new", withSelector(map[string]any{"timeOffset": "1h"}), nil))
	require.Empty(t, h.fresh())
	require.EqualValues(t, 1, h.skipped("timechaos", reasonNoStatus))
	noStatus := h.logs.FilterMessageSnippet("no status").All()
	require.Len(t, noStatus, 1)
	require.Equal(t, "debug", noStatus[0].Level.String())

	// ...and emitted once it has one.
	h.update(chaosMeshObject("TimeChaos", "time-new", withSelector(map[string]any{"timeOffset": "1h"}), running.status()))
	require.Len(t, h.fresh(), 2)
	for _, e := range h.logs.All() {
		require.False(t, strings.Contains(e.Message, "invalid event"), "no mapping built an invalid event: %s", e.Message)
	}
}

// Objects that exist when the receiver starts come through the informer's
// initial list: a running experiment is started, a finished or paused one
// is history and gives nothing (and its deletion neither).
func TestChaosMeshInitialList(t *testing.T) {
	objs := toRuntime(
		chaosMeshObject("PodChaos", "old-done", withSelector(map[string]any{"action": "pod-kill"}), recovered.status()),
		chaosMeshObject("PodChaos", "old-paused", withSelector(map[string]any{"action": "pod-kill"}), paused.status()),
		chaosMeshObject("PodChaos", "live", withSelector(map[string]any{"action": "pod-failure"}), running.status()),
	)
	h := startHarness(t, nil, objs...)
	require.Eventually(t, func() bool { return h.seenCount("podchaos") == 3 }, 10*time.Second, 2*time.Millisecond)
	got := h.fresh()
	require.Equal(t, "shop/live", got[0].Attrs[chaosconv.AttrExperimentName])
	require.Equal(t, "started", got[0].Attrs[chaosconv.AttrExperimentPhase])
	require.Equal(t, "pod_failure", got[1].Attrs[chaosconv.AttrFaultType])
	h.delete(chaosMeshObject("PodChaos", "old-paused", nil, nil))
	h.delete(chaosMeshObject("PodChaos", "old-done", nil, nil))
	require.Empty(t, h.fresh())
}

// namespaces restricts the watch; service_label picks the selector label.
func TestChaosMeshNamespacesAndServiceLabel(t *testing.T) {
	h := startHarness(t, func(cfg *Config) {
		cfg.Namespaces = []string{"shop"}
		cfg.ServiceLabel = "tier"
		cfg.Litmus.Enabled = false
		cfg.ChaosMesh.Kinds = []string{"PodChaos"}
	})
	other := chaosMeshObject("PodChaos", "elsewhere", withSelector(map[string]any{"action": "pod-kill"}), running.status())
	other["metadata"].(map[string]any)["namespace"] = "other"
	_, err := h.client.Resource(gvrOf("PodChaos")).Namespace("other").Create(t.Context(), toUnstructured(other), createOpts)
	require.NoError(t, err)
	h.create(chaosMeshObject("PodChaos", "here", withSelector(map[string]any{"action": "pod-kill"}), running.status()))
	got := h.fresh()
	require.Len(t, got, 2, "only the object of shop")
	require.Equal(t, "frontend", got[0].Resource[chaosconv.AttrServiceName], "the tier label")

	// A selector without the label: the namespace names the service.
	spec := map[string]any{"action": "pod-kill", "mode": "all", "selector": map[string]any{"namespaces": []any{"shop"}}}
	h.create(chaosMeshObject("PodChaos", "no-label", spec, running.status()))
	got = h.fresh()
	require.Equal(t, "shop", got[0].Resource[chaosconv.AttrServiceName])
}

// Informer resyncs deliver every object again, unchanged: nothing is
// emitted twice. (The wait is on the resync count, not on time; client-go
// resyncs at most once a second.)
func TestResyncEmitsNothingTwice(t *testing.T) {
	h := startHarness(t, func(cfg *Config) {
		cfg.ResyncPeriod = time.Second
		cfg.Litmus.Enabled = false
		cfg.ChaosMesh.Kinds = []string{"NetworkChaos"}
	})
	// A resync can be the notification create and update wait for: wait
	// for the records instead.
	h.create(chaosMeshObject("NetworkChaos", "web-delay", networkDelaySpec("10ms"), running.status()))
	require.Eventually(t, func() bool { return len(h.all()) == 2 }, 10*time.Second, 5*time.Millisecond)
	require.Len(t, h.fresh(), 2)
	before := h.seenCount("networkchaos")
	require.Eventually(t, func() bool { return h.seenCount("networkchaos") >= before+1 }, 10*time.Second,
		5*time.Millisecond, "a resync")
	require.Empty(t, h.fresh())
	h.update(chaosMeshObject("NetworkChaos", "web-delay", networkDelaySpec("10ms"), recovered.status()))
	require.Eventually(t, func() bool { return len(h.all()) == 3 }, 10*time.Second, 5*time.Millisecond)
	got := h.fresh()
	require.Len(t, got, 1)
	require.Equal(t, "completed", got[0].Attrs[chaosconv.AttrExperimentPhase])
}
