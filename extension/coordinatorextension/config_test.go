package coordinatorextension

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/config/configopaque"
	"go.opentelemetry.io/collector/confmap"
	"go.opentelemetry.io/collector/confmap/confmaptest"

	"github.com/otelcol-chaos/otelcol-chaos/extension/coordinatorextension/internal/metadata"
)

func load(t *testing.T, name string) (*Config, error) {
	cm, err := confmaptest.LoadConf(filepath.Join("testdata", "config.yaml"))
	require.NoError(t, err)
	cfg := createDefaultConfig().(*Config)
	id := component.NewID(metadata.Type)
	if name != "" {
		id = component.NewIDWithName(metadata.Type, name)
	}
	sub, err := cm.Sub(id.String())
	require.NoError(t, err)
	require.NoError(t, sub.Unmarshal(cfg))
	return cfg, confmap.Validate(cfg)
}

func TestLoadConfig(t *testing.T) {
	def, err := load(t, "")
	require.NoError(t, err)
	require.Equal(t, createDefaultConfig(), def)
	require.Equal(t, BackendStandalone, def.Backend)

	custom, err := load(t, "custom")
	require.NoError(t, err)
	require.Equal(t, "collector-a", custom.NodeID)
	require.Equal(t, []string{"collector-a", "collector-b"}, custom.Priority)
	require.Equal(t, "127.0.0.1:14321", custom.Status.ServerConfig.NetAddr.Endpoint)
	require.Equal(t, "/status", custom.Status.Path)

	etcd, err := load(t, "etcd")
	require.NoError(t, err)
	require.Equal(t, BackendEtcd, etcd.Backend)
	require.Equal(t, "gateways", etcd.Group)
	require.Equal(t, 3*time.Second, etcd.LeaseDuration)
	require.Equal(t, 2*time.Second, etcd.RenewDeadline)
	require.Equal(t, []string{"etcd-0.etcd:2379", "etcd-1.etcd:2379", "etcd-2.etcd:2379"}, etcd.Etcd.Endpoints)
	require.Equal(t, "/chaos", etcd.Etcd.Prefix)
	require.Equal(t, configopaque.String("s3cret"), etcd.Etcd.Password)
	require.Equal(t, time.Second, etcd.Etcd.RequestTimeout)

	_, err = load(t, "etcd_no_endpoints")
	require.ErrorIs(t, err, errEtcdEndpoints)

	k8s, err := load(t, "kubernetes")
	require.NoError(t, err)
	require.Equal(t, "observability", k8s.Kubernetes.Namespace)
	require.Equal(t, AuthServiceAccount, k8s.Kubernetes.AuthType)
}

func TestConfigStruct(t *testing.T) {
	require.NoError(t, componenttest.CheckConfigStruct(createDefaultConfig()))
}

func etcd(c *Config) {
	c.Backend = BackendEtcd
	c.Etcd.Endpoints = []string{"127.0.0.1:2379"}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*Config)
		want   error
	}{
		{"unknown backend", func(c *Config) { c.Backend = "zookeeper" }, errBackend},
		{"group not a DNS label", func(c *Config) { c.Group = "Chaos_Fleet" }, errGroup},
		{"node id with slash", func(c *Config) { c.NodeID = "a/b" }, errNodeID},
		{"lease not above renew deadline", func(c *Config) { etcd(c); c.LeaseDuration = 7 * time.Second }, errLeaseTiming},
		{"renew deadline within jittered retry", func(c *Config) { etcd(c); c.RetryPeriod = 6 * time.Second }, errLeaseTiming},
		{"retry period zero", func(c *Config) { etcd(c); c.RetryPeriod = 0 }, errLeaseTiming},
		{"degraded before a heartbeat is due", func(c *Config) { etcd(c); c.DegradedAfter = c.HeartbeatInterval }, errMembership},
		{"failed before degraded", func(c *Config) { etcd(c); c.FailedAfter = c.DegradedAfter }, errMembership},
		{"forget before failed", func(c *Config) { etcd(c); c.ForgetAfter = c.FailedAfter }, errMembership},
		{"etcd without endpoints", func(c *Config) { c.Backend = BackendEtcd }, errEtcdEndpoints},
		{"etcd bad endpoint scheme", func(c *Config) { etcd(c); c.Etcd.Endpoints = []string{"grpc://x:2379"} }, errEtcdEndpoint},
		{"etcd prefix", func(c *Config) { etcd(c); c.Etcd.Prefix = "chaos/" }, errEtcdPrefix},
		{"etcd lease not whole seconds", func(c *Config) { etcd(c); c.LeaseDuration = 9500 * time.Millisecond }, errEtcdLeaseWhole},
		{"etcd request timeout above renew deadline", func(c *Config) { etcd(c); c.Etcd.RequestTimeout = 8 * time.Second }, errEtcdTimeout},
		{"etcd dial timeout", func(c *Config) { etcd(c); c.Etcd.DialTimeout = 0 }, errEtcdTimeout},
		{"node id with space", func(c *Config) { c.NodeID = "node a" }, errNodeID},
		{"duplicate priority", func(c *Config) { c.Priority = []string{"a", "b", "a"} }, errPriorityDup},
		{"status path", func(c *Config) { c.Status.Path = "status" }, errStatusPath},
		{"status endpoint", func(c *Config) { c.Status.ServerConfig.NetAddr.Endpoint = "" }, errStatusEndpoint},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := createDefaultConfig().(*Config)
			tt.mutate(cfg)
			require.ErrorIs(t, cfg.Validate(), tt.want)
		})
	}
}
