package coordinatorextension

import (
	"context"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/config/confighttp"
	"go.opentelemetry.io/collector/extension"

	"github.com/otelcol-chaos/otelcol-chaos/extension/coordinatorextension/internal/metadata"
)

// NewFactory returns the factory of the `coordinator` extension.
func NewFactory() extension.Factory {
	return extension.NewFactory(metadata.Type, createDefaultConfig, create, metadata.ExtensionStability)
}

func createDefaultConfig() component.Config {
	server := confighttp.NewDefaultServerConfig()
	server.NetAddr.Endpoint = "localhost:4321"
	return &Config{
		Backend: BackendStandalone,
		Status:  StatusConfig{Enabled: true, ServerConfig: server, Path: "/v1/coordinator/status"},
	}
}

func create(_ context.Context, set extension.Settings, cfg component.Config) (extension.Extension, error) {
	return newCoordinator(cfg.(*Config), set)
}
