package chaoskubernetesreceiver // import "github.com/otelcol-chaos/otelcol-chaos/receiver/chaoskubernetesreceiver"

import (
	"fmt"
	"strings"

	"go.uber.org/zap"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/otelcol-chaos/otelcol-chaos/internal/chaosconv"
)

// LitmusChaos vocabulary (chaos-operator api/litmuschaos/v1alpha1).
const (
	engineStateStop       = "stop"
	engineInitialized     = "initialized"
	engineCompleted       = "completed"
	engineStopped         = "stopped"
	resultRunning         = "Running"
	probeVerdictPassed    = "Passed"
	probeVerdictFailed    = "Failed"
	envNetworkLatency     = "NETWORK_LATENCY" // pod-network-latency & co., in ms
	envHTTPLatency        = "LATENCY"         // pod-http-latency, in ms
	latencyExperimentPart = "latency"
)

// litmusEngine derives the experiment phases of a ChaosEngine:
//
//   - started: status.engineStatus initialized while spec.engineState is not stop;
//   - completed: after started, engineStatus completed;
//   - aborted: after started, engineStatus stopped or engineState stop
//     (k8s.abort_reason stopped), or the engine was deleted (deleted).
//
// An engine first seen completed or stopped is history and gives nothing.
// A re-run (engineState back to active, engineStatus initialized) starts
// again. ChaosEngine has no condition times: the event time is the
// observation time.
func (r *chaosKubernetesReceiver) litmusEngine(u *unstructured.Unstructured, deleted bool) batch {
	ns, name, uid := u.GetNamespace(), u.GetName(), u.GetUID()
	exp := ns + "/" + name
	b := batch{resource: litmusEngines, namespace: ns, service: r.engineService(u.Object, ns)}
	state := strField(u.Object, "spec", "engineState")
	status := strField(u.Object, "status", "engineStatus")
	var base metaList
	base.add(chaosconv.KubeMetaKind, "ChaosEngine")
	base.add(chaosconv.KubeMetaUID, string(uid))
	base.add(chaosconv.LitmusMetaEngine, name)
	base.add(chaosconv.LitmusMetaExperiment, engineExperiments(u.Object))
	base.add(chaosconv.LitmusMetaEngineState, state)
	base.add(chaosconv.LitmusMetaEngineStatus, status)
	now := r.now().UnixNano()

	if deleted {
		st := r.states[uid]
		delete(r.states, uid)
		if st != nil && st.phase == chaosconv.PhaseStarted {
			meta := base.with(metaList{{Key: chaosconv.KubeMetaAbortReason, Value: abortDeleted}})
			b.events = append(b.events, experimentEvent(chaosconv.SourceLitmus, exp, chaosconv.PhaseAborted, now, meta))
		}
		return b
	}
	st, fresh := r.state(uid)
	if status == "" {
		if !st.noStatus {
			st.noStatus = true
			r.skip(litmusEngines, reasonNoStatus, "no status.engineStatus yet; skipped until the operator writes it",
				zap.String("object", exp))
		}
		return b
	}
	terminal := status == engineCompleted || status == engineStopped || state == engineStateStop
	switch {
	case st.phase != chaosconv.PhaseStarted && status == engineInitialized && state != engineStateStop:
		if !st.once(fmt.Sprintf("%s#%d", engineInitialized, st.cycle)) {
			return b
		}
		st.phase = chaosconv.PhaseStarted
		b.events = append(b.events, experimentEvent(chaosconv.SourceLitmus, exp, chaosconv.PhaseStarted, now, base.with(nil)))
	case st.phase == chaosconv.PhaseStarted && status == engineCompleted:
		st.phase = chaosconv.PhaseCompleted
		st.cycle++
		b.events = append(b.events, experimentEvent(chaosconv.SourceLitmus, exp, chaosconv.PhaseCompleted, now, base.with(nil)))
	case st.phase == chaosconv.PhaseStarted && terminal:
		st.phase = chaosconv.PhaseAborted
		st.cycle++
		meta := base.with(metaList{{Key: chaosconv.KubeMetaAbortReason, Value: abortStopped}})
		b.events = append(b.events, experimentEvent(chaosconv.SourceLitmus, exp, chaosconv.PhaseAborted, now, meta))
	case fresh && terminal:
		st.phase = chaosconv.PhaseCompleted // history: over before we looked
	}
	return b
}

