package chaosspansconnector

import (
	"strings"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelcol-chaos/otelcol-chaos/internal/chaosconv"
)

// OpenTelemetry semantic-convention keys the connector reads.
const (
	attrHTTPRoute      = "http.route"
	attrURLPath        = "url.path"
	attrRPCService     = "rpc.service"
	attrRPCMethod      = "rpc.method"
	attrHTTPStatusCode = "http.response.status_code"
)

// Span outcomes (telemetry attribute outcome).
const (
	spanCounted = iota
	spanNotServer
	spanMalformed
	spanOutcomeCount
)

var spanOutcomeNames = [spanOutcomeCount]string{"counted", "not_server", "malformed"}

// Reasons a server span is skipped (telemetry attribute reason).
const (
	reasonNoService = iota
	reasonNoTime
	reasonEndBeforeStart
	reasonInvalidDuration
	reasonCount
)

var reasonNames = [reasonCount]string{"no_service", "no_time", "end_before_start", "invalid_duration"}

// counts is what the aggregator counted since it was last asked.
type counts struct {
	spans      [spanOutcomeCount]int64
	malformed  [reasonCount]int64
	thresholds int64 // malformed ot=th
	overflows  [2]int64
}

// scope is one global, service or endpoint scope and the buckets it
// received spans for since the last flush.
type scope struct {
	kind    chaosconv.ScopeKind
	key     string
	cur     *chaosconv.Observed   // the bucket last written: the hot path's cache
	pending []*chaosconv.Observed // every bucket written since the last flush
	// overflow marks the _overflow scope of a kind past its limit.
	overflow bool
}

// maxFree bounds the emptied records kept for reuse (each keeps its
// sketch's memory).
const maxFree = 4096

// aggregator turns server spans into chaos.observed partials. It does no
// I/O and reads no clock; the connector drives it under its lock.
type aggregator struct {
	width           int64
	producer        string
	defaultAdjusted float64
	maxServices     int
	maxEndpoints    int
	maxPending      int

	global    *scope
	services  map[string]*scope
	endpoints map[string]*scope

	dirty    []*scope              // scopes with pending buckets
	npending int                   // buckets pending, over every scope
	free     []*chaosconv.Observed // emptied records, reused with their sketch's memory
	buf      []byte                // rpc.service/rpc.method, built without allocating

	// The last tracestate parsed and its result: the spans of a batch
	// mostly share one.
	lastTS       []byte // a copy: pdata strings may share a reused buffer
	lastAdjusted float64
	lastState    thresholdState

	counts counts

	// newest is the newest bucket start a span has fallen in; advanced,
	// whether the last batch moved it (its pending records are then
	// emitted at once, see ConsumeTraces).
	newest   int64
	advanced bool
}

func newAggregator(cfg *Config, producer string) *aggregator {
	return &aggregator{
		width:           int64(cfg.Width),
		producer:        producer,
		defaultAdjusted: 1 / cfg.DefaultSamplingRate,
		maxServices:     cfg.Limits.MaxServices,
		maxEndpoints:    cfg.Limits.MaxEndpoints,
		maxPending:      cfg.Limits.MaxPending,
		global:          &scope{kind: chaosconv.ScopeGlobal},
		services:        map[string]*scope{},
		endpoints:       map[string]*scope{},
		lastState:       noThreshold,
		lastAdjusted:    1 / cfg.DefaultSamplingRate,
	}
}

// lookup returns the scope of key in m, creating it within limit, else the
// kind's overflow scope (overflow true). A byte-slice key converted in the
// map index does not allocate; only a new scope copies its key. Scopes are
// kept across flushes (at most limit + 1 per kind), so the keys admitted
// under the limit stay the same.
func lookup(m map[string]*scope, kind chaosconv.ScopeKind, key []byte, limit int) (s *scope, overflow bool) {
	if s, ok := m[string(key)]; ok {
		return s, s.overflow
	}
	return create(m, kind, string(key), limit)
}

