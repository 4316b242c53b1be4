package chaosconv

import (
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
)

// BucketView is what a reader of a chaos.bucket record's figures needs —
// counts, maps, sketch bytes and the recorded impact — read in one pass over
// its attributes without copying anything. Merging needs the full Bucket
// (DecodeBucket); exporting the figures does not, and this is its hot path:
// it allocates nothing.
//
// The maps are the record's own (read-only: the record must outlive the
// view) and have been checked to hold non-negative integer counts.
type BucketView struct {
	Scope         ScopeKind
	Key           string
	StartUnixNano int64
	Width         time.Duration

	Events              uint64
	EventsByKind        [kindCount]uint64
	Faults              uint64
	FaultsByType        pcommon.Map // fault type → count
	RateLimitViolations uint64
	TrafficEvents       uint64
	TrafficBytes        uint64
	ProtocolEvents      pcommon.Map // protocol → count

	ProbeSuccesses, ProbeFailures, ProbeSlow uint64

	Latency, ProbeLatency StatsView

	// Impact is the impact the producer recorded (see RecordedImpact);
	// HasImpact is false when the record carries none.
	Impact    Impact
	HasImpact bool
}

// StatsView is the exact part of a Stats: count, sum and the encoded sketch
// (empty when the count is 0).
type StatsView struct {
	Count     uint64
	SumMicros int64
	Sketch    pcommon.ByteSlice
	HasSketch bool
}

// EndUnixNano is the bucket's exclusive end.
func (v *BucketView) EndUnixNano() int64 { return v.StartUnixNano + int64(v.Width) }

// emptyMap stands for an absent map attribute: reading it finds nothing.
var emptyMap = pcommon.NewMap()

// DecodeBucketView reads lr into v (reset first). It fails, naming the
// attribute, on a missing scope or width, a count that is not a
// non-negative integer, an unknown event kind, or an impact or sketch of
// the wrong type; the sketch bytes themselves are checked by their reader
// (sketch.Bounds.Counts or Sketch.UnmarshalBinary).
func DecodeBucketView(lr plog.LogRecord, v *BucketView) error {
	if !IsBucket(lr) {
		return ErrNotBucket
	}
	*v = BucketView{StartUnixNano: int64(lr.Timestamp()), FaultsByType: emptyMap, ProtocolEvents: emptyMap}
	for k, val := range lr.Attributes().All() {
		if err := v.decodeAttr(k, val); err != nil {
			return err
		}
	}
	switch {
	case v.Scope == ScopeUnknown:
		return &FieldError{Key: AttrBucketScope, Err: ErrMissingField}
	case v.Width <= 0:
		return &FieldError{Key: AttrBucketWidth, Err: ErrMissingField}
	case v.Latency.Count > 0 && !v.Latency.HasSketch:
		return &FieldError{Key: AttrBucketLatencySketch, Err: ErrMissingField}
	case v.ProbeLatency.Count > 0 && !v.ProbeLatency.HasSketch:
		return &FieldError{Key: AttrBucketProbeLatencySketch, Err: ErrMissingField}
	}
	return nil
}

