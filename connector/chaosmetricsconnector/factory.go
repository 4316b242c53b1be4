package chaosmetricsconnector // import "github.com/otelcol-chaos/otelcol-chaos/connector/chaosmetricsconnector"

import (
	"context"
	"time"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/connector"
	"go.opentelemetry.io/collector/consumer"

	"github.com/otelcol-chaos/otelcol-chaos/connector/chaosmetricsconnector/internal/metadata"
)

// NewFactory returns the factory of the `chaos_metrics` connector.
func NewFactory() connector.Factory {
	return connector.NewFactory(metadata.Type, createDefaultConfig,
		connector.WithLogsToMetrics(createLogsToMetrics, metadata.LogsToMetricsStability))
}

// defaultBuckets are Prometheus' default histogram buckets (client_golang's
// DefBuckets), which dashboards and recording rules commonly assume.
var defaultBuckets = []time.Duration{
	5 * time.Millisecond, 10 * time.Millisecond, 25 * time.Millisecond, 50 * time.Millisecond,
	100 * time.Millisecond, 250 * time.Millisecond, 500 * time.Millisecond,
	time.Second, 2500 * time.Millisecond, 5 * time.Second, 10 * time.Second,
}

func createDefaultConfig() component.Config {
	return &Config{
		EndpointLabel:  true,
		MaxLabelValues: 1000,
		Histogram:      HistogramConfig{Buckets: append([]time.Duration(nil), defaultBuckets...)},
	}
}

func createLogsToMetrics(_ context.Context, set connector.Settings, cfg component.Config, next consumer.Metrics) (connector.Logs, error) {
	return newConnector(cfg.(*Config), set, next)
}
