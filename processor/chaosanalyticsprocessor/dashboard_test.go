package chaosanalyticsprocessor

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/processor/processortest"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/otelcol-chaos/otelcol-chaos/internal/chaosconv"
	"github.com/otelcol-chaos/otelcol-chaos/pkg/dashboard"
	"github.com/otelcol-chaos/otelcol-chaos/pkg/dashboard/dashboardtest"
	"github.com/otelcol-chaos/otelcol-chaos/processor/chaosanalyticsprocessor/internal/metadata"
)

var dashboardType = component.MustNewType("chaos_dashboard")

var errRefused = errors.New("refused")

// notDashboard is an extension that is not a dashboard.
type notDashboard struct {
	component.StartFunc
	component.ShutdownFunc
}

// marshal is ld's protobuf encoding: equal bytes, equal records.
func marshal(t testing.TB, ld plog.Logs) []byte {
	t.Helper()
	b, err := (&plog.ProtoMarshaler{}).MarshalLogs(ld)
	require.NoError(t, err)
	return b
}

// bucketID is what a test expects of a published bucket.
type bucketID struct {
	Scope    chaosconv.ScopeKind
	Key      string
	Width    time.Duration
	Start    time.Duration // after t0
	Events   uint64
	Producer string
}

func publishedBuckets(t testing.TB, lds []plog.Logs) []bucketID {
	t.Helper()
	var out []bucketID
	for _, ld := range lds {
		for _, rl := range ld.ResourceLogs().All() {
			for _, sl := range rl.ScopeLogs().All() {
				for _, lr := range sl.LogRecords().All() {
					require.Equal(t, chaosconv.RecordBucket, lr.EventName(), "only this processor's summaries are published")
					var b chaosconv.Bucket
					require.NoError(t, chaosconv.DecodeBucket(lr, &b))
					out = append(out, bucketID{b.Scope, b.Key, b.Width, time.Duration(b.StartUnixNano - t0.UnixNano()), b.Events, b.Producer})
				}
			}
		}
	}
	return out
}

func scenario(at time.Duration, from, to string) chaosconv.Event {
	return chaosconv.Event{TimeUnixNano: t0.Add(at).UnixNano(), Kind: chaosconv.KindScenarioTransition,
		Source: "mockforge", ScenarioFrom: from, ScenarioTo: to, Fields: chaosconv.FieldScenarioTo}
}

// startWithDashboard starts a processor publishing to a fake dashboard
// named in its configuration, with a ticker too slow to interfere.
func startWithDashboard(t *testing.T, next consumer.Logs, mutate func(*Config)) (*testProc, *dashboardtest.Fake) {
	t.Helper()
	fake := dashboardtest.New()
	id := component.NewIDWithName(dashboardType, "ops")
	p := newTestProcessor(t, next, func(c *Config) {
		c.Dashboard, c.FlushInterval, c.ProducerID = &id, time.Hour, "gateway-0"
		if mutate != nil {
			mutate(c)
		}
	})
	require.NoError(t, p.Start(context.Background(), hostWith{id: fake, component.MustNewID("other"): dashboardtest.New()}))
	return p, fake
}

