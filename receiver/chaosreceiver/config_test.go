package chaosreceiver

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/confmap"
	"go.opentelemetry.io/collector/confmap/confmaptest"

	"github.com/otelcol-chaos/otelcol-chaos/internal/chaosconv"
	"github.com/otelcol-chaos/otelcol-chaos/receiver/chaosreceiver/internal/metadata"
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
				require.Equal(t, "localhost:4320", cfg.ServerConfig.NetAddr.Endpoint)
				require.Equal(t, "/v1/chaos/events", cfg.EventsPath)
				require.Equal(t, "/v1/chaos/health", cfg.HealthPath)
				require.Equal(t, "/v1/chaostoolkit/journal", cfg.ChaosToolkitPath)
				require.Equal(t, 10_000, cfg.MaxEventsPerRequest)
				require.Equal(t, 5*time.Second, cfg.RetryAfter)
				require.Equal(t, map[string]string{"X-Chaos-Service": chaosconv.AttrServiceName}, cfg.ResourceFromHeaders)
			},
		},
		{
			id: component.NewIDWithName(metadata.Type, "custom"),
			check: func(t *testing.T, cfg *Config) {
				require.Equal(t, "0.0.0.0:9411", cfg.ServerConfig.NetAddr.Endpoint)
				require.Equal(t, "/events", cfg.EventsPath)
				require.Equal(t, "/healthz", cfg.HealthPath)
				require.Equal(t, "/ctk/journal", cfg.ChaosToolkitPath)
				require.Equal(t, 500, cfg.MaxEventsPerRequest)
				require.Equal(t, 10*time.Second, cfg.RetryAfter)
				require.Equal(t, int64(1<<20), cfg.ServerConfig.MaxRequestBodySize)
				require.Equal(t, map[string]string{"deployment.environment.name": "staging", "team": "sre"}, cfg.ResourceAttributes)
				// The default header mapping is kept beside the configured one.
				require.Equal(t, map[string]string{"X-Chaos-Service": chaosconv.AttrServiceName, "X-Tenant": "tenant.id"}, cfg.ResourceFromHeaders)
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
		{"empty endpoint", func(c *Config) { c.ServerConfig.NetAddr.Endpoint = " " }, errEndpointEmpty},
		{"relative events path", func(c *Config) { c.EventsPath = "events" }, errPathInvalid},
		{"health path with query", func(c *Config) { c.HealthPath = "/health?x=1" }, errPathInvalid},
		{"same paths", func(c *Config) { c.HealthPath = c.EventsPath }, errPathsCollide},
		{"relative chaostoolkit path", func(c *Config) { c.ChaosToolkitPath = "journal" }, errPathInvalid},
		{"empty chaostoolkit path", func(c *Config) { c.ChaosToolkitPath = "" }, errPathInvalid},
		{"chaostoolkit path is the events path", func(c *Config) { c.ChaosToolkitPath = c.EventsPath }, errPathTaken},
		{"chaostoolkit path is the health path", func(c *Config) { c.ChaosToolkitPath = c.HealthPath }, errPathTaken},
		{"negative max events", func(c *Config) { c.MaxEventsPerRequest = -1 }, errNegativeLimit},
		{"sub-second retry_after", func(c *Config) { c.RetryAfter = 500 * time.Millisecond }, errRetryAfter},
		{"negative body size", func(c *Config) { c.ServerConfig.MaxRequestBodySize = -1 }, errNegativeBodyMx},
		{"empty resource key", func(c *Config) { c.ResourceAttributes = map[string]string{"": "x"} }, errEmptyAttrKey},
		{"bad header name", func(c *Config) { c.ResourceFromHeaders = map[string]string{"X Bad": "k"} }, errBadHeaderName},
		{"header to empty key", func(c *Config) { c.ResourceFromHeaders = map[string]string{"X-Ok": ""} }, errEmptyAttrKey},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := createDefaultConfig().(*Config)
			tt.mutate(cfg)
			err := cfg.Validate()
			require.ErrorIs(t, err, tt.want)
			if strings.HasPrefix(tt.name, "chaostoolkit") || strings.Contains(tt.name, "chaostoolkit path") {
				require.Contains(t, err.Error(), "chaostoolkit_path", "the message names the key")
			}
		})
	}
	require.NoError(t, createDefaultConfig().(*Config).Validate())
}
