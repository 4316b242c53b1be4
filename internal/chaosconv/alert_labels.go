package chaosconv

// Labels of the alerts the alert exporter raises. An alert's identity is
// the fingerprint of its label set, so these are part of the contract:
// Alertmanager routes, PagerDuty dedup keys and silences are written
// against them.
const (
	// AlertLabelName is the rule's name (Prometheus' and Alertmanager's name).
	AlertLabelName = "alertname"
	// AlertLabelSeverity is info, warning or critical.
	AlertLabelSeverity = "severity"
	// AlertLabelScope is global, service or endpoint.
	AlertLabelScope = "scope"
	// AlertLabelScopeKey is the service or endpoint ("" for global).
	AlertLabelScopeKey = "scope_key"
	// AlertLabelAnomalyType is the anomaly type, on anomaly rules' alerts.
	AlertLabelAnomalyType = "anomaly_type"
	// AlertLabelRuleType is threshold, anomaly, health, absent or steady_state.
	AlertLabelRuleType = "rule_type"
	// AlertLabelMeasurement is, on steady_state alerts, what decided:
	// AlertMeasurementProbes or AlertMeasurementEstimated.
	AlertLabelMeasurement = "measurement"
	// AlertLabelExperiment is, on steady_state alerts, the experiment
	// started or the scenario entered that the baseline is taken before
	// ("" when the start named none). Abort handlers template on it, and
	// stop a target once per experiment.
	AlertLabelExperiment = "experiment"
)

// Values of AlertLabelMeasurement.
const (
	// AlertMeasurementProbes: the scope's probes decided.
	AlertMeasurementProbes = "probes"
	// AlertMeasurementEstimated: too few probes; the impact estimated from
	// the injected chaos decided (allow_estimated).
	AlertMeasurementEstimated = "estimated"
)

// AlertLabels lists the alert labels in documentation order.
var AlertLabels = []string{AlertLabelName, AlertLabelSeverity, AlertLabelScope, AlertLabelScopeKey,
	AlertLabelAnomalyType, AlertLabelRuleType, AlertLabelMeasurement, AlertLabelExperiment}
