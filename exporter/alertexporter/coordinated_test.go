package alertexporter

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/exporter"
	"go.opentelemetry.io/collector/exporter/exportertest"
	"go.opentelemetry.io/collector/extension"
	"go.opentelemetry.io/collector/extension/extensioncapabilities"
	"go.opentelemetry.io/collector/extension/extensiontest"

	"github.com/otelcol-chaos/otelcol-chaos/exporter/alertexporter/config"
	"github.com/otelcol-chaos/otelcol-chaos/exporter/alertexporter/internal/dispatch"
	"github.com/otelcol-chaos/otelcol-chaos/exporter/alertexporter/internal/metadata"
	"github.com/otelcol-chaos/otelcol-chaos/exporter/alertexporter/internal/rules"
	"github.com/otelcol-chaos/otelcol-chaos/extension/coordinatorextension"
	"github.com/otelcol-chaos/otelcol-chaos/internal/etcdtest"
)

type hostWith map[component.ID]component.Component

func (h hostWith) GetExtensions() map[component.ID]component.Component { return h }

// webhookSink records the Alertmanager-v4 webhook notifications it gets.
type webhookSink struct {
	mu  sync.Mutex
	got []webhookBody
}

type webhookBody struct {
	Status string `json:"status"`
	Term   uint64 `json:"term"`
	Alerts []struct {
		Status      string `json:"status"`
		Fingerprint string `json:"fingerprint"`
	} `json:"alerts"`
}

func (s *webhookSink) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	var b webhookBody
	if err := json.Unmarshal(body, &b); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	s.mu.Lock()
	s.got = append(s.got, b)
	s.mu.Unlock()
}

func (s *webhookSink) byStatus(status string) []webhookBody {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []webhookBody
	for _, b := range s.got {
		if b.Status == status {
			out = append(out, b)
		}
	}
	return out
}

// collector is one node of the fleet: a coordinator on the shared etcd and
// an alert exporter notifying the shared webhook.
type collector struct {
	coord coordinatorextension.Coordinator
	ext   extension.Extension
	exp   exporter.Logs
}

func startCollector(t *testing.T, endpoints []string, id, hook string, groupWait time.Duration) *collector {
	t.Helper()
	ccfg := coordinatorextension.NewFactory().CreateDefaultConfig().(*coordinatorextension.Config)
	ccfg.Backend, ccfg.NodeID, ccfg.Group = coordinatorextension.BackendEtcd, id, "alerts"
	ccfg.Status.Enabled = false
	ccfg.Etcd.Endpoints, ccfg.Etcd.RequestTimeout = endpoints, 500*time.Millisecond
	ccfg.LeaseDuration, ccfg.RenewDeadline, ccfg.RetryPeriod = 2*time.Second, 1200*time.Millisecond, 200*time.Millisecond
	ccfg.HeartbeatInterval, ccfg.DegradedAfter, ccfg.FailedAfter, ccfg.ForgetAfter = 100*time.Millisecond,
		400*time.Millisecond, 2*time.Second, time.Minute
	require.NoError(t, ccfg.Validate())
	ext, err := coordinatorextension.NewFactory().Create(context.Background(),
		extensiontest.NewNopSettings(coordinatorextension.NewFactory().Type()), ccfg)
	require.NoError(t, err)
	require.NoError(t, ext.Start(context.Background(), componenttest.NewNopHost()))
	require.NoError(t, ext.(extensioncapabilities.PipelineWatcher).Ready())
	host := hostWith{component.NewID(coordinatorextension.NewFactory().Type()): ext}

	cfg := createDefaultConfig().(*Config)
	cfg.EvaluationInterval = 100 * time.Millisecond
	cfg.Rules = []rules.Config{{Name: "Storm", Preset: "fault_rate", Threshold: f64(0.3), Window: 2 * time.Minute,
		For: time.Minute}}
	cfg.Route = dispatch.Config{GroupBy: []string{"alertname"}, GroupWait: groupWait,
		GroupInterval: 300 * time.Millisecond, RepeatInterval: time.Hour}
	wh := config.NewDefaultWebhookConfig()
	wh.ClientConfig.Endpoint = hook
	cfg.Handlers = []HandlerConfig{{Name: "hook", Webhook: &wh}}
	require.NoError(t, cfg.Validate())
	exp, err := NewFactory().CreateLogs(context.Background(), exportertest.NewNopSettings(metadata.Type), cfg)
	require.NoError(t, err)
	require.NoError(t, exp.Start(context.Background(), host))
	return &collector{coord: ext.(coordinatorextension.Coordinator), ext: ext, exp: exp}
}

