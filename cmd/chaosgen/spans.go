package main

import (
	"cmp"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/pdata/ptrace/ptraceotlp"

	"github.com/otelcol-chaos/otelcol-chaos/internal/chaosconv"
)

// The span model (README "Spans"): server spans of the services under
// test whose latency and errors follow the injections.
const (
	// DefaultSpansEndpoint is where -spans posts (OTLP/HTTP traces).
	DefaultSpansEndpoint = "http://127.0.0.1:4318/v1/traces"
	// DefaultSpanRate is the default of -span-rate: requests per second,
	// all endpoints together.
	DefaultSpanRate = 20.0
	// SpanEffectWindow is how long one injection event acts on its
	// endpoint: an event at t affects the spans that start in [t, t+window).
	SpanEffectWindow = 250 * time.Millisecond
	// FaultFailShare is the probability that a span started while a fault
	// acts on its endpoint fails.
	FaultFailShare = 0.5
	// SpanTimeout is the least duration of a span failed by a "timeout"
	// fault.
	SpanTimeout = time.Second
	// spanSigma is σ of the log-normal baseline latency.
	spanSigma = 0.5
	// spanStream is the span model's PCG stream; the scenarios use the
	// streams 0, 1, … so the spans never shift the events' random draws.
	spanStream = 1 << 63
	// spanFlags are the W3C trace flags of every span: sampled (0x01) and
	// random trace ID (0x02, Trace Context Level 2).
	spanFlags = 0x03
)

// Semantic-convention attribute keys of the spans.
const (
	attrHTTPMethod = "http.request.method"
	attrHTTPRoute  = "http.route"
	attrHTTPStatus = "http.response.status_code"
	attrURLPath    = "url.path"
	attrURLScheme  = "url.scheme"
	attrErrorType  = "error.type"
)

// spanEndpoint is one endpoint's traffic: its share of -span-rate and the
// median of its baseline latency.
type spanEndpoint struct {
	service  string
	route    string
	method   string
	share    float64
	medianMs float64
}

// spanEndpoints are the endpoints of `services`, with each service's
// shares summing to its weight there.
var spanEndpoints = []spanEndpoint{
	{"checkout", "/api/orders", "POST", 0.12, 45},
	{"checkout", "/api/cart", "GET", 0.16, 25},
	{"checkout", "/api/users", "GET", 0.12, 20},
	{"catalog", "/api/search", "GET", 0.15, 60},
	{"catalog", "/api/products", "GET", 0.14, 30},
	{"catalog", "/api/recommendations", "GET", 0.06, 80},
	{"payments", "/api/payments", "POST", 0.15, 120},
	{"payments", "/api/refunds", "POST", 0.10, 90},
}

// faultEffect is what a fault type does to a span that fails.
type faultEffect struct {
	status    int    // http.response.status_code; 0: no response was sent
	errorType string // error.type
	timeout   bool   // the span lasts at least SpanTimeout
}

var faultEffects = map[string]faultEffect{
	"http_500":         {status: 500, errorType: "500"},
	"http_502":         {status: 502, errorType: "502"},
	"http_503":         {status: 503, errorType: "503"},
	"timeout":          {status: 504, errorType: "504", timeout: true},
	"connection_reset": {errorType: "connection_reset"},
}

// effectOf is the effect of a fault type; an unknown one is a 500.
func effectOf(fault string) faultEffect {
	if fx, ok := faultEffects[fault]; ok {
		return fx
	}
	return faultEffect{status: 500, errorType: "500"}
}

// GenSpan is one generated server span.
type GenSpan struct {
	Service, Route, Method string
	TraceID                pcommon.TraceID
	SpanID                 pcommon.SpanID
	StartUnixNano          int64
	Duration               time.Duration
	// StatusCode is http.response.status_code (0: none, the connection
	// was reset).
	StatusCode int
	// Failed spans have status Error and ErrorType as error.type.
	Failed    bool
	ErrorType string

	// What the model applied, for tests; not exported. DelayMs is the
	// injected delay added to the duration, Fault the fault type acting
	// on the span's endpoint at its start ("" none), whether or not it
	// made the span fail.
	DelayMs int64
	Fault   string
}

