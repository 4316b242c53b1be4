package chaosconv

import (
	"errors"
	"fmt"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
)

// ErrNotBucket is returned by DecodeBucket for a record of another kind.
var ErrNotBucket = errors.New("record is not a chaos.bucket")

// IsBucket reports whether lr is a chaos.bucket record.
func IsBucket(lr plog.LogRecord) bool { return lr.EventName() == RecordBucket }

type statsKeys struct{ count, sumUs, min, max, avg, p50, p95, p99, sketch string }

var (
	latencyKeys = statsKeys{AttrBucketLatencyCount, AttrBucketLatencySumUs, AttrBucketLatencyMin, AttrBucketLatencyMax,
		AttrBucketLatencyAvg, AttrBucketLatencyP50, AttrBucketLatencyP95, AttrBucketLatencyP99, AttrBucketLatencySketch}
	probeLatencyKeys = statsKeys{AttrBucketProbeLatencyCount, AttrBucketProbeLatencySumUs, AttrBucketProbeLatencyMin,
		AttrBucketProbeLatencyMax, AttrBucketProbeLatencyAvg, AttrBucketProbeLatencyP50, AttrBucketProbeLatencyP95,
		AttrBucketProbeLatencyP99, AttrBucketProbeLatencySketch}
	bucketObservedLatencyKeys = statsKeys{AttrBucketObservedLatencyCount, AttrBucketObservedLatencySumUs,
		AttrBucketObservedLatencyMin, AttrBucketObservedLatencyMax, AttrBucketObservedLatencyAvg,
		AttrBucketObservedLatencyP50, AttrBucketObservedLatencyP95, AttrBucketObservedLatencyP99,
		AttrBucketObservedLatencySketch}
)

