package chaosanalyticsprocessor

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/confmap"
	"go.opentelemetry.io/collector/confmap/confmaptest"

	"github.com/otelcol-chaos/otelcol-chaos/processor/chaosanalyticsprocessor/internal/metadata"
)

func TestLoadConfig(t *testing.T) {
	cm, err := confmaptest.LoadConf(filepath.Join("testdata", "config.yaml"))
	require.NoError(t, err)
	storage := component.MustNewID("file_storage")
	dashboardID := component.MustNewIDWithName("chaos_dashboard", "ops")
	tests := []struct {
		id   component.ID
		want *Config
	}{
		{component.NewID(metadata.Type), createDefaultConfig().(*Config)},
		{component.NewIDWithName(metadata.Type, "custom"), &Config{
			Widths:             []time.Duration{10 * time.Second, time.Minute},
			AllowedLateness:    5 * time.Second,
			MaxFutureSkew:      time.Minute,
			FlushInterval:      500 * time.Millisecond,
			IdleFlush:          30 * time.Second,
			DropEvents:         true,
			ProducerID:         "agent-checkout-0",
			ProducerTimeout:    5 * time.Minute,
			ProbeLatencySLO:    250 * time.Millisecond,
			Limits:             LimitsConfig{MaxServices: 10, MaxEndpoints: 50, MaxMapEntries: 20, MaxOpenBuckets: 1000, MaxPartials: 5000},
			Impact:             ImpactConfig{LatencyBudget: 2 * time.Second, TopEndpoints: 3},
			Storage:            &storage,
			CheckpointInterval: 30 * time.Second,
		}},
		{component.NewIDWithName(metadata.Type, "dashboard"), func() *Config {
			cfg := createDefaultConfig().(*Config)
			cfg.Dashboard = &dashboardID
			return cfg
		}()},
	}
	for _, tt := range tests {
		t.Run(tt.id.String(), func(t *testing.T) {
			cfg := createDefaultConfig().(*Config)
			sub, err := cm.Sub(tt.id.String())
			require.NoError(t, err)
			require.NoError(t, sub.Unmarshal(cfg))
			require.NoError(t, confmap.Validate(cfg))
			require.Equal(t, tt.want, cfg)
		})
	}
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
		{"no widths", func(c *Config) { c.Widths = nil }, errNoWidths},
		{"sub-second width", func(c *Config) { c.Widths = []time.Duration{1500 * time.Millisecond} }, errWidthPositive},
		{"negative width", func(c *Config) { c.Widths = []time.Duration{-time.Minute} }, errWidthPositive},
		{"not a multiple", func(c *Config) { c.Widths = []time.Duration{time.Minute, 90 * time.Second} }, errWidthMultiple},
		{"duplicate", func(c *Config) { c.Widths = []time.Duration{time.Minute, time.Minute} }, errWidthDuplicate},
		{"negative lateness", func(c *Config) { c.AllowedLateness = -time.Second }, errNegative},
		{"zero flush interval", func(c *Config) { c.FlushInterval = 0 }, errFlushInterval},
		{"zero producer timeout", func(c *Config) { c.ProducerTimeout = 0 }, errProducerTimeout},
		{"zero limit", func(c *Config) { c.Limits.MaxEndpoints = 0 }, errLimit},
		{"negative top", func(c *Config) { c.Impact.TopEndpoints = -1 }, errNegative},
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
