package chaosconv

import (
	"math"
	"strings"
	"testing"
	"time"
	"unsafe"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/plog"
)

var bucketStart = time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC).UnixNano()

func fillBucket(t *testing.T) *Bucket {
	t.Helper()
	lim := &Limits{MapEntries: 3, ProbeLatencySLO: 500 * time.Millisecond}
	b := NewBucket(ScopeGlobal, "", bucketStart, time.Minute)
	at := bucketStart + int64(time.Second)
	for _, e := range []Event{
		{Kind: KindLatencyInjection, DelayMs: 100, Endpoint: "/a", Fields: FieldDelayMs},
		{Kind: KindLatencyInjection, DelayMs: 300, Endpoint: "/a", Fields: FieldDelayMs},
		{Kind: KindLatencyInjection, DelayMs: 0, Endpoint: "/b", Fields: FieldDelayMs},
		{Kind: KindFaultInjection, FaultType: "http_503", Endpoint: "/b", Fields: FieldFaultType},
		{Kind: KindFaultInjection, FaultType: "timeout", Endpoint: "/c", Fields: FieldFaultType},
		{Kind: KindFaultInjection, FaultType: "http_503", Endpoint: "/d", Fields: FieldFaultType},
		{Kind: KindRateLimitExceeded, ClientAddress: "10.0.0.1"},
		{Kind: KindTrafficShaping, TrafficAction: "throttle", TrafficBytes: 4096},
		{Kind: KindTrafficShaping, TrafficAction: "drop", TrafficBytes: 1},
		{Kind: KindProtocolEvent, Protocol: "grpc", ProtocolEvent: "reset"},
		{Kind: KindScenarioTransition, ScenarioTo: "storm"},
		{Kind: KindProbe, ProbeTarget: "t", ProbeSuccess: true, ProbeLatencyMs: 120.5, HasProbeLatency: true},
		{Kind: KindProbe, ProbeTarget: "t", ProbeSuccess: true, ProbeLatencyMs: 800.25, HasProbeLatency: true},
		{Kind: KindProbe, ProbeTarget: "t", ProbeSuccess: false},
		{Kind: KindExperiment, Experiment: "x", ExperimentPhase: PhaseStarted},
	} {
		e.TimeUnixNano = at
		b.AddEvent(&e, lim)
	}
	return b
}

func TestBucketEveryField(t *testing.T) {
	b := fillBucket(t)
	require.Equal(t, uint64(15), b.Events)
	require.Equal(t, uint64(3), b.EventsByKind[KindLatencyInjection])
	require.Equal(t, uint64(3), b.EventsByKind[KindFaultInjection])
	require.Equal(t, uint64(3), b.EventsByKind[KindProbe])
	require.Equal(t, uint64(1), b.EventsByKind[KindExperiment])
	require.Equal(t, uint64(3), b.Latency.Count)
	require.Equal(t, int64(400_000), b.Latency.SumMicros)
	require.Equal(t, 0.0, b.Latency.Min, "a 0 ms delay is a real minimum")
	require.Equal(t, 300.0, b.Latency.Max)
	require.InDelta(t, 133.333, b.Latency.Mean(), 0.001)
	require.Equal(t, uint64(3), b.Faults)
	require.Equal(t, Counter{"http_503": 2, "timeout": 1}, b.FaultsByType)
	require.Equal(t, uint64(1), b.RateLimitViolations)
	require.Equal(t, uint64(2), b.TrafficEvents)
	require.Equal(t, uint64(4097), b.TrafficBytes)
	require.Equal(t, Counter{"grpc": 1}, b.ProtocolEvents)
	// MapEntries = 3: the fourth endpoint goes to the overflow key.
	require.Equal(t, Counter{"/a": 2, "/b": 2, "/c": 1, OverflowKey: 1}, b.Endpoints)
	require.Equal(t, uint64(2), b.ProbeSuccesses)
	require.Equal(t, uint64(1), b.ProbeFailures)
	require.Equal(t, uint64(1), b.ProbeSlow, "800 ms > 500 ms SLO")
	require.Equal(t, uint64(2), b.ProbeLatency.Count)
	require.Equal(t, int64(920_750), b.ProbeLatency.SumMicros)
	require.Equal(t, bucketStart, b.PeakStartUnixNano)
	require.Equal(t, uint64(15), b.PeakEvents)
	p50, ok := b.Latency.Quantile(0.5)
	require.True(t, ok)
	require.InEpsilon(t, 100, p50, 0.02)
}

