package chaosconv

// SourceChaosToolkit is the chaos.source of the events the chaos receiver
// builds from a Chaos Toolkit journal (POST to its chaostoolkit_path).
const SourceChaosToolkit = "chaostoolkit"

// Keys of the chaos.metadata map of the events built from a Chaos Toolkit
// journal. They keep what the journal says and our attributes cannot hold
// (CTK's own status words, the run's environment, the activity's provider),
// so that a query can tell a deviated run from an interrupted one without
// the journal at hand. The chaos receiver's README has the mapping table
// that says which event carries which key.
const (
	// Experiment phase events.
	ChaosToolkitMetaChaoslibVersion = "chaostoolkit.chaoslib_version" // journal chaoslib-version (started)
	ChaosToolkitMetaPlatform        = "chaostoolkit.platform"         // journal platform (started)
	ChaosToolkitMetaNode            = "chaostoolkit.node"             // journal node: the host that ran `chaos run` (started)
	ChaosToolkitMetaDeviated        = "chaostoolkit.deviated"         // journal deviated: "true" or "false" (completed/aborted)
	ChaosToolkitMetaDurationMs      = "chaostoolkit.duration_ms"      // journal or activity duration, in ms
	ChaosToolkitMetaRollbacks       = "chaostoolkit.rollbacks"        // how many rollback activities ran (completed/aborted)
	ChaosToolkitMetaRollbacksFailed = "chaostoolkit.rollbacks_failed" // how many of them failed (completed/aborted)

	// Both: the journal's status on a phase event (completed, failed,
	// aborted, interrupted), the activity's run status on an activity
	// event (succeeded, failed).
	ChaosToolkitMetaStatus = "chaostoolkit.status"

	// Activity events (actions and probes).
	ChaosToolkitMetaStage        = "chaostoolkit.stage"         // where the activity ran: see the ChaosToolkitStage values
	ChaosToolkitMetaIteration    = "chaostoolkit.iteration"     // index of the steady_states.during entry (stage hypothesis_during)
	ChaosToolkitMetaActivity     = "chaostoolkit.activity"      // activity name (actions; a probe's is chaos.probe.name)
	ChaosToolkitMetaProviderType = "chaostoolkit.provider.type" // python, process or http
	ChaosToolkitMetaTarget       = "chaostoolkit.target"        // an action's url, module.func or path (a probe's is chaos.probe.target)
	ChaosToolkitMetaEnd          = "chaostoolkit.end"           // the activity's end time, RFC 3339 UTC
	ChaosToolkitMetaException    = "chaostoolkit.exception"     // last line of the activity's exception, when it failed
)

// Values of ChaosToolkitMetaStage.
const (
	ChaosToolkitStageHypothesisBefore = "hypothesis_before" // steady_states.before
	ChaosToolkitStageHypothesisDuring = "hypothesis_during" // steady_states.during[i]
	ChaosToolkitStageHypothesisAfter  = "hypothesis_after"  // steady_states.after
	ChaosToolkitStageMethod           = "method"            // run[]
)

// ChaosToolkitMetaKeys lists the metadata keys above in documentation order.
var ChaosToolkitMetaKeys = []string{
	ChaosToolkitMetaChaoslibVersion, ChaosToolkitMetaPlatform, ChaosToolkitMetaNode,
	ChaosToolkitMetaStatus, ChaosToolkitMetaDeviated, ChaosToolkitMetaDurationMs,
	ChaosToolkitMetaRollbacks, ChaosToolkitMetaRollbacksFailed,
	ChaosToolkitMetaStage, ChaosToolkitMetaIteration, ChaosToolkitMetaActivity,
	ChaosToolkitMetaProviderType, ChaosToolkitMetaTarget, ChaosToolkitMetaEnd, ChaosToolkitMetaException,
}
