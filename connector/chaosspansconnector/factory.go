package chaosspansconnector // import "github.com/otelcol-chaos/otelcol-chaos/connector/chaosspansconnector"

import (
	"context"
	"time"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/connector"
	"go.opentelemetry.io/collector/consumer"

	"github.com/otelcol-chaos/otelcol-chaos/connector/chaosspansconnector/internal/metadata"
)

// NewFactory returns the factory of the `chaos_spans` connector.
func NewFactory() connector.Factory {
	return connector.NewFactory(metadata.Type, createDefaultConfig,
		connector.WithTracesToLogs(createTracesToLogs, metadata.TracesToLogsStability))
}

func createDefaultConfig() component.Config {
	return &Config{
		Width:               time.Minute,
		FlushInterval:       2 * time.Second, // well under chaos_analytics's default allowed_lateness (10s)
		DefaultSamplingRate: 1,
		Limits: LimitsConfig{
			MaxServices:  100,
			MaxEndpoints: 1000,
			MaxPending:   100_000,
		},
	}
}

func createTracesToLogs(_ context.Context, set connector.Settings, cfg component.Config, next consumer.Logs) (connector.Traces, error) {
	return newConnector(cfg.(*Config), set, next, nil)
}
