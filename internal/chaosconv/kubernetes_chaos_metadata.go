package chaosconv

// Keys the chaos_kubernetes receiver (receiver/chaoskubernetesreceiver)
// writes: the resource attribute naming the custom resource's namespace,
// and the keys of the chaos.metadata map of the events it builds from
// Chaos Mesh and LitmusChaos custom resources. The receiver's README has
// the mapping tables that say which event carries which key.
const (
	// AttrK8sNamespaceName is the OTel resource attribute naming the
	// Kubernetes namespace of the custom resource an event came from.
	AttrK8sNamespaceName = "k8s.namespace.name"
)

// Metadata keys common to both tools.
const (
	KubeMetaKind        = "k8s.resource.kind" // the custom resource's kind: NetworkChaos, ChaosEngine…
	KubeMetaUID         = "k8s.resource.uid"  // its metadata.uid
	KubeMetaAbortReason = "k8s.abort_reason"  // why an experiment was aborted: paused, stopped or deleted
)

// Chaos Mesh (chaos-mesh.org/v1alpha1) metadata keys: the spec fields of
// the injected fault, verbatim.
const (
	ChaosMeshMetaAction      = "chaos_mesh.action"      // spec.action
	ChaosMeshMetaMode        = "chaos_mesh.mode"        // spec.mode: one, all, fixed…
	ChaosMeshMetaValue       = "chaos_mesh.value"       // spec.value (with fixed / percent modes)
	ChaosMeshMetaDuration    = "chaos_mesh.duration"    // spec.duration
	ChaosMeshMetaDirection   = "chaos_mesh.direction"   // NetworkChaos spec.direction
	ChaosMeshMetaJitter      = "chaos_mesh.jitter"      // NetworkChaos spec.delay.jitter
	ChaosMeshMetaCorrelation = "chaos_mesh.correlation" // NetworkChaos correlation of the action
	ChaosMeshMetaPercent     = "chaos_mesh.percent"     // loss/corrupt/duplicate %, IOChaos percent
	ChaosMeshMetaRate        = "chaos_mesh.rate"        // NetworkChaos spec.bandwidth.rate
	ChaosMeshMetaBuffer      = "chaos_mesh.buffer"      // NetworkChaos spec.bandwidth.buffer
	ChaosMeshMetaContainers  = "chaos_mesh.containers"  // spec.containerNames, comma-separated
	ChaosMeshMetaErrno       = "chaos_mesh.errno"       // IOChaos spec.errno
	ChaosMeshMetaPath        = "chaos_mesh.path"        // IOChaos spec.path
	ChaosMeshMetaVolumePath  = "chaos_mesh.volume_path" // IOChaos spec.volumePath
	ChaosMeshMetaMethods     = "chaos_mesh.methods"     // IOChaos spec.methods, comma-separated
	ChaosMeshMetaWorkers     = "chaos_mesh.workers"     // StressChaos stressor workers
	ChaosMeshMetaLoad        = "chaos_mesh.load"        // StressChaos cpu load (%)
	ChaosMeshMetaSize        = "chaos_mesh.size"        // StressChaos memory size
	ChaosMeshMetaTimeOffset  = "chaos_mesh.time_offset" // TimeChaos spec.timeOffset
	ChaosMeshMetaClockIDs    = "chaos_mesh.clock_ids"   // TimeChaos spec.clockIds, comma-separated
	ChaosMeshMetaPatterns    = "chaos_mesh.patterns"    // DNSChaos spec.patterns, comma-separated
	ChaosMeshMetaHTTPTarget  = "chaos_mesh.http.target" // HTTPChaos spec.target: Request or Response
	ChaosMeshMetaHTTPMethod  = "chaos_mesh.http.method" // HTTPChaos spec.method
	ChaosMeshMetaHTTPCode    = "chaos_mesh.http.code"   // HTTPChaos spec.code
	ChaosMeshMetaPort        = "chaos_mesh.port"        // HTTPChaos spec.port
)

// LitmusChaos (litmuschaos.io/v1alpha1) metadata keys.
const (
	LitmusMetaEngine           = "litmus.engine"            // the ChaosEngine's name
	LitmusMetaExperiment       = "litmus.experiment"        // the ChaosExperiment's name: pod-delete…
	LitmusMetaEngineState      = "litmus.engine_state"      // ChaosEngine spec.engineState
	LitmusMetaEngineStatus     = "litmus.engine_status"     // ChaosEngine status.engineStatus
	LitmusMetaPhase            = "litmus.phase"             // ChaosResult status.experimentStatus.phase
	LitmusMetaProbeType        = "litmus.probe.type"        // httpProbe, cmdProbe, k8sProbe, promProbe
	LitmusMetaProbeMode        = "litmus.probe.mode"        // SOT, EOT, Edge, Continuous, OnChaos
	LitmusMetaProbeVerdict     = "litmus.probe.verdict"     // Passed or Failed
	LitmusMetaProbeDescription = "litmus.probe.description" // the probe status's description
	LitmusMetaNetworkLatency   = "litmus.network_latency"   // the engine's NETWORK_LATENCY or LATENCY env (ms)
)

// KubernetesChaosMetaKeys lists the metadata keys above, in documentation
// order (the resource attribute AttrK8sNamespaceName is not among them).
var KubernetesChaosMetaKeys = []string{
	KubeMetaKind, KubeMetaUID, KubeMetaAbortReason,
	ChaosMeshMetaAction, ChaosMeshMetaMode, ChaosMeshMetaValue, ChaosMeshMetaDuration, ChaosMeshMetaDirection,
	ChaosMeshMetaJitter, ChaosMeshMetaCorrelation, ChaosMeshMetaPercent, ChaosMeshMetaRate, ChaosMeshMetaBuffer,
	ChaosMeshMetaContainers, ChaosMeshMetaErrno, ChaosMeshMetaPath, ChaosMeshMetaVolumePath, ChaosMeshMetaMethods,
	ChaosMeshMetaWorkers, ChaosMeshMetaLoad, ChaosMeshMetaSize, ChaosMeshMetaTimeOffset, ChaosMeshMetaClockIDs,
	ChaosMeshMetaPatterns, ChaosMeshMetaHTTPTarget, ChaosMeshMetaHTTPMethod, ChaosMeshMetaHTTPCode, ChaosMeshMetaPort,
	LitmusMetaEngine, LitmusMetaExperiment, LitmusMetaEngineState, LitmusMetaEngineStatus, LitmusMetaPhase,
	LitmusMetaProbeType, LitmusMetaProbeMode, LitmusMetaProbeVerdict, LitmusMetaProbeDescription,
	LitmusMetaNetworkLatency,
}

// Values of chaos.source for the events built from Kubernetes resources.
const (
	SourceChaosMesh = "chaos_mesh"
	SourceLitmus    = "litmus"
)