func (v *BucketView) decodeAttr(k string, val pcommon.Value) error {
	switch k {
	case AttrBucketScope:
		if v.Scope = ParseScopeKind(val.Str()); v.Scope == ScopeUnknown {
			return &FieldError{Key: k, Err: ErrInvalidField, Msg: quote(val.AsString())}
		}
	case AttrBucketKey:
		return setStr(&v.Key, k, val)
	case AttrBucketWidth:
		if val.Type() != pcommon.ValueTypeInt || val.Int() <= 0 {
			return &FieldError{Key: k, Err: ErrInvalidField, Msg: "want a positive int (seconds)"}
		}
		v.Width = time.Duration(val.Int()) * time.Second
	case AttrBucketEvents:
		return setUint(&v.Events, k, val)
	case AttrBucketEventsByKind:
		if val.Type() != pcommon.ValueTypeMap {
			return &FieldError{Key: k, Err: ErrInvalidField, Msg: "want map"}
		}
		for kind, n := range val.Map().All() {
			kk := ParseKind(kind)
			if kk == KindUnknown {
				return &FieldError{Key: k, Err: ErrUnknownKind, Msg: quote(kind)}
			}
			if err := setUint(&v.EventsByKind[kk], k, n); err != nil {
				return err
			}
		}
	case AttrBucketFaults:
		return setUint(&v.Faults, k, val)
	case AttrBucketFaultsByType:
		return countsMap(&v.FaultsByType, k, val)
	case AttrBucketRateLimitViolations:
		return setUint(&v.RateLimitViolations, k, val)
	case AttrBucketTrafficEvents:
		return setUint(&v.TrafficEvents, k, val)
	case AttrBucketTrafficBytes:
		return setUint(&v.TrafficBytes, k, val)
	case AttrBucketProtocolEvents:
		return countsMap(&v.ProtocolEvents, k, val)
	case AttrBucketProbeSuccesses:
		return setUint(&v.ProbeSuccesses, k, val)
	case AttrBucketProbeFailures:
		return setUint(&v.ProbeFailures, k, val)
	case AttrBucketProbeSlow:
		return setUint(&v.ProbeSlow, k, val)
	case AttrBucketLatencyCount:
		return setUint(&v.Latency.Count, k, val)
	case AttrBucketLatencySumUs:
		return setInt(&v.Latency.SumMicros, k, val)
	case AttrBucketLatencySketch:
		return sketchBytes(&v.Latency, k, val)
	case AttrBucketProbeLatencyCount:
		return setUint(&v.ProbeLatency.Count, k, val)
	case AttrBucketProbeLatencySumUs:
		return setInt(&v.ProbeLatency.SumMicros, k, val)
	case AttrBucketProbeLatencySketch:
		return sketchBytes(&v.ProbeLatency, k, val)
	case AttrImpactSeverity:
		v.HasImpact = true
		return setFloat(&v.Impact.Severity, k, val)
	case AttrImpactDegradationPct:
		return setFloat(&v.Impact.DegradationPct, k, val)
	case AttrImpactMeasured:
		if val.Type() != pcommon.ValueTypeBool {
			return &FieldError{Key: k, Err: ErrInvalidField, Msg: "want bool"}
		}
		v.Impact.Measured = val.Bool()
	case AttrImpactFaultRatio:
		return setFloat(&v.Impact.FaultRatio, k, val)
	case AttrImpactRateLimitRatio:
		return setFloat(&v.Impact.RateLimitRatio, k, val)
	case AttrImpactLatencyFactor:
		return setFloat(&v.Impact.LatencyFactor, k, val)
	case AttrImpactProbeFailureRatio:
		return setFloat(&v.Impact.ProbeFailureRatio, k, val)
	case AttrImpactSource:
		v.Impact.Source = val.AsString()
	case AttrImpactObservedErrorIncrease:
		return setFloat(&v.Impact.ObservedErrorIncrease, k, val)
	case AttrImpactObservedLatencyFactor:
		return setFloat(&v.Impact.ObservedLatencyFactor, k, val)
	}
	return nil
}

// countsMap checks that val is a map of non-negative integer counts and
// keeps it.
func countsMap(dst *pcommon.Map, k string, val pcommon.Value) error {
	if val.Type() != pcommon.ValueTypeMap {
		return &FieldError{Key: k, Err: ErrInvalidField, Msg: "want map of counts"}
	}
	var n uint64
	for _, c := range val.Map().All() {
		if err := setUint(&n, k, c); err != nil {
			return err
		}
	}
	*dst = val.Map()
	return nil
}

func sketchBytes(s *StatsView, k string, val pcommon.Value) error {
	if val.Type() != pcommon.ValueTypeBytes {
		return &FieldError{Key: k, Err: ErrInvalidField, Msg: "want bytes"}
	}
	s.Sketch, s.HasSketch = val.Bytes(), true
	return nil
}
