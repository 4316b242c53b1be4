package coordinatorextension

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/confmap"
	"go.opentelemetry.io/collector/confmap/confmaptest"

	"github.com/otelcol-chaos/otelcol-chaos/extension/coordinatorextension/internal/metadata"
)

func load(t *testing.T, name string) (*Config, error) {
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
	require.Equal(t, BackendStandalone, def.Backend)

	custom, err := load(t, "custom")
	require.NoError(t, err)
	require.Equal(t, "collector-a", custom.NodeID)
	require.Equal(t, []string{"collector-a", "collector-b"}, custom.Priority)
	require.Equal(t, "127.0.0.1:14321", custom.Status.ServerConfig.NetAddr.Endpoint)
	require.Equal(t, "/status", custom.Status.Path)

	_, err = load(t, "etcd")
	require.ErrorIs(t, err, errNotYet, "a backend that is not built yet is refused at start, saying so")
}

func TestConfigStruct(t *testing.T) {
	require.NoError(t, componenttest.CheckConfigStruct(createDefaultConfig()))
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*Config)
		want   error
	}{
		{"unknown backend", func(c *Config) { c.Backend = "zookeeper" }, errBackend},
		{"kubernetes not yet", func(c *Config) { c.Backend = BackendKubernetes }, errNotYet},
		{"node id with space", func(c *Config) { c.NodeID = "node a" }, errNodeID},
		{"duplicate priority", func(c *Config) { c.Priority = []string{"a", "b", "a"} }, errPriorityDup},
		{"status path", func(c *Config) { c.Status.Path = "status" }, errStatusPath},
		{"status endpoint", func(c *Config) { c.Status.ServerConfig.NetAddr.Endpoint = "" }, errStatusEndpoint},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := createDefaultConfig().(*Config)
			tt.mutate(cfg)
			require.ErrorIs(t, cfg.Validate(), tt.want)
		})
	}
}
