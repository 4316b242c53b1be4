package coordinatorextension

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/extension/extensiontest"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	"github.com/otelcol-chaos/otelcol-chaos/extension/coordinatorextension/internal/metadata"
	"github.com/otelcol-chaos/otelcol-chaos/internal/etcdtest"
	"github.com/otelcol-chaos/otelcol-chaos/internal/metadatatest"
)

// TestMetadata checks the hand-kept internal/metadata package and the
// README against metadata.yaml, the single source mdatagen would generate
// them from: identity and stability here, the telemetry in
// TestMetadataTelemetry.
func TestMetadata(t *testing.T) {
	md := metadatatest.Load(t, ".")
	metadatatest.CheckStatus(t, md, "extension", metadata.Type,
		map[string]component.StabilityLevel{"extension": metadata.ExtensionStability})
}

// TestMetadataTelemetry runs a coordinator on a real etcd member until it
// leads and has heartbeated, then compares every instrument it exports
// with its declaration, and the README's telemetry table with both.
func TestMetadataTelemetry(t *testing.T) {
	if testing.Short() {
		t.Skip("starts an etcd member")
	}
	md := metadatatest.Load(t, ".")
	cluster := etcdtest.Start(t, 1)
	defer cluster.Close()
	tel := componenttest.NewTelemetry()
	defer func() { require.NoError(t, tel.Shutdown(context.Background())) }()
	set := extensiontest.NewNopSettings(metadata.Type)
	set.TelemetrySettings = tel.NewTelemetrySettings()
	ext, err := NewFactory().Create(context.Background(), set, etcdTestConfig(cluster.Endpoints, "solo", 2*time.Second))
	require.NoError(t, err)
	require.NoError(t, ext.Start(context.Background(), componenttest.NewNopHost()))
	defer func() { require.NoError(t, ext.Shutdown(context.Background())) }()
	c := ext.(*coordinator)
	require.Eventually(t, func() bool {
		return c.IsLeader() && memberStatus(c, "solo") == StatusActive && c.hb.sent.Load() > 0
	}, 10*time.Second, 10*time.Millisecond)

	require.Len(t, md.Metrics(), 6)
	// Every instrument is observed by the coordinator's callback.
	for key, m := range md.Metrics() {
		require.True(t, m.Async(), "%s is declared async", key)
	}
	metadatatest.CheckTelemetry(t, md, tel, metadata.ScopeName)
	require.Equal(t, int64(1), gaugeValue(t, tel, "otelcol_extension_coordinator_is_leader"))
	require.Equal(t, int64(c.Term()), gaugeValue(t, tel, "otelcol_extension_coordinator_term"))
}

func gaugeValue(t *testing.T, tel *componenttest.Telemetry, name string) int64 {
	t.Helper()
	m, err := tel.GetMetric(name)
	require.NoError(t, err)
	return m.Data.(metricdata.Gauge[int64]).DataPoints[0].Value
}
