package alertexporter

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/exporter/exportertest"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/otelcol-chaos/otelcol-chaos/exporter/alertexporter/config"
	"github.com/otelcol-chaos/otelcol-chaos/exporter/alertexporter/internal/dispatch"
	"github.com/otelcol-chaos/otelcol-chaos/exporter/alertexporter/internal/lifecycle"
	"github.com/otelcol-chaos/otelcol-chaos/exporter/alertexporter/internal/metadata"
	"github.com/otelcol-chaos/otelcol-chaos/exporter/alertexporter/internal/rules"
	"github.com/otelcol-chaos/otelcol-chaos/internal/chaosconv"
	"github.com/otelcol-chaos/otelcol-chaos/pkg/coordination/coordinatortest"
	"github.com/otelcol-chaos/otelcol-chaos/pkg/dashboard"
	"github.com/otelcol-chaos/otelcol-chaos/pkg/dashboard/dashboardtest"
)

var dashboardID = component.MustNewIDWithName("chaos_dashboard", "ops")

// notDashboard is an extension that is not a dashboard.
type notDashboard struct {
	component.StartFunc
	component.ShutdownFunc
}

var fastRoute = dispatch.Config{GroupBy: []string{chaosconv.AlertLabelName}, GroupWait: time.Second, GroupInterval: time.Second, RepeatInterval: time.Hour}

// stormLabels are the labels of the Storm rule's global alert.
var stormLabels = map[string]string{chaosconv.AlertLabelName: "Storm", chaosconv.AlertLabelSeverity: "critical",
	chaosconv.AlertLabelScope: "global", chaosconv.AlertLabelScopeKey: "", chaosconv.AlertLabelRuleType: "threshold"}

// published is what a test expects of an alert transition; the rest
// (fingerprint, labels, annotations, time) is checked for every one.
type published struct {
	From, To string
	Value    float64
}

// TestEnginePublishesEveryTransition: each change of state the lifecycle
// makes is published once, with the alert's fingerprint, rule, labels,
// annotations and value, at the engine's clock.
func TestEnginePublishesEveryTransition(t *testing.T) {
	tests := []struct {
		name    string
		forDur  time.Duration
		minutes [][2]uint64 // events, faults of each minute, the first 20 minutes before now
		want    []published
	}{
		{
			name:   "pending, firing, resolved",
			forDur: time.Minute,
			minutes: [][2]uint64{{100, 0}, {100, 0}, {100, 0}, {100, 0}, {100, 90}, {100, 90}, {100, 90},
				{100, 90}, {100, 90}, {100, 0}, {100, 0}, {100, 0}},
			want: []published{
				{"", "pending", 0.45},        // minutes 3 and 4: 90 faults in 200 events
				{"pending", "firing", 0.9},   // minutes 4 and 5, a minute later
				{"firing", "resolved", 0.45}, // the last value seen breaching (minutes 8 and 9)
			},
		},
		{
			name:    "pending, then inactive before for",
			forDur:  5 * time.Minute,
			minutes: [][2]uint64{{100, 0}, {100, 0}, {100, 90}, {100, 90}, {100, 0}, {100, 0}, {100, 0}},
			want: []published{
				{"", "pending", 0.45},
				{"pending", "", 0.45}, // its condition stopped: back to inactive
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, clock, _ := newTestEngine(t, []rules.Config{{Name: "Storm", Preset: "fault_rate", Threshold: f64(0.3),
				Window: 2 * time.Minute, For: tt.forDur}}, fastRoute)
			fake := dashboardtest.New()
			e.dash = fake
			start := clock.t.Add(-20 * time.Minute)
			// One batch per minute, the clock a second later each time: each
			// transition carries the clock of the batch that made it.
			var clocks []int64
			for i, m := range tt.minutes {
				clock.t = clock.t.Add(time.Second)
				before := len(fake.Alerts())
				e.ingest(bucketLogs(start.Add(time.Duration(i)*time.Minute), [][2]uint64{m}))
				for range len(fake.Alerts()) - before {
					clocks = append(clocks, clock.t.UnixNano())
				}
			}

			got := fake.Alerts()
			require.Len(t, got, len(tt.want))
			_, hist := e.alerts(0)
			require.Len(t, hist, len(tt.want), "one publication per transition in the history")
			for i, w := range tt.want {
				g := got[i]
				require.Equal(t, w.From, g.From, "transition %d", i)
				require.Equal(t, w.To, g.To, "transition %d", i)
				require.InDelta(t, w.Value, g.Value, 1e-12, "transition %d", i)
				require.Equal(t, "Storm", g.Rule)
				require.Equal(t, stormLabels, g.Labels)
				require.Equal(t, lifecycle.Fingerprint(stormLabels), g.Fingerprint)
				require.Contains(t, g.Annotations["summary"], "faults")
				require.Equal(t, clocks[i], g.AtUnixNano, "the engine's clock, not the event time")
				h := hist[len(hist)-1-i] // newest first
				require.Equal(t, h.Annotations, g.Annotations, "the alert's annotations as of the transition")
			}
		})
	}
}

