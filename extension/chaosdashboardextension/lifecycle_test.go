package chaosdashboardextension

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/extension/extensiontest"

	"github.com/otelcol-chaos/otelcol-chaos/extension/chaosdashboardextension/internal/metadata"
)

// The shape of contrib's generated component tests: type and stability,
// the default configuration, create → shutdown, create → start → publish →
// shutdown (goleak in TestMain checks nothing is left running).
func TestComponentLifecycle(t *testing.T) {
	f := NewFactory()
	require.Equal(t, metadata.Type, f.Type())
	require.Equal(t, metadata.ExtensionStability, f.Stability())
	ctx := context.Background()
	set := extensiontest.NewNopSettings(metadata.Type)

	t.Run("default config", func(t *testing.T) {
		cfg := f.CreateDefaultConfig()
		require.NoError(t, componenttest.CheckConfigStruct(cfg))
		require.NoError(t, cfg.(*Config).Validate())
	})
	t.Run("create-shutdown", func(t *testing.T) {
		ext, err := f.Create(ctx, set, f.CreateDefaultConfig())
		require.NoError(t, err)
		require.NoError(t, ext.Shutdown(ctx))
	})
	t.Run("start-publish-shutdown", func(t *testing.T) {
		cfg := f.CreateDefaultConfig().(*Config)
		cfg.ServerConfig.NetAddr.Endpoint = "127.0.0.1:0"
		ext, err := f.Create(ctx, set, cfg)
		require.NoError(t, err)
		require.NoError(t, ext.Start(ctx, componenttest.NewNopHost()))
		d := ext.(*chaosDashboard)
		d.PublishRecords(bucketLogs(t, testStart, 10, 2))
		resp, err := http.Get(d.url() + "api/v1/stats")
		require.NoError(t, err)
		require.NoError(t, resp.Body.Close())
		require.Equal(t, http.StatusOK, resp.StatusCode)
		require.NoError(t, ext.Shutdown(ctx))
	})
}
