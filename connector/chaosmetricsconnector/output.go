package chaosmetricsconnector

import (
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/pmetric"

	"github.com/otelcol-chaos/otelcol-chaos/internal/chaosconv"
)

// output builds the pmetric.Metrics of one batch of records: one resource,
// one scope, each metric created the first time it gets a point.
type output struct {
	md      pmetric.Metrics
	metrics pmetric.MetricSlice
	byID    [metricCount]pmetric.Metric
	has     [metricCount]bool
	points  int
	// perMetric counts the points of each metric; hint is the previous
	// batch's counts, used to size each slice once rather than let it
	// grow by doubling (batches of a pipeline are alike).
	perMetric [metricCount]int
	hint      [metricCount]int
}

func newOutput(scopeName, version string) *output {
	o := &output{md: pmetric.NewMetrics()}
	sm := o.md.ResourceMetrics().AppendEmpty().ScopeMetrics().AppendEmpty()
	sm.Scope().SetName(scopeName)
	sm.Scope().SetVersion(version)
	o.metrics = sm.Metrics()
	return o
}

func (o *output) metric(id metricID) pmetric.Metric {
	if o.has[id] {
		return o.byID[id]
	}
	d := &descriptors[id]
	m := o.metrics.AppendEmpty()
	m.SetName(d.name)
	m.SetUnit(d.unit)
	m.SetDescription(d.description)
	switch d.typ {
	case typeCounter:
		s := m.SetEmptySum()
		s.SetIsMonotonic(true)
		s.SetAggregationTemporality(pmetric.AggregationTemporalityCumulative)
		s.DataPoints().EnsureCapacity(o.hint[id])
	case typeGauge:
		m.SetEmptyGauge().DataPoints().EnsureCapacity(o.hint[id])
	case typeHistogram:
		h := m.SetEmptyHistogram()
		h.SetAggregationTemporality(pmetric.AggregationTemporalityCumulative)
		h.DataPoints().EnsureCapacity(o.hint[id])
	}
	o.byID[id], o.has[id] = m, true
	return m
}

// number appends a point to the counter or gauge id, labelled from k.
func (o *output) number(k *seriesKey) pmetric.NumberDataPoint {
	m := o.metric(k.metric)
	var dp pmetric.NumberDataPoint
	if descriptors[k.metric].typ == typeCounter {
		dp = m.Sum().DataPoints().AppendEmpty()
	} else {
		dp = m.Gauge().DataPoints().AppendEmpty()
	}
	o.points++
	o.perMetric[k.metric]++
	putLabels(dp.Attributes(), k)
	return dp
}

// histogram appends a point to the histogram id, labelled from k.
func (o *output) histogram(k *seriesKey) pmetric.HistogramDataPoint {
	dp := o.metric(k.metric).Histogram().DataPoints().AppendEmpty()
	o.points++
	o.perMetric[k.metric]++
	putLabels(dp.Attributes(), k)
	return dp
}

// putLabels writes the scope labels and the descriptor's labels; an empty
// value (a transition from no scenario) is left out, as Prometheus would.
func putLabels(a pcommon.Map, k *seriesKey) {
	d := &descriptors[k.metric]
	a.EnsureCapacity(2 + len(d.labels))
	if d.scoped {
		a.PutStr(chaosconv.AttrScope, k.scope.String())
		switch k.scope {
		case chaosconv.ScopeService:
			a.PutStr(chaosconv.AttrServiceName, k.key)
		case chaosconv.ScopeEndpoint:
			a.PutStr(chaosconv.AttrEndpoint, k.key)
		}
	}
	for i, lb := range d.labels {
		v := k.l1
		if i == 1 {
			v = k.l2
		}
		if v != "" {
			a.PutStr(lb.key, v)
		}
	}
}
