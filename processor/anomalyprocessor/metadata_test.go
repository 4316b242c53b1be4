package anomalyprocessor

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"

	"github.com/otelcol-chaos/otelcol-chaos/internal/metadatatest"
	"github.com/otelcol-chaos/otelcol-chaos/processor/anomalyprocessor/internal/metadata"
)

// TestMetadata checks the hand-kept internal/metadata package, the
// instruments and the README against metadata.yaml, the single source
// mdatagen would generate them from.
func TestMetadata(t *testing.T) {
	md := metadatatest.Load(t, ".")
	metadatatest.CheckStatus(t, md, "processor", metadata.Type,
		map[string]component.StabilityLevel{"logs": metadata.LogsStability})

	// Exercise every instrument: a steady series, a spike (an anomaly
	// opens, records are emitted), a duplicate (ignored) and two missing
	// minutes (empty buckets).
	p, tel := spikedProcessor(t)
	ctx := context.Background()
	require.NoError(t, p.ConsumeLogs(ctx, bucketLogs(23, 5000))) // minutes 21 and 22 are empty

	require.Len(t, md.Metrics(), 5)
	metadatatest.CheckTelemetry(t, md, tel, metadata.ScopeName)

	// Shutdown unregisters the gauges' callback.
	require.NoError(t, p.Shutdown(ctx))
	_, err := tel.GetMetric("otelcol_processor_anomaly_open")
	require.Error(t, err, "observed after Shutdown")
}
