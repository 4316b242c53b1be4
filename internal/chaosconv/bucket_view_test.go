package chaosconv

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/otelcol-chaos/otelcol-chaos/internal/sketch"
)

func encodedBucket(t *testing.T) (*Bucket, plog.LogRecord) {
	t.Helper()
	b := fillBucket(t)
	lr := plog.NewLogRecord()
	cfg := DefaultImpactConfig()
	EncodeBucket(b, &cfg, lr)
	return b, lr
}

func TestBucketViewReadsWhatEncodeBucketWrote(t *testing.T) {
	b, lr := encodedBucket(t)
	var v BucketView
	require.NoError(t, DecodeBucketView(lr, &v))

	require.Equal(t, ScopeGlobal, v.Scope)
	require.Empty(t, v.Key)
	require.Equal(t, bucketStart, v.StartUnixNano)
	require.Equal(t, bucketStart+int64(time.Minute), v.EndUnixNano())
	require.Equal(t, b.Events, v.Events)
	require.Equal(t, b.EventsByKind, v.EventsByKind)
	require.Equal(t, b.Faults, v.Faults)
	require.Equal(t, map[string]any{"http_503": int64(2), "timeout": int64(1)}, v.FaultsByType.AsRaw())
	require.Equal(t, b.RateLimitViolations, v.RateLimitViolations)
	require.Equal(t, b.TrafficEvents, v.TrafficEvents)
	require.Equal(t, b.TrafficBytes, v.TrafficBytes)
	require.Equal(t, map[string]any{"grpc": int64(1)}, v.ProtocolEvents.AsRaw())
	require.Equal(t, [3]uint64{2, 1, 1}, [3]uint64{v.ProbeSuccesses, v.ProbeFailures, v.ProbeSlow})

	for _, c := range []struct {
		view  StatsView
		stats *Stats
	}{{v.Latency, &b.Latency}, {v.ProbeLatency, &b.ProbeLatency}} {
		require.Equal(t, c.stats.Count, c.view.Count)
		require.Equal(t, c.stats.SumMicros, c.view.SumMicros)
		require.True(t, c.view.HasSketch)
		var s sketch.Sketch
		require.NoError(t, s.UnmarshalBinary(c.view.Sketch.AsRaw()))
		require.True(t, s.Equal(&c.stats.Sketch))
	}

	cfg := DefaultImpactConfig()
	want := b.Impact(&cfg)
	require.True(t, v.HasImpact)
	want.TopEndpoints, want.PeakStartUnixNano, want.PeakEvents = nil, 0, 0 // not read by the view
	require.Equal(t, want, v.Impact)
}

func TestBucketViewOfAnEmptyBucket(t *testing.T) {
	b := NewBucket(ScopeEndpoint, "/api/x", bucketStart, 5*time.Minute)
	lr := plog.NewLogRecord()
	cfg := DefaultImpactConfig()
	EncodeBucket(b, &cfg, lr)
	var v BucketView
	require.NoError(t, DecodeBucketView(lr, &v))
	require.Equal(t, ScopeEndpoint, v.Scope)
	require.Equal(t, "/api/x", v.Key)
	require.Equal(t, 5*time.Minute, v.Width)
	require.False(t, v.Latency.HasSketch)
	require.Zero(t, v.FaultsByType.Len())
}

func TestBucketViewRefusesMalformedRecords(t *testing.T) {
	for _, tc := range []struct {
		name, key string
		mutate    func(a pcommon.Map)
		want      error
	}{
		{"no scope", AttrBucketScope, func(a pcommon.Map) { a.Remove(AttrBucketScope) }, ErrMissingField},
		{"unknown scope", AttrBucketScope, func(a pcommon.Map) { a.PutStr(AttrBucketScope, "galaxy") }, ErrInvalidField},
		{"no width", AttrBucketWidth, func(a pcommon.Map) { a.Remove(AttrBucketWidth) }, ErrMissingField},
		{"zero width", AttrBucketWidth, func(a pcommon.Map) { a.PutInt(AttrBucketWidth, 0) }, ErrInvalidField},
		{"width as string", AttrBucketWidth, func(a pcommon.Map) { a.PutStr(AttrBucketWidth, "60") }, ErrInvalidField},
		{"negative events", AttrBucketEvents, func(a pcommon.Map) { a.PutInt(AttrBucketEvents, -1) }, ErrInvalidField},
		{"events as string", AttrBucketEvents, func(a pcommon.Map) { a.PutStr(AttrBucketEvents, "many") }, ErrInvalidField},
		{"unknown kind", AttrBucketEventsByKind, func(a pcommon.Map) {
			a.PutEmptyMap(AttrBucketEventsByKind).PutInt("teleport", 1)
		}, ErrUnknownKind},
		{"fault map of strings", AttrBucketFaultsByType, func(a pcommon.Map) {
			a.PutEmptyMap(AttrBucketFaultsByType).PutStr("http_500", "x")
		}, ErrInvalidField},
		{"fault map not a map", AttrBucketFaultsByType, func(a pcommon.Map) { a.PutInt(AttrBucketFaultsByType, 3) }, ErrInvalidField},
		{"negative protocol count", AttrBucketProtocolEvents, func(a pcommon.Map) {
			a.PutEmptyMap(AttrBucketProtocolEvents).PutInt("grpc", -4)
		}, ErrInvalidField},
		{"sketch as string", AttrBucketLatencySketch, func(a pcommon.Map) { a.PutStr(AttrBucketLatencySketch, "x") }, ErrInvalidField},
		{"count without sketch", AttrBucketProbeLatencySketch, func(a pcommon.Map) { a.Remove(AttrBucketProbeLatencySketch) }, ErrMissingField},
		{"severity as string", AttrImpactSeverity, func(a pcommon.Map) { a.PutStr(AttrImpactSeverity, "high") }, ErrInvalidField},
		{"measured as int", AttrImpactMeasured, func(a pcommon.Map) { a.PutInt(AttrImpactMeasured, 1) }, ErrInvalidField},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, lr := encodedBucket(t)
			tc.mutate(lr.Attributes())
			var v BucketView
			err := DecodeBucketView(lr, &v)
			require.ErrorIs(t, err, tc.want)
			var fe *FieldError
			require.ErrorAs(t, err, &fe)
			require.Equal(t, tc.key, fe.Key)
		})
	}
	lr := plog.NewLogRecord()
	lr.SetEventName(RecordHealth)
	require.ErrorIs(t, DecodeBucketView(lr, &BucketView{}), ErrNotBucket)
}

func TestBucketViewAllocatesNothing(t *testing.T) {
	_, lr := encodedBucket(t)
	var v BucketView
	require.Zero(t, testing.AllocsPerRun(100, func() {
		if err := DecodeBucketView(lr, &v); err != nil {
			panic(err)
		}
	}))
}