// TestPublishesWhatItEmits: the dashboard gets exactly the summaries the
// processor produced — finest and rolled-up widths, gateway merges —
// before the next consumer gets them (which then changes them), once
// each; and the scenario transitions among the events. Events and
// upstream summaries passing through are not published.
func TestPublishesWhatItEmits(t *testing.T) {
	tests := []struct {
		name          string
		widths        []time.Duration
		batches       []plog.Logs
		wantBuckets   []bucketID
		wantScenarios []dashboard.ScenarioTransition
		passedThrough int // records the next consumer got that were not the processor's own
	}{
		{
			name:   "finest and rolled-up widths",
			widths: []time.Duration{time.Minute, 5 * time.Minute},
			batches: []plog.Logs{
				eventLogs("checkout", lat(10*time.Second, 100, "/a"), flt(20*time.Second, "/a")),
				eventLogs("checkout", lat(70*time.Second, 1, "")),
				// Moves the watermark past 10:05: minutes 0 and 1 and the first 5 minutes close.
				eventLogs("checkout", lat(5*time.Minute+31*time.Second, 1, "")),
			},
			wantBuckets: []bucketID{
				{chaosconv.ScopeGlobal, "", time.Minute, 0, 2, "gateway-0"},
				{chaosconv.ScopeService, "checkout", time.Minute, 0, 2, "gateway-0"},
				{chaosconv.ScopeEndpoint, "/a", time.Minute, 0, 2, "gateway-0"},
				{chaosconv.ScopeGlobal, "", time.Minute, time.Minute, 1, "gateway-0"},
				{chaosconv.ScopeService, "checkout", time.Minute, time.Minute, 1, "gateway-0"},
				{chaosconv.ScopeGlobal, "", 5 * time.Minute, 0, 3, "gateway-0"},
				{chaosconv.ScopeService, "checkout", 5 * time.Minute, 0, 3, "gateway-0"},
				{chaosconv.ScopeEndpoint, "/a", 5 * time.Minute, 0, 2, "gateway-0"},
			},
			passedThrough: 4,
		},
		{
			name:   "gateway merge of agents' partials",
			widths: []time.Duration{time.Minute},
			batches: func() []plog.Logs {
				coarse := partialLogs("a", 0, 2) // a 5-minute partial: unmergeable, passes through
				coarse.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords().At(0).Attributes().PutInt(chaosconv.AttrBucketWidth, 300)
				return []plog.Logs{partialLogs("a", 0, 4), partialLogs("b", 0, 2), partialLogs("a", 0, 4), coarse,
					partialLogs("a", 1, 3), partialLogs("b", 1, 1)}
			}(),
			wantBuckets:   []bucketID{{chaosconv.ScopeGlobal, "", time.Minute, 0, 6, "gateway-0"}},
			passedThrough: 1,
		},
		{
			name:   "scenario transitions, no bucket closed",
			widths: []time.Duration{time.Minute},
			batches: []plog.Logs{
				eventLogs("checkout", lat(time.Second, 5, ""), scenario(2*time.Second, "", "steady")),
				eventLogs("payments", scenario(3*time.Second, "steady", "storm")),
			},
			wantScenarios: []dashboard.ScenarioTransition{
				{AtUnixNano: t0.Add(2 * time.Second).UnixNano(), Service: "checkout", From: "", To: "steady"},
				{AtUnixNano: t0.Add(3 * time.Second).UnixNano(), Service: "payments", From: "steady", To: "storm"},
			},
			passedThrough: 3,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sink := &dashboardtest.ChangingSink{}
			p, fake := startWithDashboard(t, sink, func(c *Config) { c.Widths = tt.widths })
			for _, ld := range tt.batches {
				require.NoError(t, p.ConsumeLogs(context.Background(), ld))
			}

			published, emitted := fake.Records(), sink.FromScope(metadata.ScopeName)
			require.Len(t, published, len(emitted), "one publication per emission")
			for i := range emitted {
				require.Equal(t, marshal(t, emitted[i]), marshal(t, published[i]),
					"publication %d is exactly the emitted summaries, as they were before the next consumer changed them", i)
			}
			require.ElementsMatch(t, tt.wantBuckets, publishedBuckets(t, published))
			require.Equal(t, tt.wantScenarios, fake.Scenarios())
			require.Empty(t, fake.Alerts())
			passed := 0
			for _, ld := range sink.All() {
				passed += ld.LogRecordCount()
			}
			require.Equal(t, tt.passedThrough, passed-fake.LogRecordCount(), "what passed through, unpublished")

			require.NoError(t, p.Shutdown(context.Background()))
		})
	}
}

