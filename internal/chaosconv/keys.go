package chaosconv

// Attribute keys of a chaos.event record. docs/semantic-conventions.md is the
// table users read; keep the two in step (a test checks that every key below
// is documented there).
const (
	// AttrEventKind is the enumerated kind of the event (see Kind).
	AttrEventKind = "chaos.event.kind"
	// AttrSource names the tool that produced the event: mockforge, chaos_mesh, litmus…
	AttrSource = "chaos.source"
	// AttrEndpoint is the endpoint (route or path) the event affected.
	AttrEndpoint = "chaos.endpoint"

	// AttrLatencyDelayMs is the delay injected, in milliseconds (latency_injection).
	AttrLatencyDelayMs = "chaos.latency.delay_ms"
	// AttrFaultType is the fault injected, a free string such as http_500 or timeout.
	AttrFaultType = "chaos.fault.type"
	// AttrClientAddress is the client whose rate limit was exceeded (OTel semconv key).
	AttrClientAddress = "client.address"
	// AttrTrafficAction is what the traffic shaper did: throttle, drop, corrupt…
	AttrTrafficAction = "chaos.traffic.action"
	// AttrTrafficBytes is the number of bytes the traffic-shaping action concerned.
	AttrTrafficBytes = "chaos.traffic.bytes"
	// AttrProtocolName is the protocol of a protocol event: grpc, websocket, graphql…
	AttrProtocolName = "chaos.protocol.name"
	// AttrProtocolEvent is what happened at protocol level.
	AttrProtocolEvent = "chaos.protocol.event"
	// AttrProtocolDetails is a string-to-string map of protocol details.
	AttrProtocolDetails = "chaos.protocol.details"
	// AttrScenarioName is the scenario the event belongs to (for example the
	// scenario of a replayed MockForge recording).
	AttrScenarioName = "chaos.scenario.name"
	// AttrScenarioFrom is the scenario left by a scenario transition (absent when none).
	AttrScenarioFrom = "chaos.scenario.from"
	// AttrScenarioTo is the scenario entered by a scenario transition.
	AttrScenarioTo = "chaos.scenario.to"
	// AttrProbeName names a steady-state probe.
	AttrProbeName = "chaos.probe.name"
	// AttrProbeTarget is what the probe checked (URL, service, query).
	AttrProbeTarget = "chaos.probe.target"
	// AttrProbeSuccess is whether the probe found the steady state.
	AttrProbeSuccess = "chaos.probe.success"
	// AttrProbeLatencyMs is how long the probe took, in milliseconds.
	AttrProbeLatencyMs = "chaos.probe.latency_ms"
	// AttrExperimentName is the experiment the event belongs to.
	AttrExperimentName = "chaos.experiment.name"
	// AttrExperimentPhase is the lifecycle phase of an experiment event (see Phase).
	AttrExperimentPhase = "chaos.experiment.phase"
	// AttrMetadata is the event's free string-to-string metadata map.
	AttrMetadata = "chaos.metadata"

	// AttrServiceName is the OTel resource attribute naming the service under test.
	AttrServiceName = "service.name"
	// AttrServiceInstanceID is the OTel resource attribute identifying a
	// collector instance (its own telemetry resource): the default producer
	// of the summaries it emits.
	AttrServiceInstanceID = "service.instance.id"
)

// EventKeys lists every event attribute key, in documentation order.
var EventKeys = []string{
	AttrEventKind, AttrSource, AttrEndpoint,
	AttrLatencyDelayMs, AttrFaultType, AttrClientAddress,
	AttrTrafficAction, AttrTrafficBytes,
	AttrProtocolName, AttrProtocolEvent, AttrProtocolDetails,
	AttrScenarioName, AttrScenarioFrom, AttrScenarioTo,
	AttrProbeName, AttrProbeTarget, AttrProbeSuccess, AttrProbeLatencyMs,
	AttrExperimentName, AttrExperimentPhase,
	AttrMetadata,
}
