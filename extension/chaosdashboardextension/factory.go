package chaosdashboardextension

import (
	"context"
	"time"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/config/confighttp"
	"go.opentelemetry.io/collector/extension"

	"github.com/otelcol-chaos/otelcol-chaos/extension/chaosdashboardextension/internal/metadata"
	"github.com/otelcol-chaos/otelcol-chaos/extension/chaosdashboardextension/internal/store"
	"github.com/otelcol-chaos/otelcol-chaos/extension/chaosdashboardextension/internal/stream"
	"github.com/otelcol-chaos/otelcol-chaos/internal/chaosconv"
)

// defaultEndpoint follows the other otelcol-chaos ports (4320 events, 4321
// coordinator status, 4322 alerts API) and, like them, listens on
// localhost only unless configured otherwise.
const defaultEndpoint = "localhost:4323"

// NewFactory returns the factory of the `chaos_dashboard` extension.
func NewFactory() extension.Factory {
	return extension.NewFactory(metadata.Type, createDefaultConfig, create, metadata.ExtensionStability)
}

func createDefaultConfig() component.Config {
	server := confighttp.NewDefaultServerConfig()
	server.NetAddr.Endpoint = defaultEndpoint
	impact := chaosconv.DefaultImpactConfig()
	return &Config{
		ServerConfig:           server,
		LeadershipPollInterval: time.Second,
		Store:                  store.Config{}.WithDefaults(),
		Stream: stream.Config{
			QueueSize:         stream.DefaultQueueSize,
			WriteTimeout:      stream.DefaultWriteTimeout,
			KeepaliveInterval: stream.DefaultKeepaliveInterval,
		},
		Impact: ImpactConfig{LatencyBudget: impact.LatencyBudget, TopEndpoints: impact.TopEndpoints},
	}
}

func create(_ context.Context, set extension.Settings, cfg component.Config) (extension.Extension, error) {
	return newDashboard(cfg.(*Config), set)
}