// EncodeBucket writes b, and its impact under cfg, into lr as a chaos.bucket
// record. Derived values (averages, quantiles, impact) are for readers;
// the exact, mergeable state is the counts, sums, min/max and sketches, and
// DecodeBucket reads only those.
func EncodeBucket(b *Bucket, cfg *ImpactConfig, lr plog.LogRecord) {
	lr.SetEventName(RecordBucket)
	lr.SetTimestamp(pcommon.Timestamp(b.StartUnixNano))
	lr.SetSeverityNumber(plog.SeverityNumberInfo)
	lr.SetSeverityText("INFO")
	lr.Body().SetStr("chaos: bucket summary")
	a := lr.Attributes()
	a.EnsureCapacity(48)
	a.PutStr(AttrBucketScope, b.Scope.String())
	a.PutStr(AttrBucketKey, b.Key)
	a.PutInt(AttrBucketWidth, int64(b.Width/time.Second))
	if b.Producer != "" {
		a.PutStr(AttrBucketProducer, b.Producer)
	}
	a.PutInt(AttrBucketEvents, int64(b.Events))
	byKind := a.PutEmptyMap(AttrBucketEventsByKind)
	for k := KindUnknown + 1; k < kindCount; k++ {
		if n := b.EventsByKind[k]; n > 0 {
			byKind.PutInt(k.String(), int64(n))
		}
	}
	putStats(a, &latencyKeys, &b.Latency)
	a.PutInt(AttrBucketFaults, int64(b.Faults))
	putCounter(a, AttrBucketFaultsByType, b.FaultsByType)
	a.PutInt(AttrBucketRateLimitViolations, int64(b.RateLimitViolations))
	a.PutInt(AttrBucketTrafficEvents, int64(b.TrafficEvents))
	a.PutInt(AttrBucketTrafficBytes, int64(b.TrafficBytes))
	putCounter(a, AttrBucketProtocolEvents, b.ProtocolEvents)
	putCounter(a, AttrBucketEndpoints, b.AffectedEndpoints())
	a.PutInt(AttrBucketProbeSuccesses, int64(b.ProbeSuccesses))
	a.PutInt(AttrBucketProbeFailures, int64(b.ProbeFailures))
	a.PutInt(AttrBucketProbeSlow, int64(b.ProbeSlow))
	putStats(a, &probeLatencyKeys, &b.ProbeLatency)
	if b.PeakEvents > 0 {
		a.PutInt(AttrBucketPeakStart, b.PeakStartUnixNano)
		a.PutInt(AttrBucketPeakEvents, int64(b.PeakEvents))
	}
	if o := &b.Observed; o.Spans > 0 {
		a.PutInt(AttrBucketObservedSpans, int64(o.Spans))
		a.PutDouble(AttrBucketObservedRequests, o.Requests)
		a.PutDouble(AttrBucketObservedErrors, o.Errors)
		a.PutDouble(AttrBucketObservedErrorRatio, o.ErrorRatio())
		putStats(a, &bucketObservedLatencyKeys, &o.Latency)
	}
	if base := &b.ObservedBaseline; base.Requests > 0 {
		a.PutDouble(AttrBucketObservedBaselineRequests, base.Requests)
		a.PutDouble(AttrBucketObservedBaselineErrorRatio, base.ErrorRatio)
		a.PutDouble(AttrBucketObservedBaselineP95, base.P95Ms)
	}

	im := b.Impact(cfg)
	a.PutDouble(AttrImpactSeverity, im.Severity)
	a.PutDouble(AttrImpactDegradationPct, im.DegradationPct)
	a.PutBool(AttrImpactMeasured, im.Measured)
	a.PutStr(AttrImpactSource, im.Source)
	if im.Source == ImpactSourceSpans {
		a.PutDouble(AttrImpactObservedErrorIncrease, im.ObservedErrorIncrease)
		a.PutDouble(AttrImpactObservedLatencyFactor, im.ObservedLatencyFactor)
	}
	a.PutDouble(AttrImpactFaultRatio, im.FaultRatio)
	a.PutDouble(AttrImpactRateLimitRatio, im.RateLimitRatio)
	a.PutDouble(AttrImpactLatencyFactor, im.LatencyFactor)
	a.PutDouble(AttrImpactProbeFailureRatio, im.ProbeFailureRatio)
	top := a.PutEmptySlice(AttrImpactTopEndpoints)
	top.EnsureCapacity(len(im.TopEndpoints))
	for _, ep := range im.TopEndpoints {
		top.AppendEmpty().SetStr(ep.Endpoint)
	}
}

func putStats(a pcommon.Map, k *statsKeys, s *Stats) {
	a.PutInt(k.count, int64(s.Count))
	a.PutInt(k.sumUs, s.SumMicros)
	if s.Count == 0 {
		return // an empty set has no min, max, mean or quantiles
	}
	a.PutDouble(k.min, s.Min)
	a.PutDouble(k.max, s.Max)
	a.PutDouble(k.avg, s.Mean())
	for _, q := range []struct {
		key string
		q   float64
	}{{k.p50, 0.50}, {k.p95, 0.95}, {k.p99, 0.99}} {
		if v, ok := s.Quantile(q.q); ok {
			a.PutDouble(q.key, v)
		}
	}
	a.PutEmptyBytes(k.sketch).FromRaw(s.Sketch.AppendBinary(nil))
}

func putCounter(a pcommon.Map, key string, c Counter) {
	m := a.PutEmptyMap(key)
	m.EnsureCapacity(len(c))
	for _, k := range sortedKeys(c) {
		m.PutInt(k, int64(c[k]))
	}
}

// DecodeBucket reads a chaos.bucket record into b (reinitialised first).
// It reads the exact state only (see EncodeBucket) and fails, naming the
// attribute, on anything that would make a merge inexact.
func DecodeBucket(lr plog.LogRecord, b *Bucket) error {
	if !IsBucket(lr) {
		return ErrNotBucket
	}
	a := lr.Attributes()
	scope, key, width, err := decodeBucketIdentity(a)
	if err != nil {
		return err
	}
	b.Reinit(scope, key, int64(lr.Timestamp()), width)
	if v, ok := a.Get(AttrBucketProducer); ok {
		if v.Type() != pcommon.ValueTypeStr {
			return &FieldError{Key: AttrBucketProducer, Err: ErrInvalidField, Msg: "want string"}
		}
		b.Producer = v.Str()
	}

	for k, v := range a.All() {
		if err := decodeBucketAttr(b, k, v); err != nil {
			return err
		}
	}
	return nil
}

