package chaosconv

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/plog"
)

func TestObservedRoundTrip(t *testing.T) {
	o := NewObserved(ScopeEndpoint, "/api/users", t0, time.Minute)
	o.Producer = "gw-1"
	require.True(t, o.AddSpan(12, false, 1))
	require.True(t, o.AddSpan(250, true, 4)) // sampled 1 in 4
	require.True(t, o.AddSpan(40, false, 2.5))
	require.False(t, o.AddSpan(-1, false, 1), "a negative duration")
	require.False(t, o.AddSpan(10, false, 0), "no weight")
	require.Equal(t, uint64(3), o.Spans)
	require.InDelta(t, 7.5, o.Requests, 1e-12)
	require.InDelta(t, 4, o.Errors, 1e-12)
	require.Equal(t, uint64(1+4+3), o.Latency.Count, "weights rounded to whole requests (2.5 → 3, at least 1)")

	lr := plog.NewLogRecord()
	EncodeObserved(o, lr)
	require.True(t, IsObserved(lr))
	require.True(t, IsRecordKind(lr.EventName()))
	v, _ := lr.Attributes().Get(AttrObservedErrorRatio)
	require.InDelta(t, 4/7.5, v.Double(), 1e-12)

	var got Observed
	require.NoError(t, DecodeObserved(lr, &got))
	require.Equal(t, o.Scope, got.Scope)
	require.Equal(t, o.Key, got.Key)
	require.Equal(t, o.StartUnixNano, got.StartUnixNano)
	require.Equal(t, o.Width, got.Width)
	require.Equal(t, "gw-1", got.Producer)
	require.Equal(t, o.Spans, got.Spans)
	require.Equal(t, o.Requests, got.Requests)
	require.Equal(t, o.Errors, got.Errors)
	require.Equal(t, o.Latency.Count, got.Latency.Count)
	require.Equal(t, o.Latency.SumMicros, got.Latency.SumMicros)
	p95, _ := o.Latency.Quantile(0.95)
	gp95, _ := got.Latency.Quantile(0.95)
	require.Equal(t, p95, gp95, "the sketch travels exactly")

	// Merging two halves equals the whole.
	a, b := NewObserved(ScopeGlobal, "", 0, time.Minute), NewObserved(ScopeGlobal, "", 0, time.Minute)
	a.AddSpan(10, false, 1)
	b.AddSpan(20, true, 1)
	a.Merge(b)
	require.Equal(t, uint64(2), a.Spans)
	require.Equal(t, 0.5, a.ErrorRatio())
	require.Zero(t, NewObserved(ScopeGlobal, "", 0, time.Minute).ErrorRatio())
}

func TestDecodeObservedErrors(t *testing.T) {
	good := func() plog.LogRecord {
		o := NewObserved(ScopeService, "checkout", t0, time.Minute)
		o.AddSpan(5, true, 1)
		lr := plog.NewLogRecord()
		EncodeObserved(o, lr)
		return lr
	}
	for _, tt := range []struct {
		name   string
		mutate func(lr plog.LogRecord)
		key    string
	}{
		{"other kind", func(lr plog.LogRecord) { lr.SetEventName(RecordBucket) }, ""},
		{"no scope", func(lr plog.LogRecord) { lr.Attributes().Remove(AttrBucketScope) }, AttrBucketScope},
		{"bad scope", func(lr plog.LogRecord) { lr.Attributes().PutStr(AttrBucketScope, "planet") }, AttrBucketScope},
		{"bad width", func(lr plog.LogRecord) { lr.Attributes().PutInt(AttrBucketWidth, 0) }, AttrBucketWidth},
		{"negative requests", func(lr plog.LogRecord) { lr.Attributes().PutDouble(AttrObservedRequests, -1) }, AttrObservedRequests},
		{"errors over requests", func(lr plog.LogRecord) { lr.Attributes().PutDouble(AttrObservedErrors, 9) }, AttrObservedErrors},
		{"spans not an int", func(lr plog.LogRecord) { lr.Attributes().PutStr(AttrObservedSpans, "1") }, AttrObservedSpans},
		{"bad sketch", func(lr plog.LogRecord) {
			lr.Attributes().PutEmptyBytes(AttrObservedLatencySketch).FromRaw([]byte{0xff})
		}, AttrObservedLatencySketch},
	} {
		t.Run(tt.name, func(t *testing.T) {
			lr := good()
			tt.mutate(lr)
			var o Observed
			err := DecodeObserved(lr, &o)
			require.Error(t, err)
			if tt.key == "" {
				require.ErrorIs(t, err, ErrNotObserved)
				return
			}
			var fe *FieldError
			require.ErrorAs(t, err, &fe)
			require.Equal(t, tt.key, fe.Key)
		})
	}
}

