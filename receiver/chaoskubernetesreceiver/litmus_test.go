package chaoskubernetesreceiver

// LitmusChaos through client-go's fake dynamic client (no API server here):
// a ChaosEngine and its ChaosResult as the chaos-operator and the runner
// write them, step by step, and the exact records they give.

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/otelcol-chaos/otelcol-chaos/internal/chaosconv"
)

func engineBase(name, experiment, state, status string) map[string]any {
	m := map[string]any{
		chaosconv.KubeMetaKind: "ChaosEngine", chaosconv.KubeMetaUID: "uid-" + name,
		chaosconv.LitmusMetaEngine: name, chaosconv.LitmusMetaExperiment: experiment,
		chaosconv.LitmusMetaEngineState: state,
	}
	if status != "" {
		m[chaosconv.LitmusMetaEngineStatus] = status
	}
	return m
}

func resultBase(engine, experiment string) map[string]any {
	return map[string]any{
		chaosconv.KubeMetaKind: "ChaosResult", chaosconv.KubeMetaUID: "uid-" + engine + "-" + experiment,
		chaosconv.LitmusMetaEngine: engine, chaosconv.LitmusMetaExperiment: experiment,
	}
}

func TestLitmusPodDelete(t *testing.T) {
	h := startHarness(t, nil)
	probes := []any{httpProbeDef, cmdProbeDef}
	engine := func(state string, status map[string]any) map[string]any {
		return litmusEngineObject("nginx-chaos", "pod-delete",
			[]any{map[string]any{"name": "TOTAL_CHAOS_DURATION", "value": "30"}}, probes, state, status)
	}

	// Applied: no status until the operator initializes it.
	h.create(engine("active", nil))
	require.Empty(t, h.fresh())
	require.EqualValues(t, 1, h.skipped("chaosengines", reasonNoStatus))

	// Initialized: started; the service from spec.appinfo.applabel.
	t1 := t0.Add(time.Second)
	h.clock.set(t1)
	h.update(engine("active", engineStatus("initialized", "pod-delete", "Waiting for Job Creation")))
	require.Equal(t, []record{
		rec("nginx", t1, "INFO", "chaos: experiment started", phaseAttrs("litmus", "shop/nginx-chaos", "started",
			engineBase("nginx-chaos", "pod-delete", "active", "initialized"))),
	}, h.fresh())
	h.update(engine("active", engineStatus("initialized", "pod-delete", "Running")))
	require.Empty(t, h.fresh(), "the experiment's own progress is not a new phase")

	// The runner creates the ChaosResult, then marks it Running: the fault.
	h.create(litmusResultObject("nginx-chaos", "pod-delete", "", "", nil))
	require.EqualValues(t, 1, h.skipped("chaosresults", reasonNoStatus))
	t2 := t0.Add(5 * time.Second)
	h.clock.set(t2)
	awaited := []any{
		probeStatus("check-frontend", "httpProbe", "Continuous", "Awaited", "Probe is Awaited"),
		probeStatus("check-db", "cmdProbe", "EOT", "Awaited", "Probe is Awaited"),
	}
	h.update(litmusResultObject("nginx-chaos", "pod-delete", "Running", "Awaited", awaited))
	require.Equal(t, []record{
		rec("nginx", t2, "ERROR", "chaos: fault injected", map[string]any{
			chaosconv.AttrEventKind: "fault_injection", chaosconv.AttrSource: "litmus",
			chaosconv.AttrFaultType: "pod-delete", chaosconv.AttrExperimentName: "shop/nginx-chaos",
			chaosconv.AttrMetadata: merge(resultBase("nginx-chaos", "pod-delete"),
				map[string]any{chaosconv.LitmusMetaPhase: "Running"}),
		}),
	}, h.fresh())

	// The continuous probe passes: one probe event, its target from the
	// engine's probe definition.
	t3 := t0.Add(10 * time.Second)
	h.clock.set(t3)
	passed := []any{
		probeStatus("check-frontend", "httpProbe", "Continuous", "Passed", "Probe passed"),
		probeStatus("check-db", "cmdProbe", "EOT", "Awaited", "Probe is Awaited"),
	}
	h.update(litmusResultObject("nginx-chaos", "pod-delete", "Running", "Awaited", passed))
	probeMeta := func(typ, mode, verdict, description string) map[string]any {
		return merge(resultBase("nginx-chaos", "pod-delete"), map[string]any{
			chaosconv.LitmusMetaProbeType: typ, chaosconv.LitmusMetaProbeMode: mode,
			chaosconv.LitmusMetaProbeVerdict: verdict, chaosconv.LitmusMetaProbeDescription: description,
		})
	}
	require.Equal(t, []record{
		rec("nginx", t3, "INFO", "chaos: probe succeeded", map[string]any{
			chaosconv.AttrEventKind: "probe", chaosconv.AttrSource: "litmus",
			chaosconv.AttrProbeName: "check-frontend", chaosconv.AttrProbeTarget: "http://frontend.shop.svc:80/healthz",
			chaosconv.AttrProbeSuccess: true, chaosconv.AttrExperimentName: "shop/nginx-chaos",
			chaosconv.AttrMetadata: probeMeta("httpProbe", "Continuous", "Passed", "Probe passed"),
		}),
	}, h.fresh())
	h.update(litmusResultObject("nginx-chaos", "pod-delete", "Running", "Awaited", passed))
	require.Empty(t, h.fresh(), "once per change")

	// Completed, verdict Fail: the end-of-test probe failed.
	t4 := t0.Add(40 * time.Second)
	h.clock.set(t4)
	final := []any{
		probeStatus("check-frontend", "httpProbe", "Continuous", "Passed", "Probe passed"),
		probeStatus("check-db", "cmdProbe", "EOT", "Failed", "actual value: 'no response' doesn't contains expected value: 'accepting'"),
	}
	h.update(litmusResultObject("nginx-chaos", "pod-delete", "Completed", "Fail", final))
	require.Equal(t, []record{
		rec("nginx", t4, "ERROR", "chaos: probe failed", map[string]any{
			chaosconv.AttrEventKind: "probe", chaosconv.AttrSource: "litmus",
			chaosconv.AttrProbeName: "check-db", chaosconv.AttrProbeTarget: "pg_isready -h db",
			chaosconv.AttrProbeSuccess: false, chaosconv.AttrExperimentName: "shop/nginx-chaos",
			chaosconv.AttrMetadata: probeMeta("cmdProbe", "EOT", "Failed",
				"actual value: 'no response' doesn't contains expected value: 'accepting'"),
		}),
	}, h.fresh())
	h.update(litmusResultObject("nginx-chaos", "pod-delete", "Completed", "Fail", final))
	require.Empty(t, h.fresh())

	// The operator completes the engine (engineState stop with status
	// completed, in one update): completed.
	t5 := t0.Add(45 * time.Second)
	h.clock.set(t5)
	h.update(engine("stop", engineStatus("completed", "pod-delete", "Completed")))
	require.Equal(t, []record{
		rec("nginx", t5, "INFO", "chaos: experiment completed", phaseAttrs("litmus", "shop/nginx-chaos", "completed",
			engineBase("nginx-chaos", "pod-delete", "stop", "completed"))),
	}, h.fresh())

	// A re-run: engineState active again, initialized, the result Running
	// again: a new start, a new fault, probes anew.
	t6 := t0.Add(time.Hour)
	h.clock.set(t6)
	h.update(engine("active", engineStatus("initialized", "pod-delete", "Running")))
	h.update(litmusResultObject("nginx-chaos", "pod-delete", "Running", "Awaited", awaited))
	h.update(litmusResultObject("nginx-chaos", "pod-delete", "Running", "Awaited", passed))
	got := h.fresh()
	require.Len(t, got, 3)
	require.Equal(t, "started", got[0].Attrs[chaosconv.AttrExperimentPhase])
	require.Equal(t, "pod-delete", got[1].Attrs[chaosconv.AttrFaultType])
	require.Equal(t, true, got[2].Attrs[chaosconv.AttrProbeSuccess])

	// Deleted mid-run: aborted.
	h.delete(engine("active", engineStatus("initialized", "pod-delete", "Running")))
	require.Equal(t, []record{
		rec("nginx", t6, "WARN", "chaos: experiment aborted", phaseAttrs("litmus", "shop/nginx-chaos", "aborted",
			merge(engineBase("nginx-chaos", "pod-delete", "active", "initialized"),
				map[string]any{chaosconv.KubeMetaAbortReason: "deleted"}))),
	}, h.fresh())
}