// lookupString is lookup for a string key (which may point into the
// pdata; it is copied only when a scope is created).
func lookupString(m map[string]*scope, kind chaosconv.ScopeKind, key string, limit int) (s *scope, overflow bool) {
	if s, ok := m[key]; ok {
		return s, s.overflow
	}
	return create(m, kind, strings.Clone(key), limit)
}

func create(m map[string]*scope, kind chaosconv.ScopeKind, key string, limit int) (*scope, bool) {
	if len(m) >= limit {
		s, ok := m[chaosconv.OverflowKey]
		if !ok {
			s = &scope{kind: kind, key: chaosconv.OverflowKey, overflow: true}
			m[chaosconv.OverflowKey] = s
		}
		return s, true
	}
	s := &scope{kind: kind, key: key}
	m[key] = s
	return s, false
}

// bucket returns s's pending record of the bucket starting at start.
func (a *aggregator) bucket(s *scope, start int64) *chaosconv.Observed {
	if o := s.cur; o != nil && o.StartUnixNano == start {
		return o
	}
	for _, o := range s.pending {
		if o.StartUnixNano == start {
			s.cur = o
			return o
		}
	}
	var o *chaosconv.Observed
	if n := len(a.free); n > 0 {
		o = a.free[n-1]
		a.free = a.free[:n-1]
		o.Reinit(s.kind, s.key, start, time.Duration(a.width))
	} else {
		o = chaosconv.NewObserved(s.kind, s.key, start, time.Duration(a.width))
	}
	o.Producer = a.producer
	if len(s.pending) == 0 {
		a.dirty = append(a.dirty, s)
	}
	s.pending = append(s.pending, o)
	s.cur = o
	a.npending++
	return o
}

// add reads the server spans of td. When the pending records reach
// limits.max_pending it flushes them into out first (allocated on
// demand), which the caller emits.
func (a *aggregator) add(td ptrace.Traces, out *plog.Logs, scopeName, version string) {
	rss := td.ResourceSpans()
	for i := 0; i < rss.Len(); i++ {
		rs := rss.At(i)
		var svc *scope
		svcOverflow := false
		svcName := ""
		if v, ok := rs.Resource().Attributes().Get(chaosconv.AttrServiceName); ok && v.Type() == pcommon.ValueTypeStr {
			svcName = v.Str()
		}
		sss := rs.ScopeSpans()
		for j := 0; j < sss.Len(); j++ {
			spans := sss.At(j).Spans()
			for k := 0; k < spans.Len(); k++ {
				sp := spans.At(k)
				if sp.Kind() != ptrace.SpanKindServer {
					a.counts.spans[spanNotServer]++
					continue
				}
				if svcName == "" {
					a.malformed(reasonNoService)
					continue
				}
				if svc == nil {
					svc, svcOverflow = lookupString(a.services, chaosconv.ScopeService, svcName, a.maxServices)
				}
				if a.npending+3 > a.maxPending {
					if *out == (plog.Logs{}) {
						*out = plog.NewLogs()
					}
					a.flush(*out, scopeName, version)
				}
				if a.addSpan(sp, svc) && svcOverflow {
					a.counts.overflows[0]++
				}
			}
		}
	}
}

func (a *aggregator) malformed(reason int) {
	a.counts.spans[spanMalformed]++
	a.counts.malformed[reason]++
}

