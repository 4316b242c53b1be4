package chaosmetricsconnector

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/pmetric"
	"go.opentelemetry.io/otel/attribute"

	"github.com/otelcol-chaos/otelcol-chaos/internal/chaosconv"
)

// point is one data point, flattened for assertions.
type point struct {
	labels map[string]any
	value  float64 // counters and gauges; count for histograms
	start  int64
	ts     int64
}

// points returns the points of metric name in md.
func points(md pmetric.Metrics, name string) []point {
	var out []point
	for _, rm := range md.ResourceMetrics().All() {
		for _, sm := range rm.ScopeMetrics().All() {
			for _, m := range sm.Metrics().All() {
				if m.Name() != name {
					continue
				}
				switch m.Type() {
				case pmetric.MetricTypeSum:
					for _, dp := range m.Sum().DataPoints().All() {
						out = append(out, point{dp.Attributes().AsRaw(), float64(dp.IntValue()), int64(dp.StartTimestamp()), int64(dp.Timestamp())})
					}
				case pmetric.MetricTypeGauge:
					for _, dp := range m.Gauge().DataPoints().All() {
						out = append(out, point{dp.Attributes().AsRaw(), dp.DoubleValue(), 0, int64(dp.Timestamp())})
					}
				case pmetric.MetricTypeHistogram:
					for _, dp := range m.Histogram().DataPoints().All() {
						out = append(out, point{dp.Attributes().AsRaw(), float64(dp.Count()), int64(dp.StartTimestamp()), int64(dp.Timestamp())})
					}
				}
			}
		}
	}
	return out
}

func TestMalformedRecordsAreCountedAndSkipped(t *testing.T) {
	for _, tc := range []struct {
		name   string
		build  func(r *records)
		record recordKind
	}{
		{"bucket without scope", func(r *records) {
			r.bucket(chaosBucket(chaosconv.ScopeGlobal, "", minute(0), time.Minute, 20)).
				setAttr(func(a pcommon.Map) { a.Remove(chaosconv.AttrBucketScope) })
		}, recBucket},
		{"bucket with a string count", func(r *records) {
			r.bucket(chaosBucket(chaosconv.ScopeGlobal, "", minute(0), time.Minute, 20)).
				setAttr(func(a pcommon.Map) { a.PutStr(chaosconv.AttrBucketFaults, "several") })
		}, recBucket},
		{"bucket with a corrupt sketch", func(r *records) {
			r.bucket(chaosBucket(chaosconv.ScopeGlobal, "", minute(0), time.Minute, 20)).
				setAttr(func(a pcommon.Map) { a.PutEmptyBytes(chaosconv.AttrBucketLatencySketch).FromRaw([]byte{1, 9, 9}) })
		}, recBucket},
		{"bucket whose sketch disagrees with its count", func(r *records) {
			r.bucket(chaosBucket(chaosconv.ScopeGlobal, "", minute(0), time.Minute, 20)).
				setAttr(func(a pcommon.Map) { a.PutInt(chaosconv.AttrBucketLatencyCount, 1000) })
		}, recBucket},
		{"bucket with more slow probes than successes", func(r *records) {
			r.bucket(chaosBucket(chaosconv.ScopeGlobal, "", minute(0), time.Minute, 20)).
				setAttr(func(a pcommon.Map) { a.PutInt(chaosconv.AttrBucketProbeSlow, 50) })
		}, recBucket},
		{"bucket with a fault map of strings", func(r *records) {
			r.bucket(chaosBucket(chaosconv.ScopeGlobal, "", minute(0), time.Minute, 20)).
				setAttr(func(a pcommon.Map) { a.PutEmptyMap(chaosconv.AttrBucketFaultsByType).PutStr("x", "y") })
		}, recBucket},
		{"anomaly without id", func(r *records) {
			r.raw().SetEventName(chaosconv.RecordAnomaly)
		}, recAnomaly},
		{"health without scope", func(r *records) {
			r.raw().SetEventName(chaosconv.RecordHealth)
		}, recHealth},
		{"trend of an unknown scope", func(r *records) {
			r.trend(chaosconv.Trend{Scope: chaosconv.ScopeRef{Kind: chaosconv.ScopeGlobal}, Metric: "events"}).
				setAttr(func(a pcommon.Map) { a.PutStr(chaosconv.AttrScope, "planet") })
		}, recTrend},
		{"forecast without scope", func(r *records) {
			r.raw().SetEventName(chaosconv.RecordForecast)
		}, recForecast},
		{"transition without a scenario entered", func(r *records) {
			lr := r.raw()
			lr.SetEventName(chaosconv.RecordEvent)
			lr.Attributes().PutStr(chaosconv.AttrEventKind, chaosconv.KindScenarioTransition.String())
		}, recEvent},
		{"experiment with an unknown phase", func(r *records) {
			r.event(chaosconv.Event{Kind: chaosconv.KindExperiment, Experiment: "x", ExperimentPhase: chaosconv.PhaseStarted,
				Fields: chaosconv.FieldExperimentName | chaosconv.FieldExperimentPhase}).
				setAttr(func(a pcommon.Map) { a.PutStr(chaosconv.AttrExperimentPhase, "paused") })
		}, recEvent},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sink := new(consumertest.MetricsSink)
			c := newTestConnector(t, defaultConfig(), sink)
			r := newRecords()
			tc.build(r)
			// A valid bucket after the bad record: nothing valid is lost.
			r.bucket(chaosBucket(chaosconv.ScopeService, "checkout", minute(0), time.Minute, 10))
			require.NoError(t, c.ConsumeLogs(context.Background(), r.ld))

			require.Equal(t, int64(1), c.records(t, tc.record, malformed), "the bad record is counted malformed")
			require.Equal(t, int64(1), c.records(t, recBucket, converted), "the good bucket is converted")
			require.Len(t, sink.AllMetrics(), 1)
			for _, p := range points(sink.AllMetrics()[0], chaosconv.MetricEvents) {
				require.Equal(t, "service", p.labels[chaosconv.AttrScope], "only the good bucket made points: %v", p.labels)
			}
		})
	}
}