// EndUnixNano is the span's end time.
func (s *GenSpan) EndUnixNano() int64 { return s.StartUnixNano + int64(s.Duration) }

// Name is the span name, "{method} {route}".
func (s *GenSpan) Name() string { return s.Method + " " + s.Route }

// injection is one latency or fault event, as the span model keeps it.
type injection struct {
	at      int64
	delayMs int64  // latency injection
	fault   string // fault injection
}

// SpanModel generates the spans of the services under test, tick by
// tick, from the injections it has observed. It is a pure function of its
// random source and of the events: the same seed gives the same spans,
// and every span costs the same random draws whatever the injections, so
// an injection changes only the spans it acts on.
type SpanModel struct {
	rng     *rand.Rand
	rate    float64
	window  int64
	hist    [][]injection // per spanEndpoints index
	byRoute map[string]int
	bySvc   map[string][]int
}

// NewSpanModel returns a model serving rate requests per second in all.
func NewSpanModel(rate float64, rng *rand.Rand) *SpanModel {
	m := &SpanModel{
		rng: rng, rate: rate, window: int64(SpanEffectWindow),
		hist: make([][]injection, len(spanEndpoints)), byRoute: map[string]int{}, bySvc: map[string][]int{},
	}
	for j, ep := range spanEndpoints {
		m.byRoute[ep.route] = j
		m.bySvc[ep.service] = append(m.bySvc[ep.service], j)
	}
	return m
}

// Observe records the latency and fault injections among evs. An event
// with an endpoint acts on that endpoint; one without acts on every
// endpoint of its service. Other kinds do not touch the spans.
func (m *SpanModel) Observe(evs []GenEvent) {
	for i := range evs {
		e := &evs[i]
		in := injection{at: e.TimeUnixNano}
		switch e.Kind {
		case chaosconv.KindLatencyInjection:
			if e.DelayMs <= 0 {
				continue
			}
			in.delayMs = e.DelayMs
		case chaosconv.KindFaultInjection:
			in.fault = cmp.Or(e.FaultType, "unknown")
		default:
			continue
		}
		if e.Endpoint != "" {
			if j, ok := m.byRoute[e.Endpoint]; ok {
				m.hist[j] = append(m.hist[j], in)
			}
			continue
		}
		for _, j := range m.bySvc[e.Service] {
			m.hist[j] = append(m.hist[j], in)
		}
	}
}

// Spans appends the spans that start in [ts, te), sorted by start, to
// dst. The injections observed so far apply; call Observe with a tick's
// events before Spans for the same tick.
func (m *SpanModel) Spans(dst []GenSpan, ts, te time.Time) []GenSpan {
	tsn, ten := ts.UnixNano(), te.UnixNano()
	if ten <= tsn {
		return dst
	}
	for j := range m.hist {
		m.hist[j] = slices.DeleteFunc(m.hist[j], func(in injection) bool { return in.at+m.window <= tsn })
	}
	first := len(dst)
	secs := te.Sub(ts).Seconds()
	for j := range spanEndpoints {
		n := poisson(m.rng, m.rate*spanEndpoints[j].share*secs)
		for range n {
			dst = append(dst, m.span(j, tsn+m.rng.Int64N(ten-tsn)))
		}
	}
	slices.SortStableFunc(dst[first:], func(a, b GenSpan) int { return cmp.Compare(a.StartUnixNano, b.StartUnixNano) })
	return dst
}

