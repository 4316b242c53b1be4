package metadata

import (
	"context"
	"errors"
	"sync"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/metric/embedded"
)

// TelemetryBuilder holds the extension's own instruments, all observable:
// the extension registers a callback per instrument, which reads its state
// at collection, and Shutdown unregisters them.
type TelemetryBuilder struct {
	// ExtensionCoordinatorIsLeader is 1 when this node leads, else 0.
	ExtensionCoordinatorIsLeader metric.Int64ObservableGauge
	// ExtensionCoordinatorTerm is the fencing term this node knows.
	ExtensionCoordinatorTerm metric.Int64ObservableGauge
	// ExtensionCoordinatorMembers is the members by status.
	ExtensionCoordinatorMembers metric.Int64ObservableGauge
	// ExtensionCoordinatorLeaderChanges counts leadership changes seen.
	ExtensionCoordinatorLeaderChanges metric.Int64ObservableCounter
	// ExtensionCoordinatorHeartbeatsSent counts heartbeats published.
	ExtensionCoordinatorHeartbeatsSent metric.Int64ObservableCounter
	// ExtensionCoordinatorHeartbeatsMissed counts heartbeats not published in time.
	ExtensionCoordinatorHeartbeatsMissed metric.Int64ObservableCounter

	meter         metric.Meter
	mu            sync.Mutex
	registrations []metric.Registration
}

// NewTelemetryBuilder creates the instruments on the component's meter.
func NewTelemetryBuilder(settings component.TelemetrySettings) (*TelemetryBuilder, error) {
	tb := &TelemetryBuilder{meter: settings.MeterProvider.Meter(ScopeName)}
	var errs, err error
	tb.ExtensionCoordinatorIsLeader, err = tb.meter.Int64ObservableGauge("otelcol_extension_coordinator_is_leader",
		metric.WithDescription("1 when this node leads, else 0. [development]"),
		metric.WithUnit("1"))
	errs = errors.Join(errs, err)
	tb.ExtensionCoordinatorTerm, err = tb.meter.Int64ObservableGauge("otelcol_extension_coordinator_term",
		metric.WithDescription("The fencing term this node knows. [development]"),
		metric.WithUnit("{term}"))
	errs = errors.Join(errs, err)
	tb.ExtensionCoordinatorMembers, err = tb.meter.Int64ObservableGauge("otelcol_extension_coordinator_members",
		metric.WithDescription("Members of the group by status, as this node sees them. [development]"),
		metric.WithUnit("{members}"))
	errs = errors.Join(errs, err)
	tb.ExtensionCoordinatorLeaderChanges, err = tb.meter.Int64ObservableCounter("otelcol_extension_coordinator_leader_changes",
		metric.WithDescription("Leadership changes seen by this node. [development]"),
		metric.WithUnit("{changes}"))
	errs = errors.Join(errs, err)
	tb.ExtensionCoordinatorHeartbeatsSent, err = tb.meter.Int64ObservableCounter("otelcol_extension_coordinator_heartbeats_sent",
		metric.WithDescription("Heartbeats this node published. [development]"),
		metric.WithUnit("{heartbeats}"))
	errs = errors.Join(errs, err)
	tb.ExtensionCoordinatorHeartbeatsMissed, err = tb.meter.Int64ObservableCounter("otelcol_extension_coordinator_heartbeats_missed",
		metric.WithDescription("Heartbeats this node failed to publish in time. [development]"),
		metric.WithUnit("{heartbeats}"))
	errs = errors.Join(errs, err)
	return tb, errs
}

// RegisterExtensionCoordinatorIsLeaderCallback observes the is_leader gauge through cb until Shutdown.
func (tb *TelemetryBuilder) RegisterExtensionCoordinatorIsLeaderCallback(cb metric.Int64Callback) error {
	return tb.register(tb.ExtensionCoordinatorIsLeader, cb)
}

// RegisterExtensionCoordinatorTermCallback observes the term gauge through cb until Shutdown.
func (tb *TelemetryBuilder) RegisterExtensionCoordinatorTermCallback(cb metric.Int64Callback) error {
	return tb.register(tb.ExtensionCoordinatorTerm, cb)
}

// RegisterExtensionCoordinatorMembersCallback observes the members gauge through cb until Shutdown.
func (tb *TelemetryBuilder) RegisterExtensionCoordinatorMembersCallback(cb metric.Int64Callback) error {
	return tb.register(tb.ExtensionCoordinatorMembers, cb)
}

// RegisterExtensionCoordinatorLeaderChangesCallback observes the leader_changes counter through cb until Shutdown.
func (tb *TelemetryBuilder) RegisterExtensionCoordinatorLeaderChangesCallback(cb metric.Int64Callback) error {
	return tb.register(tb.ExtensionCoordinatorLeaderChanges, cb)
}

// RegisterExtensionCoordinatorHeartbeatsSentCallback observes the heartbeats_sent counter through cb until Shutdown.
func (tb *TelemetryBuilder) RegisterExtensionCoordinatorHeartbeatsSentCallback(cb metric.Int64Callback) error {
	return tb.register(tb.ExtensionCoordinatorHeartbeatsSent, cb)
}

// RegisterExtensionCoordinatorHeartbeatsMissedCallback observes the heartbeats_missed counter through cb until Shutdown.
func (tb *TelemetryBuilder) RegisterExtensionCoordinatorHeartbeatsMissedCallback(cb metric.Int64Callback) error {
	return tb.register(tb.ExtensionCoordinatorHeartbeatsMissed, cb)
}

// int64Observer hands one instrument's observations to the meter's observer.
type int64Observer struct {
	embedded.Int64Observer
	inst metric.Int64Observable
	obs  metric.Observer
}

func (o int64Observer) Observe(v int64, opts ...metric.ObserveOption) {
	o.obs.ObserveInt64(o.inst, v, opts...)
}

func (tb *TelemetryBuilder) register(inst metric.Int64Observable, cb metric.Int64Callback) error {
	reg, err := tb.meter.RegisterCallback(func(ctx context.Context, o metric.Observer) error {
		return cb(ctx, int64Observer{inst: inst, obs: o})
	}, inst)
	if err != nil {
		return err
	}
	tb.mu.Lock()
	tb.registrations = append(tb.registrations, reg)
	tb.mu.Unlock()
	return nil
}

// Shutdown unregisters the callbacks.
func (tb *TelemetryBuilder) Shutdown() {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	for _, reg := range tb.registrations {
		_ = reg.Unregister()
	}
	tb.registrations = nil
}
