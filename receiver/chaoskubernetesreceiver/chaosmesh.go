package chaoskubernetesreceiver // import "github.com/otelcol-chaos/otelcol-chaos/receiver/chaoskubernetesreceiver"

import (
	"fmt"
	"time"

	"go.uber.org/zap"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/otelcol-chaos/otelcol-chaos/internal/chaosconv"
)

// Chaos Mesh status vocabulary (api/v1alpha1: ChaosConditionType,
// DesiredPhase).
const (
	condSelected     = "Selected"
	condAllInjected  = "AllInjected"
	condAllRecovered = "AllRecovered"
	condPaused       = "Paused"
	desiredStop      = "Stop"
	condTrue         = "True"
)

// condition is one entry of status.conditions.
type condition struct {
	status string
	// at is lastTransitionTime verbatim ("" when the controller wrote none:
	// Chaos Mesh's ChaosCondition has type, status and reason only).
	at string
}

// abort reasons (chaosconv.KubeMetaAbortReason).
const (
	abortPaused  = "paused"
	abortStopped = "stopped"
	abortDeleted = "deleted"
)

// chaosMesh derives the events of a Chaos Mesh experiment's new state.
//
//   - started: AllInjected is True, Paused is not, desiredPhase is not Stop;
//     with it, one event per injected fault (its parameters from the spec).
//   - completed: after started, AllRecovered is True and desiredPhase Stop
//     (the duration ran out, or the experiment was stopped), not paused.
//   - aborted: after started, Paused turned True (k8s.abort_reason paused),
//     or the object was deleted (deleted).
//
// An object first seen already recovered or paused is history and gives
// nothing; one first seen injected gives started.
func (r *chaosKubernetesReceiver) chaosMesh(kind, resource string, u *unstructured.Unstructured, deleted bool) batch {
	ns, name, uid := u.GetNamespace(), u.GetName(), u.GetUID()
	exp := ns + "/" + name
	spec := mapField(u.Object, "spec")
	b := batch{resource: resource, namespace: ns, service: r.selectorService(spec, ns)}
	var base metaList
	base.add(chaosconv.KubeMetaKind, kind)
	base.add(chaosconv.KubeMetaUID, string(uid))
	base.add(chaosconv.ChaosMeshMetaAction, strField(spec, "action"))
	base.add(chaosconv.ChaosMeshMetaMode, strField(spec, "mode"))
	base.add(chaosconv.ChaosMeshMetaValue, scalarText(spec, "value"))
	base.add(chaosconv.ChaosMeshMetaDuration, strField(spec, "duration"))

	if deleted {
		st := r.states[uid]
		delete(r.states, uid)
		if st != nil && st.phase == chaosconv.PhaseStarted {
			meta := base.with(metaList{{Key: chaosconv.KubeMetaAbortReason, Value: abortDeleted}})
			b.events = append(b.events, experimentEvent(chaosconv.SourceChaosMesh, exp, chaosconv.PhaseAborted,
				r.now().UnixNano(), meta))
		}
		return b
	}

	conds := r.conditions(resource, u)
	st, fresh := r.state(uid)
	if len(conds) == 0 {
		if !st.noStatus {
			st.noStatus = true
			r.skip(resource, reasonNoStatus, "no status conditions yet; skipped until the controller writes them",
				zap.String("kind", kind), zap.String("object", exp))
		}
		return b
	}
	desired := strField(u.Object, "status", "experiment", "desiredPhase")
	injected := conds[condAllInjected].status == condTrue
	recovered := conds[condAllRecovered].status == condTrue
	paused := conds[condPaused].status == condTrue

	switch {
	case st.phase != chaosconv.PhaseStarted && injected && !paused && desired != desiredStop:
		c := conds[condAllInjected]
		if !st.once(r.transitionKey(condAllInjected, c, st)) {
			return b
		}
		st.phase = chaosconv.PhaseStarted
		t := r.conditionTime(resource, exp, c)
		b.events = append(b.events, experimentEvent(chaosconv.SourceChaosMesh, exp, chaosconv.PhaseStarted, t, base.with(nil)))
		for _, f := range r.chaosMeshFaults(kind, resource, exp, spec) {
			b.events = append(b.events, f.event(chaosconv.SourceChaosMesh, exp, t, base))
		}
	case st.phase == chaosconv.PhaseStarted && paused:
		c := conds[condPaused]
		if !st.once(r.transitionKey(condPaused, c, st)) {
			return b
		}
		st.phase = chaosconv.PhaseAborted
		st.cycle++
		meta := base.with(metaList{{Key: chaosconv.KubeMetaAbortReason, Value: abortPaused}})
		b.events = append(b.events, experimentEvent(chaosconv.SourceChaosMesh, exp, chaosconv.PhaseAborted,
			r.conditionTime(resource, exp, c), meta))
	case st.phase == chaosconv.PhaseStarted && recovered && desired == desiredStop:
		c := conds[condAllRecovered]
		if !st.once(r.transitionKey(condAllRecovered, c, st)) {
			return b
		}
		st.phase = chaosconv.PhaseCompleted
		st.cycle++
		b.events = append(b.events, experimentEvent(chaosconv.SourceChaosMesh, exp, chaosconv.PhaseCompleted,
			r.conditionTime(resource, exp, c), base.with(nil)))
	case fresh && paused:
		st.phase = chaosconv.PhaseAborted // history: paused before we looked
	case fresh && recovered && desired == desiredStop:
		st.phase = chaosconv.PhaseCompleted // history: finished before we looked
	}
	return b
}

