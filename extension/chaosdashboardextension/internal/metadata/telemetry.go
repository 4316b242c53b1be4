package metadata

import (
	"context"
	"errors"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/otel/metric"
)

// TelemetryBuilder holds the extension's own instruments.
type TelemetryBuilder struct {
	// ExtensionChaosDashboardRecordsStored counts records stored, by kind.
	ExtensionChaosDashboardRecordsStored metric.Int64Counter
	// ExtensionChaosDashboardRecordsEvicted counts records dropped by
	// retention or the store's limits, by kind.
	ExtensionChaosDashboardRecordsEvicted metric.Int64Counter
	// ExtensionChaosDashboardRecordsRefused counts records not stored, by
	// reason.
	ExtensionChaosDashboardRecordsRefused metric.Int64Counter
	// ExtensionChaosDashboardSeries is the bucket series held.
	ExtensionChaosDashboardSeries metric.Int64ObservableGauge
	// ExtensionChaosDashboardStreamClients is the WebSocket clients
	// connected.
	ExtensionChaosDashboardStreamClients metric.Int64ObservableGauge
	// ExtensionChaosDashboardStreamDropped counts messages dropped from
	// full client queues.
	ExtensionChaosDashboardStreamDropped metric.Int64Counter
	// ExtensionChaosDashboardStreamCoalesced counts queued messages
	// replaced by a newer one.
	ExtensionChaosDashboardStreamCoalesced metric.Int64Counter
	// ExtensionChaosDashboardStreamDisconnects counts clients that left,
	// by reason.
	ExtensionChaosDashboardStreamDisconnects metric.Int64Counter

	meter        metric.Meter
	registration metric.Registration
}

// NewTelemetryBuilder creates the instruments on the component's meter.
func NewTelemetryBuilder(settings component.TelemetrySettings) (*TelemetryBuilder, error) {
	meter := settings.MeterProvider.Meter(ScopeName)
	tb := &TelemetryBuilder{meter: meter}
	var errs, err error
	tb.ExtensionChaosDashboardRecordsStored, err = meter.Int64Counter("otelcol_extension_chaos_dashboard_records_stored",
		metric.WithDescription("Records stored, by kind. [development]"), metric.WithUnit("{records}"))
	errs = errors.Join(errs, err)
	tb.ExtensionChaosDashboardRecordsEvicted, err = meter.Int64Counter("otelcol_extension_chaos_dashboard_records_evicted",
		metric.WithDescription("Records dropped from the store by retention or its limits, by kind. [development]"), metric.WithUnit("{records}"))
	errs = errors.Join(errs, err)
	tb.ExtensionChaosDashboardRecordsRefused, err = meter.Int64Counter("otelcol_extension_chaos_dashboard_records_refused",
		metric.WithDescription("Records not stored, by reason. [development]"), metric.WithUnit("{records}"))
	errs = errors.Join(errs, err)
	tb.ExtensionChaosDashboardSeries, err = meter.Int64ObservableGauge("otelcol_extension_chaos_dashboard_series",
		metric.WithDescription("Bucket series (scope, key, width) held. [development]"), metric.WithUnit("{series}"))
	errs = errors.Join(errs, err)
	tb.ExtensionChaosDashboardStreamClients, err = meter.Int64ObservableGauge("otelcol_extension_chaos_dashboard_stream_clients",
		metric.WithDescription("WebSocket clients connected. [development]"), metric.WithUnit("{clients}"))
	errs = errors.Join(errs, err)
	tb.ExtensionChaosDashboardStreamDropped, err = meter.Int64Counter("otelcol_extension_chaos_dashboard_stream_dropped",
		metric.WithDescription("Stream messages dropped from full client queues. [development]"), metric.WithUnit("{messages}"))
	errs = errors.Join(errs, err)
	tb.ExtensionChaosDashboardStreamCoalesced, err = meter.Int64Counter("otelcol_extension_chaos_dashboard_stream_coalesced",
		metric.WithDescription("Queued stream messages replaced by a newer one of the same type and scope. [development]"), metric.WithUnit("{messages}"))
	errs = errors.Join(errs, err)
	tb.ExtensionChaosDashboardStreamDisconnects, err = meter.Int64Counter("otelcol_extension_chaos_dashboard_stream_disconnects",
		metric.WithDescription("Stream clients that left, by reason. [development]"), metric.WithUnit("{clients}"))
	errs = errors.Join(errs, err)
	return tb, errs
}

// RegisterGauges observes the series and clients gauges through f until
// Shutdown.
func (tb *TelemetryBuilder) RegisterGauges(f func() (series, clients int64)) error {
	reg, err := tb.meter.RegisterCallback(func(_ context.Context, o metric.Observer) error {
		series, clients := f()
		o.ObserveInt64(tb.ExtensionChaosDashboardSeries, series)
		o.ObserveInt64(tb.ExtensionChaosDashboardStreamClients, clients)
		return nil
	}, tb.ExtensionChaosDashboardSeries, tb.ExtensionChaosDashboardStreamClients)
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
