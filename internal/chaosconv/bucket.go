package chaosconv

import (
	"math"
	"strings"
	"time"

	"github.com/otelcol-chaos/otelcol-chaos/internal/sketch"
)

// ScopeKind is what a bucket aggregates over.
type ScopeKind uint8

// Scope kinds. The zero value is invalid.
const (
	ScopeUnknown ScopeKind = iota
	// ScopeGlobal is every event the collector saw.
	ScopeGlobal
	// ScopeService is the events of one service.name.
	ScopeService
	// ScopeEndpoint is the events of one endpoint (chaos.endpoint), across services.
	ScopeEndpoint
	scopeCount
)

var scopeNames = [scopeCount]string{ScopeGlobal: "global", ScopeService: "service", ScopeEndpoint: "endpoint"}

// String returns the value of chaos.bucket.scope.
func (s ScopeKind) String() string {
	if s >= scopeCount {
		return ""
	}
	return scopeNames[s]
}

// ParseScopeKind maps a chaos.bucket.scope value to its ScopeKind.
func ParseScopeKind(v string) ScopeKind {
	for s := ScopeGlobal; s < scopeCount; s++ {
		if scopeNames[s] == v {
			return s
		}
	}
	return ScopeUnknown
}

// OverflowKey is the scope key (and map key) that absorbs what exceeds a
// cardinality limit, so that nothing is dropped and memory stays bounded.
const OverflowKey = "_overflow"

// Stats is an exact count, sum, min and max of non-negative values in
// milliseconds, plus a mergeable sketch for quantiles. The sum is kept in
// whole microseconds so that merging partial sums in any order gives exactly
// the sum of the whole (float addition would not).
type Stats struct {
	Count     uint64
	SumMicros int64
	Min, Max  float64 // meaningful only when Count > 0: an empty set has no min
	Sketch    sketch.Sketch
}

// Add records one value (ms). Negative, NaN and infinite values are refused.
func (s *Stats) Add(ms float64) bool {
	if !(ms >= 0) || math.IsInf(ms, 1) || !s.Sketch.Add(ms) {
		return false
	}
	if s.Count == 0 || ms < s.Min {
		s.Min = ms
	}
	if s.Count == 0 || ms > s.Max {
		s.Max = ms
	}
	s.Count++
	s.SumMicros += int64(math.Round(ms * 1000))
	return true
}

// AddN records the value ms n times (a sampled span standing for n
// requests). Negative, NaN and infinite values, and n = 0, are refused.
func (s *Stats) AddN(ms float64, n uint64) bool {
	if n == 0 || !(ms >= 0) || math.IsInf(ms, 1) || !s.Sketch.AddN(ms, n) {
		return false
	}
	if s.Count == 0 || ms < s.Min {
		s.Min = ms
	}
	if s.Count == 0 || ms > s.Max {
		s.Max = ms
	}
	s.Count += n
	s.SumMicros += int64(n) * int64(math.Round(ms*1000))
	return true
}

// Merge adds o into s.
func (s *Stats) Merge(o *Stats) {
	if o.Count == 0 {
		return
	}
	if s.Count == 0 || o.Min < s.Min {
		s.Min = o.Min
	}
	if s.Count == 0 || o.Max > s.Max {
		s.Max = o.Max
	}
	s.Count += o.Count
	s.SumMicros += o.SumMicros
	s.Sketch.Merge(&o.Sketch)
}

// Mean is the average in ms (0 for an empty set).
func (s *Stats) Mean() float64 {
	if s.Count == 0 {
		return 0
	}
	return float64(s.SumMicros) / 1000 / float64(s.Count)
}

// Quantile is the q-quantile in ms from the sketch (false when empty).
func (s *Stats) Quantile(q float64) (float64, bool) { return s.Sketch.Quantile(q) }

// Counter is a bounded string → count map: keys beyond its limit are
// counted under OverflowKey.
type Counter map[string]uint64

func (c Counter) add(key string, n uint64, limit int) {
	// Below the limit one map operation does; only a full map must check
	// whether the key is already there.
	if limit > 0 && len(c) >= limit {
		if _, ok := c[key]; !ok {
			key = OverflowKey
		}
	}
	c[key] += n
}

// Limits bound what one bucket holds and say how probes are judged.
type Limits struct {
	// MapEntries bounds each per-bucket map (fault types, protocols,
	// affected endpoints); 0 means unbounded.
	MapEntries int
	// ProbeLatencySLO is the latency above which a successful probe counts
	// as slow (degraded); 0 disables it.
	ProbeLatencySLO time.Duration
}