// decodeBucketIdentity reads the scope, key and width that chaos.bucket
// and chaos.observed records share.
func decodeBucketIdentity(a pcommon.Map) (ScopeKind, string, time.Duration, error) {
	scopeV, ok := a.Get(AttrBucketScope)
	if !ok {
		return 0, "", 0, &FieldError{Key: AttrBucketScope, Err: ErrMissingField}
	}
	scope := ParseScopeKind(scopeV.AsString())
	if scope == ScopeUnknown {
		return 0, "", 0, &FieldError{Key: AttrBucketScope, Err: ErrInvalidField, Msg: quote(scopeV.AsString())}
	}
	widthV, ok := a.Get(AttrBucketWidth)
	if !ok || widthV.Type() != pcommon.ValueTypeInt || widthV.Int() <= 0 {
		return 0, "", 0, &FieldError{Key: AttrBucketWidth, Err: ErrInvalidField, Msg: "want a positive int (seconds)"}
	}
	key := ""
	if v, ok := a.Get(AttrBucketKey); ok {
		key = v.AsString()
	}
	return scope, key, time.Duration(widthV.Int()) * time.Second, nil
}

func decodeBucketAttr(b *Bucket, k string, v pcommon.Value) error {
	switch k {
	case AttrBucketEvents:
		return setUint(&b.Events, k, v)
	case AttrBucketEventsByKind:
		if v.Type() != pcommon.ValueTypeMap {
			return &FieldError{Key: k, Err: ErrInvalidField, Msg: "want map"}
		}
		for kind, n := range v.Map().All() {
			kk := ParseKind(kind)
			if kk == KindUnknown {
				return &FieldError{Key: k, Err: ErrUnknownKind, Msg: quote(kind)}
			}
			if err := setUint(&b.EventsByKind[kk], k+"."+kind, n); err != nil {
				return err
			}
		}
	case AttrBucketFaults:
		return setUint(&b.Faults, k, v)
	case AttrBucketFaultsByType:
		return setCounter(b.FaultsByType, k, v)
	case AttrBucketRateLimitViolations:
		return setUint(&b.RateLimitViolations, k, v)
	case AttrBucketTrafficEvents:
		return setUint(&b.TrafficEvents, k, v)
	case AttrBucketTrafficBytes:
		return setUint(&b.TrafficBytes, k, v)
	case AttrBucketProtocolEvents:
		return setCounter(b.ProtocolEvents, k, v)
	case AttrBucketEndpoints:
		if b.Scope == ScopeEndpoint {
			return nil // derived from the key and the event count
		}
		return setCounter(b.Endpoints, k, v)
	case AttrBucketProbeSuccesses:
		return setUint(&b.ProbeSuccesses, k, v)
	case AttrBucketProbeFailures:
		return setUint(&b.ProbeFailures, k, v)
	case AttrBucketProbeSlow:
		return setUint(&b.ProbeSlow, k, v)
	case AttrBucketPeakStart:
		return setInt(&b.PeakStartUnixNano, k, v)
	case AttrBucketPeakEvents:
		return setUint(&b.PeakEvents, k, v)
	case AttrBucketObservedSpans:
		return setUint(&b.Observed.Spans, k, v)
	case AttrBucketObservedRequests:
		return setCount(&b.Observed.Requests, k, v)
	case AttrBucketObservedErrors:
		return setCount(&b.Observed.Errors, k, v)
	case AttrBucketObservedBaselineRequests:
		return setCount(&b.ObservedBaseline.Requests, k, v)
	case AttrBucketObservedBaselineErrorRatio:
		return setCount(&b.ObservedBaseline.ErrorRatio, k, v)
	case AttrBucketObservedBaselineP95:
		return setCount(&b.ObservedBaseline.P95Ms, k, v)
	default:
		if err, ok := decodeStatsAttr(&b.Latency, &latencyKeys, k, v); ok {
			return err
		}
		if err, ok := decodeStatsAttr(&b.ProbeLatency, &probeLatencyKeys, k, v); ok {
			return err
		}
		if err, ok := decodeStatsAttr(&b.Observed.Latency, &bucketObservedLatencyKeys, k, v); ok {
			return err
		}
	}
	return nil
}