// addSpan counts one server span of service scope svc, reporting whether
// it was counted.
func (a *aggregator) addSpan(sp ptrace.Span, svc *scope) bool {
	start, end := int64(sp.StartTimestamp()), int64(sp.EndTimestamp())
	switch {
	case start <= 0 || end <= 0:
		a.malformed(reasonNoTime)
		return false
	case end < start:
		a.malformed(reasonEndBeforeStart)
		return false
	}
	durationMs := float64(end-start) / 1e6
	failed := sp.Status().Code() == ptrace.StatusCodeError

	// One pass over the attributes: the endpoint (http.route, else
	// url.path, else rpc.service/rpc.method) and the status code.
	var route, path, rpcSvc, rpcMethod string
	for k, v := range sp.Attributes().All() {
		switch k {
		case attrHTTPRoute:
			if v.Type() == pcommon.ValueTypeStr {
				route = v.Str()
			}
		case attrURLPath:
			if v.Type() == pcommon.ValueTypeStr {
				path = v.Str()
			}
		case attrRPCService:
			if v.Type() == pcommon.ValueTypeStr {
				rpcSvc = v.Str()
			}
		case attrRPCMethod:
			if v.Type() == pcommon.ValueTypeStr {
				rpcMethod = v.Str()
			}
		case attrHTTPStatusCode:
			if v.Type() == pcommon.ValueTypeInt && v.Int() >= 500 {
				failed = true
			}
		}
	}

	adjusted := a.adjusted(sp.TraceState().AsRaw())
	bstart := floor(start, a.width)
	if bstart > a.newest {
		if a.newest != 0 {
			a.advanced = true
		}
		a.newest = bstart
	}
	if !a.bucket(a.global, bstart).AddSpan(durationMs, failed, adjusted) {
		a.malformed(reasonInvalidDuration)
		return false
	}
	a.bucket(svc, bstart).AddSpan(durationMs, failed, adjusted)
	var ep *scope
	overflow := false
	switch {
	case route != "":
		ep, overflow = lookupString(a.endpoints, chaosconv.ScopeEndpoint, route, a.maxEndpoints)
	case path != "":
		ep, overflow = lookupString(a.endpoints, chaosconv.ScopeEndpoint, path, a.maxEndpoints)
	case rpcSvc != "" && rpcMethod != "":
		a.buf = append(append(append(a.buf[:0], rpcSvc...), '/'), rpcMethod...)
		ep, overflow = lookup(a.endpoints, chaosconv.ScopeEndpoint, a.buf, a.maxEndpoints)
	}
	if ep != nil {
		a.bucket(ep, bstart).AddSpan(durationMs, failed, adjusted)
		if overflow {
			a.counts.overflows[1]++
		}
	}
	a.counts.spans[spanCounted]++
	return true
}

// adjusted is the number of requests a span of tracestate ts stands for.
func (a *aggregator) adjusted(ts string) float64 {
	if ts != string(a.lastTS) {
		n, st := adjustedCount(ts)
		if st != hasThreshold {
			n = a.defaultAdjusted
			if st == badThreshold {
				n = 1
			}
		}
		a.lastTS, a.lastAdjusted, a.lastState = append(a.lastTS[:0], ts...), n, st
	}
	if a.lastState == badThreshold {
		a.counts.thresholds++
	}
	return a.lastAdjusted
}

// flush encodes every pending record into out (one resource, one scope
// per call) and empties the pending state; records without a span (a
// span whose duration the sketch refused) are not emitted.
func (a *aggregator) flush(out plog.Logs, scopeName, version string) int {
	if a.npending == 0 {
		return 0
	}
	sl := out.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty()
	sl.Scope().SetName(scopeName)
	sl.Scope().SetVersion(version)
	records := sl.LogRecords()
	records.EnsureCapacity(a.npending)
	n := 0
	for _, s := range a.dirty {
		for i, o := range s.pending {
			if o.Spans > 0 {
				chaosconv.EncodeObserved(o, records.AppendEmpty())
				n++
			}
			if len(a.free) < maxFree {
				a.free = append(a.free, o)
			}
			s.pending[i] = nil
		}
		s.pending = s.pending[:0]
		s.cur = nil
	}
	clear(a.dirty)
	a.dirty = a.dirty[:0]
	a.npending = 0
	return n
}

// takeCounts returns what was counted since the last call.
func (a *aggregator) takeCounts() counts {
	c := a.counts
	a.counts = counts{}
	return c
}

// floor rounds t down to a multiple of w (also for negative t).
func floor(t, w int64) int64 {
	r := t % w
	if r < 0 {
		r += w
	}
	return t - r
}
