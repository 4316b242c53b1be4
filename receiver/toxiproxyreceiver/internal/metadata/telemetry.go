package metadata

import (
	"errors"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/otel/metric"
)

// TelemetryBuilder holds the receiver's own instruments, beside the standard
// receiver metrics that receiverhelper.ObsReport records.
type TelemetryBuilder struct {
	// ReceiverToxiproxyPolls counts polls of GET /proxies, by outcome (the
	// enum of `outcome` in metadata.yaml).
	ReceiverToxiproxyPolls metric.Int64Counter
	// ReceiverToxiproxyToxicChanges counts the toxics seen added, changed
	// or removed that became events, by change.
	ReceiverToxiproxyToxicChanges metric.Int64Counter
	// ReceiverToxiproxySkippedToxics counts toxic changes that became no
	// event, by reason.
	ReceiverToxiproxySkippedToxics metric.Int64Counter
}

// NewTelemetryBuilder creates the instruments on the component's meter.
func NewTelemetryBuilder(settings component.TelemetrySettings) (*TelemetryBuilder, error) {
	meter := settings.MeterProvider.Meter(ScopeName)
	var errs, err error
	tb := &TelemetryBuilder{}
	tb.ReceiverToxiproxyPolls, err = meter.Int64Counter(
		"otelcol_receiver_toxiproxy_polls",
		metric.WithDescription("Polls of the toxiproxy API, by outcome. [development]"),
		metric.WithUnit("{polls}"),
	)
	errs = errors.Join(errs, err)
	tb.ReceiverToxiproxyToxicChanges, err = meter.Int64Counter(
		"otelcol_receiver_toxiproxy_toxic_changes",
		metric.WithDescription("Toxics seen added, changed or removed that became events, by change. [development]"),
		metric.WithUnit("{toxics}"),
	)
	errs = errors.Join(errs, err)
	tb.ReceiverToxiproxySkippedToxics, err = meter.Int64Counter(
		"otelcol_receiver_toxiproxy_skipped_toxics",
		metric.WithDescription("Toxic changes that became no event, by reason. [development]"),
		metric.WithUnit("{toxics}"),
	)
	errs = errors.Join(errs, err)
	return tb, errs
}

// Shutdown releases what the builder registered: the receiver has no
// asynchronous instrument, so nothing; kept so every component's builder
// has the same shape and the receiver's Shutdown calls it.
func (tb *TelemetryBuilder) Shutdown() {}