func decodeStatsAttr(s *Stats, keys *statsKeys, k string, v pcommon.Value) (error, bool) {
	switch k {
	case keys.count:
		return setUint(&s.Count, k, v), true
	case keys.sumUs:
		return setInt(&s.SumMicros, k, v), true
	case keys.min:
		return setFloat(&s.Min, k, v), true
	case keys.max:
		return setFloat(&s.Max, k, v), true
	case keys.sketch:
		if v.Type() != pcommon.ValueTypeBytes {
			return &FieldError{Key: k, Err: ErrInvalidField, Msg: "want bytes"}, true
		}
		if err := s.Sketch.UnmarshalBinary(v.Bytes().AsRaw()); err != nil {
			return &FieldError{Key: k, Err: ErrInvalidField, Msg: err.Error()}, true
		}
		return nil, true
	}
	return nil, false
}

func setUint(dst *uint64, k string, v pcommon.Value) error {
	var n int64
	if err := setInt(&n, k, v); err != nil {
		return err
	}
	if n < 0 {
		return &FieldError{Key: k, Err: ErrInvalidField, Msg: fmt.Sprintf("negative count %d", n)}
	}
	*dst = uint64(n)
	return nil
}

func setFloat(dst *float64, k string, v pcommon.Value) error {
	switch v.Type() {
	case pcommon.ValueTypeDouble:
		*dst = v.Double()
	case pcommon.ValueTypeInt:
		*dst = float64(v.Int())
	default:
		return &FieldError{Key: k, Err: ErrInvalidField, Msg: "want double, got " + v.Type().String()}
	}
	return nil
}

func setCounter(c Counter, k string, v pcommon.Value) error {
	if v.Type() != pcommon.ValueTypeMap {
		return &FieldError{Key: k, Err: ErrInvalidField, Msg: "want map of counts"}
	}
	for name, n := range v.Map().All() {
		var u uint64
		if err := setUint(&u, k+"."+name, n); err != nil {
			return err
		}
		c[name] = u
	}
	return nil
}

// RecordedLatencyFactor reads the latency factor (p95 injected delay over
// the producer's latency budget, capped at 1) a chaos.bucket record
// carries; ok is false when it is missing.
func RecordedLatencyFactor(lr plog.LogRecord) (factor float64, ok bool) {
	v, ok := lr.Attributes().Get(AttrImpactLatencyFactor)
	if !ok || v.Type() != pcommon.ValueTypeDouble {
		return 0, false
	}
	return v.Double(), true
}

// RecordedImpact reads the impact severity and degradation a chaos.bucket
// record carries — computed by its producer under the producer's impact
// configuration (latency budget) — so that readers agree with it rather
// than recompute under defaults. ok is false when either is missing.
func RecordedImpact(lr plog.LogRecord) (severity, degradationPct float64, ok bool) {
	a := lr.Attributes()
	s, ok1 := a.Get(AttrImpactSeverity)
	d, ok2 := a.Get(AttrImpactDegradationPct)
	if !ok1 || !ok2 || s.Type() != pcommon.ValueTypeDouble || d.Type() != pcommon.ValueTypeDouble {
		return 0, 0, false
	}
	return s.Double(), d.Double(), true
}
