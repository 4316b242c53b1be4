package chaosconv

// Keys of the chaos.metadata map of the experiment event, phase aborted,
// that the alert exporter's abort handler posts back to the chaos receiver
// after it stopped (or dry-ran stopping) the chaos. Dashboards and queries
// read them to tell a guardrail's abort from a chaos tool's own.
const (
	AbortMetaRule        = "abort.rule"              // the alertname that fired
	AbortMetaHandler     = "abort.handler"           // the abort handler's name
	AbortMetaTarget      = "abort.target"            // mockforge, chaos_mesh, litmus or http
	AbortMetaTargetRef   = "abort.target_ref"        // the resolved target
	AbortMetaOutcome     = "abort.outcome"           // stopped, already_stopped or dry_run
	AbortMetaDryRun      = "abort.dry_run"           // "true" or "false"
	AbortMetaFingerprint = "abort.alert_fingerprint" // the firing alert's fingerprint
	AbortMetaScope       = "abort.scope"             // the alert's scope, when it has one
	AbortMetaScopeKey    = "abort.scope_key"         // the alert's scope key, with abort.scope
)

// AbortMetaKeys lists the aborted event's metadata keys in documentation
// order.
var AbortMetaKeys = []string{AbortMetaRule, AbortMetaHandler, AbortMetaTarget, AbortMetaTargetRef, AbortMetaOutcome,
	AbortMetaDryRun, AbortMetaFingerprint, AbortMetaScope, AbortMetaScopeKey}
