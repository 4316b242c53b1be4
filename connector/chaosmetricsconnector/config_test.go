package chaosmetricsconnector

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/confmap"
	"go.opentelemetry.io/collector/confmap/confmaptest"

	"github.com/otelcol-chaos/otelcol-chaos/connector/chaosmetricsconnector/internal/metadata"
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
	require.Zero(t, def.Width, "the finest width seen")
	require.True(t, def.EndpointLabel)
	require.Len(t, def.Histogram.Buckets, 11)

	custom, err := loadConfig(t, "custom")
	require.NoError(t, err)
	require.Equal(t, 5*time.Minute, custom.Width)
	require.False(t, custom.EndpointLabel)
	require.Equal(t, 200, custom.MaxLabelValues)
	require.Equal(t, []time.Duration{10 * time.Millisecond, 100 * time.Millisecond, time.Second, 10 * time.Second}, custom.Histogram.Buckets)

	_, err = loadConfig(t, "bad_buckets")
	require.ErrorIs(t, err, errBucketOrder)
	require.ErrorIs(t, err, errBucketRange)
	require.ErrorContains(t, err, "histogram.buckets must be strictly increasing (10ms after 100ms)")
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
		{"negative width", func(c *Config) { c.Width = -time.Minute }, errWidth},
		{"fractional width", func(c *Config) { c.Width = 1500 * time.Millisecond }, errWidth},
		{"no label values", func(c *Config) { c.MaxLabelValues = 0 }, errMaxLabelValues},
		{"no buckets", func(c *Config) { c.Histogram.Buckets = nil }, errNoBuckets},
		{"bucket of a microsecond", func(c *Config) { c.Histogram.Buckets = []time.Duration{time.Microsecond} }, errBucketRange},
		{"equal buckets", func(c *Config) { c.Histogram.Buckets = []time.Duration{time.Second, time.Second} }, errBucketOrder},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := defaultConfig()
			tc.mutate(cfg)
			require.ErrorIs(t, cfg.Validate(), tc.want)
		})
	}
	require.NoError(t, defaultConfig().Validate())
}
