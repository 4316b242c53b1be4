package chaosdashboardextension

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/confmap"
	"go.opentelemetry.io/collector/confmap/confmaptest"

	"github.com/otelcol-chaos/otelcol-chaos/extension/chaosdashboardextension/internal/metadata"
	"github.com/otelcol-chaos/otelcol-chaos/extension/chaosdashboardextension/internal/store"
)

func load(t *testing.T, name string) (*Config, error) {
	t.Helper()
	cm, err := confmaptest.LoadConf(filepath.Join("testdata", "config.yaml"))
	require.NoError(t, err)
	cfg := createDefaultConfig().(*Config)
	id := component.NewID(metadata.Type)
	if name != "" {
		id = component.NewIDWithName(metadata.Type, name)
	}
	sub, err := cm.Sub(id.String())
	require.NoError(t, err)
	require.NoError(t, sub.Unmarshal(cfg))
	return cfg, confmap.Validate(cfg)
}

func TestLoadConfig(t *testing.T) {
	def, err := load(t, "")
	require.NoError(t, err)
	require.Equal(t, createDefaultConfig(), def)
	require.Equal(t, "localhost:4323", def.ServerConfig.NetAddr.Endpoint, "localhost only unless configured")

	custom, err := load(t, "custom")
	require.NoError(t, err)
	require.Equal(t, "0.0.0.0:9323", custom.ServerConfig.NetAddr.Endpoint)
	require.Equal(t, "coordinator", custom.Coordinator.String())
	require.Equal(t, 2*time.Second, custom.LeadershipPollInterval)
	require.Equal(t, 48*time.Hour, custom.Store.Retention)
	require.Equal(t, 2*time.Hour, custom.Store.ScopeRetention)
	require.Equal(t, 200, custom.Store.MaxSeries)
	require.Equal(t, 500, custom.Store.MaxAnomalies)
	require.Equal(t, 100, custom.Store.AlertHistory)
	require.Equal(t, 50, custom.Store.MaxScenarios)
	require.Equal(t, 64, custom.Stream.QueueSize)
	require.Equal(t, 5*time.Second, custom.Stream.WriteTimeout)
	require.Equal(t, 30*time.Second, custom.Stream.KeepaliveInterval)
	require.Equal(t, []string{"grafana.example.com"}, custom.Stream.AllowedOrigins)
	require.Equal(t, 500*time.Millisecond, custom.Impact.LatencyBudget)
	require.Equal(t, 10, custom.Impact.TopEndpoints)
}

func TestValidateNamesEveryBadKey(t *testing.T) {
	_, err := load(t, "bad")
	require.Error(t, err)
	for _, want := range []error{errNoEndpoint, errPollInterval, errLatencyBudget, errTopEndpoints} {
		require.ErrorIs(t, err, want)
	}
	require.ErrorIs(t, err, store.ErrNegative)
	for _, key := range []string{"store: ", "max_series", "max_scenarios", "stream: ", "queue_size"} {
		require.ErrorContains(t, err, key)
	}
}
