package chaoskubernetesreceiver

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/confmap"
	"go.opentelemetry.io/collector/confmap/confmaptest"

	"github.com/otelcol-chaos/otelcol-chaos/receiver/chaoskubernetesreceiver/internal/metadata"
)

func TestLoadConfig(t *testing.T) {
	cm, err := confmaptest.LoadConf(filepath.Join("testdata", "config.yaml"))
	require.NoError(t, err)
	tests := []struct {
		id   component.ID
		want *Config
	}{
		{id: component.NewID(metadata.Type), want: &Config{
			AuthType: AuthServiceAccount, ServiceLabel: "app", ResyncPeriod: 10 * time.Minute,
			ChaosMesh: ChaosMeshConfig{Enabled: true, Kinds: ChaosMeshKinds},
			Litmus:    LitmusConfig{Enabled: true},
		}},
		{id: component.NewIDWithName(metadata.Type, "custom"), want: &Config{
			AuthType: AuthKubeConfig, KubeConfig: "/etc/otelcol/kubeconfig", Context: "staging",
			Namespaces: []string{"shop", "payments"}, ServiceLabel: "app.kubernetes.io/name",
			ChaosMesh: ChaosMeshConfig{Enabled: true, Kinds: []string{"NetworkChaos", "PodChaos"}},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.id.String(), func(t *testing.T) {
			cfg := NewFactory().CreateDefaultConfig().(*Config)
			sub, err := cm.Sub(tt.id.String())
			require.NoError(t, err)
			require.NoError(t, sub.Unmarshal(cfg))
			require.NoError(t, confmap.Validate(cfg))
			require.Equal(t, tt.want, cfg)
		})
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*Config)
		want   []error
	}{
		{"bad auth", func(c *Config) { c.AuthType = "token" }, []error{errAuthType}},
		{"kubeconfig with serviceAccount", func(c *Config) { c.KubeConfig = "/x" }, []error{errKubeConfigOnly}},
		{"context with serviceAccount", func(c *Config) { c.Context = "prod" }, []error{errKubeConfigOnly}},
		{"nothing watched", func(c *Config) { c.ChaosMesh.Enabled, c.Litmus.Enabled = false, false }, []error{errNothingWatched}},
		{"no kinds", func(c *Config) { c.ChaosMesh.Kinds = nil }, []error{errEmptyKindsEnabled}},
		{"unknown kind", func(c *Config) { c.ChaosMesh.Kinds = []string{"PodChaos", "KernelChaos"} }, []error{errUnknownKind}},
		{"duplicate kind", func(c *Config) { c.ChaosMesh.Kinds = []string{"PodChaos", "PodChaos"} }, []error{errDuplicateKind}},
		{"bad namespace", func(c *Config) { c.Namespaces = []string{"Shop_1"} }, []error{errBadNamespace}},
		{"duplicate namespace", func(c *Config) { c.Namespaces = []string{"shop", "shop"} }, []error{errDuplicateNS}},
		{"empty service label", func(c *Config) { c.ServiceLabel = " " }, []error{errServiceLabel}},
		{"negative resync", func(c *Config) { c.ResyncPeriod = -time.Second }, []error{errNegativeResync}},
		{"several at once", func(c *Config) { c.AuthType = ""; c.ServiceLabel = "" }, []error{errAuthType, errServiceLabel}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := createDefaultConfig().(*Config)
			tt.mutate(cfg)
			err := cfg.Validate()
			require.Error(t, err)
			for _, w := range tt.want {
				require.ErrorIs(t, err, w)
			}
		})
	}
	// Chaos Mesh off, Litmus on: valid without kinds.
	cfg := createDefaultConfig().(*Config)
	cfg.ChaosMesh = ChaosMeshConfig{}
	require.NoError(t, cfg.Validate())
	require.Len(t, WatchedResources(cfg), 2)
}

// auth_type selects how the client is built; each failure says what to do.
func TestClientAuth(t *testing.T) {
	t.Setenv("KUBERNETES_SERVICE_HOST", "")
	t.Setenv("KUBERNETES_SERVICE_PORT", "")
	_, err := newDynamicClient(&Config{AuthType: AuthServiceAccount})
	require.ErrorContains(t, err, "auth_type: kubeConfig")

	_, err = newDynamicClient(&Config{AuthType: AuthKubeConfig, KubeConfig: filepath.Join(t.TempDir(), "missing")})
	require.ErrorContains(t, err, "cannot load the kubeconfig")

	kubeconfig := filepath.Join(t.TempDir(), "kubeconfig")
	require.NoError(t, os.WriteFile(kubeconfig, []byte(`apiVersion: v1
kind: Config
clusters:
- name: staging
  cluster: {server: "https://127.0.0.1:6443"}
users:
- name: collector
  user: {token: not-a-real-token}
contexts:
- name: staging
  context: {cluster: staging, user: collector}
current-context: staging
`), 0o600))
	client, err := newDynamicClient(&Config{AuthType: AuthKubeConfig, KubeConfig: kubeconfig})
	require.NoError(t, err)
	require.NotNil(t, client)
	_, err = newDynamicClient(&Config{AuthType: AuthKubeConfig, KubeConfig: kubeconfig, Context: "prod"})
	require.ErrorContains(t, err, `context to one of its contexts (got "prod")`)

	_, err = newDynamicClient(&Config{AuthType: "token"})
	require.ErrorIs(t, err, errAuthType)
}
