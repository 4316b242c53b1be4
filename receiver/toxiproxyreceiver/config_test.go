package toxiproxyreceiver

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/confmap"
	"go.opentelemetry.io/collector/confmap/confmaptest"

	"github.com/otelcol-chaos/otelcol-chaos/receiver/toxiproxyreceiver/internal/metadata"
)

func TestLoadConfig(t *testing.T) {
	cm, err := confmaptest.LoadConf(filepath.Join("testdata", "config.yaml"))
	require.NoError(t, err)

	tests := []struct {
		id    component.ID
		check func(t *testing.T, cfg *Config)
	}{
		{
			id: component.NewID(metadata.Type),
			check: func(t *testing.T, cfg *Config) {
				require.Equal(t, "http://localhost:8474", cfg.ClientConfig.Endpoint)
				require.Equal(t, time.Second, cfg.PollInterval)
				require.Equal(t, 5*time.Second, cfg.ClientConfig.Timeout)
				require.Empty(t, cfg.Services)
				require.Equal(t, "redis", cfg.serviceOf("redis"), "a proxy is its own service by default")
			},
		},
		{
			id: component.NewIDWithName(metadata.Type, "custom"),
			check: func(t *testing.T, cfg *Config) {
				require.Equal(t, "https://toxiproxy.chaos.svc:8474", cfg.ClientConfig.Endpoint)
				require.Equal(t, 5*time.Second, cfg.PollInterval)
				require.Equal(t, 2*time.Second, cfg.ClientConfig.Timeout)
				require.Equal(t, map[string]string{"redis": "cache", "api_upstream": "checkout"}, cfg.Services)
				require.Equal(t, "cache", cfg.serviceOf("redis"))
				require.Equal(t, "web", cfg.serviceOf("web"))
				v, ok := cfg.ClientConfig.Headers.Get("X-Team")
				require.True(t, ok)
				require.Equal(t, "sre", string(v))
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.id.String(), func(t *testing.T) {
			cfg := NewFactory().CreateDefaultConfig().(*Config)
			sub, err := cm.Sub(tt.id.String())
			require.NoError(t, err)
			require.NoError(t, sub.Unmarshal(cfg))
			require.NoError(t, confmap.Validate(cfg))
			tt.check(t, cfg)
		})
	}
}

func TestConfigStruct(t *testing.T) {
	require.NoError(t, componenttest.CheckConfigStruct(NewFactory().CreateDefaultConfig()))
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*Config)
		want   error
	}{
		{"empty endpoint", func(c *Config) { c.ClientConfig.Endpoint = " " }, errEndpointEmpty},
		{"endpoint without scheme", func(c *Config) { c.ClientConfig.Endpoint = "localhost:8474" }, errEndpointInvalid},
		{"endpoint of another scheme", func(c *Config) { c.ClientConfig.Endpoint = "tcp://localhost:8474" }, errEndpointInvalid},
		{"endpoint without host", func(c *Config) { c.ClientConfig.Endpoint = "http://" }, errEndpointInvalid},
		{"zero poll interval", func(c *Config) { c.PollInterval = 0 }, errPollInterval},
		{"negative timeout", func(c *Config) { c.ClientConfig.Timeout = -time.Second }, errTimeout},
		{"empty proxy name", func(c *Config) { c.Services = map[string]string{"": "x"} }, errEmptyProxyName},
		{"empty service", func(c *Config) { c.Services = map[string]string{"redis": ""} }, errEmptyService},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := createDefaultConfig().(*Config)
			tt.mutate(cfg)
			require.ErrorIs(t, cfg.Validate(), tt.want)
		})
	}
	require.NoError(t, createDefaultConfig().(*Config).Validate())
}
