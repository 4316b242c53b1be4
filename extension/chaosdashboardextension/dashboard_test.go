package chaosdashboardextension

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/extension/extensiontest"

	"github.com/otelcol-chaos/otelcol-chaos/extension/chaosdashboardextension/internal/metadata"
	"github.com/otelcol-chaos/otelcol-chaos/pkg/coordination"
	"github.com/otelcol-chaos/otelcol-chaos/pkg/coordination/coordinatortest"
	"github.com/otelcol-chaos/otelcol-chaos/pkg/dashboard"
)

// TestFoundAsPublisher: components find the extension through the host as
// pkg/dashboard says, without importing it.
func TestFoundAsPublisher(t *testing.T) {
	ext, err := NewFactory().Create(context.Background(), extensiontest.NewNopSettings(metadata.Type), createDefaultConfig())
	require.NoError(t, err)
	id := component.NewID(metadata.Type)
	p, ok := dashboard.Find(map[component.ID]component.Component{id: ext}, nil)
	require.True(t, ok)
	require.Same(t, ext, p)
	require.NoError(t, ext.Shutdown(context.Background()))
}

// TestPublishedBucketIsQueryableAndStreamed: one published bucket answers
// the buckets API and reaches a connected client as bucket and impact
// messages.
func TestPublishedBucketIsQueryableAndStreamed(t *testing.T) {
	d := startDashboard(t, nil, nil)
	conn := dialStream(t, d)

	d.PublishRecords(bucketLogs(t, testStart, 20, 5))

	m := readUntil(t, conn, "bucket")
	require.Equal(t, "global", m.Scope)
	var streamed struct {
		Start  time.Time `json:"start"`
		Events int       `json:"events"`
		Faults int       `json:"faults"`
	}
	require.NoError(t, json.Unmarshal(m.Data, &streamed))
	require.True(t, testStart.Equal(streamed.Start))
	require.Equal(t, 20, streamed.Events)
	require.Equal(t, 5, streamed.Faults)
	readUntil(t, conn, "impact")

	var got struct {
		Buckets []struct {
			Start  time.Time `json:"start"`
			Width  string    `json:"width"`
			Events int       `json:"events"`
			Faults int       `json:"faults"`
		} `json:"buckets"`
	}
	getJSON(t, d.url()+"api/v1/buckets?scope=global&width=1m", &got)
	require.Len(t, got.Buckets, 1)
	require.Equal(t, "1m", got.Buckets[0].Width)
	require.Equal(t, 20, got.Buckets[0].Events)
	require.Equal(t, 5, got.Buckets[0].Faults)
}

// TestRoutes: the page at /, the API under /api/v1/, the stream, 404s.
func TestRoutes(t *testing.T) {
	d := startDashboard(t, nil, nil)
	for path, want := range map[string]int{
		"":                      http.StatusOK,
		"app.js":                http.StatusOK,
		"api/v1/stats":          http.StatusOK,
		"api/v1/fleet":          http.StatusOK,
		"api/v1/scenarios":      http.StatusOK,
		"api/v1/health/history": http.StatusOK,
		"api/v1/nope":           http.StatusNotFound,
		"nope.html":             http.StatusNotFound,
		"api/v1/stream":         http.StatusUpgradeRequired, // plain GET: no upgrade
		"api/v1/buckets?x=":     http.StatusBadRequest,
	} {
		resp, err := http.Get(d.url() + path)
		require.NoError(t, err)
		require.NoError(t, resp.Body.Close())
		require.Equal(t, want, resp.StatusCode, path)
	}
}

// TestFleetFromCoordinator: /api/v1/fleet shows the coordinator's view, and
// a leadership change is streamed once per change.
func TestFleetFromCoordinator(t *testing.T) {
	coord := coordinatortest.New("node-a")
	coord.SetLeader("node-b", 3)
	hb := time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)
	coord.SetMember("node-a", coordination.StatusActive, hb)
	coord.SetMember("node-b", coordination.StatusDegraded, hb)
	host := hostWith{component.MustNewID("coordinator"): coord}
	ticks := make(chan time.Time)
	d := startDashboard(t, nil, host, func(d *chaosDashboard) {
		d.fleet.newTicker = func(time.Duration) (<-chan time.Time, func()) { return ticks, func() {} }
	})

	var fleet struct {
		Self, Leader string
		Term         uint64
		IsLeader     bool `json:"is_leader"`
		Standalone   bool
		Members      []struct {
			ID, Status    string
			LastHeartbeat time.Time `json:"last_heartbeat"`
		}
	}
	getJSON(t, d.url()+"api/v1/fleet", &fleet)
	require.Equal(t, "node-a", fleet.Self)
	require.Equal(t, "node-b", fleet.Leader)
	require.EqualValues(t, 3, fleet.Term)
	require.False(t, fleet.IsLeader)
	require.False(t, fleet.Standalone)
	require.Len(t, fleet.Members, 2)
	require.Equal(t, "degraded", fleet.Members[1].Status)
	require.True(t, hb.Equal(fleet.Members[1].LastHeartbeat))

	conn := dialStream(t, d)
	ticks <- time.Time{} // nothing changed: nothing streamed
	coord.SetLeader("node-a", 4)
	ticks <- time.Time{}
	m := readUntil(t, conn, "leadership")
	var l struct {
		Leader string
		Term   uint64
	}
	require.NoError(t, json.Unmarshal(m.Data, &l))
	require.Equal(t, "node-a", l.Leader)
	require.EqualValues(t, 4, l.Term)
}

