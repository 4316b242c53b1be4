package coordinatorextension

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/extension/extensiontest"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	"github.com/otelcol-chaos/otelcol-chaos/extension/coordinatorextension/internal/metadata"

	"github.com/otelcol-chaos/otelcol-chaos/pkg/coordination"
)

type hostWith map[component.ID]component.Component

func (h hostWith) GetExtensions() map[component.ID]component.Component { return h }

// notifier is a small component that uses the coordinator as the alert
// exporter will: it finds it among the host's extensions and acts only
// while it leads, stamping what it sends with the fencing term.
type notifier struct {
	coord coordination.Coordinator
	sent  []uint64
}

func (n *notifier) start(host component.Host) bool {
	c, ok := coordination.Find(host.GetExtensions(), nil)
	n.coord = c
	return ok
}

func (n *notifier) notify() {
	if n.coord.IsLeader() {
		n.sent = append(n.sent, n.coord.Term())
	}
}

func TestStandaloneLeadsAndServesStatus(t *testing.T) {
	cfg := createDefaultConfig().(*Config)
	cfg.NodeID = "collector-a"
	cfg.Status.ServerConfig.NetAddr.Endpoint = "127.0.0.1:0"
	tel := componenttest.NewTelemetry()
	defer func() { require.NoError(t, tel.Shutdown(context.Background())) }()
	set := extensiontest.NewNopSettings(metadata.Type)
	set.TelemetrySettings = tel.NewTelemetrySettings()
	ext, err := NewFactory().Create(context.Background(), set, cfg)
	require.NoError(t, err)
	id := component.NewID(metadata.Type)
	host := hostWith{id: ext}
	require.NoError(t, ext.Start(context.Background(), host))
	c := ext.(*coordinator)

	n := &notifier{}
	require.True(t, n.start(host))
	var gained []uint64
	n.coord.RegisterCallbacks(func(term uint64) { gained = append(gained, term) }, nil)
	require.Empty(t, gained, "callbacks wait for the pipelines")
	require.NoError(t, c.Ready())
	require.Equal(t, []uint64{1}, gained)
	n.notify()
	require.Equal(t, []uint64{1}, n.sent)
	require.True(t, c.Owns(ModeSharded, "any rule"), "alone, it owns every shard")

	resp, err := http.Get("http://" + c.server.Addr().String() + "/v1/coordinator/status")
	require.NoError(t, err)
	var body statusBody
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&body))
	resp.Body.Close()
	require.Equal(t, "collector-a", body.Self)
	require.Equal(t, "collector-a", body.Leader)
	require.True(t, body.IsLeader)
	require.Equal(t, uint64(1), body.Term)
	require.Len(t, body.Members, 1)
	require.Equal(t, StatusActive, body.Members[0].Status)

	m, err := tel.GetMetric("otelcol_extension_coordinator_is_leader")
	require.NoError(t, err)
	require.Equal(t, int64(1), m.Data.(metricdata.Gauge[int64]).DataPoints[0].Value)

	require.NoError(t, c.NotReady())
	require.NoError(t, ext.Shutdown(context.Background()))
	require.False(t, c.IsLeader(), "a shut-down node no longer leads")
}

func TestFindRefusesAmbiguity(t *testing.T) {
	a, b := newState("a", nil), newState("b", nil)
	ida, idb := component.MustNewIDWithName("coordinator", "a"), component.MustNewIDWithName("coordinator", "b")
	exts := map[component.ID]component.Component{ida: &coordinator{state: a}, idb: &coordinator{state: b}}
	_, ok := coordination.Find(exts, nil)
	require.False(t, ok, "two coordinators: the component must name one")
	c, ok := coordination.Find(exts, &idb)
	require.True(t, ok)
	require.Equal(t, "b", c.Self())
}
