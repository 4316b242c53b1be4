package chaosspansconnector

import (
	"math"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/confmap"
	"go.opentelemetry.io/collector/confmap/confmaptest"

	"github.com/otelcol-chaos/otelcol-chaos/connector/chaosspansconnector/internal/metadata"
)

func loadConfig(t *testing.T, name string) (*Config, error) {
	t.Helper()
	cm, err := confmaptest.LoadConf(filepath.Join("testdata", "config.yaml"))
	require.NoError(t, err)
	cfg := createDefaultConfig().(*Config)
	sub, err := cm.Sub(component.NewIDWithName(metadata.Type, name).String())
	require.NoError(t, err)
	require.NoError(t, sub.Unmarshal(cfg))
	return cfg, confmap.Validate(cfg)
}

func TestLoadConfig(t *testing.T) {
	def, err := loadConfig(t, "")
	require.NoError(t, err)
	require.Equal(t, createDefaultConfig(), def)
	require.Equal(t, time.Minute, def.Width)
	require.Equal(t, 2*time.Second, def.FlushInterval)
	require.Equal(t, 1.0, def.DefaultSamplingRate)

	custom, err := loadConfig(t, "custom")
	require.NoError(t, err)
	require.Equal(t, 5*time.Minute, custom.Width)
	require.Equal(t, 30*time.Second, custom.FlushInterval)
	require.Equal(t, "agent-1", custom.ProducerID)
	require.Equal(t, 0.25, custom.DefaultSamplingRate)
	require.Equal(t, LimitsConfig{MaxServices: 20, MaxEndpoints: 200, MaxPending: 5000}, custom.Limits)

	_, err = loadConfig(t, "bad")
	for _, want := range []error{errWidth, errFlushInterval, errSamplingRate, errLimit, errMaxPending} {
		require.ErrorIs(t, err, want)
	}
	require.ErrorContains(t, err, "width must be a whole number of seconds > 0 (got 1.5s)")
}

func TestConfigStruct(t *testing.T) {
	require.NoError(t, componenttest.CheckConfigStruct(createDefaultConfig()))
}

func TestValidate(t *testing.T) {
	for _, tc := range []struct {
		name   string
		mutate func(*Config)
		want   error
	}{
		{"zero width", func(c *Config) { c.Width = 0 }, errWidth},
		{"fractional width", func(c *Config) { c.Width = 1500 * time.Millisecond }, errWidth},
		{"no flush interval", func(c *Config) { c.FlushInterval = 0 }, errFlushInterval},
		{"zero sampling rate", func(c *Config) { c.DefaultSamplingRate = 0 }, errSamplingRate},
		{"sampling rate above 1", func(c *Config) { c.DefaultSamplingRate = 1.5 }, errSamplingRate},
		{"NaN sampling rate", func(c *Config) { c.DefaultSamplingRate = math.NaN() }, errSamplingRate},
		{"no services", func(c *Config) { c.Limits.MaxServices = 0 }, errLimit},
		{"no endpoints", func(c *Config) { c.Limits.MaxEndpoints = 0 }, errLimit},
		{"pending below a span's scopes", func(c *Config) { c.Limits.MaxPending = 2 }, errMaxPending},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := defaultConfig()
			tc.mutate(cfg)
			require.ErrorIs(t, cfg.Validate(), tc.want)
		})
	}
	require.NoError(t, defaultConfig().Validate())
}
