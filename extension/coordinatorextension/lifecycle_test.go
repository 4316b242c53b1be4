package coordinatorextension

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/extension/extensiontest"

	"github.com/otelcol-chaos/otelcol-chaos/extension/coordinatorextension/internal/metadata"
	"github.com/otelcol-chaos/otelcol-chaos/internal/etcdtest"
)

// The shape of contrib's generated component tests: type and stability,
// the default configuration, create → shutdown, create → start → shutdown
// (goleak in TestMain checks nothing is left running).
func TestComponentLifecycle(t *testing.T) {
	f := NewFactory()
	require.Equal(t, metadata.Type, f.Type())
	require.Equal(t, metadata.ExtensionStability, f.Stability())
	ctx := context.Background()
	set := extensiontest.NewNopSettings(metadata.Type)

	t.Run("default config", func(t *testing.T) {
		cfg := f.CreateDefaultConfig()
		require.NoError(t, componenttest.CheckConfigStruct(cfg))
		require.NoError(t, cfg.(*Config).Validate(), "the default (standalone) is a working configuration")
	})
	t.Run("create-shutdown", func(t *testing.T) {
		ext, err := f.Create(ctx, set, f.CreateDefaultConfig())
		require.NoError(t, err)
		require.NoError(t, ext.Shutdown(ctx))
	})
	t.Run("start-shutdown on etcd", func(t *testing.T) {
		if testing.Short() {
			t.Skip("starts an etcd member")
		}
		cluster := etcdtest.Start(t, 1)
		defer cluster.Close()
		cfg := etcdTestConfig(cluster.Endpoints, "solo", 2*time.Second)
		cfg.Status.Enabled = true
		cfg.Status.ServerConfig.NetAddr.Endpoint = "127.0.0.1:0"
		require.NoError(t, cfg.Validate())
		ext, err := f.Create(ctx, set, cfg)
		require.NoError(t, err)
		require.NoError(t, ext.Start(ctx, componenttest.NewNopHost()))
		c := ext.(*coordinator)
		require.Eventually(t, c.IsLeader, 10*time.Second, 10*time.Millisecond, "alone on etcd, it is elected")

		resp, err := http.Get("http://" + c.server.Addr().String() + cfg.Status.Path)
		require.NoError(t, err)
		var body statusBody
		require.NoError(t, json.NewDecoder(resp.Body).Decode(&body))
		require.NoError(t, resp.Body.Close())
		require.Equal(t, "solo", body.Leader)
		require.True(t, body.IsLeader)
		require.Positive(t, body.Term)

		require.NoError(t, ext.Shutdown(ctx))
		require.False(t, c.IsLeader(), "a shut-down node no longer leads")
		_, err = http.Get("http://" + c.server.Addr().String() + cfg.Status.Path)
		require.Error(t, err, "the status endpoint stops with the extension")
	})
}