// Bucket is the summary of one scope over one time bucket: the content of a
// chaos.bucket record. Every field merges exactly (counts add, min/max
// combine, sums are integral, sketches merge bin by bin), so the merge of
// partial buckets equals the bucket of all their events.
type Bucket struct {
	Scope         ScopeKind
	Key           string // "" for the global scope; the service or endpoint otherwise
	StartUnixNano int64
	Width         time.Duration
	// Producer identifies the collector that emitted the bucket as a
	// partial for a merge ("" when unknown): a merger keeps one partial per
	// producer, so a partial received twice counts once.
	Producer string

	Events       uint64
	EventsByKind [kindCount]uint64

	Latency      Stats // injected delays (latency_injection delay_ms)
	Faults       uint64
	FaultsByType Counter

	RateLimitViolations uint64
	TrafficEvents       uint64
	TrafficBytes        uint64
	ProtocolEvents      Counter
	Endpoints           Counter // affected endpoints → events

	ProbeSuccesses uint64
	ProbeFailures  uint64
	ProbeSlow      uint64 // successful probes slower than the probe latency SLO
	ProbeLatency   Stats

	// Peak is the finest-width bucket with the most events inside this one
	// (for a finest-width bucket, itself).
	PeakStartUnixNano int64
	PeakEvents        uint64

	// Observed is what the scope's own server spans showed in the bucket
	// (the chaos.observed records merged into it; empty without them).
	Observed Traffic
	// ObservedBaseline is what the scope's spans showed before the chaos,
	// the reference the impact compares Observed with (Requests 0: none).
	ObservedBaseline Baseline
}

// Baseline summarises a scope's server spans in calm buckets (no chaos
// injected): the reference a bucket's observed traffic is compared with.
type Baseline struct {
	// Requests is the adjusted count the baseline rests on (0: none).
	Requests float64
	// ErrorRatio is errors / requests over those buckets.
	ErrorRatio float64
	// P95Ms is the median of their p95 latencies (0: unknown).
	P95Ms float64
}

// Injected is the bucket's injected chaos events: faults, delays, rate-limit
// hits, traffic shaping and protocol faults (not probes, experiment phases
// or scenario transitions). A bucket with none is calm.
func (b *Bucket) Injected() uint64 {
	return b.EventsByKind[KindLatencyInjection] + b.EventsByKind[KindFaultInjection] +
		b.EventsByKind[KindRateLimitExceeded] + b.EventsByKind[KindTrafficShaping] + b.EventsByKind[KindProtocolEvent]
}

// NewBucket returns an empty bucket ready for AddEvent.
func NewBucket(scope ScopeKind, key string, start int64, width time.Duration) *Bucket {
	b := &Bucket{FaultsByType: Counter{}, ProtocolEvents: Counter{}, Endpoints: Counter{}}
	b.Reinit(scope, key, start, width)
	return b
}

// Reinit empties b for reuse as another bucket, keeping its maps' and
// sketches' memory.
func (b *Bucket) Reinit(scope ScopeKind, key string, start int64, width time.Duration) {
	ft, pe, ep := b.FaultsByType, b.ProtocolEvents, b.Endpoints
	if ft == nil {
		ft, pe, ep = Counter{}, Counter{}, Counter{}
	} else {
		clear(ft)
		clear(pe)
		clear(ep)
	}
	latency, probe, observed := b.Latency.Sketch, b.ProbeLatency.Sketch, b.Observed.Latency.Sketch
	latency.Reset()
	probe.Reset()
	observed.Reset()
	*b = Bucket{Scope: scope, Key: key, StartUnixNano: start, Width: width,
		FaultsByType: ft, ProtocolEvents: pe, Endpoints: ep}
	b.Latency.Sketch, b.ProbeLatency.Sketch, b.Observed.Latency.Sketch = latency, probe, observed
}

// AffectedEndpoints is the endpoints the bucket's events touched, with
// their event counts. An endpoint scope's bucket does not count them per
// event (it would be one key, itself, on the hot path): it is derived here.
func (b *Bucket) AffectedEndpoints() Counter {
	if b.Scope == ScopeEndpoint {
		if b.Events == 0 {
			return nil
		}
		return Counter{b.Key: b.Events}
	}
	return b.Endpoints
}

// EndUnixNano is the bucket's exclusive end.
func (b *Bucket) EndUnixNano() int64 { return b.StartUnixNano + int64(b.Width) }