// litmusResult derives, from a ChaosResult, the experiment's fault (when
// its phase turns Running) and one probe event per probe whose verdict
// turns Passed or Failed during that run. A result first seen in another
// phase than Running is history and gives nothing.
func (r *chaosKubernetesReceiver) litmusResult(u *unstructured.Unstructured, deleted bool) batch {
	ns, name, uid := u.GetNamespace(), u.GetName(), u.GetUID()
	engineName := strField(u.Object, "spec", "engine")
	experiment := strField(u.Object, "spec", "experiment")
	engine := r.lookupEngine(ns, engineName)
	exp := ns + "/" + engineName
	if engineName == "" {
		exp = ns + "/" + name
	}
	b := batch{resource: litmusResults, namespace: ns, service: ns}
	if engine != nil {
		b.service = r.engineService(engine, ns)
	}
	if deleted {
		delete(r.states, uid)
		return b
	}
	st, fresh := r.state(uid)
	phase := strField(u.Object, "status", "experimentStatus", "phase")
	if phase == "" {
		if !st.noStatus {
			st.noStatus = true
			r.skip(litmusResults, reasonNoStatus, "no status.experimentStatus.phase yet; skipped until the runner writes it",
				zap.String("object", ns+"/"+name))
		}
		return b
	}
	var base metaList
	base.add(chaosconv.KubeMetaKind, "ChaosResult")
	base.add(chaosconv.KubeMetaUID, string(uid))
	base.add(chaosconv.LitmusMetaEngine, engineName)
	base.add(chaosconv.LitmusMetaExperiment, experiment)
	now := r.now().UnixNano()

	switch {
	case phase == resultRunning && !st.active:
		st.active = true
		st.probes = map[string]string{}
		st.cycle++
		var meta metaList
		meta.add(chaosconv.LitmusMetaPhase, phase)
		f := r.litmusFault(experiment, engine, exp, meta)
		b.events = append(b.events, f.event(chaosconv.SourceLitmus, exp, now, base))
	case fresh && phase != resultRunning:
		return b // history
	}
	if !st.active {
		return b
	}
	v, _ := field(u.Object, "status", "probeStatuses")
	probes, _ := v.([]any)
	for _, p := range probes {
		pm, ok := p.(map[string]any)
		if !ok {
			continue
		}
		pname := strField(pm, "name")
		verdict := strField(pm, "status", "verdict")
		if verdict != probeVerdictPassed && verdict != probeVerdictFailed {
			continue // Awaited, N/A: not a result yet
		}
		if pname == "" {
			r.skip(litmusResults, reasonMalformed, "a probe status without a name", zap.String("object", ns+"/"+name))
			continue
		}
		if st.probes[pname] == verdict {
			continue
		}
		st.probes[pname] = verdict
		var meta metaList
		meta.add(chaosconv.LitmusMetaProbeType, strField(pm, "type"))
		meta.add(chaosconv.LitmusMetaProbeMode, strField(pm, "mode"))
		meta.add(chaosconv.LitmusMetaProbeVerdict, verdict)
		meta.add(chaosconv.LitmusMetaProbeDescription, strField(pm, "status", "description"))
		b.events = append(b.events, chaosconv.Event{
			TimeUnixNano: now, Kind: chaosconv.KindProbe, Source: chaosconv.SourceLitmus,
			ProbeName: pname, ProbeTarget: probeTarget(engine, experiment, pname), ProbeSuccess: verdict == probeVerdictPassed,
			Experiment: exp, Metadata: base.with(meta),
			Fields: chaosconv.FieldProbeTarget | chaosconv.FieldProbeSuccess | chaosconv.FieldExperimentName,
		})
	}
	if phase != resultRunning {
		st.active = false // the run is over: Completed, Stopped…
	}
	return b
}

