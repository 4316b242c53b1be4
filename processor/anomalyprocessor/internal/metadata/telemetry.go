package metadata

import (
	"context"
	"errors"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/otel/metric"
)

// TelemetryBuilder holds the processor's own instruments.
type TelemetryBuilder struct {
	// ProcessorAnomalySummaries counts chaos.bucket summaries by outcome
	// (analysed, ignored: other width, duplicate or out of order, or a
	// scope beyond max_scopes).
	ProcessorAnomalySummaries metric.Int64Counter
	// ProcessorAnomalyEmptyBuckets counts buckets filled in as empty for
	// scopes that sent nothing (silence).
	ProcessorAnomalyEmptyBuckets metric.Int64Counter
	// ProcessorAnomalyRecords counts derived records (anomaly, trend,
	// forecast, health) by outcome (emitted, dropped).
	ProcessorAnomalyRecords metric.Int64Counter
	// ProcessorAnomalyOpen is the anomalies open now, all scopes and types.
	ProcessorAnomalyOpen metric.Int64ObservableGauge
	// ProcessorAnomalyScopes is the scopes tracked.
	ProcessorAnomalyScopes metric.Int64ObservableGauge

	meter        metric.Meter
	registration metric.Registration
}

// NewTelemetryBuilder creates the instruments on the component's meter.
func NewTelemetryBuilder(settings component.TelemetrySettings) (*TelemetryBuilder, error) {
	meter := settings.MeterProvider.Meter(ScopeName)
	var errs, err error
	tb := &TelemetryBuilder{meter: meter}
	tb.ProcessorAnomalySummaries, err = meter.Int64Counter("otelcol_processor_anomaly_summaries",
		metric.WithDescription("chaos.bucket summaries seen, by outcome. [development]"), metric.WithUnit("{records}"))
	errs = errors.Join(errs, err)
	tb.ProcessorAnomalyEmptyBuckets, err = meter.Int64Counter("otelcol_processor_anomaly_empty_buckets",
		metric.WithDescription("Buckets taken as empty because a scope sent nothing. [development]"), metric.WithUnit("{buckets}"))
	errs = errors.Join(errs, err)
	tb.ProcessorAnomalyRecords, err = meter.Int64Counter("otelcol_processor_anomaly_records",
		metric.WithDescription("Derived records (anomaly, trend, forecast, health), by outcome. [development]"), metric.WithUnit("{records}"))
	errs = errors.Join(errs, err)
	tb.ProcessorAnomalyOpen, err = meter.Int64ObservableGauge("otelcol_processor_anomaly_open",
		metric.WithDescription("Anomalies open now. [development]"), metric.WithUnit("{anomalies}"))
	errs = errors.Join(errs, err)
	tb.ProcessorAnomalyScopes, err = meter.Int64ObservableGauge("otelcol_processor_anomaly_scopes",
		metric.WithDescription("Scopes tracked. [development]"), metric.WithUnit("{scopes}"))
	errs = errors.Join(errs, err)
	return tb, errs
}

// RegisterGauges observes the open and scopes gauges through f until
// Shutdown.
func (tb *TelemetryBuilder) RegisterGauges(f func() (open, scopes int64)) error {
	reg, err := tb.meter.RegisterCallback(func(_ context.Context, o metric.Observer) error {
		open, scopes := f()
		o.ObserveInt64(tb.ProcessorAnomalyOpen, open)
		o.ObserveInt64(tb.ProcessorAnomalyScopes, scopes)
		return nil
	}, tb.ProcessorAnomalyOpen, tb.ProcessorAnomalyScopes)
	tb.registration = reg
	return err
}

// Shutdown unregisters the callbacks.
func (tb *TelemetryBuilder) Shutdown() {
	if tb.registration != nil {
		_ = tb.registration.Unregister()
		tb.registration = nil
	}
}
