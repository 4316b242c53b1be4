package chaosanalyticsprocessor

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/consumer/consumertest"

	"github.com/otelcol-chaos/otelcol-chaos/internal/metadatatest"
	"github.com/otelcol-chaos/otelcol-chaos/processor/chaosanalyticsprocessor/internal/metadata"
)

// TestMetadata checks the hand-kept internal/metadata package, the
// instruments and the README against metadata.yaml, the single source
// mdatagen would generate them from.
func TestMetadata(t *testing.T) {
	md := metadatatest.Load(t, ".")
	metadatatest.CheckStatus(t, md, "processor", metadata.Type,
		map[string]component.StabilityLevel{"logs": metadata.LogsStability})

	// Exercise every instrument: four endpoints against a limit of two
	// (overflows), a third open bucket against a limit of two (a forced
	// close, emitted), a late event and one beyond max_future_skew.
	p := newTestProcessor(t, new(consumertest.LogsSink), func(c *Config) {
		c.Limits.MaxEndpoints = 2
		c.Limits.MaxOpenBuckets = 2
	})
	ctx := context.Background()
	require.NoError(t, p.ConsumeLogs(ctx, eventLogs("", lat(90*time.Second, 1, "/a"), lat(91*time.Second, 1, "/b"),
		lat(92*time.Second, 1, "/c"), lat(93*time.Second, 1, "/d"))))
	require.NoError(t, p.ConsumeLogs(ctx, eventLogs("", lat(150*time.Second, 1, ""))))
	require.NoError(t, p.ConsumeLogs(ctx, eventLogs("", lat(5*time.Minute, 1, ""))))
	require.NoError(t, p.ConsumeLogs(ctx, observedLogs(t0.Add(5*time.Minute), time.Minute, 20, 800))) // merged
	require.NoError(t, p.ConsumeLogs(ctx, eventLogs("", lat(10*time.Second, 1, ""))))                 // late
	p.clock.Set(t0)
	require.NoError(t, p.ConsumeLogs(ctx, eventLogs("", lat(time.Hour, 1, "")))) // beyond max_future_skew

	require.Len(t, md.Metrics(), 8)
	metadatatest.CheckTelemetry(t, md, p.tel, metadata.ScopeName)

	// Shutdown unregisters the gauges' callback.
	require.NoError(t, p.Shutdown(ctx))
	_, err := p.tel.GetMetric("otelcol_processor_chaos_analytics_open_buckets")
	require.Error(t, err, "observed after Shutdown")
}
