// Package dashboard is what a component uses to feed the chaos_dashboard
// extension: the records it emits (closed buckets, anomalies, health,
// trends, forecasts), scenario transitions and alert transitions.
// Components find the extension among the host's extensions with Find and
// never import it; without one they publish nothing and pay nothing.
package dashboard // import "github.com/otelcol-chaos/otelcol-chaos/pkg/dashboard"

import (
	"errors"
	"fmt"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/pdata/plog"
)

// Publisher receives what components publish. Every method returns
// promptly and never blocks on the dashboard's clients: a component calls
// it on its pipeline's goroutine.
type Publisher interface {
	// PublishRecords hands over chaos records (chaos.bucket,
	// chaos.anomaly, chaos.health, chaos.trend, chaos.forecast) in the
	// contract encoding of internal/chaosconv. The publisher reads ld
	// during the call and keeps nothing of it: call it before handing ld
	// to the next consumer, which may change it.
	PublishRecords(ld plog.Logs)
	// PublishScenario hands over a scenario transition seen in the events.
	PublishScenario(ScenarioTransition)
	// PublishAlert hands over an alert's change of state.
	PublishAlert(AlertTransition)
}

// ScenarioTransition is a chaos tool moving from one scenario to another
// (a scenario_transition event).
type ScenarioTransition struct {
	AtUnixNano int64
	Service    string
	From, To   string
}

// AlertTransition is an alert changing state. From or To is "" for
// inactive; the states are pending, firing and resolved.
type AlertTransition struct {
	AtUnixNano  int64
	Fingerprint string
	Rule        string
	Labels      map[string]string
	Annotations map[string]string
	From, To    string
	Value       float64
}

// Find returns the publisher among the host's extensions: the one named by
// id, or the only one when id is nil. ok is false when there is none, when
// id names something else, and when id is nil and there are several.
func Find(extensions map[component.ID]component.Component, id *component.ID) (p Publisher, ok bool) {
	if id != nil {
		p, ok = extensions[*id].(Publisher)
		return p, ok
	}
	for _, ext := range extensions {
		if found, is := ext.(Publisher); is {
			if p != nil {
				return nil, false
			}
			p = found
		}
	}
	return p, p != nil
}

// Errors returned by Lookup.
var (
	// ErrNotFound: the dashboard a component names is not among the
	// host's extensions (or is not a dashboard).
	ErrNotFound = errors.New("no such dashboard extension; add it under extensions and service::extensions")
	// ErrAmbiguous: the component names none and there are several.
	ErrAmbiguous = errors.New("several dashboard extensions; set `dashboard` to name the one to publish to")
)

// Lookup is Find as a component's Start uses it, telling apart the cases
// Find folds into ok == false, because they call for different answers:
//
//   - the publisher named by id, or the only one when id is nil: publish;
//   - nil, nil: id is nil and there is none: publish nothing, silently
//     (a collector without a dashboard is the common case);
//   - nil, ErrAmbiguous: id is nil and there are several: publish nothing
//     and warn once, since guessing would feed the wrong dashboard;
//   - nil, an error wrapping ErrNotFound and naming id: fail Start, since
//     the user asked for a dashboard that is not there.
func Lookup(extensions map[component.ID]component.Component, id *component.ID) (Publisher, error) {
	if p, ok := Find(extensions, id); ok {
		return p, nil
	}
	if id != nil {
		return nil, fmt.Errorf("dashboard %q: %w", id.String(), ErrNotFound)
	}
	for _, ext := range extensions {
		if _, is := ext.(Publisher); is {
			return nil, ErrAmbiguous // Find found none only because there are several
		}
	}
	return nil, nil
}
