package chaoskubernetesreceiver // import "github.com/otelcol-chaos/otelcol-chaos/receiver/chaoskubernetesreceiver"

import (
	"errors"
	"fmt"

	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"

	"github.com/otelcol-chaos/otelcol-chaos/internal/kubeauth"
)

// clientFactory builds the dynamic client (tests inject client-go's fake).
type clientFactory func(*Config) (dynamic.Interface, error)

// newDynamicClient builds the client: in-cluster for auth_type
// serviceAccount, from a kubeconfig (kubeconfig, else $KUBECONFIG, else
// ~/.kube/config, with context if set) for kubeConfig.
func newDynamicClient(cfg *Config) (dynamic.Interface, error) {
	rc, err := restConfig(cfg)
	if err != nil {
		return nil, err
	}
	rc.UserAgent = "otelcol-chaos-chaos-kubernetes-receiver"
	client, err := dynamic.NewForConfig(rc)
	if err != nil {
		return nil, fmt.Errorf("chaos_kubernetes: cannot build the dynamic client: %w", err)
	}
	return client, nil
}

func restConfig(cfg *Config) (*rest.Config, error) {
	rc, err := kubeauth.RESTConfig(kubeauth.Settings{AuthType: cfg.AuthType, KubeConfig: cfg.KubeConfig,
		Context: cfg.Context}, "")
	if errors.Is(err, kubeauth.ErrAuthType) {
		return nil, fmt.Errorf("chaos_kubernetes: %w (got %q)", errAuthType, cfg.AuthType)
	}
	if err != nil {
		return nil, fmt.Errorf("chaos_kubernetes: %w", err)
	}
	return rc, nil
}
