package chaosreceiver // import "github.com/otelcol-chaos/otelcol-chaos/receiver/chaosreceiver"

import (
	"context"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/config/confighttp"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/receiver"

	"github.com/otelcol-chaos/otelcol-chaos/internal/chaosconv"
	"github.com/otelcol-chaos/otelcol-chaos/receiver/chaosreceiver/internal/metadata"
)

// NewFactory returns the factory of the `chaos` receiver.
func NewFactory() receiver.Factory {
	return receiver.NewFactory(
		metadata.Type,
		createDefaultConfig,
		receiver.WithLogs(createLogs, metadata.LogsStability),
	)
}

func createDefaultConfig() component.Config {
	server := confighttp.NewDefaultServerConfig()
	server.NetAddr.Endpoint = defaultEndpoint
	return &Config{
		ServerConfig:        server,
		EventsPath:          defaultEventsPath,
		HealthPath:          defaultHealthPath,
		ChaosToolkitPath:    defaultChaosToolkitPath,
		MaxEventsPerRequest: defaultMaxEvents,
		RetryAfter:          defaultRetryAfter,
		ResourceFromHeaders: map[string]string{defaultServiceHeader: chaosconv.AttrServiceName},
	}
}

func createLogs(_ context.Context, set receiver.Settings, cfg component.Config, next consumer.Logs) (receiver.Logs, error) {
	return newReceiver(cfg.(*Config), set, next)
}
