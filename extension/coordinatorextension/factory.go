package coordinatorextension

import (
	"context"
	"time"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/config/confighttp"
	"go.opentelemetry.io/collector/config/configtls"
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
	tls := configtls.NewDefaultClientConfig()
	tls.Insecure = true
	return &Config{
		Backend: BackendStandalone,
		Group:   "otelcol-chaos",
		// A dead leader is replaced within lease_duration (+ one retry);
		// client-go's defaults are 15s/10s/2s, ours favour fast failover.
		LeaseDuration:     10 * time.Second,
		RenewDeadline:     7 * time.Second,
		RetryPeriod:       time.Second,
		HeartbeatInterval: time.Second,
		DegradedAfter:     3 * time.Second,
		FailedAfter:       10 * time.Second,
		ForgetAfter:       10 * time.Minute,
		Etcd: EtcdConfig{
			Prefix:         "/otelcol-chaos/coordinator",
			TLS:            tls,
			DialTimeout:    5 * time.Second,
			RequestTimeout: 2 * time.Second,
		},
		Kubernetes: KubernetesConfig{AuthType: AuthServiceAccount},
		Status:     StatusConfig{Enabled: true, ServerConfig: server, Path: "/v1/coordinator/status"},
	}
}

func create(_ context.Context, set extension.Settings, cfg component.Config) (extension.Extension, error) {
	return newCoordinator(cfg.(*Config), set)
}
