package chaosmetricsconnector

import (
	"errors"
	"fmt"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.uber.org/zap"

	"github.com/otelcol-chaos/otelcol-chaos/internal/chaosconv"
)

var errProbeSlow = errors.New("more slow probes than successful ones")

// bucket turns a chaos.bucket record of the width read into counter,
// histogram and impact points. Everything that can fail is checked before
// the first point, so a malformed record changes no series.
func (t *translator) bucket(lr plog.LogRecord, o *output) outcome {
	v := &t.view
	if err := chaosconv.DecodeBucketView(lr, v); err != nil {
		return t.malformed(recBucket, err)
	}
	if !t.selectWidth(v) || !t.keep(v.Scope) {
		return skipped
	}
	if v.ProbeSlow > v.ProbeSuccesses {
		return t.malformed(recBucket, fmt.Errorf("%s: %w", chaosconv.AttrBucketProbeSlow, errProbeSlow))
	}
	if err := t.histogramCounts(&v.Latency, t.latencyCounts); err != nil {
		return t.malformed(recBucket, fmt.Errorf("%s: %w", chaosconv.AttrBucketLatencySketch, err))
	}
	if err := t.histogramCounts(&v.ProbeLatency, t.probeCounts); err != nil {
		return t.malformed(recBucket, fmt.Errorf("%s: %w", chaosconv.AttrBucketProbeLatencySketch, err))
	}

	start, end := v.StartUnixNano, v.EndUnixNano()
	sk := t.scopeKey(v.Scope, v.Key)
	ss := t.store.scope(&sk)
	for kind, n := range v.EventsByKind {
		if n > 0 {
			k := sk.with(mEvents)
			k.l1 = chaosconv.Kind(kind).String()
			t.count(o, &k, t.store.cached(&ss.kinds[kind], &k, start), n, end)
		}
	}
	t.addCounts(o, ss, sk.with(mFaults), v.FaultsByType, start, end)
	// Unlabelled counters are emitted even at zero, so that a dashboard's
	// query finds the series before the first violation.
	for _, c := range [3]struct {
		id metricID
		n  uint64
	}{{mRateLimitViolations, v.RateLimitViolations}, {mTrafficEvents, v.TrafficEvents}, {mTrafficBytes, v.TrafficBytes}} {
		k := sk.with(c.id)
		t.count(o, &k, t.store.cached(&ss.fixed[c.id], &k, start), c.n, end)
	}
	t.addCounts(o, ss, sk.with(mProtocolEvents), v.ProtocolEvents, start, end)
	for i, p := range [3]struct {
		outcome string
		n       uint64
	}{{chaosconv.ProbePassed, v.ProbeSuccesses - v.ProbeSlow}, {chaosconv.ProbeSlow, v.ProbeSlow}, {chaosconv.ProbeFailed, v.ProbeFailures}} {
		if p.n > 0 {
			k := sk.with(mProbes)
			k.l1 = p.outcome
			t.count(o, &k, t.store.cached(&ss.probes[i], &k, start), p.n, end)
		}
	}
	t.histogram(o, ss, sk.with(mInjectedLatency), v, &v.Latency, t.latencyCounts)
	t.histogram(o, ss, sk.with(mProbeDuration), v, &v.ProbeLatency, t.probeCounts)

	if v.HasImpact {
		im := &v.Impact
		t.gauge(o, sk.with(mImpactSeverity), im.Severity, end)
		t.gauge(o, sk.with(mImpactDegradation), im.DegradationPct, end)
		for i, f := range [4]float64{im.FaultRatio, im.RateLimitRatio, im.LatencyFactor, im.ProbeFailureRatio} {
			k := sk.with(mImpactFactor)
			k.l1 = impactFactors[i]
			t.gauge(o, k, f, end)
		}
		measured := 0.0
		if im.Measured {
			measured = 1
		}
		t.gauge(o, sk.with(mImpactMeasured), measured, end)
	}
	return converted
}

// selectWidth reports whether the bucket is of the width read. With width
// 0 the finest width seen is read: a finer one, once it appears, replaces
// a coarser one (the finest width's buckets close first, so this happens
// at most at the very start).
func (t *translator) selectWidth(v *chaosconv.BucketView) bool {
	switch {
	case t.cfg.Width > 0:
		return v.Width == t.cfg.Width
	case t.width == 0 || v.Width < t.width:
		if t.width != 0 {
			t.logger.Info("reading a finer bucket width", zap.Duration("from", t.width), zap.Duration("to", v.Width))
		}
		t.width = v.Width
		return true
	}
	return v.Width == t.width
}

// addCounts adds a map of counts (fault type → count…) to the counter of
// base, labelled by the map's keys.
func (t *translator) addCounts(o *output, ss *scopeSeries, base seriesKey, m pcommon.Map, start, end int64) {
	index := &ss.byLabel[base.metric]
	for name, n := range m.All() {
		c := n.Int()
		if c <= 0 {
			continue
		}
		k := base
		k.l1 = name
		s := (*index)[name]
		if s == nil {
			t.label(&k, 0, name) // bounded: may become _overflow
			s = t.store.get(&k, start)
			if k.l1 == name { // an overflowed value is not indexed: the index stays bounded
				if *index == nil {
					*index = map[string]*series{}
				}
				(*index)[k.l1] = s
			}
		}
		t.count(o, &k, s, uint64(c), end)
	}
}

// histogramCounts fills dst with the bucket counts of s's sketch (all zero
// when it holds no value), and checks the sketch agrees with the count.
func (t *translator) histogramCounts(s *chaosconv.StatsView, dst []uint64) error {
	if s.Count == 0 {
		return nil
	}
	t.sketchBytes = t.sketchBytes[:0]
	for i, n := 0, s.Sketch.Len(); i < n; i++ {
		t.sketchBytes = append(t.sketchBytes, s.Sketch.At(i))
	}
	n, err := t.bounds.Counts(t.sketchBytes, dst)
	if err == nil && n != s.Count {
		err = fmt.Errorf("the sketch holds %d values, the count says %d", n, s.Count)
	}
	return err
}

// histogram adds a bucket's values to the histogram series k and emits
// its new state, in seconds.
func (t *translator) histogram(o *output, ss *scopeSeries, k seriesKey, v *chaosconv.BucketView, s *chaosconv.StatsView, counts []uint64) {
	if s.Count == 0 {
		return
	}
	st := t.store.cached(&ss.fixed[k.metric], &k, v.StartUnixNano)
	if st.buckets == nil {
		st.buckets = make([]uint64, len(counts))
	}
	for j, c := range counts {
		st.buckets[j] += c
	}
	st.total += s.Count
	st.sumMicros += s.SumMicros
	dp := o.histogram(&k)
	dp.SetStartTimestamp(pcommon.Timestamp(st.start))
	dp.SetTimestamp(pcommon.Timestamp(st.stamp(v.EndUnixNano())))
	dp.SetCount(st.total)
	dp.SetSum(float64(st.sumMicros) / 1e6)
	dp.BucketCounts().FromRaw(st.buckets)
	dp.ExplicitBounds().FromRaw(t.boundsSeconds)
}
