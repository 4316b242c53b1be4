package chaoskubernetesreceiver // import "github.com/otelcol-chaos/otelcol-chaos/receiver/chaoskubernetesreceiver"

import (
	"context"
	"slices"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/receiver"

	"github.com/otelcol-chaos/otelcol-chaos/receiver/chaoskubernetesreceiver/internal/metadata"
)

// NewFactory returns the factory of the `chaos_kubernetes` receiver.
func NewFactory() receiver.Factory {
	return newFactory(newDynamicClient)
}

// newFactory lets tests inject the client (client-go's fake dynamic client).
func newFactory(newClient clientFactory) receiver.Factory {
	return receiver.NewFactory(
		metadata.Type,
		createDefaultConfig,
		receiver.WithLogs(func(_ context.Context, set receiver.Settings, cfg component.Config, next consumer.Logs) (receiver.Logs, error) {
			return newReceiver(cfg.(*Config), set, next, newClient)
		}, metadata.LogsStability),
	)
}

func createDefaultConfig() component.Config {
	return &Config{
		AuthType:     AuthServiceAccount,
		ServiceLabel: defaultServiceLabel,
		ResyncPeriod: defaultResync,
		ChaosMesh:    ChaosMeshConfig{Enabled: true, Kinds: slices.Clone(ChaosMeshKinds)},
		Litmus:       LitmusConfig{Enabled: true},
	}
}
