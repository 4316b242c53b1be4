package chaoskubernetesreceiver // import "github.com/otelcol-chaos/otelcol-chaos/receiver/chaoskubernetesreceiver"

import (
	"fmt"

	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
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
	rc = rest.CopyConfig(rc)
	rc.UserAgent = "otelcol-chaos-chaos-kubernetes-receiver"
	client, err := dynamic.NewForConfig(rc)
	if err != nil {
		return nil, fmt.Errorf("chaos_kubernetes: cannot build the dynamic client: %w", err)
	}
	return client, nil
}

func restConfig(cfg *Config) (*rest.Config, error) {
	switch cfg.AuthType {
	case AuthServiceAccount:
		rc, err := rest.InClusterConfig()
		if err != nil {
			return nil, fmt.Errorf("chaos_kubernetes: auth_type serviceAccount works only in a pod with a service "+
				"account token (%w); outside a cluster set auth_type: kubeConfig", err)
		}
		return rc, nil
	case AuthKubeConfig:
		rules := clientcmd.NewDefaultClientConfigLoadingRules()
		where := "$KUBECONFIG or ~/.kube/config"
		if cfg.KubeConfig != "" {
			rules.ExplicitPath = cfg.KubeConfig
			where = cfg.KubeConfig
		}
		overrides := &clientcmd.ConfigOverrides{CurrentContext: cfg.Context}
		rc, err := clientcmd.NewNonInteractiveDeferredLoadingClientConfig(rules, overrides).ClientConfig()
		if err != nil {
			hint := "set kubeconfig to a readable kubeconfig file"
			if cfg.Context != "" {
				hint += fmt.Sprintf(" and context to one of its contexts (got %q)", cfg.Context)
			}
			return nil, fmt.Errorf("chaos_kubernetes: cannot load the kubeconfig from %s: %w; %s", where, err, hint)
		}
		return rc, nil
	}
	return nil, fmt.Errorf("chaos_kubernetes: %w (got %q)", errAuthType, cfg.AuthType)
}