// span draws one span of endpoint j starting at at. The draws are the
// same whatever acts on the endpoint.
func (m *SpanModel) span(j int, at int64) GenSpan {
	ep := &spanEndpoints[j]
	s := GenSpan{Service: ep.service, Route: ep.route, Method: ep.method, StartUnixNano: at, StatusCode: 200}
	binary.BigEndian.PutUint64(s.TraceID[:8], m.rng.Uint64())
	binary.BigEndian.PutUint64(s.TraceID[8:], m.rng.Uint64())
	binary.BigEndian.PutUint64(s.SpanID[:], m.rng.Uint64()|1) // never the invalid all-zero ID
	baseMs := lognormal(m.rng, ep.medianMs, spanSigma)
	u := m.rng.Float64()

	d := time.Duration(math.Round(baseMs * float64(time.Millisecond)))
	s.DelayMs, s.Fault = m.active(j, at)
	d += time.Duration(s.DelayMs) * time.Millisecond
	if s.Fault != "" && u < FaultFailShare {
		fx := effectOf(s.Fault)
		s.Failed, s.StatusCode, s.ErrorType = true, fx.status, fx.errorType
		if fx.timeout {
			d = max(d, SpanTimeout)
		}
	}
	s.Duration = d
	return s
}

// active is what acts on endpoint j at time at: the largest delay among
// the latency injections in (at−window, at], and the type of the latest
// fault injection there.
func (m *SpanModel) active(j int, at int64) (delayMs int64, fault string) {
	faultAt := int64(math.MinInt64)
	for _, in := range m.hist[j] {
		if in.at > at || in.at+m.window <= at {
			continue
		}
		if in.fault != "" {
			if in.at >= faultAt {
				fault, faultAt = in.fault, in.at
			}
			continue
		}
		delayMs = max(delayMs, in.delayMs)
	}
	return delayMs, fault
}

// releaseEnded moves the spans of inflight that ended by t (unix ns) to
// ready, in order of end, and returns both.
func releaseEnded(ready, inflight []GenSpan, t int64) (newReady, stillInflight []GenSpan) {
	first := len(ready)
	rest := inflight[:0]
	for _, s := range inflight {
		if s.EndUnixNano() <= t {
			ready = append(ready, s)
		} else {
			rest = append(rest, s)
		}
	}
	slices.SortStableFunc(ready[first:], func(a, b GenSpan) int { return cmp.Compare(a.EndUnixNano(), b.EndUnixNano()) })
	return ready, rest
}

// Consistent probability sampling (OTel spec "TraceState: Probability
// Sampling"): a span is kept when the randomness R, the trace ID's last 56
// bits, is at least the rejection threshold T = (1 − p)·2^56; kept spans
// carry T in the tracestate as ot=th:<hex>.
const maxThreshold = uint64(1) << 56

// ThresholdOf is the rejection threshold of sampling probability p,
// T = (1 − p)·2^56 rounded to the nearest integer (halves up), computed
// exactly: p is a rational in [2^-56, 1].
func ThresholdOf(p *big.Rat) uint64 {
	x := new(big.Rat).Sub(big.NewRat(1, 1), p)
	x.Mul(x, new(big.Rat).SetInt(new(big.Int).SetUint64(maxThreshold)))
	x.Add(x, big.NewRat(1, 2))
	return new(big.Int).Quo(x.Num(), x.Denom()).Uint64()
}

// EncodeThreshold is the th value of T: 14 hexadecimal digits (56 bits),
// trailing zeros removed; "0" for T = 0 (p = 1).
func EncodeThreshold(t uint64) string {
	if t == 0 {
		return "0"
	}
	return strings.TrimRight(fmt.Sprintf("%014x", t), "0")
}

// TraceRandomness is R, the least-significant 56 bits of the trace ID.
func TraceRandomness(id pcommon.TraceID) uint64 {
	return binary.BigEndian.Uint64(id[8:]) & (maxThreshold - 1)
}

// SpanSampler keeps a span with probability P, consistently by trace ID.
type SpanSampler struct {
	P          float64
	Threshold  uint64
	TraceState string // "ot=th:<hex>", on every kept span
}

