package metadata

import (
	"errors"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/otel/metric"
)

// TelemetryBuilder holds the connector's own instruments.
type TelemetryBuilder struct {
	// ConnectorChaosSpansSpans counts spans read, by outcome.
	ConnectorChaosSpansSpans metric.Int64Counter
	// ConnectorChaosSpansMalformedSpans counts server spans skipped, by reason.
	ConnectorChaosSpansMalformedSpans metric.Int64Counter
	// ConnectorChaosSpansMalformedThresholds counts spans whose tracestate
	// threshold could not be read (counted once).
	ConnectorChaosSpansMalformedThresholds metric.Int64Counter
	// ConnectorChaosSpansRecords counts chaos.observed records, by outcome.
	ConnectorChaosSpansRecords metric.Int64Counter
	// ConnectorChaosSpansScopeOverflows counts spans counted under _overflow, by scope.
	ConnectorChaosSpansScopeOverflows metric.Int64Counter
}

// NewTelemetryBuilder creates the instruments on the component's meter.
func NewTelemetryBuilder(settings component.TelemetrySettings) (*TelemetryBuilder, error) {
	meter := settings.MeterProvider.Meter(ScopeName)
	tb := &TelemetryBuilder{}
	var errs, err error
	tb.ConnectorChaosSpansSpans, err = meter.Int64Counter("otelcol_connector_chaos_spans_spans",
		metric.WithDescription("Spans read, by outcome (counted, not_server, malformed). [development]"),
		metric.WithUnit("{spans}"))
	errs = errors.Join(errs, err)
	tb.ConnectorChaosSpansMalformedSpans, err = meter.Int64Counter("otelcol_connector_chaos_spans_malformed_spans",
		metric.WithDescription("Server spans skipped, by reason (no_service, no_time, end_before_start, invalid_duration). [development]"),
		metric.WithUnit("{spans}"))
	errs = errors.Join(errs, err)
	tb.ConnectorChaosSpansMalformedThresholds, err = meter.Int64Counter("otelcol_connector_chaos_spans_malformed_thresholds",
		metric.WithDescription("Spans whose tracestate sampling threshold (ot=th) is malformed, counted as unsampled. [development]"),
		metric.WithUnit("{spans}"))
	errs = errors.Join(errs, err)
	tb.ConnectorChaosSpansRecords, err = meter.Int64Counter("otelcol_connector_chaos_spans_records",
		metric.WithDescription("chaos.observed records handed on (emitted), refused and kept for a retry (refused), or dropped with a full retry buffer (dropped). [development]"),
		metric.WithUnit("{records}"))
	errs = errors.Join(errs, err)
	tb.ConnectorChaosSpansScopeOverflows, err = meter.Int64Counter("otelcol_connector_chaos_spans_scope_overflows",
		metric.WithDescription("Spans counted under the _overflow key of a scope kind past its limit, by scope. [development]"),
		metric.WithUnit("{spans}"))
	errs = errors.Join(errs, err)
	return tb, errs
}