// transitionKey identifies a transition: the condition and its
// lastTransitionTime, or, when the controller wrote none, the run it ends
// or starts.
func (r *chaosKubernetesReceiver) transitionKey(cond string, c condition, st *objState) string {
	if c.at != "" {
		return cond + "@" + c.at
	}
	return fmt.Sprintf("%s#%d", cond, st.cycle)
}

// conditions reads status.conditions by type.
func (r *chaosKubernetesReceiver) conditions(resource string, u *unstructured.Unstructured) map[string]condition {
	v, _ := field(u.Object, "status", "conditions")
	list, _ := v.([]any)
	out := make(map[string]condition, len(list))
	for _, e := range list {
		m, ok := e.(map[string]any)
		if !ok {
			continue
		}
		t := strField(m, "type")
		if t == "" {
			continue
		}
		out[t] = condition{status: strField(m, "status"), at: strField(m, "lastTransitionTime")}
	}
	return out
}

// conditionTime is the condition's lastTransitionTime, else now.
func (r *chaosKubernetesReceiver) conditionTime(resource, exp string, c condition) int64 {
	if c.at != "" {
		t, err := time.Parse(time.RFC3339, c.at)
		if err == nil {
			return t.UnixNano()
		}
		r.skip(resource, reasonInvalidValue, "unparseable lastTransitionTime; using the observation time",
			zap.String("object", exp), zap.String("value", c.at))
	}
	return r.now().UnixNano()
}

// selectorService is spec.selector.labelSelectors[service_label], else ns.
func (r *chaosKubernetesReceiver) selectorService(spec map[string]any, ns string) string {
	if s := strField(spec, "selector", "labelSelectors", r.cfg.ServiceLabel); s != "" {
		return s
	}
	return ns
}

// Fault types of the fault_injection events (chaos.fault.type).
var (
	podChaosFaults = map[string]string{
		"pod-kill":       "pod_kill",
		"pod-failure":    "pod_failure",
		"container-kill": "container_kill",
	}
	networkFaults = map[string]string{
		"loss":      "packet_loss",
		"corrupt":   "packet_corrupt",
		"duplicate": "packet_duplicate",
		"partition": "network_partition",
	}
	ioFaults = map[string]string{
		"fault":        "io_fault",
		"attrOverride": "io_attr_override",
		"mistake":      "io_mistake",
	}
	dnsFaults = map[string]string{
		"error":  "dns_error",
		"random": "dns_random",
	}
)