func (c *collector) stop(t *testing.T) {
	require.NoError(t, c.exp.Shutdown(context.Background()))
	require.NoError(t, c.ext.Shutdown(context.Background()))
}

// startFleet starts two collectors and waits until one leads.
func startFleet(t *testing.T, endpoints []string, hook string, groupWait time.Duration) (leader, follower *collector) {
	a := startCollector(t, endpoints, "collector-a", hook, groupWait)
	b := startCollector(t, endpoints, "collector-b", hook, groupWait)
	require.Eventually(t, func() bool {
		return a.coord.IsLeader() != b.coord.IsLeader() && a.coord.Leader() == b.coord.Leader() &&
			len(a.coord.Members()) == 2 && len(b.coord.Members()) == 2
	}, 10*time.Second, 10*time.Millisecond)
	if a.coord.IsLeader() {
		return a, b
	}
	return b, a
}

// storm is four minutes of events, the last three with 80 % faults.
func storm() [][2]uint64 { return [][2]uint64{{100, 5}, {100, 80}, {100, 80}, {100, 80}} }

// stormedFleet starts an etcd cluster, a webhook and two collectors, and
// gives both the same storm (a fan-out to the fleet), ending now.
func stormedFleet(t *testing.T, groupWait time.Duration) (leader, follower *collector, sink *webhookSink, start time.Time) {
	t.Helper()
	if testing.Short() {
		t.Skip("starts a three-member etcd cluster")
	}
	cluster := etcdtest.Start(t, 3)
	t.Cleanup(cluster.Close)
	sink = &webhookSink{}
	srv := httptest.NewServer(sink)
	t.Cleanup(srv.Close)
	leader, follower = startFleet(t, cluster.Endpoints, srv.URL, groupWait)
	t.Cleanup(func() { follower.stop(t) })
	start = time.Now().Add(-4 * time.Minute)
	for _, c := range []*collector{leader, follower} {
		require.NoError(t, c.exp.ConsumeLogs(context.Background(), bucketLogs(start, storm())))
	}
	return leader, follower, sink, start
}

func TestFleetNotifiesOnceAndTheFollowerSendsWhatIsOwed(t *testing.T) {
	// Both collectors get the same summaries: the alert fires on both,
	// only the leader notifies, with its term.
	leader, follower, sink, start := stormedFleet(t, 200*time.Millisecond)
	require.Eventually(t, func() bool { return len(sink.byStatus("firing")) == 1 }, 5*time.Second, 10*time.Millisecond)
	time.Sleep(time.Second) // several group intervals: still one notification
	firing := sink.byStatus("firing")
	require.Len(t, firing, 1, "one notification per alert across the fleet")
	require.Equal(t, leader.coord.Term(), firing[0].Term, "stamped with the leader's fencing term")
	oldTerm := leader.coord.Term()

	// The leader stops; the follower takes over and, when the storm ends,
	// sends the resolved notification that is owed — and nothing twice.
	leader.stop(t)
	require.Eventually(t, follower.coord.IsLeader, 5*time.Second, 10*time.Millisecond)
	require.NoError(t, follower.exp.ConsumeLogs(context.Background(),
		bucketLogs(start.Add(4*time.Minute), [][2]uint64{{100, 0}, {100, 0}, {100, 0}})))
	require.Eventually(t, func() bool { return len(sink.byStatus("resolved")) == 1 }, 5*time.Second, 10*time.Millisecond)
	time.Sleep(time.Second)
	resolved := sink.byStatus("resolved")
	require.Len(t, resolved, 1)
	require.Greater(t, resolved[0].Term, oldTerm, "the new leader notifies under a greater term")
	require.Equal(t, firing[0].Alerts[0].Fingerprint, resolved[0].Alerts[0].Fingerprint)
	require.Len(t, sink.byStatus("firing"), 1, "the takeover repeated nothing")
}

func TestFleetLosesNothingWhenTheLeaderDiesBeforeSending(t *testing.T) {
	leader, follower, sink, _ := stormedFleet(t, 1500*time.Millisecond)
	// The leader goes away before group_wait ends: the notification was
	// owed and never sent by it.
	leader.stop(t)
	require.Eventually(t, func() bool { return len(sink.byStatus("firing")) == 1 }, 10*time.Second, 10*time.Millisecond)
	time.Sleep(time.Second)
	firing := sink.byStatus("firing")
	require.Len(t, firing, 1)
	require.Equal(t, follower.coord.Term(), firing[0].Term, "sent by the new leader")
}
