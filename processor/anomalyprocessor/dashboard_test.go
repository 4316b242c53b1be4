package anomalyprocessor

import (
	"context"
	"errors"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/otelcol-chaos/otelcol-chaos/internal/chaosconv"
	"github.com/otelcol-chaos/otelcol-chaos/pkg/dashboard"
	"github.com/otelcol-chaos/otelcol-chaos/pkg/dashboard/dashboardtest"
	"github.com/otelcol-chaos/otelcol-chaos/processor/anomalyprocessor/internal/metadata"
)

var dashboardID = component.MustNewIDWithName("chaos_dashboard", "ops")

// notDashboard is an extension that is not a dashboard.
type notDashboard struct {
	component.StartFunc
	component.ShutdownFunc
}

// spikeSeries is 30 calm minutes, a spike at minute 30 and 5 calm minutes:
// one anomaly opens and closes, with health, trend and forecast records
// along the way.
func spikeSeries() []plog.Logs {
	r := rand.New(rand.NewPCG(1, 1))
	var out []plog.Logs
	for i := range 36 {
		n := 95 + r.IntN(10)
		switch {
		case i == 30:
			n = 1000
		case i > 30:
			n = 100
		}
		out = append(out, bucketLogs(i, n))
	}
	return out
}

// startDashboard starts a processor on host with a ticker too slow to
// interfere.
func startDashboard(t *testing.T, next consumer.Logs, host component.Host, mutate func(*Config)) *anomalyProcessor {
	t.Helper()
	p, _ := newTestProcessor(t, next)
	p.cfg.FlushInterval = time.Hour
	if mutate != nil {
		mutate(p.cfg)
	}
	require.NoError(t, p.Start(context.Background(), host))
	t.Cleanup(func() { require.NoError(t, p.Shutdown(context.Background())) })
	return p
}

func marshal(t testing.TB, ld plog.Logs) []byte {
	t.Helper()
	b, err := (&plog.ProtoMarshaler{}).MarshalLogs(ld)
	require.NoError(t, err)
	return b
}

// kinds counts the records of each event name in lds.
func kinds(lds []plog.Logs) map[string]int {
	out := map[string]int{}
	for _, ld := range lds {
		for _, rl := range ld.ResourceLogs().All() {
			for _, sl := range rl.ScopeLogs().All() {
				for _, lr := range sl.LogRecords().All() {
					out[lr.EventName()]++
				}
			}
		}
	}
	return out
}

// TestPublishesOnlyDerivedRecords: the dashboard gets exactly the records
// the processor derives, each batch as it was before the next consumer
// got (and changed) it, and none of the summaries passing through.
func TestPublishesOnlyDerivedRecords(t *testing.T) {
	fake := dashboardtest.New()
	sink := &dashboardtest.ChangingSink{}
	p := startDashboard(t, sink, hostWith{dashboardID: fake, component.MustNewID("file_storage"): notDashboard{}},
		func(c *Config) { c.Dashboard = &dashboardID })
	for _, ld := range spikeSeries() {
		require.NoError(t, p.ConsumeLogs(context.Background(), ld))
	}

	published, derived := fake.Records(), sink.FromScope(metadata.ScopeName)
	require.NotEmpty(t, derived)
	require.Len(t, published, len(derived), "one publication per batch of derived records")
	for i := range derived {
		require.Equal(t, marshal(t, derived[i]), marshal(t, published[i]), "publication %d", i)
	}
	got := kinds(published)
	require.Zero(t, got[chaosconv.RecordBucket], "summaries passing through are the analytics processor's to publish")
	require.Equal(t, 36, got[chaosconv.RecordHealth], "one health record per bucket")
	require.Equal(t, 2, got[chaosconv.RecordAnomaly], "the spike opens and closes")
	require.Positive(t, got[chaosconv.RecordTrend])
	require.Positive(t, got[chaosconv.RecordForecast])
	require.Len(t, got, 4, "nothing else")
	all := kinds(sink.All())
	require.Equal(t, 36, all[chaosconv.RecordBucket], "the summaries passed through")
	for _, k := range []string{chaosconv.RecordHealth, chaosconv.RecordAnomaly, chaosconv.RecordTrend, chaosconv.RecordForecast} {
		require.Equal(t, all[k], got[k], "%s: every derived record is published", k)
	}

	var anomalies []chaosconv.Anomaly
	for _, ld := range published {
		for _, lr := range ld.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords().All() {
			if lr.EventName() == chaosconv.RecordAnomaly {
				var a chaosconv.Anomaly
				require.NoError(t, chaosconv.DecodeAnomaly(lr, &a))
				anomalies = append(anomalies, a)
			}
		}
	}
	require.Equal(t, chaosconv.AnomalyEventSpike, anomalies[0].Type)
	require.Equal(t, chaosconv.AnomalyOpen, anomalies[0].State)
	require.Equal(t, 1000.0, anomalies[0].Observed)
	require.Equal(t, t0.Add(30*time.Minute).UnixNano(), anomalies[0].Start)
	require.Equal(t, chaosconv.AnomalyClosed, anomalies[1].State)
	require.Equal(t, anomalies[0].ID, anomalies[1].ID)
	require.Empty(t, fake.Scenarios())
	require.Empty(t, fake.Alerts())
}

