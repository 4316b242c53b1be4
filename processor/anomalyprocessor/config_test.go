package anomalyprocessor

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/confmap"
	"go.opentelemetry.io/collector/confmap/confmaptest"

	"github.com/otelcol-chaos/otelcol-chaos/internal/chaosconv"
	"github.com/otelcol-chaos/otelcol-chaos/processor/anomalyprocessor/internal/metadata"
)

func TestLoadConfig(t *testing.T) {
	cm, err := confmaptest.LoadConf(filepath.Join("testdata", "config.yaml"))
	require.NoError(t, err)

	def := createDefaultConfig().(*Config)
	sub, err := cm.Sub(component.NewID(metadata.Type).String())
	require.NoError(t, err)
	require.NoError(t, sub.Unmarshal(def))
	require.NoError(t, confmap.Validate(def))
	require.Equal(t, createDefaultConfig(), def)
	require.Len(t, def.Detectors, len(chaosconv.AnomalyTypes), "every type has a default sensitivity")

	cfg := createDefaultConfig().(*Config)
	sub, err = cm.Sub(component.NewIDWithName(metadata.Type, "custom").String())
	require.NoError(t, err)
	require.NoError(t, sub.Unmarshal(cfg))
	require.NoError(t, confmap.Validate(cfg))
	require.Equal(t, 5*time.Minute, cfg.Width)
	require.Equal(t, 20, cfg.Warmup)
	require.Equal(t, DetectorConfig{Enabled: true, Threshold: 6, MinValue: 50, Persist: 1, Clear: 3}, cfg.Detectors["event_spike"])
	require.False(t, cfg.Detectors["unexpected_quiet"].Enabled)
	require.True(t, cfg.Detectors["latency_anomaly"].Enabled, "unconfigured types keep their defaults")

	require.Nil(t, cfg.Dashboard, "by default, the only dashboard (if any)")

	cfg = createDefaultConfig().(*Config)
	sub, err = cm.Sub(component.NewIDWithName(metadata.Type, "dashboard").String())
	require.NoError(t, err)
	require.NoError(t, sub.Unmarshal(cfg))
	require.NoError(t, confmap.Validate(cfg))
	want := createDefaultConfig().(*Config)
	dashboardID := component.MustNewIDWithName("chaos_dashboard", "ops")
	want.Dashboard = &dashboardID
	require.Equal(t, want, cfg)

	cfg = createDefaultConfig().(*Config)
	sub, err = cm.Sub(component.NewIDWithName(metadata.Type, "custom").String())
	require.NoError(t, err)
	require.NoError(t, sub.Unmarshal(cfg))
	ec := engineConfig(cfg)
	require.Equal(t, 6.0, ec.Types[chaosconv.AnomalyEventSpike].Threshold)
	require.False(t, ec.Types[chaosconv.AnomalyUnexpectedQuiet].Enabled)
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
		{"width", func(c *Config) { c.Width = 1500 * time.Millisecond }, errWidth},
		{"unknown type", func(c *Config) { c.Detectors["cpu_spike"] = DetectorConfig{Persist: 1, Clear: 1} }, errUnknownType},
		{"persist 0", func(c *Config) { c.Detectors["event_spike"] = DetectorConfig{Persist: 0, Clear: 1} }, errDetector},
		{"warmup 0", func(c *Config) { c.Warmup = 0 }, errPositive},
		{"trend window", func(c *Config) { c.TrendWindow = 3 }, errTrendWindow},
		{"quiet ratio", func(c *Config) { c.QuietRatio = 1 }, errQuietRatio},
		{"silence grace", func(c *Config) { c.SilenceGrace = -time.Second }, errSilenceGrace},
		{"negative hold", func(c *Config) { c.MaxHold = -1 }, errNegative},
		{"storage without interval", func(c *Config) {
			id := component.MustNewID("file_storage")
			c.Storage, c.CheckpointInterval = &id, 0
		}, errCheckpoint},
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