// litmusFault is the fault of a Litmus experiment: latency_injection for a
// *-latency experiment whose ChaosEngine sets NETWORK_LATENCY or LATENCY
// (milliseconds), else fault_injection with the experiment's name as type.
func (r *chaosKubernetesReceiver) litmusFault(experiment string, engine map[string]any, exp string, meta metaList) fault {
	if strings.Contains(experiment, latencyExperimentPart) && engine != nil {
		for _, key := range []string{envNetworkLatency, envHTTPLatency} {
			v := experimentEnv(engine, experiment, key)
			if v == "" {
				continue
			}
			ms, _, err := intField(map[string]any{"v": v}, "v")
			if err != nil {
				r.skip(litmusResults, reasonInvalidValue, "unparseable latency in the ChaosEngine; emitted as a fault",
					zap.String("object", exp), zap.String("env", key), zap.Error(err))
				break
			}
			meta.add(chaosconv.LitmusMetaNetworkLatency, v)
			return fault{kind: chaosconv.KindLatencyInjection, delayMs: ms, meta: meta}
		}
	}
	ft := experiment
	if ft == "" {
		ft = "litmus_experiment"
	}
	return fault{kind: chaosconv.KindFaultInjection, faultType: ft, meta: meta}
}

// lookupEngine finds a ChaosEngine in the informers' caches.
func (r *chaosKubernetesReceiver) lookupEngine(ns, name string) map[string]any {
	if name == "" {
		return nil
	}
	for _, s := range r.engineStores {
		if obj, ok, _ := s.GetByKey(ns + "/" + name); ok {
			if u, ok := obj.(*unstructured.Unstructured); ok {
				return u.Object
			}
		}
	}
	return nil
}

// engineService is the value of service_label in the engine's
// spec.appinfo.applabel ("app=nginx,tier=web"), else ns.
func (r *chaosKubernetesReceiver) engineService(engine map[string]any, ns string) string {
	for _, part := range strings.Split(strField(engine, "spec", "appinfo", "applabel"), ",") {
		k, v, ok := strings.Cut(part, "=")
		if ok && strings.TrimSpace(k) == r.cfg.ServiceLabel && strings.TrimSpace(v) != "" {
			return strings.TrimSpace(v)
		}
	}
	return ns
}

// engineExperiments joins the names of spec.experiments.
func engineExperiments(engine map[string]any) string {
	v, _ := field(engine, "spec", "experiments")
	list, _ := v.([]any)
	names := make([]string, 0, len(list))
	for _, e := range list {
		if m, ok := e.(map[string]any); ok && strField(m, "name") != "" {
			names = append(names, strField(m, "name"))
		}
	}
	return strings.Join(names, ",")
}

// engineExperiment returns the spec.experiments entry named experiment.
func engineExperiment(engine map[string]any, experiment string) map[string]any {
	v, _ := field(engine, "spec", "experiments")
	list, _ := v.([]any)
	for _, e := range list {
		if m, ok := e.(map[string]any); ok && strField(m, "name") == experiment {
			return m
		}
	}
	return nil
}

// experimentEnv is the value of env var key in the engine's components
// for experiment.
func experimentEnv(engine map[string]any, experiment, key string) string {
	v, _ := field(engineExperiment(engine, experiment), "spec", "components", "env")
	list, _ := v.([]any)
	for _, e := range list {
		if m, ok := e.(map[string]any); ok && strField(m, "name") == key {
			return scalarText(m, "value")
		}
	}
	return ""
}

// probeTarget is what the probe checks, from its definition in the
// ChaosEngine (httpProbe/inputs.url, promProbe/inputs.endpoint,
// cmdProbe/inputs.command, k8sProbe/inputs resource), else its name: the
// ChaosResult's probe status does not say.
func probeTarget(engine map[string]any, experiment, probe string) string {
	v, _ := field(engineExperiment(engine, experiment), "spec", "probe")
	list, _ := v.([]any)
	for _, e := range list {
		m, ok := e.(map[string]any)
		if !ok || strField(m, "name") != probe {
			continue
		}
		for _, path := range [][]string{
			{"httpProbe/inputs", "url"}, {"promProbe/inputs", "endpoint"}, {"cmdProbe/inputs", "command"},
			{"k8sProbe/inputs", "resource"},
		} {
			if s := strField(m, path...); s != "" {
				return s
			}
		}
	}
	return probe
}