func TestCountersAreCumulativeAcrossGapsAndBatches(t *testing.T) {
	sink := new(consumertest.MetricsSink)
	c := newTestConnector(t, defaultConfig(), sink)
	ctx := context.Background()
	for _, m := range []int{0, 1, 4} { // minutes 2 and 3 sent nothing
		require.NoError(t, c.ConsumeLogs(ctx, newRecords().bucket(chaosBucket(chaosconv.ScopeGlobal, "", minute(m), time.Minute, 10)).ld))
	}
	var got []point
	for _, md := range sink.AllMetrics() {
		got = append(got, points(md, chaosconv.MetricEvents)...)
	}
	var latency []point
	for _, p := range got {
		if p.labels[chaosconv.AttrEventKind] == "latency_injection" {
			latency = append(latency, p)
		}
	}
	require.Len(t, latency, 3)
	for i, want := range []struct {
		v  float64
		ts int64
	}{{4, minute(1)}, {8, minute(2)}, {12, minute(5)}} {
		require.Equal(t, want.v, latency[i].value, "point %d", i)
		require.Equal(t, minute(0), latency[i].start, "one start for the series' whole life")
		require.Equal(t, want.ts, latency[i].ts, "stamped with the bucket's end")
	}
}

func TestWidthSelection(t *testing.T) {
	five := 5 * time.Minute
	for _, tc := range []struct {
		name    string
		width   time.Duration
		widths  []time.Duration // one bucket of each, in this order
		skipped int64
		events  float64 // global latency events counted
	}{
		{"finest seen", 0, []time.Duration{time.Minute, five, time.Hour}, 2, 4},
		{"a finer width replaces a coarser one", 0, []time.Duration{five, time.Minute, five}, 1, 8},
		{"configured", five, []time.Duration{time.Minute, five}, 1, 4},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := defaultConfig()
			cfg.Width = tc.width
			sink := new(consumertest.MetricsSink)
			c := newTestConnector(t, cfg, sink)
			for _, w := range tc.widths {
				require.NoError(t, c.ConsumeLogs(context.Background(),
					newRecords().bucket(chaosBucket(chaosconv.ScopeGlobal, "", minute(0), w, 10)).ld))
			}
			require.Equal(t, tc.skipped, c.records(t, recBucket, skipped))
			var last float64
			for _, md := range sink.AllMetrics() {
				for _, p := range points(md, chaosconv.MetricEvents) {
					if p.labels[chaosconv.AttrEventKind] == "latency_injection" {
						last = p.value
					}
				}
			}
			require.Equal(t, tc.events, last)
		})
	}
}