// A follower (a coordinator says another node leads) notifies nothing but
// publishes the transitions its own engine makes.
func TestFollowerPublishesItsOwnTransitions(t *testing.T) {
	e, clock, sent := newTestEngine(t, []rules.Config{{Name: "Storm", Preset: "fault_rate", Threshold: f64(0.3),
		Window: 2 * time.Minute}}, dispatch.Config{GroupBy: []string{chaosconv.AlertLabelName}, GroupWait: 0, GroupInterval: time.Second,
		RepeatInterval: time.Hour})
	coord := coordinatortest.New("b")
	coord.SetLeader("a", 1)
	e.gate, e.self = coordinatorGate{coord}, coord.Self()
	fake := dashboardtest.New()
	e.dash = fake
	e.ingest(bucketLogs(clock.t.Add(-2*time.Minute), storm()[:2]))
	clock.t = clock.t.Add(time.Second)
	e.tick()
	require.Empty(t, *sent, "only the leader notifies")
	got := fake.Alerts()
	require.Len(t, got, 1)
	require.Equal(t, "", got[0].From)
	require.Equal(t, "firing", got[0].To)
	require.Equal(t, stormLabels, got[0].Labels)
}

// Without a dashboard the engine notifies and records exactly what it does
// with one.
func TestEngineWithoutDashboardIsUnchanged(t *testing.T) {
	run := func(dash dashboard.Publisher) ([]string, []lifecycle.Transition, []lifecycle.Alert) {
		e, clock, sent := newTestEngine(t, []rules.Config{{Name: "Storm", Preset: "fault_rate", Threshold: f64(0.3),
			Window: 2 * time.Minute, For: time.Minute}}, fastRoute)
		e.dash = dash
		t0 := clock.t.Add(-6 * time.Minute)
		e.ingest(bucketLogs(t0, [][2]uint64{{100, 5}, {100, 5}, {100, 80}, {100, 80}, {100, 80}, {100, 80}}))
		for _, batch := range [][][2]uint64{{{100, 80}}, {{100, 0}, {100, 0}, {100, 0}}} {
			clock.t = clock.t.Add(2 * time.Second)
			e.tick()
			e.ingest(bucketLogs(t0.Add(6*time.Minute), batch))
			t0 = t0.Add(time.Duration(len(batch)) * time.Minute)
		}
		clock.t = clock.t.Add(2 * time.Second)
		e.tick()
		var statuses []string
		for _, n := range *sent {
			statuses = append(statuses, n.Status()+" "+n.Alerts[0].Fingerprint+" "+n.Alerts[0].StartsAt.String())
		}
		al, hist := e.alerts(0)
		return statuses, hist, al
	}
	fake := dashboardtest.New()
	wantSent, wantHist, wantAlerts := run(fake)
	require.Len(t, fake.Alerts(), len(wantHist))
	gotSent, gotHist, gotAlerts := run(nil)
	require.Len(t, wantSent, 2)
	require.True(t, strings.HasPrefix(wantSent[0], "firing ") && strings.HasPrefix(wantSent[1], "resolved "), "%v", wantSent)
	require.Equal(t, wantSent, gotSent)
	require.Equal(t, wantHist, gotHist)
	require.Equal(t, wantAlerts, gotAlerts)
}

// dashboardExporter starts an exporter with a log handler on host,
// logging to logger, and gives it a storm when it started.
func dashboardExporter(t *testing.T, host component.Host, logger *zap.Logger, mutate func(*Config)) (shutdown func(context.Context) error, startErr error) {
	t.Helper()
	cfg := createDefaultConfig().(*Config)
	cfg.EvaluationInterval = 50 * time.Millisecond
	cfg.Rules = []rules.Config{{Name: "Storm", Preset: "fault_rate", Threshold: f64(0.3), Window: 2 * time.Minute}}
	cfg.Route = fastRoute
	logCfg := config.NewDefaultLogConfig()
	cfg.Handlers = []HandlerConfig{{Name: "log", Log: &logCfg}}
	if mutate != nil {
		mutate(cfg)
	}
	require.NoError(t, cfg.Validate())
	set := exportertest.NewNopSettings(metadata.Type)
	if logger != nil {
		set.Logger = logger
	}
	exp, err := NewFactory().CreateLogs(context.Background(), set, cfg)
	require.NoError(t, err)
	startErr = exp.Start(context.Background(), host)
	if startErr == nil {
		require.NoError(t, exp.ConsumeLogs(context.Background(), bucketLogs(time.Now().Add(-4*time.Minute), storm())))
	}
	return exp.Shutdown, startErr
}