// ParseSpanSampler returns the sampler of probability v, a decimal (or a
// fraction like 1/3) in [2^-56, 1]. The threshold is computed from the
// exact value written, not from its nearest float64 (0.9 is not one).
func ParseSpanSampler(v string) (*SpanSampler, error) {
	p, ok := new(big.Rat).SetString(strings.TrimSpace(v))
	if !ok {
		return nil, fmt.Errorf("sampling probability: not a number: %q", v)
	}
	if p.Cmp(big.NewRat(1, 1)) > 0 || p.Cmp(new(big.Rat).SetFrac(big.NewInt(1), new(big.Int).SetUint64(maxThreshold))) < 0 {
		return nil, fmt.Errorf("sampling probability must be in [2^-56, 1], got %s", v)
	}
	t := ThresholdOf(p)
	f, _ := p.Float64()
	return &SpanSampler{P: f, Threshold: t, TraceState: "ot=th:" + EncodeThreshold(t)}, nil
}

// NewSpanSampler is ParseSpanSampler of p's shortest decimal form.
func NewSpanSampler(p float64) (*SpanSampler, error) {
	return ParseSpanSampler(strconv.FormatFloat(p, 'g', -1, 64))
}

// Keep reports whether s is sampled: R ≥ T.
func (ss *SpanSampler) Keep(s *GenSpan) bool {
	return TraceRandomness(s.TraceID) >= ss.Threshold
}

// BuildTraces turns spans into OTLP traces: one ResourceSpans per service
// (service.name), in order of first appearance, every span SERVER with
// the HTTP server attributes of the semantic conventions. traceState, when
// not empty, is every span's tracestate.
func BuildTraces(spans []GenSpan, traceState string) ptrace.Traces {
	td := ptrace.NewTraces()
	scopes := map[string]ptrace.ScopeSpans{}
	for i := range spans {
		g := &spans[i]
		ss, ok := scopes[g.Service]
		if !ok {
			rs := td.ResourceSpans().AppendEmpty()
			rs.Resource().Attributes().PutStr(chaosconv.AttrServiceName, g.Service)
			ss = rs.ScopeSpans().AppendEmpty()
			ss.Scope().SetName(scopeName)
			ss.Scope().SetVersion(scopeVersion)
			scopes[g.Service] = ss
		}
		sp := ss.Spans().AppendEmpty()
		sp.SetTraceID(g.TraceID)
		sp.SetSpanID(g.SpanID)
		if traceState != "" {
			sp.TraceState().FromRaw(traceState)
		}
		sp.SetFlags(spanFlags)
		sp.SetKind(ptrace.SpanKindServer)
		sp.SetName(g.Name())
		sp.SetStartTimestamp(pcommon.Timestamp(g.StartUnixNano))
		sp.SetEndTimestamp(pcommon.Timestamp(g.EndUnixNano()))
		attrs := sp.Attributes()
		attrs.EnsureCapacity(6)
		attrs.PutStr(attrHTTPMethod, g.Method)
		attrs.PutStr(attrHTTPRoute, g.Route)
		attrs.PutStr(attrURLPath, g.Route)
		attrs.PutStr(attrURLScheme, "http")
		if g.StatusCode != 0 {
			attrs.PutInt(attrHTTPStatus, int64(g.StatusCode))
		}
		if g.Failed {
			attrs.PutStr(attrErrorType, g.ErrorType)
			sp.Status().SetCode(ptrace.StatusCodeError)
		}
	}
	return td
}

// EncodeTraces writes spans as an OTLP/HTTP protobuf export request.
func EncodeTraces(spans []GenSpan, traceState string) ([]byte, error) {
	return (&ptrace.ProtoMarshaler{}).MarshalTraces(BuildTraces(spans, traceState))
}

// tracesPartialRejected reads an OTLP traces export response and returns
// how many spans the server says it rejected, and its message.
func tracesPartialRejected(contentType string, body []byte) (int, string) {
	if len(body) == 0 {
		return 0, ""
	}
	resp := ptraceotlp.NewExportResponse()
	var err error
	if isJSONContentType(contentType) {
		err = resp.UnmarshalJSON(body)
	} else {
		err = resp.UnmarshalProto(body)
	}
	if err != nil {
		return 0, ""
	}
	ps := resp.PartialSuccess()
	return int(ps.RejectedSpans()), ps.ErrorMessage()
}

// errSpanFlags: a span flag was given without -spans.
var errSpanFlags = errors.New("-spans-endpoint, -span-rate and -span-sampling need -spans")
