package chaosmetricsconnector

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/pmetric"
)

// rebuild builds a copy of md with the same pdata calls the connector
// makes (metrics, points, attributes one by one, bucket counts and bounds):
// what pdata itself allocates for that output.
func rebuild(md pmetric.Metrics) pmetric.Metrics {
	out := pmetric.NewMetrics()
	for _, rm := range md.ResourceMetrics().All() {
		orm := out.ResourceMetrics().AppendEmpty()
		for _, sm := range rm.ScopeMetrics().All() {
			osm := orm.ScopeMetrics().AppendEmpty()
			osm.Scope().SetName(sm.Scope().Name())
			osm.Scope().SetVersion(sm.Scope().Version())
			for _, m := range sm.Metrics().All() {
				om := osm.Metrics().AppendEmpty()
				om.SetName(m.Name())
				om.SetUnit(m.Unit())
				om.SetDescription(m.Description())
				switch m.Type() {
				case pmetric.MetricTypeSum:
					s := om.SetEmptySum()
					s.SetIsMonotonic(true)
					s.SetAggregationTemporality(pmetric.AggregationTemporalityCumulative)
					for _, dp := range m.Sum().DataPoints().All() {
						o := s.DataPoints().AppendEmpty()
						copyAttrs(dp.Attributes(), o.Attributes())
						o.SetStartTimestamp(dp.StartTimestamp())
						o.SetTimestamp(dp.Timestamp())
						o.SetIntValue(dp.IntValue())
					}
				case pmetric.MetricTypeGauge:
					g := om.SetEmptyGauge()
					for _, dp := range m.Gauge().DataPoints().All() {
						o := g.DataPoints().AppendEmpty()
						copyAttrs(dp.Attributes(), o.Attributes())
						o.SetTimestamp(dp.Timestamp())
						o.SetDoubleValue(dp.DoubleValue())
					}
				case pmetric.MetricTypeHistogram:
					h := om.SetEmptyHistogram()
					h.SetAggregationTemporality(pmetric.AggregationTemporalityCumulative)
					for _, dp := range m.Histogram().DataPoints().All() {
						o := h.DataPoints().AppendEmpty()
						copyAttrs(dp.Attributes(), o.Attributes())
						o.SetStartTimestamp(dp.StartTimestamp())
						o.SetTimestamp(dp.Timestamp())
						o.SetCount(dp.Count())
						o.SetSum(dp.Sum())
						o.BucketCounts().FromRaw(dp.BucketCounts().AsRaw())
						o.ExplicitBounds().FromRaw(dp.ExplicitBounds().AsRaw())
					}
				}
			}
		}
	}
	return out
}

func copyAttrs(from, to pcommon.Map) {
	to.EnsureCapacity(from.Len())
	for k, v := range from.All() {
		to.PutStr(k, v.Str())
	}
}

// TestNoAllocationPerPointBeyondPdata: in the steady state (every series
// exists) the connector allocates what pdata allocates for its output,
// plus a constant per batch — never more per data point. Checked on a
// batch of one record and on one of thirteen.
func TestNoAllocationPerPointBeyondPdata(t *testing.T) {
	one := plog.NewLogs()
	batch := benchBatch()
	batch.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords().At(0).CopyTo(
		one.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty().LogRecords().AppendEmpty())
	var overheads []float64
	for _, ld := range []plog.Logs{one, batch} {
		sink := new(consumertest.MetricsSink)
		c := newTestConnector(t, defaultConfig(), sink)
		ctx := context.Background()
		require.NoError(t, c.ConsumeLogs(ctx, ld))
		require.NoError(t, c.ConsumeLogs(ctx, ld))
		out := sink.AllMetrics()[1]
		// The copies rebuild makes of bucket counts and bounds (AsRaw) are
		// the test's, not pdata's: count them apart.
		histograms := 0
		for _, rm := range out.ResourceMetrics().All() {
			for _, sm := range rm.ScopeMetrics().All() {
				for _, m := range sm.Metrics().All() {
					if m.Type() == pmetric.MetricTypeHistogram {
						histograms += m.Histogram().DataPoints().Len()
					}
				}
			}
		}
		pdata := testing.AllocsPerRun(20, func() { rebuild(out) }) - float64(2*histograms)
		sink.Reset()
		connector := testing.AllocsPerRun(20, func() {
			if err := c.ConsumeLogs(ctx, ld); err != nil {
				panic(err)
			}
			sink.Reset()
		})
		t.Logf("%d records, %d points: connector %.0f allocations, pdata alone %.0f",
			ld.LogRecordCount(), out.DataPointCount(), connector, pdata)
		overheads = append(overheads, connector-pdata)
	}
	require.LessOrEqual(t, overheads[1], overheads[0], "the connector's own allocations do not grow with the points")
	require.LessOrEqual(t, overheads[1], 8.0, "a few allocations per batch (telemetry), none per point")
}