func TestExporterFindsTheDashboard(t *testing.T) {
	named, only, a, b := dashboardtest.New(), dashboardtest.New(), dashboardtest.New(), dashboardtest.New()
	missing := component.MustNewIDWithName("chaos_dashboard", "missing")
	tests := []struct {
		name      string
		host      component.Host
		id        *component.ID
		publishes *dashboardtest.Fake
		silent    []*dashboardtest.Fake
		wantWarn  bool
		wantErr   error
	}{
		{name: "named", host: hostWith{dashboardID: named, component.MustNewID("chaos_dashboard"): a}, id: &dashboardID,
			publishes: named, silent: []*dashboardtest.Fake{a}},
		{name: "the only one", host: hostWith{dashboardID: only, component.MustNewID("file_storage"): notDashboard{}}, publishes: only},
		{name: "none", host: componenttest.NewNopHost()},
		{name: "several, none named", host: hostWith{component.MustNewID("chaos_dashboard"): a, dashboardID: b},
			silent: []*dashboardtest.Fake{a, b}, wantWarn: true},
		{name: "named but missing", host: hostWith{dashboardID: b}, id: &missing, wantErr: dashboard.ErrNotFound},
		{name: "named but not a dashboard", host: hostWith{missing: notDashboard{}}, id: &missing, wantErr: dashboard.ErrNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			core, logs := observer.New(zapcore.WarnLevel)
			shutdown, err := dashboardExporter(t, tt.host, zap.New(core), func(c *Config) { c.Dashboard = tt.id })
			defer func() { require.NoError(t, shutdown(context.Background())) }()
			if tt.wantErr != nil {
				require.ErrorIs(t, err, tt.wantErr)
				require.ErrorContains(t, err, `"chaos_dashboard/missing"`)
				return
			}
			require.NoError(t, err)
			if tt.publishes != nil {
				require.Eventually(t, func() bool { return len(tt.publishes.Alerts()) == 1 }, 10*time.Second, 10*time.Millisecond)
				got := tt.publishes.Alerts()[0]
				require.Equal(t, "", got.From)
				require.Equal(t, "firing", got.To)
				require.Equal(t, stormLabels, got.Labels)
				require.InDelta(t, time.Now().UnixNano(), got.AtUnixNano, float64(10*time.Second), "the wall clock")
			}
			for _, f := range tt.silent {
				require.Empty(t, f.Alerts())
			}
			warned := logs.FilterMessage("alert exporter publishes to no dashboard").All()
			if !tt.wantWarn {
				require.Empty(t, warned)
				return
			}
			require.Len(t, warned, 1)
			require.ErrorIs(t, warned[0].Context[0].Interface.(error), dashboard.ErrAmbiguous)
		})
	}
}

// TestDashboardCostsNoAllocation: an evaluation costs the same allocations
// with no dashboard as with one that keeps nothing (Nop), each batch here
// making a transition (a minute of storm fires, a calm one resolves); so
// publishing adds none, and without a dashboard there is not even a call.
func TestDashboardCostsNoAllocation(t *testing.T) {
	allocs := map[string]float64{}
	for name, dash := range map[string]dashboard.Publisher{"none": nil, "nop": dashboardtest.Nop{}} {
		e, clock, _ := newTestEngine(t, []rules.Config{{Name: "Storm", Preset: "fault_rate", Threshold: f64(0.3),
			Window: time.Minute}}, fastRoute)
		e.dash = dash
		start := clock.t.Add(-time.Hour)
		batches := make([]plog.Logs, 200)
		for i := range batches {
			batches[i] = bucketLogs(start.Add(time.Duration(i)*time.Minute), [][2]uint64{{100, uint64(90 * (i % 2))}})
		}
		i := 0
		allocs[name] = testing.AllocsPerRun(len(batches)-1, func() {
			e.ingest(batches[i])
			i++
		})
		_, hist := e.alerts(0)
		require.Greater(t, len(hist), len(batches)/2, "%s: the batches made transitions", name)
	}
	t.Logf("allocations per batch: %v", allocs)
	require.Equal(t, allocs["none"], allocs["nop"])
}
