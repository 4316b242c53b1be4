package chaosconv

import (
	"errors"
	"math"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
)

// ErrNotObserved is returned by DecodeObserved for a record of another kind.
var ErrNotObserved = errors.New("record is not a chaos.observed")

// IsObserved reports whether lr is a chaos.observed record.
func IsObserved(lr plog.LogRecord) bool { return lr.EventName() == RecordObserved }

// EncodeObserved writes o into lr as a chaos.observed record. As for
// buckets, the derived values (ratio, averages, quantiles) are for readers;
// DecodeObserved reads the exact state only.
func EncodeObserved(o *Observed, lr plog.LogRecord) {
	lr.SetEventName(RecordObserved)
	lr.SetTimestamp(pcommon.Timestamp(o.StartUnixNano))
	lr.SetSeverityNumber(plog.SeverityNumberInfo)
	lr.SetSeverityText("INFO")
	lr.Body().SetStr("chaos: observed traffic")
	a := lr.Attributes()
	a.EnsureCapacity(18)
	a.PutStr(AttrBucketScope, o.Scope.String())
	a.PutStr(AttrBucketKey, o.Key)
	a.PutInt(AttrBucketWidth, int64(o.Width/time.Second))
	if o.Producer != "" {
		a.PutStr(AttrBucketProducer, o.Producer)
	}
	a.PutInt(AttrObservedSpans, int64(o.Spans))
	a.PutDouble(AttrObservedRequests, o.Requests)
	a.PutDouble(AttrObservedErrors, o.Errors)
	a.PutDouble(AttrObservedErrorRatio, o.ErrorRatio())
	putStats(a, &observedLatencyKeys, &o.Latency)
}

// DecodeObserved reads a chaos.observed record into o (reinitialised
// first), failing, naming the attribute, on anything that would make a
// merge inexact.
func DecodeObserved(lr plog.LogRecord, o *Observed) error {
	if !IsObserved(lr) {
		return ErrNotObserved
	}
	a := lr.Attributes()
	scope, key, width, err := decodeBucketIdentity(a)
	if err != nil {
		return err
	}
	o.Reinit(scope, key, int64(lr.Timestamp()), width)
	for k, v := range a.All() {
		var err error
		switch k {
		case AttrBucketProducer:
			if v.Type() != pcommon.ValueTypeStr {
				return &FieldError{Key: k, Err: ErrInvalidField, Msg: "want string"}
			}
			o.Producer = v.Str()
		case AttrObservedSpans:
			err = setUint(&o.Spans, k, v)
		case AttrObservedRequests:
			err = setCount(&o.Requests, k, v)
		case AttrObservedErrors:
			err = setCount(&o.Errors, k, v)
		default:
			err, _ = decodeStatsAttr(&o.Latency, &observedLatencyKeys, k, v)
		}
		if err != nil {
			return err
		}
	}
	if o.Errors > o.Requests {
		return &FieldError{Key: AttrObservedErrors, Err: ErrInvalidField, Msg: "more errors than requests"}
	}
	return nil
}

// setCount reads a non-negative, finite adjusted count.
func setCount(dst *float64, k string, v pcommon.Value) error {
	if err := setFloat(dst, k, v); err != nil {
		return err
	}
	if !(*dst >= 0) || math.IsInf(*dst, 1) {
		return &FieldError{Key: k, Err: ErrInvalidField, Msg: "want a non-negative finite count"}
	}
	return nil
}