// A summary the next consumer refuses is published when it closes, once:
// not again when the tick retries it.
func TestRetriedSummariesArePublishedOnce(t *testing.T) {
	refuse := true
	var mu sync.Mutex
	sink := new(consumertest.LogsSink)
	next, err := consumer.NewLogs(func(ctx context.Context, ld plog.Logs) error {
		mu.Lock()
		defer mu.Unlock()
		if refuse && ld.ResourceLogs().At(0).ScopeLogs().At(0).Scope().Name() == metadata.ScopeName {
			return errRefused
		}
		return sink.ConsumeLogs(ctx, ld)
	})
	require.NoError(t, err)
	p, fake := startWithDashboard(t, next, func(c *Config) { c.Widths = []time.Duration{time.Minute} })
	ctx := context.Background()
	require.NoError(t, p.ConsumeLogs(ctx, eventLogs("", lat(time.Second, 1, ""))))
	require.NoError(t, p.ConsumeLogs(ctx, eventLogs("", lat(91*time.Second, 1, ""))))
	require.Equal(t, []bucketID{{chaosconv.ScopeGlobal, "", time.Minute, 0, 1, "gateway-0"}}, publishedBuckets(t, fake.Records()))

	mu.Lock()
	refuse = false
	mu.Unlock()
	p.tick(ctx)
	_, buckets := summaries(t, sink)
	require.Len(t, buckets, 1, "the retry went out")
	require.Len(t, fake.Records(), 1, "and was not published again")
	require.NoError(t, p.Shutdown(ctx))
}

// Without a dashboard — none configured, or several and none named —
// nothing is published and the output is byte for byte what it is with
// one.
func TestWithoutDashboardNothingIsPublished(t *testing.T) {
	a, b := dashboardtest.New(), dashboardtest.New()
	tests := []struct {
		name     string
		host     component.Host
		wantWarn bool
	}{
		{"none configured", componenttest.NewNopHost(), false},
		{"only other extensions", hostWith{component.MustNewID("file_storage"): notDashboard{}}, false},
		{"several, none named", hostWith{component.NewIDWithName(dashboardType, "a"): a, component.NewIDWithName(dashboardType, "b"): b}, true},
	}
	batches := func() []plog.Logs {
		return []plog.Logs{
			eventLogs("checkout", lat(10*time.Second, 100, "/a"), scenario(15*time.Second, "", "storm"), flt(20*time.Second, "/a")),
			partialLogs("agent-a", 0, 3),
			eventLogs("checkout", lat(5*time.Minute+31*time.Second, 1, "")),
		}
	}
	withDash := &dashboardtest.ChangingSink{}
	ref, _ := startWithDashboard(t, withDash, nil)
	for _, ld := range batches() {
		require.NoError(t, ref.ConsumeLogs(context.Background(), ld))
	}
	require.NoError(t, ref.Shutdown(context.Background()))

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			core, logs := observer.New(zapcore.WarnLevel)
			sink := &dashboardtest.ChangingSink{}
			p := newTestProcessor(t, sink, func(c *Config) { c.FlushInterval, c.ProducerID = time.Hour, "gateway-0" })
			p.set.Logger = zap.New(core)
			require.NoError(t, p.Start(context.Background(), tt.host))
			require.Nil(t, p.dash)
			for _, ld := range batches() {
				require.NoError(t, p.ConsumeLogs(context.Background(), ld))
			}
			require.NoError(t, p.Shutdown(context.Background()))

			got, want := sink.All(), withDash.All()
			require.Len(t, got, len(want))
			for i := range want {
				require.Equal(t, marshal(t, want[i]), marshal(t, got[i]), "batch %d", i)
			}
			for _, f := range []*dashboardtest.Fake{a, b} {
				require.Empty(t, f.Records())
				require.Empty(t, f.Scenarios())
			}
			if !tt.wantWarn {
				require.Zero(t, logs.Len())
				return
			}
			require.Equal(t, 1, logs.Len(), "one warning")
			require.ErrorIs(t, logs.All()[0].Context[0].Interface.(error), dashboard.ErrAmbiguous)
			require.Contains(t, logs.All()[0].Context[0].Interface.(error).Error(), "set `dashboard`")
		})
	}
}

