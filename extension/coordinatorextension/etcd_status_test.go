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
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	"github.com/otelcol-chaos/otelcol-chaos/extension/coordinatorextension/internal/metadata"
	"github.com/otelcol-chaos/otelcol-chaos/internal/etcdtest"
)

// TestEtcdStatusEndpointAndTelemetry: on the etcd backend, the status
// endpoint and the telemetry show the election and the heartbeats.
func TestEtcdStatusEndpointAndTelemetry(t *testing.T) {
	if testing.Short() {
		t.Skip("starts an etcd member")
	}
	cluster := etcdtest.Start(t, 1)
	defer cluster.Close()
	tel := componenttest.NewTelemetry()
	defer func() { require.NoError(t, tel.Shutdown(context.Background())) }()
	cfg := etcdTestConfig(cluster.Endpoints, "solo", 2*time.Second)
	cfg.Status.Enabled = true
	cfg.Status.ServerConfig.NetAddr.Endpoint = "127.0.0.1:0"
	set := extensiontest.NewNopSettings(metadata.Type)
	set.TelemetrySettings = tel.NewTelemetrySettings()
	ext, err := NewFactory().Create(context.Background(), set, cfg)
	require.NoError(t, err)
	require.NoError(t, ext.Start(context.Background(), componenttest.NewNopHost()))
	c := ext.(*coordinator)
	defer func() { require.NoError(t, ext.Shutdown(context.Background())) }()
	require.Eventually(t, func() bool { return c.IsLeader() && memberStatus(c, "solo") == StatusActive },
		10*time.Second, 10*time.Millisecond)

	resp, err := http.Get("http://" + c.server.Addr().String() + cfg.Status.Path)
	require.NoError(t, err)
	var body statusBody
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&body))
	require.NoError(t, resp.Body.Close())
	require.Equal(t, "solo", body.Self)
	require.Equal(t, BackendEtcd, body.Backend)
	require.Equal(t, "solo", body.Leader)
	require.True(t, body.IsLeader)
	require.Equal(t, c.Term(), body.Term)
	require.Positive(t, body.Term)
	require.Len(t, body.Members, 1)
	require.Equal(t, StatusActive, body.Members[0].Status)

	gauge := func(name string) int64 {
		m, err := tel.GetMetric(name)
		require.NoError(t, err)
		return m.Data.(metricdata.Gauge[int64]).DataPoints[0].Value
	}
	require.Equal(t, int64(1), gauge("otelcol_extension_coordinator_is_leader"))
	require.Equal(t, int64(c.Term()), gauge("otelcol_extension_coordinator_term"))
	require.Eventually(t, func() bool {
		m, err := tel.GetMetric("otelcol_extension_coordinator_heartbeats_sent")
		return err == nil && m.Data.(metricdata.Sum[int64]).DataPoints[0].Value >= 3
	}, 5*time.Second, 50*time.Millisecond, "heartbeats are counted")
}
