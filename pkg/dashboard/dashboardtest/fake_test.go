package dashboardtest

import (
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/otelcol-chaos/otelcol-chaos/pkg/dashboard"
)

func logsWith(bodies ...string) plog.Logs {
	ld := plog.NewLogs()
	records := ld.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty().LogRecords()
	for _, b := range bodies {
		records.AppendEmpty().Body().SetStr(b)
	}
	return ld
}

func bodies(ld plog.Logs) []string {
	var out []string
	for _, rl := range ld.ResourceLogs().All() {
		for _, sl := range rl.ScopeLogs().All() {
			for _, lr := range sl.LogRecords().All() {
				out = append(out, lr.Body().Str())
			}
		}
	}
	return out
}

func TestRecordsAreCopiesAsOfTheCall(t *testing.T) {
	f := New()
	ld := logsWith("a", "b")
	f.PublishRecords(ld)
	// The caller hands ld on after the call; the next consumer changes it.
	ld.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords().At(0).Body().SetStr("changed")
	ld.ResourceLogs().AppendEmpty()
	f.PublishRecords(logsWith("c"))

	got := f.Records()
	require.Len(t, got, 2)
	require.Equal(t, []string{"a", "b"}, bodies(got[0]), "what was there during the call")
	require.Equal(t, 1, got[0].ResourceLogs().Len())
	require.Equal(t, []string{"c"}, bodies(got[1]))
	require.Equal(t, 3, f.LogRecordCount())

	got[0].ResourceLogs().At(0).ScopeLogs().At(0).LogRecords().At(0).Body().SetStr("test changed it")
	require.Equal(t, []string{"a", "b"}, bodies(f.Records()[0]), "Records returns copies")
}

func TestTransitions(t *testing.T) {
	f := New()
	sc := dashboard.ScenarioTransition{AtUnixNano: 1, Service: "checkout", From: "steady", To: "storm"}
	f.PublishScenario(sc)
	labels, ann := map[string]string{"alertname": "Storm"}, map[string]string{"summary": "faults"}
	at := dashboard.AlertTransition{AtUnixNano: 2, Fingerprint: "fp", Rule: "Storm", Labels: labels, Annotations: ann,
		From: "", To: "pending", Value: 0.5}
	f.PublishAlert(at)
	labels["alertname"] = "changed by the component"

	require.Equal(t, []dashboard.ScenarioTransition{sc}, f.Scenarios())
	want := at
	want.Labels, want.Annotations = map[string]string{"alertname": "Storm"}, map[string]string{"summary": "faults"}
	require.Equal(t, []dashboard.AlertTransition{want}, f.Alerts(), "the maps as they were during the call")
	f.Alerts()[0].Labels["alertname"] = "changed by the test"
	require.Equal(t, "Storm", f.Alerts()[0].Labels["alertname"], "Alerts returns copies")

	f.Reset()
	require.Empty(t, f.Records())
	require.Empty(t, f.Scenarios())
	require.Empty(t, f.Alerts())
	require.Zero(t, f.LogRecordCount())
}

func TestConcurrentPublishing(t *testing.T) {
	f := New()
	const goroutines, calls = 8, 50
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range calls {
				f.PublishRecords(logsWith("r"))
				f.PublishScenario(dashboard.ScenarioTransition{AtUnixNano: int64(g*calls + i)})
				f.PublishAlert(dashboard.AlertTransition{Labels: map[string]string{"g": "x"}})
				_ = f.Records()
				_ = f.Alerts()
			}
		}()
	}
	wg.Wait()
	require.Equal(t, goroutines*calls, f.LogRecordCount())
	require.Len(t, f.Scenarios(), goroutines*calls)
	require.Len(t, f.Alerts(), goroutines*calls)
}

func TestFoundAmongExtensions(t *testing.T) {
	f := New()
	id := component.MustNewID("chaos_dashboard")
	require.NoError(t, f.Start(t.Context(), nil))
	p, err := dashboard.Lookup(map[component.ID]component.Component{id: f}, &id)
	require.NoError(t, err)
	require.Same(t, f, p)
	require.NoError(t, f.Shutdown(t.Context()))

	p, err = dashboard.Lookup(map[component.ID]component.Component{id: Nop{}}, nil)
	require.NoError(t, err)
	require.Equal(t, Nop{}, p)
	require.Zero(t, testing.AllocsPerRun(100, func() {
		p.PublishRecords(plog.Logs{})
		p.PublishScenario(dashboard.ScenarioTransition{})
		p.PublishAlert(dashboard.AlertTransition{})
	}), "Nop costs nothing, so allocation tests measure the component alone")
}

func TestChangingSink(t *testing.T) {
	s := &ChangingSink{}
	require.True(t, s.Capabilities().MutatesData)
	own := logsWith("summary")
	own.ResourceLogs().At(0).ScopeLogs().At(0).Scope().SetName("mine")
	other := logsWith("passing", "through")
	for _, ld := range []plog.Logs{other, own} {
		require.NoError(t, s.ConsumeLogs(t.Context(), ld))
		require.Zero(t, ld.ResourceLogs().Len(), "the sink empties what it gets")
	}
	all := s.All()
	require.Len(t, all, 2)
	require.Equal(t, []string{"passing", "through"}, bodies(all[0]), "as it was received")
	mine := s.FromScope("mine")
	require.Len(t, mine, 1)
	require.Equal(t, []string{"summary"}, bodies(mine[0]))
}