func TestEmptyLatencyHasNoMin(t *testing.T) {
	b := NewBucket(ScopeService, "checkout", bucketStart, time.Minute)
	b.AddEvent(&Event{Kind: KindRateLimitExceeded, TimeUnixNano: bucketStart}, &Limits{})
	lr := plog.NewLogRecord()
	cfg := DefaultImpactConfig()
	EncodeBucket(b, &cfg, lr)
	for _, k := range []string{AttrBucketLatencyMin, AttrBucketLatencyMax, AttrBucketLatencyP50, AttrBucketLatencySketch} {
		_, ok := lr.Attributes().Get(k)
		require.False(t, ok, "%s must be absent for an empty latency set", k)
	}
	c, _ := lr.Attributes().Get(AttrBucketLatencyCount)
	require.Equal(t, int64(0), c.Int())
}

func TestImpactFormula(t *testing.T) {
	b := fillBucket(t)
	cfg := ImpactConfig{LatencyBudget: time.Second, TopEndpoints: 2}
	im := b.Impact(&cfg)
	f := 3.0 / 15
	r := 1.0 / 15
	p := 1.0 / 3
	p95, _ := b.Latency.Quantile(0.95)
	l := p95 / 1000
	require.InDelta(t, f, im.FaultRatio, 1e-12)
	require.InDelta(t, r, im.RateLimitRatio, 1e-12)
	require.InDelta(t, l, im.LatencyFactor, 1e-12)
	require.InDelta(t, p, im.ProbeFailureRatio, 1e-12)
	require.InDelta(t, 1-(1-p)*(1-0.6*f)*(1-0.3*l)*(1-0.1*r), im.Severity, 1e-12)
	require.True(t, im.Measured)
	require.InDelta(t, 100*2.0/3, im.DegradationPct, 1e-9, "failed + slow probes")
	// Ties (/a and /b have 2 each) are broken by name.
	require.Equal(t, []EndpointCount{{"/a", 2}, {"/b", 2}}, im.TopEndpoints)
	require.GreaterOrEqual(t, im.Severity, 0.0)
	require.LessOrEqual(t, im.Severity, 1.0)
}

func TestImpactEstimatedWithoutProbes(t *testing.T) {
	b := NewBucket(ScopeGlobal, "", bucketStart, time.Minute)
	lim := &Limits{}
	for i := range 4 {
		b.AddEvent(&Event{Kind: KindLatencyInjection, DelayMs: 2000, Fields: FieldDelayMs, TimeUnixNano: bucketStart + int64(i)}, lim)
	}
	b.AddEvent(&Event{Kind: KindFaultInjection, FaultType: "x", Fields: FieldFaultType, TimeUnixNano: bucketStart}, lim)
	cfg := DefaultImpactConfig()
	im := b.Impact(&cfg)
	require.False(t, im.Measured)
	require.Equal(t, 1.0, im.LatencyFactor, "capped at 1")
	require.InDelta(t, 100*(1-(1-0.2)*(1-0.5)), im.DegradationPct, 1e-9)
	require.InDelta(t, 1-(1-0.6*0.2)*(1-0.3), im.Severity, 1e-12)

	empty := NewBucket(ScopeGlobal, "", bucketStart, time.Minute).Impact(&cfg)
	require.Zero(t, empty.Severity)
	require.Zero(t, empty.DegradationPct)
	require.False(t, math.IsNaN(empty.Severity))
}

func TestImpactOverWindow(t *testing.T) {
	lim := &Limits{}
	var bs []*Bucket
	for i, n := range []int{3, 7, 7, 1} {
		b := NewBucket(ScopeGlobal, "", bucketStart+int64(i)*int64(time.Minute), time.Minute)
		for range n {
			b.AddEvent(&Event{Kind: KindRateLimitExceeded, TimeUnixNano: b.StartUnixNano}, lim)
		}
		bs = append(bs, b)
	}
	cfg := DefaultImpactConfig()
	w, im := ImpactOver(bs, lim, &cfg)
	require.Equal(t, uint64(18), w.Events)
	require.Equal(t, 4*time.Minute, w.Width)
	require.Equal(t, bucketStart+int64(time.Minute), im.PeakStartUnixNano, "the earlier of two equal peaks")
	require.Equal(t, uint64(7), im.PeakEvents)
	require.Equal(t, 1.0, im.RateLimitRatio)
}

