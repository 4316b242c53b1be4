package metadata

import (
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
}

// NewTelemetryBuilder creates the instruments on the component's meter.
func NewTelemetryBuilder(settings component.TelemetrySettings) (*TelemetryBuilder, metric.Meter, error) {
	meter := settings.MeterProvider.Meter(ScopeName)
	var errs, err error
	tb := &TelemetryBuilder{}
	tb.ProcessorAnomalySummaries, err = meter.Int64Counter("otelcol_processor_anomaly_summaries",
		metric.WithDescription("chaos.bucket summaries seen, by outcome. [development]"), metric.WithUnit("{records}"))
	errs = errors.Join(errs, err)
	tb.ProcessorAnomalyEmptyBuckets, err = meter.Int64Counter("otelcol_processor_anomaly_empty_buckets",
		metric.WithDescription("Buckets taken as empty because a scope sent nothing. [development]"), metric.WithUnit("{buckets}"))
	errs = errors.Join(errs, err)
	tb.ProcessorAnomalyRecords, err = meter.Int64Counter("otelcol_processor_anomaly_records",
		metric.WithDescription("Derived records, by kind and outcome. [development]"), metric.WithUnit("{records}"))
	errs = errors.Join(errs, err)
	tb.ProcessorAnomalyOpen, err = meter.Int64ObservableGauge("otelcol_processor_anomaly_open",
		metric.WithDescription("Anomalies open now. [development]"), metric.WithUnit("{anomalies}"))
	errs = errors.Join(errs, err)
	tb.ProcessorAnomalyScopes, err = meter.Int64ObservableGauge("otelcol_processor_anomaly_scopes",
		metric.WithDescription("Scopes tracked. [development]"), metric.WithUnit("{scopes}"))
	errs = errors.Join(errs, err)
	return tb, meter, errs
}
