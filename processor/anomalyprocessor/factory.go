package anomalyprocessor // import "github.com/otelcol-chaos/otelcol-chaos/processor/anomalyprocessor"

import (
	"context"
	"time"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/processor"

	"github.com/otelcol-chaos/otelcol-chaos/processor/anomalyprocessor/internal/detect"
	"github.com/otelcol-chaos/otelcol-chaos/processor/anomalyprocessor/internal/metadata"
)

// NewFactory returns the factory of the `anomaly` processor.
func NewFactory() processor.Factory {
	return processor.NewFactory(metadata.Type, createDefaultConfig,
		processor.WithLogs(createLogs, metadata.LogsStability))
}

func createDefaultConfig() component.Config {
	d := detect.DefaultConfig()
	detectors := map[string]DetectorConfig{}
	for t, c := range d.Types {
		detectors[string(t)] = DetectorConfig{Enabled: c.Enabled, Threshold: c.Threshold, MinValue: c.MinValue, Persist: c.Persist, Clear: c.Clear}
	}
	return &Config{
		Detectors:          detectors,
		Warmup:             d.Warmup,
		HalfLife:           d.HalfLife,
		QuietRatio:         d.QuietRatio,
		MaxHold:            d.MaxHold,
		MinRatioEvents:     d.MinRatioEvents,
		TrendWindow:        d.TrendWindow,
		TrendEvery:         d.TrendEvery,
		ForecastHorizon:    d.ForecastHorizon,
		MaxScopes:          d.MaxScopes,
		SilenceGrace:       45 * time.Second,
		FlushInterval:      time.Second,
		CheckpointInterval: 30 * time.Second,
	}
}

// engineConfig maps the user configuration onto the engine's.
func engineConfig(cfg *Config) detect.Config {
	d := detect.DefaultConfig()
	for name, c := range cfg.Detectors {
		d.Types[chaosconvType(name)] = detect.TypeConfig{Enabled: c.Enabled, Threshold: c.Threshold, MinValue: c.MinValue, Persist: c.Persist, Clear: c.Clear}
	}
	d.Warmup, d.HalfLife, d.QuietRatio = cfg.Warmup, cfg.HalfLife, cfg.QuietRatio
	d.MaxHold, d.MinRatioEvents = cfg.MaxHold, cfg.MinRatioEvents
	d.TrendWindow, d.TrendEvery, d.ForecastHorizon = cfg.TrendWindow, cfg.TrendEvery, cfg.ForecastHorizon
	d.MaxScopes = cfg.MaxScopes
	return d
}

func createLogs(_ context.Context, set processor.Settings, cfg component.Config, next consumer.Logs) (processor.Logs, error) {
	return newProcessor(cfg.(*Config), set, next)
}
