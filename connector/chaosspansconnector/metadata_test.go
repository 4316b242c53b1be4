package chaosspansconnector

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"

	"github.com/otelcol-chaos/otelcol-chaos/connector/chaosspansconnector/internal/metadata"
	"github.com/otelcol-chaos/otelcol-chaos/internal/metadatatest"
)

// TestMetadata checks the hand-written internal/metadata package, the
// instruments and the README against metadata.yaml, the single source
// mdatagen would generate them from.
func TestMetadata(t *testing.T) {
	md := metadatatest.Load(t, ".")
	metadatatest.CheckStatus(t, md, "connector", metadata.Type,
		map[string]component.StabilityLevel{"traces_to_logs": metadata.TracesToLogsStability})

	// Exercise every instrument, then compare each with its declaration.
	cfg := defaultConfig()
	cfg.Limits.MaxServices = 1
	cfg.Limits.MaxEndpoints = 1
	next := &flaky{n: 1}
	c := newTestConnector(t, cfg, next)
	ctx := context.Background()
	require.NoError(t, c.ConsumeTraces(ctx, traces(
		span{service: "a", route: "/1", durMs: 1, tracestate: "ot=th:zz"},
		span{service: "b", route: "/2", durMs: 1},
		span{service: "", durMs: 1},
		span{service: "a", kind: 3, durMs: 1},
		span{service: "a", noStart: true, end: minute(0)},
		span{service: "a", start: minute(0) + 2, end: minute(0) + 1},
		span{service: "a", start: 1, end: minute(0)}, // ≈ 56 years: above the sketch's range
	)))
	c.flush(ctx) // refused
	c.flush(ctx) // emitted

	require.Len(t, md.Metrics(), 5)
	metadatatest.CheckTelemetry(t, md, c.tel, metadata.ScopeName)
	for _, r := range reasonNames {
		require.Positive(t, c.malformedSpans(t, r), r)
	}
}