// chaosMeshFaults maps the spec of an experiment to its injected faults.
// What cannot be mapped (an unknown action, an unparseable duration) is
// logged and counted, and only that fault is left out.
func (r *chaosKubernetesReceiver) chaosMeshFaults(kind, resource, exp string, spec map[string]any) []fault {
	action := strField(spec, "action")
	unknown := func() []fault {
		r.skip(resource, reasonUnknownAction, "unknown action; the experiment's phases are emitted, not its fault",
			zap.String("kind", kind), zap.String("object", exp), zap.String("action", action))
		return nil
	}
	invalid := func(path string, err error) {
		r.skip(resource, reasonInvalidValue, "invalid fault parameter; this fault is not emitted",
			zap.String("kind", kind), zap.String("object", exp), zap.String("field", path), zap.Error(err))
	}
	latency := func(path string, m map[string]any, key string, meta metaList) (fault, bool) {
		ms, err := durationMs(strField(m, key))
		if err != nil {
			invalid(path, err)
			return fault{}, false
		}
		return fault{kind: chaosconv.KindLatencyInjection, delayMs: ms, meta: meta}, true
	}

	switch kind {
	case "PodChaos":
		ft, ok := podChaosFaults[action]
		if !ok {
			return unknown()
		}
		var meta metaList
		meta.add(chaosconv.ChaosMeshMetaContainers, listText(spec, "containerNames"))
		return []fault{{kind: chaosconv.KindFaultInjection, faultType: ft, meta: meta}}

	case "NetworkChaos":
		var out []fault
		direction := strField(spec, "direction")
		netDelay := func() {
			var meta metaList
			meta.add(chaosconv.ChaosMeshMetaJitter, strField(spec, "delay", "jitter"))
			meta.add(chaosconv.ChaosMeshMetaCorrelation, scalarText(spec, "delay", "correlation"))
			meta.add(chaosconv.ChaosMeshMetaDirection, direction)
			if f, ok := latency("spec.delay.latency", mapField(spec, "delay"), "latency", meta); ok {
				out = append(out, f)
			}
		}
		netFault := func(a string) {
			var meta metaList
			if a != "partition" {
				meta.add(chaosconv.ChaosMeshMetaPercent, scalarText(spec, a, a))
				meta.add(chaosconv.ChaosMeshMetaCorrelation, scalarText(spec, a, "correlation"))
			}
			meta.add(chaosconv.ChaosMeshMetaDirection, direction)
			out = append(out, fault{kind: chaosconv.KindFaultInjection, faultType: networkFaults[a], meta: meta})
		}
		switch action {
		case "delay":
			netDelay()
		case "loss", "corrupt", "duplicate", "partition":
			netFault(action)
		case "bandwidth":
			limit, ok, err := intField(spec, "bandwidth", "limit")
			if !ok && err == nil {
				err = errMissing
			}
			if err != nil {
				invalid("spec.bandwidth.limit", err)
				break
			}
			var meta metaList
			meta.add(chaosconv.ChaosMeshMetaRate, strField(spec, "bandwidth", "rate"))
			meta.add(chaosconv.ChaosMeshMetaBuffer, scalarText(spec, "bandwidth", "buffer"))
			meta.add(chaosconv.ChaosMeshMetaDirection, direction)
			out = append(out, fault{kind: chaosconv.KindTrafficShaping, trafficAction: "bandwidth_limit",
				trafficBytes: limit, meta: meta})
		case "netem":
			if mapField(spec, "delay") != nil {
				netDelay()
			}
			for _, a := range []string{"loss", "corrupt", "duplicate"} {
				if mapField(spec, a) != nil {
					netFault(a)
				}
			}
		default:
			return unknown()
		}
		return out

	case "StressChaos":
		var out []fault
		if cpu := mapField(spec, "stressors", "cpu"); cpu != nil {
			var meta metaList
			meta.add(chaosconv.ChaosMeshMetaWorkers, scalarText(cpu, "workers"))
			meta.add(chaosconv.ChaosMeshMetaLoad, scalarText(cpu, "load"))
			out = append(out, fault{kind: chaosconv.KindFaultInjection, faultType: "cpu_stress", meta: meta})
		}
		if mem := mapField(spec, "stressors", "memory"); mem != nil {
			var meta metaList
			meta.add(chaosconv.ChaosMeshMetaWorkers, scalarText(mem, "workers"))
			meta.add(chaosconv.ChaosMeshMetaSize, scalarText(mem, "size"))
			out = append(out, fault{kind: chaosconv.KindFaultInjection, faultType: "memory_stress", meta: meta})
		}
		if len(out) == 0 && strField(spec, "stressngStressors") != "" {
			out = append(out, fault{kind: chaosconv.KindFaultInjection, faultType: "stress_ng"})
		}
		if len(out) == 0 {
			invalid("spec.stressors", errMissing)
		}
		return out

	case "IOChaos":
		var meta metaList
		meta.add(chaosconv.ChaosMeshMetaVolumePath, strField(spec, "volumePath"))
		meta.add(chaosconv.ChaosMeshMetaPath, strField(spec, "path"))
		meta.add(chaosconv.ChaosMeshMetaPercent, scalarText(spec, "percent"))
		meta.add(chaosconv.ChaosMeshMetaMethods, listText(spec, "methods"))
		if action == "latency" {
			if f, ok := latency("spec.delay", spec, "delay", meta); ok {
				return []fault{f}
			}
			return nil
		}
		ft, ok := ioFaults[action]
		if !ok {
			return unknown()
		}
		meta.add(chaosconv.ChaosMeshMetaErrno, scalarText(spec, "errno"))
		return []fault{{kind: chaosconv.KindFaultInjection, faultType: ft, meta: meta}}

	case "HTTPChaos":
		var meta metaList
		meta.add(chaosconv.ChaosMeshMetaHTTPTarget, strField(spec, "target"))
		meta.add(chaosconv.ChaosMeshMetaHTTPMethod, strField(spec, "method"))
		meta.add(chaosconv.ChaosMeshMetaHTTPCode, scalarText(spec, "code"))
		meta.add(chaosconv.ChaosMeshMetaPort, scalarText(spec, "port"))
		endpoint := strField(spec, "path")
		var out []fault
		acted := false
		if _, ok := field(spec, "delay"); ok {
			acted = true
			if f, ok := latency("spec.delay", spec, "delay", meta); ok {
				f.endpoint = endpoint
				out = append(out, f)
			}
		}
		if abort, _ := spec["abort"].(bool); abort {
			acted = true
			out = append(out, fault{kind: chaosconv.KindFaultInjection, faultType: "http_abort", endpoint: endpoint, meta: meta})
		}
		for _, a := range []string{"replace", "patch"} {
			if mapField(spec, a) != nil {
				acted = true
				out = append(out, fault{kind: chaosconv.KindFaultInjection, faultType: "http_" + a, endpoint: endpoint, meta: meta})
			}
		}
		if !acted {
			return unknown()
		}
		return out

	case "TimeChaos":
		offset := strField(spec, "timeOffset")
		if _, err := time.ParseDuration(offset); err != nil {
			invalid("spec.timeOffset", err)
			return nil
		}
		var meta metaList
		meta.add(chaosconv.ChaosMeshMetaTimeOffset, offset)
		meta.add(chaosconv.ChaosMeshMetaClockIDs, listText(spec, "clockIds"))
		return []fault{{kind: chaosconv.KindFaultInjection, faultType: "time_skew", meta: meta}}

	case "DNSChaos":
		ft, ok := dnsFaults[action]
		if !ok {
			return unknown()
		}
		var meta metaList
		meta.add(chaosconv.ChaosMeshMetaPatterns, listText(spec, "patterns"))
		return []fault{{kind: chaosconv.KindFaultInjection, faultType: ft, meta: meta}}
	}
	return nil
}
