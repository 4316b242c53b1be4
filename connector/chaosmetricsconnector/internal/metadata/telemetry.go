package metadata

import (
	"context"
	"errors"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/otel/metric"
)

// TelemetryBuilder holds the connector's own instruments.
type TelemetryBuilder struct {
	// ConnectorChaosMetricsRecords counts records read, by record and outcome.
	ConnectorChaosMetricsRecords metric.Int64Counter
	// ConnectorChaosMetricsDataPoints counts data points, by outcome.
	ConnectorChaosMetricsDataPoints metric.Int64Counter
	// ConnectorChaosMetricsLabelOverflows counts values replaced by _overflow, by label.
	ConnectorChaosMetricsLabelOverflows metric.Int64Counter
	// ConnectorChaosMetricsSeries is the series kept (observed through RegisterSeries).
	ConnectorChaosMetricsSeries metric.Int64ObservableGauge

	meter        metric.Meter
	registration metric.Registration
}

// NewTelemetryBuilder creates the instruments on the component's meter.
func NewTelemetryBuilder(settings component.TelemetrySettings) (*TelemetryBuilder, error) {
	tb := &TelemetryBuilder{meter: settings.MeterProvider.Meter(ScopeName)}
	var errs, err error
	tb.ConnectorChaosMetricsRecords, err = tb.meter.Int64Counter("otelcol_connector_chaos_metrics_records",
		metric.WithDescription("Records read, by record kind and outcome (converted, skipped, malformed). [development]"),
		metric.WithUnit("{records}"))
	errs = errors.Join(errs, err)
	tb.ConnectorChaosMetricsDataPoints, err = tb.meter.Int64Counter("otelcol_connector_chaos_metrics_data_points",
		metric.WithDescription("Data points handed to the metrics pipeline (emitted), or refused by it (refused). [development]"),
		metric.WithUnit("{data_points}"))
	errs = errors.Join(errs, err)
	tb.ConnectorChaosMetricsLabelOverflows, err = tb.meter.Int64Counter("otelcol_connector_chaos_metrics_label_overflows",
		metric.WithDescription("Label values beyond max_label_values, replaced by _overflow, by label. [development]"),
		metric.WithUnit("{values}"))
	errs = errors.Join(errs, err)
	tb.ConnectorChaosMetricsSeries, err = tb.meter.Int64ObservableGauge("otelcol_connector_chaos_metrics_series",
		metric.WithDescription("Series whose cumulative state the connector keeps. [development]"),
		metric.WithUnit("{series}"))
	errs = errors.Join(errs, err)
	return tb, errs
}

// RegisterSeries observes the series gauge through f until Shutdown.
func (tb *TelemetryBuilder) RegisterSeries(f func() int64) error {
	reg, err := tb.meter.RegisterCallback(func(_ context.Context, o metric.Observer) error {
		o.ObserveInt64(tb.ConnectorChaosMetricsSeries, f())
		return nil
	}, tb.ConnectorChaosMetricsSeries)
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
