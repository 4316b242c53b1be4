package chaosconv

import "go.opentelemetry.io/collector/pdata/plog"

// Kind is the enumerated kind of a chaos event. The zero value is invalid so
// that a forgotten assignment is caught by Validate.
type Kind uint8

// Event kinds. The first six are MockForge's ChaosEventType variants; Probe
// and Experiment are the project's own, for what MockForge lacks: a
// steady-state result that lets impact be measured, and the lifecycle of an
// experiment run by Chaos Mesh, Litmus or any other tool.
const (
	KindUnknown Kind = iota
	KindLatencyInjection
	KindFaultInjection
	KindRateLimitExceeded
	KindTrafficShaping
	KindProtocolEvent
	KindScenarioTransition
	KindProbe
	KindExperiment
	kindCount
)

var kindNames = [kindCount]string{
	KindUnknown:            "",
	KindLatencyInjection:   "latency_injection",
	KindFaultInjection:     "fault_injection",
	KindRateLimitExceeded:  "rate_limit_exceeded",
	KindTrafficShaping:     "traffic_shaping",
	KindProtocolEvent:      "protocol_event",
	KindScenarioTransition: "scenario_transition",
	KindProbe:              "probe",
	KindExperiment:         "experiment",
}

// mockForgeNames are the serde tags of MockForge's ChaosEventType.
var mockForgeNames = [kindCount]string{
	KindLatencyInjection:   "LatencyInjection",
	KindFaultInjection:     "FaultInjection",
	KindRateLimitExceeded:  "RateLimitExceeded",
	KindTrafficShaping:     "TrafficShaping",
	KindProtocolEvent:      "ProtocolEvent",
	KindScenarioTransition: "ScenarioTransition",
}

// Kinds lists the valid kinds in documentation order.
func Kinds() []Kind {
	out := make([]Kind, 0, kindCount-1)
	for k := KindUnknown + 1; k < kindCount; k++ {
		out = append(out, k)
	}
	return out
}

// String returns the value of chaos.event.kind for k.
func (k Kind) String() string {
	if k >= kindCount {
		return ""
	}
	return kindNames[k]
}

// MockForgeName returns MockForge's variant tag for k, or "" for the
// project's own kinds.
func (k Kind) MockForgeName() string {
	if k >= kindCount {
		return ""
	}
	return mockForgeNames[k]
}

// ParseKind maps a chaos.event.kind value to its Kind (KindUnknown when none).
func ParseKind(s string) Kind {
	for k := KindUnknown + 1; k < kindCount; k++ {
		if kindNames[k] == s {
			return k
		}
	}
	return KindUnknown
}

// ParseMockForgeKind maps a MockForge ChaosEventType tag to its Kind.
func ParseMockForgeKind(s string) Kind {
	for k := KindUnknown + 1; k < kindCount; k++ {
		if mockForgeNames[k] != "" && mockForgeNames[k] == s {
			return k
		}
	}
	return KindUnknown
}

// Phase is the lifecycle phase of an experiment event.
type Phase = string

// Experiment phases.
const (
	PhaseStarted   Phase = "started"
	PhaseCompleted Phase = "completed"
	PhaseAborted   Phase = "aborted"
)

// ValidPhase reports whether p is one of the experiment phases.
func ValidPhase(p string) bool {
	return p == PhaseStarted || p == PhaseCompleted || p == PhaseAborted
}

// severityOf is the severity a record of kind k carries: faults and failed
// probes are errors, pressure on the system (delays, throttling) warnings,
// the rest information. An aborted experiment is a warning.
func severityOf(e *Event) (plog.SeverityNumber, string) {
	switch e.Kind {
	case KindFaultInjection:
		return plog.SeverityNumberError, "ERROR"
	case KindLatencyInjection, KindRateLimitExceeded:
		return plog.SeverityNumberWarn, "WARN"
	case KindProbe:
		if !e.ProbeSuccess {
			return plog.SeverityNumberError, "ERROR"
		}
	case KindExperiment:
		if e.ExperimentPhase == PhaseAborted {
			return plog.SeverityNumberWarn, "WARN"
		}
	}
	return plog.SeverityNumberInfo, "INFO"
}

// bodyOf is a short human sentence for the record body, so that a log
// backend without attribute support still shows what happened. It is a
// constant per kind and outcome: building it costs nothing on the hot path.
func bodyOf(e *Event) string {
	switch e.Kind {
	case KindLatencyInjection:
		return "chaos: latency injected"
	case KindFaultInjection:
		return "chaos: fault injected"
	case KindRateLimitExceeded:
		return "chaos: rate limit exceeded"
	case KindTrafficShaping:
		return "chaos: traffic shaped"
	case KindProtocolEvent:
		return "chaos: protocol event"
	case KindScenarioTransition:
		return "chaos: scenario transition"
	case KindProbe:
		if e.ProbeSuccess {
			return "chaos: probe succeeded"
		}
		return "chaos: probe failed"
	case KindExperiment:
		switch e.ExperimentPhase {
		case PhaseStarted:
			return "chaos: experiment started"
		case PhaseCompleted:
			return "chaos: experiment completed"
		}
		return "chaos: experiment aborted"
	}
	return "chaos: event"
}