func TestStartFailsWithoutTheConfiguredDashboard(t *testing.T) {
	missing := component.NewIDWithName(dashboardType, "missing")
	tests := []struct {
		name string
		host component.Host
	}{
		{"no extensions", componenttest.NewNopHost()},
		{"another dashboard", hostWith{component.NewIDWithName(dashboardType, "ops"): dashboardtest.New()}},
		{"not a dashboard", hostWith{missing: notDashboard{}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := newTestProcessor(t, consumertest.NewNop(), func(c *Config) { c.Dashboard = &missing })
			err := p.Start(context.Background(), tt.host)
			require.ErrorIs(t, err, dashboard.ErrNotFound)
			require.ErrorContains(t, err, `"chaos_dashboard/missing"`)
			close(p.stop) // never started its loop: nothing to wait for
		})
	}
}

// allocBatch is benchLogs with a scenario transition, so the publishing
// code has every kind of work to skip (or do).
func allocBatch(base time.Time) plog.Logs {
	ld := benchLogs(base)
	e := chaosconv.Event{TimeUnixNano: base.UnixNano(), Kind: chaosconv.KindScenarioTransition, Source: "mockforge",
		ScenarioFrom: "steady", ScenarioTo: "storm", Fields: chaosconv.FieldScenarioTo}
	chaosconv.EncodeEvent(&e, ld.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords().AppendEmpty())
	return ld
}

// TestDashboardCostsNoAllocation: a batch costs the same allocations with
// no dashboard as with one that keeps nothing (Nop), both while buckets
// stay open and while they close each minute; so publishing adds none,
// and without a dashboard there is not even a call.
func TestDashboardCostsNoAllocation(t *testing.T) {
	// The publishing paths alone, without a dashboard: nothing at all.
	p := newTestProcessor(t, consumertest.NewNop(), nil)
	in := &inbound{events: []chaosconv.Event{scenario(0, "a", "b")}, services: []string{"checkout"}}
	out := partialLogs("a", 0, 1)
	require.Zero(t, testing.AllocsPerRun(100, func() {
		p.publish(out)
		if p.dash != nil {
			p.publishScenarios(in)
		}
	}))

	if raceEnabled {
		// The race detector drops a random share of what sync.Pool keeps
		// (the processor's decode buffers): whole-batch counts vary.
		t.Skip("whole-batch allocation counts are not deterministic under -race")
	}
	for _, tc := range []struct {
		name  string
		shift time.Duration
	}{{"buckets open", 0}, {"buckets closing", time.Second}} {
		t.Run(tc.name, func(t *testing.T) {
			allocs := map[string]float64{}
			for name, dash := range map[string]dashboard.Publisher{"none": nil, "nop": dashboardtest.Nop{}} {
				cfg := createDefaultConfig().(*Config)
				p, err := newProcessor(cfg, processortest.NewNopSettings(metadata.Type), consumertest.NewNop())
				require.NoError(t, err)
				p.dash = dash
				base := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
				wall := base
				p.now = func() time.Time { return wall }
				ld := allocBatch(base)
				batch := func() {
					require.NoError(t, p.ConsumeLogs(context.Background(), ld))
					if tc.shift == 0 {
						return
					}
					for _, rl := range ld.ResourceLogs().All() {
						for _, lr := range rl.ScopeLogs().At(0).LogRecords().All() {
							lr.SetTimestamp(lr.Timestamp() + 1_000_000_000)
						}
					}
					wall = wall.Add(tc.shift)
				}
				for range 120 { // warm up: open, fill and close buckets
					batch()
				}
				allocs[name] = testing.AllocsPerRun(240, batch)
			}
			t.Logf("allocations per batch: %v", allocs)
			require.Equal(t, allocs["none"], allocs["nop"])
		})
	}
}