// A latency experiment is latency_injection with the engine's
// NETWORK_LATENCY; stopping the engine (engineState stop) aborts it.
func TestLitmusNetworkLatencyStopped(t *testing.T) {
	h := startHarness(t, nil)
	env := []any{
		map[string]any{"name": "NETWORK_LATENCY", "value": "2000"},
		map[string]any{"name": "TOTAL_CHAOS_DURATION", "value": "60"},
	}
	engine := func(state string, status map[string]any) map[string]any {
		return litmusEngineObject("net-chaos", "pod-network-latency", env, nil, state, status)
	}
	h.create(engine("active", engineStatus("initialized", "pod-network-latency", "Running")))
	h.create(litmusResultObject("net-chaos", "pod-network-latency", "Running", "Awaited", nil))
	got := h.fresh()
	require.Len(t, got, 2)
	require.Equal(t, map[string]any{
		chaosconv.AttrEventKind: "latency_injection", chaosconv.AttrSource: "litmus",
		chaosconv.AttrLatencyDelayMs: int64(2000), chaosconv.AttrExperimentName: "shop/net-chaos",
		chaosconv.AttrMetadata: merge(resultBase("net-chaos", "pod-network-latency"), map[string]any{
			chaosconv.LitmusMetaPhase: "Running", chaosconv.LitmusMetaNetworkLatency: "2000"}),
	}, got[1].Attrs)

	// Stopped by a user (or our guardrail): aborted at once; the
	// operator's stopped status after it adds nothing.
	h.update(engine("stop", engineStatus("initialized", "pod-network-latency", "Running")))
	require.Equal(t, []record{
		rec("nginx", t0, "WARN", "chaos: experiment aborted", phaseAttrs("litmus", "shop/net-chaos", "aborted",
			merge(engineBase("net-chaos", "pod-network-latency", "stop", "initialized"),
				map[string]any{chaosconv.KubeMetaAbortReason: "stopped"}))),
	}, h.fresh())
	h.update(engine("stop", engineStatus("stopped", "pod-network-latency", "Forcefully Aborted")))
	h.update(litmusResultObject("net-chaos", "pod-network-latency", "Stopped", "Stopped", nil))
	require.Empty(t, h.fresh())
}

