// Package kubeauth builds the Kubernetes REST configuration of every
// component that talks to an API server (the coordinator's kubernetes
// backend, the alert exporter's Chaos Mesh and Litmus abort targets, the
// chaos_kubernetes receiver), so that `auth_type`, `kubeconfig` and
// `context` mean the same everywhere and their errors say the same things.
package kubeauth // import "github.com/otelcol-chaos/otelcol-chaos/internal/kubeauth"

import (
	"errors"
	"fmt"

	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
)

// Values of auth_type.
const (
	// ServiceAccount: in-cluster, the pod's service account token.
	ServiceAccount = "serviceAccount"
	// KubeConfig: a kubeconfig file (kubeconfig, else $KUBECONFIG, else
	// ~/.kube/config), with context if set.
	KubeConfig = "kubeConfig"
)

// ErrAuthType is returned for an auth_type that is neither.
var ErrAuthType = errors.New("auth_type must be serviceAccount or kubeConfig")

// Settings are the three keys, as a component's configuration holds them.
type Settings struct {
	AuthType   string
	KubeConfig string
	Context    string
}

// RESTConfig returns the REST configuration the settings describe, a copy
// the caller may change (user agent, rates). keyPrefix is how the
// component's configuration reaches the keys ("kubernetes::" for the
// coordinator, "" where they are top-level keys of their block), so that
// the error names the key to fix.
func RESTConfig(s Settings, keyPrefix string) (*rest.Config, error) {
	switch s.AuthType {
	case ServiceAccount:
		rc, err := rest.InClusterConfig()
		if err != nil {
			return nil, fmt.Errorf("%sauth_type serviceAccount works only in a pod with a service account token (%w); "+
				"outside a cluster set %sauth_type: kubeConfig", keyPrefix, err, keyPrefix)
		}
		return rest.CopyConfig(rc), nil
	case KubeConfig:
		rules := clientcmd.NewDefaultClientConfigLoadingRules()
		where := "$KUBECONFIG or ~/.kube/config"
		if s.KubeConfig != "" {
			rules.ExplicitPath = s.KubeConfig
			where = s.KubeConfig
		}
		overrides := &clientcmd.ConfigOverrides{CurrentContext: s.Context}
		rc, err := clientcmd.NewNonInteractiveDeferredLoadingClientConfig(rules, overrides).ClientConfig()
		if err != nil {
			hint := "set " + keyPrefix + "kubeconfig to a readable kubeconfig file"
			if s.Context != "" {
				hint += fmt.Sprintf(" and %scontext to one of its contexts (got %q)", keyPrefix, s.Context)
			}
			return nil, fmt.Errorf("cannot load the kubeconfig from %s: %w; %s", where, err, hint)
		}
		return rest.CopyConfig(rc), nil
	}
	return nil, fmt.Errorf("%w (got %q)", ErrAuthType, s.AuthType)
}
