package metadata

import (
	"errors"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/otel/metric"
)

// TelemetryBuilder holds the receiver's own instruments, beside the standard
// receiver metrics that receiverhelper.ObsReport records.
type TelemetryBuilder struct {
	// ReceiverChaosKubernetesObjectsSeen counts informer notifications, by
	// resource and operation (add, update, delete).
	ReceiverChaosKubernetesObjectsSeen metric.Int64Counter
	// ReceiverChaosKubernetesEventsEmitted counts chaos.event records
	// emitted, by source and kind.
	ReceiverChaosKubernetesEventsEmitted metric.Int64Counter
	// ReceiverChaosKubernetesObjectsSkipped counts objects (or parts of
	// objects) that gave no event, by resource and reason.
	ReceiverChaosKubernetesObjectsSkipped metric.Int64Counter
}

// NewTelemetryBuilder creates the instruments on the component's meter.
func NewTelemetryBuilder(settings component.TelemetrySettings) (*TelemetryBuilder, error) {
	meter := settings.MeterProvider.Meter(ScopeName)
	var errs, err error
	tb := &TelemetryBuilder{}
	tb.ReceiverChaosKubernetesObjectsSeen, err = meter.Int64Counter(
		"otelcol_receiver_chaos_kubernetes_objects_seen",
		metric.WithDescription("Informer notifications about watched chaos resources, by resource and operation. [development]"),
		metric.WithUnit("{notifications}"),
	)
	errs = errors.Join(errs, err)
	tb.ReceiverChaosKubernetesEventsEmitted, err = meter.Int64Counter(
		"otelcol_receiver_chaos_kubernetes_events_emitted",
		metric.WithDescription("chaos.event records emitted, by source and kind. [development]"),
		metric.WithUnit("{events}"),
	)
	errs = errors.Join(errs, err)
	tb.ReceiverChaosKubernetesObjectsSkipped, err = meter.Int64Counter(
		"otelcol_receiver_chaos_kubernetes_objects_skipped",
		metric.WithDescription("Objects, or parts of objects, that gave no event, by resource and reason. [development]"),
		metric.WithUnit("{objects}"),
	)
	errs = errors.Join(errs, err)
	return tb, errs
}

// Shutdown releases what the builder registered: nothing (no asynchronous
// instrument); kept so every component's builder has the same shape.
func (tb *TelemetryBuilder) Shutdown() {}
