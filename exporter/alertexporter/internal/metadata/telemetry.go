package metadata

import (
	"context"
	"errors"
	"sync"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/metric/embedded"
)

// TelemetryBuilder holds the exporter's own instruments.
type TelemetryBuilder struct {
	// ExporterAlertAlerts is the alerts by state (observed through
	// RegisterExporterAlertAlertsCallback).
	ExporterAlertAlerts metric.Int64ObservableGauge
	// ExporterAlertNotificationsSent counts notifications delivered, by handler.
	ExporterAlertNotificationsSent metric.Int64Counter
	// ExporterAlertNotificationsFailed counts notifications given up on, by handler.
	ExporterAlertNotificationsFailed metric.Int64Counter
	// ExporterAlertNotificationsDropped counts notifications dropped on a full queue, by handler.
	ExporterAlertNotificationsDropped metric.Int64Counter
	// ExporterAlertBadRecords counts records of a known kind that did not decode.
	ExporterAlertBadRecords metric.Int64Counter
	// ExporterAlertEvaluationDuration is the time to evaluate every rule once.
	ExporterAlertEvaluationDuration metric.Float64Histogram
	// ExporterAlertAborts counts the abort handlers' outcomes, by target and outcome.
	ExporterAlertAborts metric.Int64Counter

	meter         metric.Meter
	mu            sync.Mutex
	registrations []metric.Registration
}

// NewTelemetryBuilder creates the instruments on the component's meter.
func NewTelemetryBuilder(settings component.TelemetrySettings) (*TelemetryBuilder, error) {
	tb := &TelemetryBuilder{meter: settings.MeterProvider.Meter(ScopeName)}
	var errs, err error
	tb.ExporterAlertAlerts, err = tb.meter.Int64ObservableGauge("otelcol_exporter_alert_alerts",
		metric.WithDescription("Alerts by state (pending, firing, resolved within retention). [development]"),
		metric.WithUnit("{alerts}"))
	errs = errors.Join(errs, err)
	tb.ExporterAlertNotificationsSent, err = tb.meter.Int64Counter("otelcol_exporter_alert_notifications_sent",
		metric.WithDescription("Notifications delivered, by handler. [development]"),
		metric.WithUnit("{notifications}"))
	errs = errors.Join(errs, err)
	tb.ExporterAlertNotificationsFailed, err = tb.meter.Int64Counter("otelcol_exporter_alert_notifications_failed",
		metric.WithDescription("Notifications given up on (permanent error or retries exhausted), by handler. [development]"),
		metric.WithUnit("{notifications}"))
	errs = errors.Join(errs, err)
	tb.ExporterAlertNotificationsDropped, err = tb.meter.Int64Counter("otelcol_exporter_alert_notifications_dropped",
		metric.WithDescription("Notifications dropped because the handler's queue was full, by handler. [development]"),
		metric.WithUnit("{notifications}"))
	errs = errors.Join(errs, err)
	tb.ExporterAlertBadRecords, err = tb.meter.Int64Counter("otelcol_exporter_alert_bad_records",
		metric.WithDescription("Records of a known kind that did not decode. [development]"),
		metric.WithUnit("{records}"))
	errs = errors.Join(errs, err)
	tb.ExporterAlertEvaluationDuration, err = tb.meter.Float64Histogram("otelcol_exporter_alert_evaluation_duration",
		metric.WithDescription("Time to evaluate every rule once. [development]"),
		metric.WithUnit("s"),
		metric.WithExplicitBucketBoundaries(0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5))
	errs = errors.Join(errs, err)
	tb.ExporterAlertAborts, err = tb.meter.Int64Counter("otelcol_exporter_alert_aborts",
		metric.WithDescription("Chaos stops by the abort handlers, by target kind and outcome. [development]"),
		metric.WithUnit("{aborts}"))
	errs = errors.Join(errs, err)
	return tb, errs
}

// RegisterExporterAlertAlertsCallback observes the alerts gauge through cb until Shutdown.
func (tb *TelemetryBuilder) RegisterExporterAlertAlertsCallback(cb metric.Int64Callback) error {
	inst := tb.ExporterAlertAlerts
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

// int64Observer hands one instrument's observations to the meter's observer.
type int64Observer struct {
	embedded.Int64Observer
	inst metric.Int64Observable
	obs  metric.Observer
}

func (o int64Observer) Observe(v int64, opts ...metric.ObserveOption) {
	o.obs.ObserveInt64(o.inst, v, opts...)
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