// AddEvent aggregates one event. It allocates only when a map meets a new
// key or a sketch grows: nothing in the steady state.
func (b *Bucket) AddEvent(e *Event, lim *Limits) {
	b.Events++
	b.EventsByKind[e.Kind]++
	if e.Endpoint != "" && b.Scope != ScopeEndpoint {
		// An endpoint's own bucket affects only itself: see AffectedEndpoints.
		b.Endpoints.add(e.Endpoint, 1, lim.MapEntries)
	}
	switch e.Kind {
	case KindLatencyInjection:
		b.Latency.Add(float64(e.DelayMs))
	case KindFaultInjection:
		b.Faults++
		b.FaultsByType.add(e.FaultType, 1, lim.MapEntries)
	case KindRateLimitExceeded:
		b.RateLimitViolations++
	case KindTrafficShaping:
		b.TrafficEvents++
		b.TrafficBytes += uint64(e.TrafficBytes)
	case KindProtocolEvent:
		b.ProtocolEvents.add(e.Protocol, 1, lim.MapEntries)
	case KindProbe:
		if e.ProbeSuccess {
			b.ProbeSuccesses++
			if lim.ProbeLatencySLO > 0 && e.HasProbeLatency && e.ProbeLatencyMs > float64(lim.ProbeLatencySLO)/float64(time.Millisecond) {
				b.ProbeSlow++
			}
		} else {
			b.ProbeFailures++
		}
		if e.HasProbeLatency {
			b.ProbeLatency.Add(e.ProbeLatencyMs)
		}
	}
	// A bucket fed events directly (a finest-width bucket) is its own peak.
	b.PeakStartUnixNano, b.PeakEvents = b.StartUnixNano, b.Events
}

// Merge adds o into b. It is how a coarser bucket is built from finer ones
// (o inside b) and how partial buckets from several collectors combine
// (same scope, start and width). Peak keeps the busiest finest bucket; on a
// tie the earlier one, so the result does not depend on merge order.
func (b *Bucket) Merge(o *Bucket, lim *Limits) {
	b.Events += o.Events
	for k := range b.EventsByKind {
		b.EventsByKind[k] += o.EventsByKind[k]
	}
	b.Latency.Merge(&o.Latency)
	b.Faults += o.Faults
	mergeCounter(b.FaultsByType, o.FaultsByType, lim.MapEntries)
	b.RateLimitViolations += o.RateLimitViolations
	b.TrafficEvents += o.TrafficEvents
	b.TrafficBytes += o.TrafficBytes
	mergeCounter(b.ProtocolEvents, o.ProtocolEvents, lim.MapEntries)
	mergeCounter(b.Endpoints, o.Endpoints, lim.MapEntries)
	b.ProbeSuccesses += o.ProbeSuccesses
	b.ProbeFailures += o.ProbeFailures
	b.ProbeSlow += o.ProbeSlow
	b.ProbeLatency.Merge(&o.ProbeLatency)
	if o.Observed.Spans > 0 {
		b.Observed.Merge(&o.Observed)
	}
	if b.ObservedBaseline.Requests == 0 {
		// One baseline per window: the first merged that has one (the
		// pre-chaos reference does not move while the chaos lasts).
		b.ObservedBaseline = o.ObservedBaseline
	}
	b.mergePeak(o)
}

// mergePeak folds o's peak into b's. When both are the same finest bucket
// (partials of one bucket from several collectors), their counts add.
func (b *Bucket) mergePeak(o *Bucket) {
	switch {
	case o.PeakEvents == 0:
	case o.PeakStartUnixNano == b.PeakStartUnixNano && b.PeakEvents > 0:
		b.PeakEvents += o.PeakEvents
	case o.PeakEvents > b.PeakEvents || (o.PeakEvents == b.PeakEvents && o.PeakStartUnixNano < b.PeakStartUnixNano):
		b.PeakStartUnixNano, b.PeakEvents = o.PeakStartUnixNano, o.PeakEvents
	}
}

// mergeCounter adds src into dst in sorted key order, so that which keys
// overflow a limit does not depend on map iteration order. A key new to
// dst is copied: src's keys may be substrings of a request body (the
// receiver decodes without copying), which a long-lived bucket — an hour,
// a day — must not pin.
func mergeCounter(dst, src Counter, limit int) {
	if len(src) == 0 {
		return
	}
	if limit <= 0 || len(dst)+len(src) <= limit {
		for k, v := range src {
			if _, ok := dst[k]; ok {
				dst[k] += v
			} else {
				dst[strings.Clone(k)] = v
			}
		}
		return
	}
	for _, k := range sortedKeys(src) {
		if _, ok := dst[k]; !ok && len(dst) < limit {
			k = strings.Clone(k)
		}
		dst.add(k, src[k], limit)
	}
}