func TestBucketRecordRoundTrip(t *testing.T) {
	b := fillBucket(t)
	cfg := DefaultImpactConfig()
	lr := plog.NewLogRecord()
	EncodeBucket(b, &cfg, lr)
	require.Equal(t, RecordBucket, lr.EventName())
	var got Bucket
	require.NoError(t, DecodeBucket(lr, &got))
	require.Equal(t, b.Scope, got.Scope)
	require.Equal(t, b.Width, got.Width)
	require.Equal(t, b.StartUnixNano, got.StartUnixNano)
	require.Equal(t, b.Events, got.Events)
	require.Equal(t, b.EventsByKind, got.EventsByKind)
	require.Equal(t, b.FaultsByType, got.FaultsByType)
	require.Equal(t, b.Endpoints, got.Endpoints)
	require.Equal(t, b.ProtocolEvents, got.ProtocolEvents)
	require.Equal(t, b.Latency.Count, got.Latency.Count)
	require.Equal(t, b.Latency.SumMicros, got.Latency.SumMicros)
	require.Equal(t, b.Latency.Min, got.Latency.Min)
	require.Equal(t, b.Latency.Max, got.Latency.Max)
	require.True(t, b.Latency.Sketch.Equal(&got.Latency.Sketch))
	require.True(t, b.ProbeLatency.Sketch.Equal(&got.ProbeLatency.Sketch))
	require.Equal(t, b.ProbeSlow, got.ProbeSlow)
	require.Equal(t, b.PeakEvents, got.PeakEvents)
	sev, _ := lr.Attributes().Get(AttrImpactSeverity)
	require.InDelta(t, b.Impact(&cfg).Severity, sev.Double(), 1e-12)

	require.ErrorIs(t, DecodeBucket(plog.NewLogRecord(), &got), ErrNotBucket)
	bad := plog.NewLogRecord()
	EncodeBucket(b, &cfg, bad)
	bad.Attributes().PutStr(AttrBucketScope, "galaxy")
	require.ErrorIs(t, DecodeBucket(bad, &got), ErrInvalidField)
	bad.Attributes().PutStr(AttrBucketScope, "global")
	bad.Attributes().PutInt(AttrBucketFaults, -1)
	require.ErrorIs(t, DecodeBucket(bad, &got), ErrInvalidField)
}

func TestRecordedImpactIsTheProducers(t *testing.T) {
	b := NewBucket(ScopeGlobal, "", 0, time.Minute)
	for range 10 {
		b.AddEvent(&Event{Kind: KindLatencyInjection, DelayMs: 400}, &Limits{})
	}
	strict := ImpactConfig{LatencyBudget: 200 * time.Millisecond, TopEndpoints: 5}
	lr := plog.NewLogRecord()
	EncodeBucket(b, &strict, lr)
	sev, deg, ok := RecordedImpact(lr)
	require.True(t, ok)
	want := b.Impact(&strict)
	require.Equal(t, want.Severity, sev)
	require.Equal(t, want.DegradationPct, deg)
	def := DefaultImpactConfig()
	require.NotEqual(t, b.Impact(&def).Severity, sev, "the producer's budget, not the default's")

	_, _, ok = RecordedImpact(plog.NewLogRecord())
	require.False(t, ok)
}

// A key new to a merged bucket is a copy: a coarse bucket lives for an hour
// or a day and must not pin the request body a finer bucket's key points
// into (the receiver decodes strings without copying).
func TestMergeCopiesNewKeys(t *testing.T) {
	body := strings.Repeat("x", 1<<16) + "http_503/api/users"
	faultType, endpoint := body[1<<16:1<<16+8], body[1<<16+8:]
	fine := NewBucket(ScopeGlobal, "", bucketStart, time.Minute)
	for _, limit := range []int{0, 1} {
		fine.AddEvent(&Event{Kind: KindFaultInjection, FaultType: faultType, Endpoint: endpoint, TimeUnixNano: bucketStart},
			&Limits{MapEntries: limit})
		coarse := NewBucket(ScopeGlobal, "", bucketStart, time.Hour)
		coarse.Merge(fine, &Limits{MapEntries: limit})
		for k := range coarse.FaultsByType {
			require.NotEqual(t, addr(faultType), addr(k), "limit %d: the key is a copy", limit)
		}
		for k := range coarse.Endpoints {
			require.NotEqual(t, addr(endpoint), addr(k), "limit %d: the key is a copy", limit)
		}
	}
}

// addr is where a string's bytes are.
func addr(s string) uintptr { return uintptr(unsafe.Pointer(unsafe.StringData(s))) }