func TestStandaloneFleet(t *testing.T) {
	d := startDashboard(t, nil, nil)
	var fleet struct {
		Standalone bool
		IsLeader   bool `json:"is_leader"`
		Members    []struct {
			ID            string
			LastHeartbeat *time.Time `json:"last_heartbeat"`
		}
	}
	getJSON(t, d.url()+"api/v1/fleet", &fleet)
	require.True(t, fleet.Standalone)
	require.True(t, fleet.IsLeader)
	require.Len(t, fleet.Members, 1)
	require.Nil(t, fleet.Members[0].LastHeartbeat, "no heartbeat known without a coordinator: null, not year 1")
}

func TestNamedCoordinatorMustExist(t *testing.T) {
	cfg := createDefaultConfig().(*Config)
	cfg.ServerConfig.NetAddr.Endpoint = "127.0.0.1:0"
	id := component.MustNewIDWithName("coordinator", "gw")
	cfg.Coordinator = &id
	d, err := newDashboard(cfg, extensiontest.NewNopSettings(metadata.Type))
	require.NoError(t, err)
	err = d.Start(context.Background(), hostWith{})
	require.ErrorContains(t, err, `coordinator "coordinator/gw" is not a configured coordinator extension`)
	require.NoError(t, d.Shutdown(context.Background()))
}

// TestAlertTransitionsStreamed: an alert transition reaches the stream as
// alert_fired and the alerts API lists it active.
func TestAlertTransitionsStreamed(t *testing.T) {
	d := startDashboard(t, nil, nil)
	conn := dialStream(t, d)
	at := testStart.Add(3 * time.Minute).UnixNano()
	d.PublishAlert(dashboard.AlertTransition{AtUnixNano: at, Fingerprint: "f1", Rule: "ChaosFaultStorm",
		Labels: map[string]string{"severity": "critical"}, From: "pending", To: "firing", Value: 0.4})
	m := readUntil(t, conn, "alert_fired")
	require.Contains(t, string(m.Data), `"ChaosFaultStorm"`)
	var alerts struct {
		Active []struct {
			Fingerprint string
			Rule        string
			To          string
		}
	}
	getJSON(t, d.url()+"api/v1/alerts", &alerts)
	require.Len(t, alerts.Active, 1)
	require.Equal(t, "ChaosFaultStorm", alerts.Active[0].Rule)
	require.Equal(t, "firing", alerts.Active[0].To)

	d.PublishScenario(dashboard.ScenarioTransition{AtUnixNano: at, Service: "api", From: "calm", To: "storm"})
	m = readUntil(t, conn, "scenario")
	require.JSONEq(t, `{"from":"calm","to":"storm"}`, string(m.Data))
	var scenarios struct {
		Scenarios []struct {
			From, To string
			At       time.Time
		}
	}
	getJSON(t, d.url()+"api/v1/scenarios", &scenarios)
	require.Len(t, scenarios.Scenarios, 1)
	require.Equal(t, "storm", scenarios.Scenarios[0].To)
	require.True(t, time.Unix(0, at).Equal(scenarios.Scenarios[0].At))
}

// TestStatsFromPublishedBuckets: the statistics count the buckets
// published, in the data's time.
func TestStatsFromPublishedBuckets(t *testing.T) {
	d := startDashboard(t, nil, nil)
	for i := range 3 {
		d.PublishRecords(bucketLogs(t, testStart.Add(time.Duration(i)*time.Minute), 20, 5))
	}
	var stats struct {
		AsOf           time.Time `json:"as_of"`
		EventsLastHour int       `json:"events_last_hour"`
		EventsLastDay  int       `json:"events_last_day"`
		FaultsLastHour int       `json:"faults_last_hour"`
		LatencyAvgMs   *float64  `json:"latency_avg_ms"`
	}
	getJSON(t, d.url()+"api/v1/stats", &stats)
	require.True(t, testStart.Add(3*time.Minute).Equal(stats.AsOf), "as_of is the newest bucket's end")
	require.Equal(t, 60, stats.EventsLastHour)
	require.Equal(t, 60, stats.EventsLastDay)
	require.Equal(t, 15, stats.FaultsLastHour)
	require.NotNil(t, stats.LatencyAvgMs)
}
