package chaostoolkit

import (
	"math"
	"strconv"
	"strings"

	"github.com/otelcol-chaos/otelcol-chaos/internal/chaosconv"
)

// millis turns CTK's seconds (microsecond resolution: Python's
// timedelta) into milliseconds without float noise (0.0123 s → 12.3 ms).
func millis(sec float64) float64 {
	return math.Round(sec*1e6) / 1e3
}

func formatMillis(sec float64) string {
	return strconv.FormatFloat(millis(sec), 'f', -1, 64)
}

// toEvent builds the event of a run: a probe event for a probe, a
// fault_injection event for an action. stage and iteration say where in
// the journal it ran (iteration < 0: not in steady_states.during).
func (a *activityRun) toEvent(e *chaosconv.Event, experiment, stage string, iteration int) {
	e.TimeUnixNano = a.start
	e.Source = chaosconv.SourceChaosToolkit
	e.Experiment = experiment
	e.Metadata = append(e.Metadata, chaosconv.KV{Key: chaosconv.ChaosToolkitMetaStage, Value: stage})
	if iteration >= 0 {
		e.Metadata = append(e.Metadata, chaosconv.KV{Key: chaosconv.ChaosToolkitMetaIteration, Value: strconv.Itoa(iteration)})
	}
	e.Metadata = append(e.Metadata,
		chaosconv.KV{Key: chaosconv.ChaosToolkitMetaStatus, Value: a.status},
		chaosconv.KV{Key: chaosconv.ChaosToolkitMetaProviderType, Value: a.provider.kind})

	if a.kind == activityProbe {
		e.Kind = chaosconv.KindProbe
		e.ProbeName = a.name
		e.ProbeTarget = a.provider.target
		// A hypothesis probe's verdict is tolerance_met; a method probe
		// has no tolerance, so it succeeded when its run did. chaoslib
		// sets tolerance_met false on a failed run, so the two agree.
		e.ProbeSuccess = a.status == runSucceeded
		if a.hasTol {
			e.ProbeSuccess = a.tolerance
		}
		if a.hasDur {
			e.ProbeLatencyMs = millis(a.duration)
			e.HasProbeLatency = true
		}
		e.Fields |= chaosconv.FieldProbeTarget | chaosconv.FieldProbeSuccess
	} else {
		// An action is what CTK runs to change the system under test:
		// the injected fault. What it does (kill a pod, add latency
		// through an extension) is known only to its provider, so the
		// fault type is the function or program it called.
		e.Kind = chaosconv.KindFaultInjection
		e.FaultType = a.faultType()
		e.Fields |= chaosconv.FieldFaultType
		e.Metadata = append(e.Metadata,
			chaosconv.KV{Key: chaosconv.ChaosToolkitMetaActivity, Value: a.name},
			chaosconv.KV{Key: chaosconv.ChaosToolkitMetaTarget, Value: a.provider.target})
		if a.hasDur {
			e.Metadata = append(e.Metadata, chaosconv.KV{Key: chaosconv.ChaosToolkitMetaDurationMs, Value: formatMillis(a.duration)})
		}
	}
	if a.end != 0 {
		e.Metadata = append(e.Metadata, chaosconv.KV{Key: chaosconv.ChaosToolkitMetaEnd, Value: formatTime(a.end)})
	}
	if a.exception != "" {
		e.Metadata = append(e.Metadata, chaosconv.KV{Key: chaosconv.ChaosToolkitMetaException, Value: a.exception})
	}
}

// faultType is an action's chaos.fault.type: the python function it called
// (terminate_pods), the program's base name (a process), or, for an HTTP
// call, the activity's name. These are few per experiment catalogue, so
// faults_by_type stays meaningful; the full target is in metadata.
func (a *activityRun) faultType() string {
	switch a.provider.kind {
	case providerPython:
		t := a.provider.target
		return t[strings.LastIndexByte(t, '.')+1:]
	case providerProcess:
		t := strings.TrimRight(a.provider.target, "/")
		if i := strings.LastIndexAny(t, `/\`); i >= 0 && i+1 < len(t) {
			return t[i+1:]
		}
		return t
	}
	return a.name
}
