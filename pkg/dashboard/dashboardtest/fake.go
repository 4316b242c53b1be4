// Package dashboardtest is a dashboard for the tests of components that
// publish to one: Fake records what they publish, Nop discards it (for
// measuring what publishing itself costs).
package dashboardtest // import "github.com/otelcol-chaos/otelcol-chaos/pkg/dashboard/dashboardtest"

import (
	"context"
	"maps"
	"slices"
	"sync"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/otelcol-chaos/otelcol-chaos/pkg/dashboard"
)

// Fake is a dashboard.Publisher and a component.Component, so it can be
// put among a host's extensions. It records every call, in order; it is
// safe for concurrent use, as components publish from several goroutines
// (their pipeline's and their ticker's).
type Fake struct {
	mu        sync.Mutex
	records   []plog.Logs
	scenarios []dashboard.ScenarioTransition
	alerts    []dashboard.AlertTransition
}

var (
	_ dashboard.Publisher = (*Fake)(nil)
	_ component.Component = (*Fake)(nil)
)

// New is a fake that has recorded nothing.
func New() *Fake { return &Fake{} }

// Start does nothing.
func (*Fake) Start(context.Context, component.Host) error { return nil }

// Shutdown does nothing.
func (*Fake) Shutdown(context.Context) error { return nil }

// PublishRecords keeps a copy of ld as it is during the call: the contract
// lets the caller hand ld on (and the next consumer change it) once the
// call returns, so a component that published too late, or published a
// plog.Logs it goes on changing, shows in what the test reads.
func (f *Fake) PublishRecords(ld plog.Logs) {
	c := plog.NewLogs()
	ld.CopyTo(c)
	f.mu.Lock()
	defer f.mu.Unlock()
	f.records = append(f.records, c)
}

// PublishScenario records t.
func (f *Fake) PublishScenario(t dashboard.ScenarioTransition) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.scenarios = append(f.scenarios, t)
}

// PublishAlert records t, with copies of its maps.
func (f *Fake) PublishAlert(t dashboard.AlertTransition) {
	t.Labels, t.Annotations = maps.Clone(t.Labels), maps.Clone(t.Annotations)
	f.mu.Lock()
	defer f.mu.Unlock()
	f.alerts = append(f.alerts, t)
}

// Records is what each PublishRecords call handed over, in call order;
// copies, which the test may change.
func (f *Fake) Records() []plog.Logs {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([]plog.Logs, len(f.records))
	for i, ld := range f.records {
		out[i] = plog.NewLogs()
		ld.CopyTo(out[i])
	}
	return out
}

// LogRecordCount is how many log records all PublishRecords calls handed
// over: what a test's next consumer reads to tell whether a component
// published before handing its records on.
func (f *Fake) LogRecordCount() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, ld := range f.records {
		n += ld.LogRecordCount()
	}
	return n
}

// Scenarios is every scenario transition published, in call order.
func (f *Fake) Scenarios() []dashboard.ScenarioTransition {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.scenarios)
}

// Alerts is every alert transition published, in call order (the maps are
// the fake's own copies, not the component's).
func (f *Fake) Alerts() []dashboard.AlertTransition {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([]dashboard.AlertTransition, len(f.alerts))
	for i, t := range f.alerts {
		t.Labels, t.Annotations = maps.Clone(t.Labels), maps.Clone(t.Annotations)
		out[i] = t
	}
	return out
}

// Reset forgets everything recorded.
func (f *Fake) Reset() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.records, f.scenarios, f.alerts = nil, nil, nil
}

// Nop is a dashboard.Publisher that keeps nothing and allocates nothing:
// with it, a component runs its publishing code and the test measures only
// that code's cost (allocation tests compare it with no dashboard).
type Nop struct {
	component.StartFunc
	component.ShutdownFunc
}

var (
	_ dashboard.Publisher = Nop{}
	_ component.Component = Nop{}
)

// PublishRecords discards ld.
func (Nop) PublishRecords(plog.Logs) {}

// PublishScenario discards the transition.
func (Nop) PublishScenario(dashboard.ScenarioTransition) {}

// PublishAlert discards the transition.
func (Nop) PublishAlert(dashboard.AlertTransition) {}
