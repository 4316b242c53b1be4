package alertexporter

import (
	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/otelcol-chaos/otelcol-chaos/exporter/alertexporter/internal/rules"
	"github.com/otelcol-chaos/otelcol-chaos/internal/chaosconv"
)

// startOf reads a chaos.event record as a chaos start for steady_state
// rules: an experiment started, or a scenario transition (the scenario
// entered), at its event time, for the resource's service.name. ok is
// false for every other event. Only those two kinds are decoded (their
// kind is read first): events can be many, and the rest are not read
// here. A start that does not decode is an error (counted as a bad
// record); other events are not checked.
func startOf(rl plog.ResourceLogs, lr plog.LogRecord, ev *chaosconv.Event) (m rules.StartMarker, ok bool, err error) {
	kv, found := lr.Attributes().Get(chaosconv.AttrEventKind)
	if !found {
		return m, false, nil
	}
	switch chaosconv.ParseKind(kv.AsString()) {
	case chaosconv.KindExperiment, chaosconv.KindScenarioTransition:
	default:
		return m, false, nil
	}
	if err := chaosconv.DecodeEventForAggregation(lr, ev); err != nil {
		return m, false, err
	}
	switch {
	case ev.Kind == chaosconv.KindExperiment && ev.ExperimentPhase == chaosconv.PhaseStarted:
		m.Name = ev.Experiment
	case ev.Kind == chaosconv.KindScenarioTransition:
		m.Name = ev.ScenarioTo
	default:
		return m, false, nil // completed or aborted: the baseline stays that of the start
	}
	if v, found := rl.Resource().Attributes().Get(chaosconv.AttrServiceName); found {
		m.Service = v.AsString()
	}
	m.AtUnixNano = ev.TimeUnixNano
	return m, true, nil
}
