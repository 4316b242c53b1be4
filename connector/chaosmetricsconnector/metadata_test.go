package chaosmetricsconnector

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/consumer/consumertest"

	"github.com/otelcol-chaos/otelcol-chaos/connector/chaosmetricsconnector/internal/metadata"
	"github.com/otelcol-chaos/otelcol-chaos/internal/chaosconv"
	"github.com/otelcol-chaos/otelcol-chaos/internal/metadatatest"
)

// TestMetadata checks the hand-written internal/metadata package, the
// instruments and the README against metadata.yaml, the single source
// mdatagen would generate them from.
func TestMetadata(t *testing.T) {
	md := metadatatest.Load(t, ".")
	metadatatest.CheckStatus(t, md, "connector", metadata.Type,
		map[string]component.StabilityLevel{"logs_to_metrics": metadata.LogsToMetricsStability})

	// Exercise every instrument, then compare each with its declaration.
	cfg := defaultConfig()
	cfg.MaxLabelValues = 1
	c := newTestConnector(t, cfg, new(consumertest.MetricsSink))
	r := newRecords().
		bucket(chaosBucket(chaosconv.ScopeService, "a", minute(0), time.Minute, 20)).
		bucket(chaosBucket(chaosconv.ScopeService, "b", minute(0), time.Minute, 20))
	r.raw().SetEventName(chaosconv.RecordHealth) // malformed
	require.NoError(t, c.ConsumeLogs(context.Background(), r.ld))

	require.Len(t, md.Metrics(), 4)
	metadatatest.CheckTelemetry(t, md, c.tel, metadata.ScopeName)
}