func TestEndpointLabelOff(t *testing.T) {
	cfg := defaultConfig()
	cfg.EndpointLabel = false
	sink := new(consumertest.MetricsSink)
	c := newTestConnector(t, cfg, sink)
	users := chaosconv.ScopeRef{Kind: chaosconv.ScopeEndpoint, Key: "/api/users"}
	ld := newRecords().
		bucket(chaosBucket(chaosconv.ScopeEndpoint, "/api/users", minute(0), time.Minute, 10)).
		bucket(chaosBucket(chaosconv.ScopeGlobal, "", minute(0), time.Minute, 10)).
		health(chaosconv.Health{Scope: users, AtUnixNano: minute(0), Score: 50}).
		anomaly(chaosconv.Anomaly{ID: "e", Type: chaosconv.AnomalyLatency, State: chaosconv.AnomalyOpen, Scope: users,
			AtUnixNano: minute(0), Severity: chaosconv.SeverityWarning}).ld
	require.NoError(t, c.ConsumeLogs(context.Background(), ld))
	md := sink.AllMetrics()[0]
	for i := range metricCount {
		for _, p := range points(md, descriptors[i].name) {
			require.NotContains(t, p.labels, chaosconv.AttrEndpoint, descriptors[i].name)
			require.NotEqual(t, "endpoint", p.labels[chaosconv.AttrScope], descriptors[i].name)
		}
	}
	open := map[any]float64{}
	for _, p := range points(md, chaosconv.MetricAnomaliesOpen) {
		open[p.labels[chaosconv.AttrAnomalyType]] = p.value
	}
	require.Equal(t, 1.0, open[string(chaosconv.AnomalyLatency)], "the open-anomaly gauge still counts it: it has no endpoint label")
	require.Equal(t, int64(1), c.records(t, recBucket, skipped))
	require.Equal(t, int64(1), c.records(t, recHealth, skipped))
}

func TestLabelValuesAreBounded(t *testing.T) {
	cfg := defaultConfig()
	cfg.MaxLabelValues = 2
	sink := new(consumertest.MetricsSink)
	c := newTestConnector(t, cfg, sink)
	r := newRecords()
	for _, svc := range []string{"a", "b", "c", "d"} {
		b := chaosconv.NewBucket(chaosconv.ScopeService, svc, minute(0), time.Minute)
		for _, ft := range []string{"f1", "f2", "f3"} {
			b.AddEvent(&chaosconv.Event{Kind: chaosconv.KindFaultInjection, FaultType: ft, TimeUnixNano: minute(0)}, testLimits)
		}
		r.bucket(b)
	}
	require.NoError(t, c.ConsumeLogs(context.Background(), r.ld))
	services, faults := map[any]bool{}, map[any]bool{}
	total := 0.0
	for _, p := range points(sink.AllMetrics()[0], chaosconv.MetricFaults) {
		services[p.labels[chaosconv.AttrServiceName]] = true
		faults[p.labels[chaosconv.AttrFaultType]] = true
	}
	// Overflowed series take several adds in one batch: their last point is the total.
	last := map[[2]any]float64{}
	for _, p := range points(sink.AllMetrics()[0], chaosconv.MetricFaults) {
		last[[2]any{p.labels[chaosconv.AttrServiceName], p.labels[chaosconv.AttrFaultType]}] = p.value
	}
	for _, v := range last {
		total += v
	}
	require.Equal(t, map[any]bool{"a": true, "b": true, chaosconv.OverflowKey: true}, services)
	require.Equal(t, map[any]bool{"f1": true, "f2": true, chaosconv.OverflowKey: true}, faults)
	require.Equal(t, 12.0, total, "nothing is lost in the overflow")
	overflows := "otelcol_connector_chaos_metrics_label_overflows"
	require.Equal(t, int64(2), c.sum(t, overflows, attribute.String("label", chaosconv.AttrServiceName)))
	require.Equal(t, int64(4), c.sum(t, overflows, attribute.String("label", chaosconv.AttrFaultType)))
}

