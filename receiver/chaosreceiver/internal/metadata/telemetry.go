package metadata

import (
	"errors"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/otel/metric"
)

// TelemetryBuilder holds the receiver's own instruments, beside the standard
// receiver metrics that receiverhelper.ObsReport records.
type TelemetryBuilder struct {
	// ReceiverChaosRejectedRequests counts requests answered with an error
	// status, by reason (the enum of `reason` in metadata.yaml).
	ReceiverChaosRejectedRequests metric.Int64Counter
	// ReceiverChaosRequestEvents records the number of events per accepted request.
	ReceiverChaosRequestEvents metric.Int64Histogram
	// ReceiverChaosSkippedActivities counts the activity runs of accepted
	// Chaos Toolkit journals that could not become events and were skipped.
	ReceiverChaosSkippedActivities metric.Int64Counter
}

// NewTelemetryBuilder creates the instruments on the component's meter.
func NewTelemetryBuilder(settings component.TelemetrySettings) (*TelemetryBuilder, error) {
	meter := settings.MeterProvider.Meter(ScopeName)
	var errs, err error
	tb := &TelemetryBuilder{}
	tb.ReceiverChaosRejectedRequests, err = meter.Int64Counter(
		"otelcol_receiver_chaos_rejected_requests",
		metric.WithDescription("Requests the chaos receiver rejected, by reason. [alpha]"),
		metric.WithUnit("{requests}"),
	)
	errs = errors.Join(errs, err)
	tb.ReceiverChaosRequestEvents, err = meter.Int64Histogram(
		"otelcol_receiver_chaos_request_events",
		metric.WithDescription("Events per accepted request. [alpha]"),
		metric.WithUnit("{events}"),
		metric.WithExplicitBucketBoundaries(1, 10, 100, 1000, 10000),
	)
	errs = errors.Join(errs, err)
	tb.ReceiverChaosSkippedActivities, err = meter.Int64Counter(
		"otelcol_receiver_chaos_skipped_activities",
		metric.WithDescription("Activity runs of accepted Chaos Toolkit journals that were skipped (not events). [alpha]"),
		metric.WithUnit("{activities}"),
	)
	errs = errors.Join(errs, err)
	return tb, errs
}

// Shutdown releases what the builder registered: the receiver has no
// asynchronous instrument, so nothing; kept so every component's builder
// has the same shape and the receiver's Shutdown calls it.
func (tb *TelemetryBuilder) Shutdown() {}