// Bad input and history: an unparseable latency falls back to a fault
// (counted); a probe without a name is counted; results and engines over
// before the receiver started give nothing.
func TestLitmusBadInputAndHistory(t *testing.T) {
	h := startHarness(t, nil,
		toRuntime(
			litmusEngineObject("old", "pod-delete", nil, nil, "stop", engineStatus("completed", "pod-delete", "Completed")),
			litmusResultObject("old", "pod-delete", "Completed", "Pass",
				[]any{probeStatus("p", "httpProbe", "SOT", "Passed", "ok")}),
		)...)
	require.Eventually(t, func() bool {
		return h.seenCount("chaosengines") == 1 && h.seenCount("chaosresults") == 1
	}, 10*time.Second, 2*time.Millisecond)
	require.Empty(t, h.fresh(), "history")

	env := []any{map[string]any{"name": "NETWORK_LATENCY", "value": "2s"}}
	h.create(litmusEngineObject("bad", "pod-network-latency", env, nil, "active",
		engineStatus("initialized", "pod-network-latency", "Running")))
	h.create(litmusResultObject("bad", "pod-network-latency", "Running", "Awaited",
		[]any{probeStatus("", "httpProbe", "SOT", "Passed", "ok"), probeStatus("named", "k8sProbe", "Edge", "N/A", "")}))
	got := h.fresh()
	require.Len(t, got, 2)
	require.Equal(t, "fault_injection", got[1].Attrs[chaosconv.AttrEventKind])
	require.Equal(t, "pod-network-latency", got[1].Attrs[chaosconv.AttrFaultType])
	require.EqualValues(t, 1, h.skipped("chaosresults", reasonInvalidValue))
	require.EqualValues(t, 1, h.skipped("chaosresults", reasonMalformed))
}