func TestRefusedBatchIsCarriedByTheNextPoint(t *testing.T) {
	refuse := true
	sink := new(consumertest.MetricsSink)
	next, err := consumer.NewMetrics(func(ctx context.Context, md pmetric.Metrics) error {
		if refuse {
			return errors.New("memory limiter: refused")
		}
		return sink.ConsumeMetrics(ctx, md)
	})
	require.NoError(t, err)
	c := newTestConnector(t, defaultConfig(), next)
	ctx := context.Background()
	require.NoError(t, c.ConsumeLogs(ctx, newRecords().bucket(chaosBucket(chaosconv.ScopeGlobal, "", minute(0), time.Minute, 10)).ld),
		"a refusal is not returned: a retry of the logs would count them twice")
	refuse = false
	require.NoError(t, c.ConsumeLogs(ctx, newRecords().bucket(chaosBucket(chaosconv.ScopeGlobal, "", minute(1), time.Minute, 10)).ld))
	for _, p := range points(sink.AllMetrics()[0], chaosconv.MetricEvents) {
		if p.labels[chaosconv.AttrEventKind] == "latency_injection" {
			require.Equal(t, 8.0, p.value, "the refused minute is in the total")
		}
	}
	dataPoints := "otelcol_connector_chaos_metrics_data_points"
	require.Positive(t, c.sum(t, dataPoints, attribute.String("outcome", "refused")))
	require.Positive(t, c.sum(t, dataPoints, attribute.String("outcome", "emitted")))
}

// A late bucket (older than one already counted) is counted, and its point
// is stamped no earlier than the series' last point.
func TestPointsNeverGoBackInTime(t *testing.T) {
	sink := new(consumertest.MetricsSink)
	c := newTestConnector(t, defaultConfig(), sink)
	ctx := context.Background()
	require.NoError(t, c.ConsumeLogs(ctx, newRecords().bucket(chaosBucket(chaosconv.ScopeGlobal, "", minute(5), time.Minute, 10)).ld))
	require.NoError(t, c.ConsumeLogs(ctx, newRecords().bucket(chaosBucket(chaosconv.ScopeGlobal, "", minute(2), time.Minute, 10)).ld))
	p := points(sink.AllMetrics()[1], chaosconv.MetricEvents)[0]
	require.Equal(t, 8.0, p.value)
	require.Equal(t, minute(6), p.ts)
}

func TestEmptyBatchEmitsNothing(t *testing.T) {
	sink := new(consumertest.MetricsSink)
	c := newTestConnector(t, defaultConfig(), sink)
	ld := newRecords().event(chaosconv.Event{Kind: chaosconv.KindLatencyInjection, DelayMs: 5, Fields: chaosconv.FieldDelayMs}).ld
	require.NoError(t, c.ConsumeLogs(context.Background(), ld))
	require.Empty(t, sink.AllMetrics(), "a batch with nothing to count sends nothing")
	_, err := c.tel.GetMetric("otelcol_connector_chaos_metrics_records")
	require.Error(t, err, "ordinary events are not the connector's records")
}
