package chaosanalyticsprocessor

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
)

func valueFor[N int64 | float64](t *testing.T, dps []metricdata.DataPoint[N], key, value string) N {
	t.Helper()
	for _, dp := range dps {
		if v, ok := dp.Attributes.Value(attribute.Key(key)); ok && v.AsString() == value {
			return dp.Value
		}
	}
	t.Fatalf("no data point with %s=%s", key, value)
	return 0
}

func TestTelemetryShowsLimitsOverflowsAndLateness(t *testing.T) {
	p := newTestProcessor(t, new(consumertest.LogsSink), func(c *Config) { c.Limits.MaxEndpoints = 2 })
	ctx := context.Background()
	require.NoError(t, p.ConsumeLogs(ctx, eventLogs("", lat(90*time.Second, 1, "/a"), lat(91*time.Second, 1, "/b"),
		lat(92*time.Second, 1, "/c"), lat(93*time.Second, 1, "/d"))))
	require.NoError(t, p.ConsumeLogs(ctx, eventLogs("", lat(5*time.Minute, 1, ""))))
	require.NoError(t, p.ConsumeLogs(ctx, eventLogs("", lat(10*time.Second, 1, "")))) // late
	p.clock.Set(t0)
	require.NoError(t, p.ConsumeLogs(ctx, eventLogs("", lat(time.Hour, 1, "")))) // beyond max_future_skew

	events, err := p.tel.GetMetric("otelcol_processor_chaos_analytics_events")
	require.NoError(t, err)
	dps := events.Data.(metricdata.Sum[int64]).DataPoints
	require.Equal(t, int64(5), valueFor(t, dps, "outcome", "aggregated"))
	require.Equal(t, int64(1), valueFor(t, dps, "outcome", "late"))
	require.Equal(t, int64(1), valueFor(t, dps, "outcome", "future"))

	overflow, err := p.tel.GetMetric("otelcol_processor_chaos_analytics_scope_overflows")
	require.NoError(t, err)
	require.Equal(t, int64(2), valueFor(t, overflow.Data.(metricdata.Sum[int64]).DataPoints, "scope", "endpoint"))

	scopes, err := p.tel.GetMetric("otelcol_processor_chaos_analytics_scopes")
	require.NoError(t, err)
	require.Equal(t, int64(3), valueFor(t, scopes.Data.(metricdata.Gauge[int64]).DataPoints, "scope", "endpoint"), "/a, /b and _overflow")
	limit, err := p.tel.GetMetric("otelcol_processor_chaos_analytics_scope_limit")
	require.NoError(t, err)
	require.Equal(t, int64(2), valueFor(t, limit.Data.(metricdata.Gauge[int64]).DataPoints, "scope", "endpoint"))
	open, err := p.tel.GetMetric("otelcol_processor_chaos_analytics_open_buckets")
	require.NoError(t, err)
	require.Positive(t, open.Data.(metricdata.Gauge[int64]).DataPoints[0].Value)

	summaries, err := p.tel.GetMetric("otelcol_processor_chaos_analytics_summaries")
	require.NoError(t, err)
	require.Positive(t, valueFor(t, summaries.Data.(metricdata.Sum[int64]).DataPoints, "outcome", "emitted"))
}
