package chaosreceiver

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/receiver/receivertest"

	"github.com/otelcol-chaos/otelcol-chaos/receiver/chaosreceiver/internal/metadata"
)

func TestFactory(t *testing.T) {
	f := NewFactory()
	require.Equal(t, "chaos", f.Type().String())
	require.Equal(t, metadata.LogsStability, f.LogsStability())

	cfg := f.CreateDefaultConfig().(*Config)
	cfg.ServerConfig.NetAddr.Endpoint = "127.0.0.1:0"
	r, err := f.CreateLogs(context.Background(), receivertest.NewNopSettings(metadata.Type), cfg, consumertest.NewNop())
	require.NoError(t, err)
	require.NoError(t, r.Start(context.Background(), componenttest.NewNopHost()))
	require.NoError(t, r.Shutdown(context.Background()))

	// Shutdown without Start is safe (the collector does it on a failed start).
	r2, err := f.CreateLogs(context.Background(), receivertest.NewNopSettings(metadata.Type), cfg, consumertest.NewNop())
	require.NoError(t, err)
	require.NoError(t, r2.Shutdown(context.Background()))

	_, err = f.CreateTraces(context.Background(), receivertest.NewNopSettings(metadata.Type), cfg, consumertest.NewNop())
	require.Error(t, err, "only logs are supported")
}

func TestStartFailsOnBusyPort(t *testing.T) {
	f := NewFactory()
	cfg := f.CreateDefaultConfig().(*Config)
	cfg.ServerConfig.NetAddr.Endpoint = "127.0.0.1:0"
	first, err := f.CreateLogs(context.Background(), receivertest.NewNopSettings(metadata.Type), cfg, consumertest.NewNop())
	require.NoError(t, err)
	require.NoError(t, first.Start(context.Background(), componenttest.NewNopHost()))
	defer func() { require.NoError(t, first.Shutdown(context.Background())) }()

	busy := f.CreateDefaultConfig().(*Config)
	busy.ServerConfig.NetAddr.Endpoint = first.(*chaosReceiver).server.Addr().String()
	second, err := f.CreateLogs(context.Background(), receivertest.NewNopSettings(metadata.Type), busy, consumertest.NewNop())
	require.NoError(t, err)
	require.Error(t, second.Start(context.Background(), componenttest.NewNopHost()))
	require.NoError(t, second.Shutdown(context.Background()))
}