// TestBucketCarriesObserved: a bucket's Observed traffic travels in the
// chaos.bucket record and merges like the rest; a bucket without any
// writes none of its keys.
func TestBucketCarriesObserved(t *testing.T) {
	cfg := DefaultImpactConfig()
	lim := Limits{MapEntries: 10}
	empty := NewBucket(ScopeService, "checkout", t0, time.Minute)
	lr := plog.NewLogRecord()
	EncodeBucket(empty, &cfg, lr)
	_, has := lr.Attributes().Get(AttrBucketObservedSpans)
	require.False(t, has)

	a := NewBucket(ScopeService, "checkout", t0, time.Minute)
	a.Observed.AddSpan(20, false, 1)
	b := NewBucket(ScopeService, "checkout", t0, time.Minute)
	b.Observed.AddSpan(300, true, 2)
	a.Merge(b, &lim)
	require.Equal(t, uint64(2), a.Observed.Spans)
	require.InDelta(t, 2.0/3, a.Observed.ErrorRatio(), 1e-12)

	lr = plog.NewLogRecord()
	EncodeBucket(a, &cfg, lr)
	var got Bucket
	require.NoError(t, DecodeBucket(lr, &got))
	require.Equal(t, a.Observed.Spans, got.Observed.Spans)
	require.Equal(t, a.Observed.Requests, got.Observed.Requests)
	require.Equal(t, a.Observed.Errors, got.Observed.Errors)
	require.Equal(t, a.Observed.Latency.Count, got.Observed.Latency.Count)
	p95, _ := got.Observed.Latency.Quantile(0.95)
	require.InDelta(t, 300, p95, 3, "within the sketch's 1 %")

	got.Reinit(ScopeGlobal, "", t0, time.Minute)
	require.Zero(t, got.Observed.Spans)
	require.Zero(t, got.Observed.Latency.Count)
}

// TestImpactFromSpans is the worked example of docs/semantic-conventions.md
// ("Impact formula"): the scope's requests against their baseline decide
// the degradation (source spans), ahead of passing probes.
func TestImpactFromSpans(t *testing.T) {
	cfg := DefaultImpactConfig()
	b := NewBucket(ScopeService, "checkout", t0, time.Minute)
	for i := range 100 {
		e := Event{TimeUnixNano: t0, Kind: KindLatencyInjection, DelayMs: 0, Fields: FieldDelayMs}
		if i < 30 {
			e = Event{TimeUnixNano: t0, Kind: KindFaultInjection, FaultType: "http_503", Fields: FieldFaultType}
		}
		b.AddEvent(&e, &Limits{})
	}
	b.ProbeSuccesses = 5
	for i := range 100 {
		b.Observed.AddSpan(70, i < 13, 1)
	}
	b.ObservedBaseline = Baseline{Requests: 10000, ErrorRatio: 0.01, P95Ms: 40}
	im := b.Impact(&cfg)
	require.Equal(t, ImpactSourceSpans, im.Source)
	require.True(t, im.Measured)
	require.InDelta(t, 0.12, im.ObservedErrorIncrease, 1e-9)
	require.InDelta(t, 0.75, im.ObservedLatencyFactor, 0.02, "p95 from the sketch, within its 1 %")
	require.InDelta(t, 45, im.DegradationPct, 0.5)
	require.InDelta(t, 0.44, im.Severity, 0.005)

	// Too few requests, or no baseline: the probes decide, then the estimate.
	b.ObservedBaseline.Requests = 10
	im = b.Impact(&cfg)
	require.Equal(t, ImpactSourceProbes, im.Source)
	require.Zero(t, im.DegradationPct)
	b.ProbeSuccesses = 0
	im = b.Impact(&cfg)
	require.Equal(t, ImpactSourceEstimated, im.Source)
	require.False(t, im.Measured)

	// The baseline travels in the record, and a consumer recomputes the same.
	b.ObservedBaseline.Requests = 10000
	lr := plog.NewLogRecord()
	EncodeBucket(b, &cfg, lr)
	src, _ := lr.Attributes().Get(AttrImpactSource)
	require.Equal(t, ImpactSourceSpans, src.Str())
	var got Bucket
	require.NoError(t, DecodeBucket(lr, &got))
	require.Equal(t, b.ObservedBaseline, got.ObservedBaseline)
	require.Equal(t, b.Impact(&cfg).DegradationPct, got.Impact(&cfg).DegradationPct)
}
