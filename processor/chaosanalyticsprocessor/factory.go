package chaosanalyticsprocessor // import "github.com/otelcol-chaos/otelcol-chaos/processor/chaosanalyticsprocessor"

import (
	"context"
	"time"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/processor"

	"github.com/otelcol-chaos/otelcol-chaos/processor/chaosanalyticsprocessor/internal/metadata"
)

// NewFactory returns the factory of the `chaos_analytics` processor.
func NewFactory() processor.Factory {
	return processor.NewFactory(metadata.Type, createDefaultConfig,
		processor.WithLogs(createLogs, metadata.LogsStability))
}

func createDefaultConfig() component.Config {
	return &Config{
		Widths:             []time.Duration{time.Minute, 5 * time.Minute, time.Hour, 24 * time.Hour},
		AllowedLateness:    30 * time.Second,
		MaxFutureSkew:      5 * time.Minute,
		FlushInterval:      time.Second,
		ProducerTimeout:    2 * time.Minute,
		ProbeLatencySLO:    500 * time.Millisecond,
		CheckpointInterval: 10 * time.Second,
		Limits: LimitsConfig{
			MaxServices:    100,
			MaxEndpoints:   1000,
			MaxMapEntries:  100,
			MaxOpenBuckets: 100_000,
			MaxPartials:    1_000_000,
		},
		Impact: ImpactConfig{LatencyBudget: time.Second, TopEndpoints: 5},
	}
}

func createLogs(_ context.Context, set processor.Settings, cfg component.Config, next consumer.Logs) (processor.Logs, error) {
	return newProcessor(cfg.(*Config), set, next)
}
