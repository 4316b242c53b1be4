package metadata

import (
	"context"
	"errors"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
)

// TelemetryBuilder holds the processor's own instruments.
type TelemetryBuilder struct {
	// ProcessorChaosAnalyticsEvents counts chaos events by outcome
	// (aggregated, late, future, invalid).
	ProcessorChaosAnalyticsEvents metric.Int64Counter
	// ProcessorChaosAnalyticsSummaries counts chaos.bucket records by
	// direction (emitted, merged, unmergeable, invalid, dropped).
	ProcessorChaosAnalyticsSummaries metric.Int64Counter
	// ProcessorChaosAnalyticsObserved counts chaos.observed records by
	// outcome (merged, late, future, unmergeable, invalid).
	ProcessorChaosAnalyticsObserved metric.Int64Counter
	// ProcessorChaosAnalyticsScopeOverflows counts scopes that exceeded a
	// cardinality limit and went to the overflow scope, by scope kind.
	ProcessorChaosAnalyticsScopeOverflows metric.Int64Counter
	// ProcessorChaosAnalyticsForcedCloses counts early closes forced by
	// max_open_buckets.
	ProcessorChaosAnalyticsForcedCloses metric.Int64Counter
	// ProcessorChaosAnalyticsOpenBuckets is the open buckets, all scopes and widths.
	ProcessorChaosAnalyticsOpenBuckets metric.Int64ObservableGauge
	// ProcessorChaosAnalyticsScopes is the scopes tracked, by scope kind.
	ProcessorChaosAnalyticsScopes metric.Int64ObservableGauge
	// ProcessorChaosAnalyticsScopeLimit is the configured limit, by scope kind.
	ProcessorChaosAnalyticsScopeLimit metric.Int64ObservableGauge

	meter        metric.Meter
	registration metric.Registration
}

// NewTelemetryBuilder creates the instruments on the component's meter.
func NewTelemetryBuilder(settings component.TelemetrySettings) (*TelemetryBuilder, error) {
	meter := settings.MeterProvider.Meter(ScopeName)
	var errs, err error
	tb := &TelemetryBuilder{meter: meter}
	tb.ProcessorChaosAnalyticsEvents, err = meter.Int64Counter("otelcol_processor_chaos_analytics_events",
		metric.WithDescription("Chaos events seen, by outcome. [alpha]"), metric.WithUnit("{events}"))
	errs = errors.Join(errs, err)
	tb.ProcessorChaosAnalyticsSummaries, err = meter.Int64Counter("otelcol_processor_chaos_analytics_summaries",
		metric.WithDescription("chaos.bucket summaries, by outcome. [alpha]"), metric.WithUnit("{records}"))
	errs = errors.Join(errs, err)
	tb.ProcessorChaosAnalyticsObserved, err = meter.Int64Counter("otelcol_processor_chaos_analytics_observed",
		metric.WithDescription("chaos.observed records (a scope's own server spans) merged into buckets, by outcome. [development]"),
		metric.WithUnit("{records}"))
	errs = errors.Join(errs, err)
	tb.ProcessorChaosAnalyticsScopeOverflows, err = meter.Int64Counter("otelcol_processor_chaos_analytics_scope_overflows",
		metric.WithDescription("Events or summaries of scopes beyond a cardinality limit, aggregated under the overflow scope. [alpha]"), metric.WithUnit("{scopes}"))
	errs = errors.Join(errs, err)
	tb.ProcessorChaosAnalyticsForcedCloses, err = meter.Int64Counter("otelcol_processor_chaos_analytics_forced_closes",
		metric.WithDescription("Buckets closed early because max_open_buckets was reached. [alpha]"), metric.WithUnit("{closes}"))
	errs = errors.Join(errs, err)
	tb.ProcessorChaosAnalyticsOpenBuckets, err = meter.Int64ObservableGauge("otelcol_processor_chaos_analytics_open_buckets",
		metric.WithDescription("Open buckets, all scopes and widths. [alpha]"), metric.WithUnit("{buckets}"))
	errs = errors.Join(errs, err)
	tb.ProcessorChaosAnalyticsScopes, err = meter.Int64ObservableGauge("otelcol_processor_chaos_analytics_scopes",
		metric.WithDescription("Scopes tracked, by kind. [alpha]"), metric.WithUnit("{scopes}"))
	errs = errors.Join(errs, err)
	tb.ProcessorChaosAnalyticsScopeLimit, err = meter.Int64ObservableGauge("otelcol_processor_chaos_analytics_scope_limit",
		metric.WithDescription("Configured limit of scopes, by kind. [alpha]"), metric.WithUnit("{scopes}"))
	errs = errors.Join(errs, err)
	return tb, errs
}

// Gauges is what the asynchronous instruments observe.
type Gauges struct {
	OpenBuckets               int64
	Services, Endpoints       int64 // scopes tracked
	MaxServices, MaxEndpoints int64 // their configured limits
}

var (
	scopeService  = metric.WithAttributeSet(attribute.NewSet(attribute.String("scope", "service")))
	scopeEndpoint = metric.WithAttributeSet(attribute.NewSet(attribute.String("scope", "endpoint")))
)

// RegisterGauges observes the open_buckets, scopes and scope_limit gauges
// through f until Shutdown.
func (tb *TelemetryBuilder) RegisterGauges(f func() Gauges) error {
	reg, err := tb.meter.RegisterCallback(func(_ context.Context, o metric.Observer) error {
		g := f()
		o.ObserveInt64(tb.ProcessorChaosAnalyticsOpenBuckets, g.OpenBuckets)
		o.ObserveInt64(tb.ProcessorChaosAnalyticsScopes, g.Services, scopeService)
		o.ObserveInt64(tb.ProcessorChaosAnalyticsScopes, g.Endpoints, scopeEndpoint)
		o.ObserveInt64(tb.ProcessorChaosAnalyticsScopeLimit, g.MaxServices, scopeService)
		o.ObserveInt64(tb.ProcessorChaosAnalyticsScopeLimit, g.MaxEndpoints, scopeEndpoint)
		return nil
	}, tb.ProcessorChaosAnalyticsOpenBuckets, tb.ProcessorChaosAnalyticsScopes, tb.ProcessorChaosAnalyticsScopeLimit)
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
