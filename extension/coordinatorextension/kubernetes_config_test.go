package coordinatorextension

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestKubernetesConfigValidate(t *testing.T) {
	k8s := func(c *Config) { c.Backend = BackendKubernetes }
	tests := []struct {
		name   string
		mutate func(*Config)
		want   error // nil: valid
	}{
		{"defaults (service account, pod namespace)", k8s, nil},
		{"kubeconfig with context and namespace", func(c *Config) {
			k8s(c)
			c.Kubernetes = KubernetesConfig{AuthType: AuthKubeConfig, KubeConfig: "/etc/kube/config", Context: "prod", Namespace: "observability"}
		}, nil},
		{"sub-second timings", func(c *Config) {
			k8s(c)
			c.LeaseDuration, c.RenewDeadline, c.RetryPeriod = time.Second, 600*time.Millisecond, 200*time.Millisecond
		}, nil},
		{"auth type unknown", func(c *Config) { k8s(c); c.Kubernetes.AuthType = "token" }, errK8sAuth},
		{"auth type empty", func(c *Config) { k8s(c); c.Kubernetes.AuthType = "" }, errK8sAuth},
		{"auth type wrong case", func(c *Config) { k8s(c); c.Kubernetes.AuthType = "serviceaccount" }, errK8sAuth},
		{"namespace upper case", func(c *Config) { k8s(c); c.Kubernetes.Namespace = "Observability" }, errK8sNamespace},
		{"namespace with dot", func(c *Config) { k8s(c); c.Kubernetes.Namespace = "obs.prod" }, errK8sNamespace},
		{"namespace too long", func(c *Config) { k8s(c); c.Kubernetes.Namespace = strings.Repeat("n", 64) }, errK8sNamespace},
		{"lease not above renew deadline", func(c *Config) { k8s(c); c.LeaseDuration = c.RenewDeadline }, errLeaseTiming},
		{"renew deadline within jittered retry", func(c *Config) { k8s(c); c.RetryPeriod = c.RenewDeadline }, errLeaseTiming},
		{"failed before degraded", func(c *Config) { k8s(c); c.FailedAfter = c.DegradedAfter }, errMembership},
		{"group not a label (it names the Leases)", func(c *Config) { k8s(c); c.Group = "Fleet_1" }, errGroup},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := createDefaultConfig().(*Config)
			tt.mutate(cfg)
			err := cfg.Validate()
			if tt.want == nil {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, tt.want)
		})
	}
}