// Records the next consumer refuses are published when derived, once:
// not again when the tick retries them.
func TestRetriedRecordsArePublishedOnce(t *testing.T) {
	refuse := false
	sink := new(consumertest.LogsSink)
	next, err := consumer.NewLogs(func(ctx context.Context, ld plog.Logs) error {
		if refuse && ld.ResourceLogs().At(0).ScopeLogs().At(0).Scope().Name() == metadata.ScopeName {
			return errors.New("queue full")
		}
		return sink.ConsumeLogs(ctx, ld)
	})
	require.NoError(t, err)
	fake := dashboardtest.New()
	p := startDashboard(t, next, hostWith{dashboardID: fake}, nil) // the only dashboard, unnamed
	ctx := context.Background()
	refuse = true
	require.NoError(t, p.ConsumeLogs(ctx, bucketLogs(0, 100)), "the summary passed; the health record was refused")
	require.Equal(t, 1, fake.LogRecordCount())
	require.Zero(t, count(sink, chaosconv.RecordHealth))
	refuse = false
	p.tick(ctx)
	require.Equal(t, 1, count(sink, chaosconv.RecordHealth), "the retry went out")
	require.Equal(t, 1, fake.LogRecordCount(), "and was not published again")
}

// Without a dashboard — none, or several and none named — nothing is
// published and the output is byte for byte what it is with one.
func TestWithoutDashboardNothingIsPublished(t *testing.T) {
	withDash := &dashboardtest.ChangingSink{}
	ref := startDashboard(t, withDash, hostWith{dashboardID: dashboardtest.New()}, nil)
	for _, ld := range spikeSeries() {
		require.NoError(t, ref.ConsumeLogs(context.Background(), ld))
	}

	a, b := dashboardtest.New(), dashboardtest.New()
	tests := []struct {
		name     string
		host     component.Host
		wantWarn bool
	}{
		{"none configured", componenttest.NewNopHost(), false},
		{"only other extensions", hostWith{component.MustNewID("file_storage"): notDashboard{}}, false},
		{"several, none named", hostWith{component.MustNewIDWithName("chaos_dashboard", "a"): a, component.MustNewIDWithName("chaos_dashboard", "b"): b}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			core, logs := observer.New(zapcore.WarnLevel)
			sink := &dashboardtest.ChangingSink{}
			p, _ := newTestProcessor(t, sink)
			p.set.Logger = zap.New(core)
			p.cfg.FlushInterval = time.Hour
			require.NoError(t, p.Start(context.Background(), tt.host))
			defer func() { require.NoError(t, p.Shutdown(context.Background())) }()
			require.Nil(t, p.dash)
			for _, ld := range spikeSeries() {
				require.NoError(t, p.ConsumeLogs(context.Background(), ld))
			}
			got, want := sink.All(), withDash.All()
			require.Len(t, got, len(want))
			for i := range want {
				require.Equal(t, marshal(t, want[i]), marshal(t, got[i]), "batch %d", i)
			}
			require.Empty(t, a.Records())
			require.Empty(t, b.Records())
			if !tt.wantWarn {
				require.Zero(t, logs.Len())
				return
			}
			require.Equal(t, 1, logs.Len(), "one warning")
			require.ErrorIs(t, logs.All()[0].Context[0].Interface.(error), dashboard.ErrAmbiguous)
		})
	}
}

func TestStartFailsWithoutTheConfiguredDashboard(t *testing.T) {
	missing := component.MustNewIDWithName("chaos_dashboard", "missing")
	tests := []struct {
		name string
		host component.Host
	}{
		{"no extensions", componenttest.NewNopHost()},
		{"another dashboard", hostWith{dashboardID: dashboardtest.New()}},
		{"not a dashboard", hostWith{missing: notDashboard{}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, _ := newTestProcessor(t, consumertest.NewNop())
			p.cfg.Dashboard = &missing
			err := p.Start(context.Background(), tt.host)
			require.ErrorIs(t, err, dashboard.ErrNotFound)
			require.ErrorContains(t, err, `"chaos_dashboard/missing"`)
		})
	}
}

// TestDashboardCostsNoAllocation: a batch costs the same allocations with
// no dashboard as with one that keeps nothing (Nop), whether it derives
// records or not; so publishing adds none, and without a dashboard there
// is not even a call.
func TestDashboardCostsNoAllocation(t *testing.T) {
	allocs := map[string][]float64{}
	for name, dash := range map[string]dashboard.Publisher{"none": nil, "nop": dashboardtest.Nop{}} {
		p, _ := newTestProcessor(t, consumertest.NewNop())
		p.dash = dash
		series := spikeSeries()
		for _, ld := range series[:30] { // warm
			require.NoError(t, p.ConsumeLogs(context.Background(), ld))
		}
		next := 30
		allocs[name] = append(allocs[name], testing.AllocsPerRun(50, func() {
			// Each batch is the next minute: health records are derived.
			require.NoError(t, p.ConsumeLogs(context.Background(), bucketLogs(next, 100)))
			next++
		}))
		// A batch the processor derives nothing from (a repeat: ignored).
		repeat := bucketLogs(next-1, 100)
		allocs[name] = append(allocs[name], testing.AllocsPerRun(50, func() {
			require.NoError(t, p.ConsumeLogs(context.Background(), repeat))
		}))
	}
	t.Logf("allocations per batch (deriving, not deriving): %v", allocs)
	require.Equal(t, allocs["none"], allocs["nop"])
}
