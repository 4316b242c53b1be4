package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"math/big"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/pdata/ptrace/ptraceotlp"

	"github.com/otelcol-chaos/otelcol-chaos/internal/chaosconv"
)

var spanT0 = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

// modelSpans runs a span model from spanT0 for d in 100 ms ticks, feeding
// it the events of each tick first.
func modelSpans(rate float64, seed uint64, d time.Duration, evs []GenEvent) []GenSpan {
	m := NewSpanModel(rate, rand.New(rand.NewPCG(seed, spanStream)))
	var out []GenSpan
	for ts := spanT0; ts.Before(spanT0.Add(d)); ts = ts.Add(DefaultTick) {
		te := ts.Add(DefaultTick)
		var tick []GenEvent
		for _, e := range evs {
			if e.TimeUnixNano >= ts.UnixNano() && e.TimeUnixNano < te.UnixNano() {
				tick = append(tick, e)
			}
		}
		m.Observe(tick)
		out = m.Spans(out, ts, te)
	}
	return out
}

func latencyAt(at time.Time, svc, endpoint string, delayMs int64) GenEvent {
	return ev(chaosconv.KindLatencyInjection, svc, func(e *chaosconv.Event) {
		e.TimeUnixNano, e.Endpoint, e.DelayMs = at.UnixNano(), endpoint, delayMs
	})
}

func faultAt(at time.Time, svc, endpoint, fault string) GenEvent {
	return ev(chaosconv.KindFaultInjection, svc, func(e *chaosconv.Event) {
		e.TimeUnixNano, e.Endpoint, e.FaultType = at.UnixNano(), endpoint, fault
	})
}

// inWindow reports whether s starts in [at, at+SpanEffectWindow).
func inWindow(s *GenSpan, at time.Time) bool {
	return s.StartUnixNano >= at.UnixNano() && s.StartUnixNano < at.Add(SpanEffectWindow).UnixNano()
}

// TestSpanEndpointsMatchServices: the span model serves exactly the
// endpoints of `services`, each service's shares summing to its weight.
func TestSpanEndpointsMatchServices(t *testing.T) {
	seen := map[string]bool{}
	perSvc := map[string]float64{}
	total := 0.0
	for _, ep := range spanEndpoints {
		if serviceOf[ep.route] != ep.service || seen[ep.route] {
			t.Errorf("span endpoint %+v: not an endpoint of %s, or twice", ep, ep.service)
		}
		seen[ep.route] = true
		perSvc[ep.service] += ep.share
		total += ep.share
		if ep.medianMs <= 0 || (ep.method != "GET" && ep.method != "POST") {
			t.Errorf("span endpoint %+v", ep)
		}
	}
	if len(seen) != len(serviceOf) || math.Abs(total-1) > 1e-9 {
		t.Errorf("%d endpoints (want %d), shares sum to %v", len(seen), len(serviceOf), total)
	}
	for _, s := range services {
		if math.Abs(perSvc[s.name]-s.weight) > 1e-9 {
			t.Errorf("%s: shares %v, weight %v", s.name, perSvc[s.name], s.weight)
		}
	}
	for _, f := range faultTypes {
		if _, ok := faultEffects[f]; !ok {
			t.Errorf("fault type %s has no effect on spans", f)
		}
	}
}

// TestSpanModelDelay: a delay on an endpoint raises exactly the durations
// of that endpoint's spans that start in its window, by the delay;
// nothing else changes (IDs, starts, other spans). A delay without an
// endpoint acts on every endpoint of its service; overlapping delays do
// not add up (the largest applies).
func TestSpanModelDelay(t *testing.T) {
	const rate = 400
	at := spanT0.Add(2 * time.Second)
	at2 := spanT0.Add(3 * time.Second)
	at3 := at2.Add(SpanEffectWindow / 2)
	base := modelSpans(rate, 9, 5*time.Second, nil)
	got := modelSpans(rate, 9, 5*time.Second, []GenEvent{
		latencyAt(at, "checkout", "/api/users", 300),
		latencyAt(at2, "catalog", "", 70), // every catalog endpoint
		latencyAt(at3, "catalog", "/api/search", 40),
	})
	if len(got) != len(base) || len(base) < 1500 {
		t.Fatalf("%d spans with delays, %d without", len(got), len(base))
	}
	affected := map[string]int{}
	for i := range base {
		b, g := base[i], got[i]
		var want int64
		switch {
		case b.Route == "/api/users" && inWindow(&b, at):
			want = 300
		case b.Service == "catalog" && inWindow(&b, at2):
			want = 70 // the search delay at at3 is smaller: it does not add up
		case b.Route == "/api/search" && inWindow(&b, at3):
			want = 40
		}
		if want > 0 {
			affected[b.Route]++
		}
		if g.DelayMs != want || g.Duration != b.Duration+time.Duration(want)*time.Millisecond {
			t.Fatalf("span %d %s at +%s: delay %d ms, duration %s → %s; want +%d ms", i, b.Name(),
				time.Duration(b.StartUnixNano-spanT0.UnixNano()), g.DelayMs, b.Duration, g.Duration, want)
		}
		g.Duration, g.DelayMs = b.Duration, 0
		if !reflect.DeepEqual(g, b) {
			t.Fatalf("span %d differs beyond its duration:\n%+v\n%+v", i, g, b)
		}
	}
	for _, r := range []string{"/api/users", "/api/search", "/api/products", "/api/recommendations"} {
		if affected[r] == 0 {
			t.Errorf("no %s span in the delay's window: the test proves nothing", r)
		}
	}
}

// TestSpanModelFault: a fault acting on an endpoint makes FaultFailShare
// of the spans that start in its windows fail, with the fault type's
// status; no other span fails.
func TestSpanModelFault(t *testing.T) {
	for _, fault := range faultTypes {
		t.Run(fault, func(t *testing.T) {
			var evs []GenEvent
			// A fault every 200 ms from 1 s to 60.8 s: /api/payments is under
			// a fault throughout (the window is 250 ms), up to 60.8 s + 250 ms.
			var last time.Time
			for at := spanT0.Add(time.Second); at.Before(spanT0.Add(61 * time.Second)); at = at.Add(200 * time.Millisecond) {
				evs = append(evs, faultAt(at, "payments", "/api/payments", fault))
				last = at
			}
			spans := modelSpans(200, 3, 62*time.Second, evs)
			fx := faultEffects[fault]
			under, failed := 0, 0
			for i := range spans {
				s := &spans[i]
				isUnder := s.Route == "/api/payments" && s.StartUnixNano >= spanT0.Add(time.Second).UnixNano() &&
					s.StartUnixNano < last.Add(SpanEffectWindow).UnixNano()
				if isUnder != (s.Fault == fault) {
					t.Fatalf("span %s at +%s: fault %q", s.Name(), time.Duration(s.StartUnixNano-spanT0.UnixNano()), s.Fault)
				}
				if !isUnder {
					if s.Failed || s.StatusCode != 200 {
						t.Fatalf("span %s failed outside the fault: %+v", s.Name(), s)
					}
					continue
				}
				under++
				if !s.Failed {
					if s.StatusCode != 200 || s.ErrorType != "" {
						t.Fatalf("span under fault but not failed: %+v", s)
					}
					continue
				}
				failed++
				if s.StatusCode != fx.status || s.ErrorType != fx.errorType {
					t.Fatalf("failed span: status %d error.type %q, want %d %q", s.StatusCode, s.ErrorType, fx.status, fx.errorType)
				}
				if fx.timeout && s.Duration < SpanTimeout {
					t.Fatalf("timed-out span lasts %s", s.Duration)
				}
			}
			share := float64(failed) / float64(under)
			// ~1800 spans under the fault: σ of the share ≈ 0.012.
			if under < 1500 || math.Abs(share-FaultFailShare) > 0.05 {
				t.Errorf("%d of %d spans under %s failed (%.3f), want %.2f", failed, under, fault, share, FaultFailShare)
			}
		})
	}
	if fx := faultEffects["connection_reset"]; fx.status != 0 {
		t.Errorf("connection_reset sends no response, got status %d", fx.status)
	}
}

// TestSpanModelDeterministic: the same seed and events give the same
// spans; another seed other spans. The spans of a real scenario have
// unique IDs and follow its injections.
func TestSpanModelDeterministic(t *testing.T) {
	o := genOpts(ScenarioFaultStorm)
	o.Start = spanT0
	evs := flatten(generate(t, o, 5))
	a := modelSpans(50, 5, o.Duration, evs)
	b := modelSpans(50, 5, o.Duration, evs)
	c := modelSpans(50, 6, o.Duration, evs)
	if len(a) < 100 || !reflect.DeepEqual(a, b) {
		t.Fatalf("same seed: %d and %d spans, equal %v", len(a), len(b), reflect.DeepEqual(a, b))
	}
	if reflect.DeepEqual(a, c) {
		t.Fatal("another seed gave the same spans")
	}
	ids := map[pcommon.SpanID]bool{}
	failedFirst, failedLast := 0, 0
	for i := range a {
		if ids[a[i].SpanID] || a[i].TraceID.IsEmpty() {
			t.Fatalf("span %d: duplicate or empty ID", i)
		}
		ids[a[i].SpanID] = true
		if a[i].Failed {
			if a[i].StartUnixNano < spanT0.Add(o.Duration/3).UnixNano() {
				failedFirst++
			} else if a[i].StartUnixNano >= spanT0.Add(2*o.Duration/3).UnixNano() {
				failedLast++
			}
		}
	}
	if failedLast <= failedFirst || failedLast == 0 {
		t.Errorf("fault-storm: %d failed spans in the first third, %d in the last", failedFirst, failedLast)
	}
}

// TestSpanModelSilence: during silence the system stays up: spans go on
// at their rate, with neither delay nor fault.
func TestSpanModelSilence(t *testing.T) {
	o := genOpts(ScenarioSilence)
	o.Start = spanT0
	o.Duration = 40 * time.Second
	evs := flatten(generate(t, o, 2))
	spans := modelSpans(100, 2, o.Duration, evs)
	q := o.Duration / 4
	var before, during int
	for i := range spans {
		s := &spans[i]
		switch {
		case s.StartUnixNano < spanT0.Add(q).UnixNano():
			before++
		case s.StartUnixNano >= spanT0.Add(q+SpanEffectWindow).UnixNano() && s.StartUnixNano < spanT0.Add(3*q).UnixNano():
			during++
			if s.DelayMs != 0 || s.Fault != "" || s.Failed {
				t.Fatalf("span in the silence: %+v", s)
			}
		}
	}
	// The silence window is 2q−250ms long: about twice the first quarter.
	if ratio := float64(during) / float64(before); before < 500 || ratio < 1.7 || ratio > 2.2 {
		t.Errorf("%d spans in the first quarter, %d in the silence", before, during)
	}
}

// thresholdFromSpec computes the th value of probability p (a decimal
// string) with exact rational arithmetic: T = (1 − p)·2^56, rounded to
// the nearest integer, as 14 hex digits with trailing zeros removed.
func thresholdFromSpec(t *testing.T, p string) string {
	t.Helper()
	r, ok := new(big.Rat).SetString(p)
	if !ok {
		t.Fatalf("bad probability %q", p)
	}
	two56 := new(big.Rat).SetInt(new(big.Int).Lsh(big.NewInt(1), 56))
	x := new(big.Rat).Mul(new(big.Rat).Sub(big.NewRat(1, 1), r), two56)
	// round half up: floor(x + 1/2)
	x.Add(x, big.NewRat(1, 2))
	n := new(big.Int).Quo(x.Num(), x.Denom())
	if n.Sign() == 0 {
		return "0"
	}
	return strings.TrimRight(fmt.Sprintf("%014x", n), "0")
}

func TestThresholdEncoding(t *testing.T) {
	for _, tc := range []struct {
		p    string
		want string // by hand from the spec's examples
	}{
		{"1", "0"},
		{"0.5", "8"},
		{"0.25", "c"},
		{"0.1", "e6666666666666"},
		{"0.01", ""},
		{"0.9", "1999999999999a"}, // not from float64(0.9), which is 2^-56·2 less
		{"1/3", ""},
		{"0.0001", ""},
	} {
		spec := thresholdFromSpec(t, tc.p)
		ss, err := ParseSpanSampler(tc.p)
		if err != nil || ss.TraceState != "ot=th:"+spec || (tc.want != "" && spec != tc.want) {
			t.Errorf("p=%s: sampler %+v, %v; spec formula %q, want %q", tc.p, ss, err, spec, tc.want)
		}
		var p float64
		fmt.Sscan(tc.p, &p)
		if f, err := NewSpanSampler(p); !strings.Contains(tc.p, "/") && (err != nil || *f != *ss) {
			t.Errorf("p=%v: NewSpanSampler %+v, %v", p, f, err)
		}
	}
	// Keep is R ≥ T, R the trace ID's last 56 bits.
	ss, _ := NewSpanSampler(0.5)
	var s GenSpan
	s.TraceID = pcommon.TraceID{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x80}
	if !ss.Keep(&s) {
		t.Error("R = T must be kept")
	}
	s.TraceID = pcommon.TraceID{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}
	if ss.Keep(&s) {
		t.Error("R = T−1 must be dropped")
	}
	for _, bad := range []float64{0, -0.5, 1.5, math.NaN(), 1e-18} {
		if _, err := NewSpanSampler(bad); err == nil {
			t.Errorf("p=%v: want an error", bad)
		}
	}
	if _, err := ParseSpanSampler("half"); err == nil {
		t.Error("p=half: want an error")
	}
	if ss, err := ParseSpanSampler("1.38777878078144e-17"); err == nil || ss != nil { // just under 2^-56
		t.Errorf("p < 2^-56: %+v", ss)
	}
	if ss, err := NewSpanSampler(math.Ldexp(1, -56)); err != nil || ss.Threshold != maxThreshold-1 {
		t.Errorf("p = 2^-56: %+v %v", ss, err)
	}
	// The kept share of random trace IDs is p.
	spans := modelSpans(500, 4, 20*time.Second, nil)
	for _, p := range []float64{0.5, 0.25, 0.1} {
		ss, _ := NewSpanSampler(p)
		kept := 0
		for i := range spans {
			if ss.Keep(&spans[i]) {
				kept++
			}
		}
		if share := float64(kept) / float64(len(spans)); math.Abs(share-p) > 0.02 {
			t.Errorf("p=%v: kept %d of %d (%.3f)", p, kept, len(spans), share)
		}
	}
}

// expectedSpans regenerates the spans a fast run of c must have
// generated, before sampling.
func expectedSpans(t *testing.T, c *config, now time.Time) []GenSpan {
	t.Helper()
	m := NewSpanModel(c.spanRate, rand.New(rand.NewPCG(c.seed, spanStream)))
	segStart := now.Add(-total(c.segments))
	var out []GenSpan
	for i, seg := range c.segments {
		prev := ""
		if i > 0 {
			prev = c.segments[i-1].Scenario
			segStart = segStart.Add(c.segments[i-1].Duration)
		}
		ticks, err := Generate(GenOptions{
			Scenario: seg.Scenario, Start: segStart, Duration: seg.Duration,
			Rate: c.rate, ProbeInterval: c.probeInterval, Previous: prev, Source: c.source,
		}, rand.New(rand.NewPCG(c.seed, uint64(i))))
		if err != nil {
			t.Fatal(err)
		}
		for _, tk := range ticks {
			m.Observe(tk.Events)
			out = m.Spans(out, tk.Start, tk.End)
		}
	}
	return out
}

// decodeTraces reads one OTLP/HTTP protobuf traces export body.
func decodeTraces(t *testing.T, r *http.Request, body []byte) ptrace.Traces {
	t.Helper()
	if ct := r.Header.Get("Content-Type"); ct != contentTypeProtobuf {
		t.Fatalf("Content-Type %q", ct)
	}
	if r.URL.Path != "/v1/traces" || r.Method != http.MethodPost {
		t.Fatalf("%s %s", r.Method, r.URL.Path)
	}
	req := ptraceotlp.NewExportRequest()
	if err := req.UnmarshalProto(body); err != nil {
		t.Fatalf("traces export request: %v", err)
	}
	return req.Traces()
}

func attrStr(t *testing.T, m pcommon.Map, k string) string {
	t.Helper()
	v, ok := m.Get(k)
	if !ok || v.Type() != pcommon.ValueTypeStr {
		t.Fatalf("attribute %s: %v", k, v.AsRaw())
	}
	return v.Str()
}

// TestSpansEndToEnd runs fault-storm then silence with -spans against two
// test servers (the spans' first request gets a 503, retried), decodes
// every traces body and finds exactly the model's spans, once each, with
// the semantic-convention attributes; with -span-sampling, only the
// sampled ones, each with its threshold.
func TestSpansEndToEnd(t *testing.T) {
	for _, sampling := range []string{"", "0.25"} {
		t.Run("sampling="+sampling, func(t *testing.T) {
			events := &recorder{}
			evSrv := httptest.NewServer(events)
			defer evSrv.Close()
			traces := &recorder{script: []func(http.ResponseWriter){status(http.StatusServiceUnavailable, "1")}}
			trSrv := httptest.NewServer(traces)
			defer trSrv.Close()
			args := []string{"-scenario", "fault-storm,silence", "-duration", "6s", "-spans",
				"-spans-endpoint", trSrv.URL + "/v1/traces", "-span-rate", "150"}
			traceState := ""
			if sampling != "" {
				args = append(args, "-span-sampling", sampling)
				traceState = "ot=th:c"
			}
			c := testConfig(evSrv.URL, args...)
			clk := newFakeClock()
			now := clk.Now()
			sum, _ := runWith(t, context.Background(), c, clk)

			all := expectedSpans(t, c, now)
			want := map[pcommon.SpanID]GenSpan{}
			for _, s := range all {
				if c.spanSampler == nil || c.spanSampler.Keep(&s) {
					want[s.SpanID] = s
				}
			}
			sp := sum.Spans
			if sum.Stopped != stopCompleted || sp == nil || sp.Generated != len(all) || sp.Sampled != len(want) ||
				sp.Sent != len(want) || sp.Accepted != len(want) || sp.Rejected != 0 || sp.Unsent != 0 || sp.Retries != 1 {
				t.Fatalf("summary %+v spans %+v; model %d spans, %d sampled", sum, sp, len(all), len(want))
			}
			if sampling != "" && (len(want) > len(all)/3 || len(want) < len(all)/6) {
				t.Errorf("sampling 0.25 kept %d of %d", len(want), len(all))
			}
			if sum.Accepted != sum.Generated || sum.Retries != 0 {
				t.Errorf("events: %+v", sum)
			}

			from, to := now.Add(-total(c.segments)).UnixNano(), now.UnixNano()
			bodies, reqs := traces.snapshot()
			seen := 0
			for i := 1; i < len(bodies); i++ { // bodies[0] was refused
				td := decodeTraces(t, reqs[i], bodies[i])
				for _, rs := range td.ResourceSpans().All() {
					svc := attrStr(t, rs.Resource().Attributes(), chaosconv.AttrServiceName)
					for _, sc := range rs.ScopeSpans().All() {
						if sc.Scope().Name() != scopeName {
							t.Fatalf("scope %q", sc.Scope().Name())
						}
						for _, s := range sc.Spans().All() {
							w, ok := want[s.SpanID()]
							if !ok {
								t.Fatalf("span %s: not in the model, or seen twice", s.SpanID())
							}
							delete(want, s.SpanID())
							seen++
							a := s.Attributes()
							method, route := attrStr(t, a, attrHTTPMethod), attrStr(t, a, attrHTTPRoute)
							if svc != w.Service || serviceOf[route] != svc || route != w.Route || method != w.Method ||
								s.Name() != method+" "+route || attrStr(t, a, attrURLPath) != route ||
								attrStr(t, a, attrURLScheme) != "http" {
								t.Fatalf("span %s of %s: %v, want %+v", s.Name(), svc, a.AsRaw(), w)
							}
							if s.Kind() != ptrace.SpanKindServer || s.TraceID() != w.TraceID || s.TraceState().AsRaw() != traceState ||
								s.Flags() != spanFlags || !s.ParentSpanID().IsEmpty() {
								t.Fatalf("span %s: kind %v trace %s tracestate %q flags %x", s.Name(), s.Kind(), s.TraceID(),
									s.TraceState().AsRaw(), s.Flags())
							}
							start, end := int64(s.StartTimestamp()), int64(s.EndTimestamp())
							if start != w.StartUnixNano || end != w.EndUnixNano() || start < from || start >= to {
								t.Fatalf("span %s: %d..%d, want %d..%d within %d..%d", s.Name(), start, end,
									w.StartUnixNano, w.EndUnixNano(), from, to)
							}
							code, hasCode := a.Get(attrHTTPStatus)
							if hasCode != (w.StatusCode != 0) || (hasCode && code.Int() != int64(w.StatusCode)) {
								t.Fatalf("span %s: status code %v, want %d", s.Name(), code.AsRaw(), w.StatusCode)
							}
							et, hasET := a.Get(attrErrorType)
							isErr := s.Status().Code() == ptrace.StatusCodeError
							if isErr != w.Failed || hasET != w.Failed || (hasET && et.Str() != w.ErrorType) {
								t.Fatalf("span %s: status %v error.type %v, want failed=%v %q", s.Name(),
									s.Status().Code(), et.AsRaw(), w.Failed, w.ErrorType)
							}
						}
					}
				}
			}
			if len(want) != 0 || seen != sp.Accepted {
				t.Fatalf("%d spans never arrived, %d arrived", len(want), seen)
			}
		})
	}
}

// TestSpansReplayAfterEnd: in replay mode a span is sent once it has
// ended, and the spans and events share -max-requests.
func TestSpansReplayAfterEnd(t *testing.T) {
	clk := newFakeClock()
	runEnd := clk.Now().Add(4 * time.Second).UnixNano()
	var mu sync.Mutex
	var late []string
	traces := &recorder{}
	trSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		req := ptraceotlp.NewExportRequest()
		if err := req.UnmarshalProto(body); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		now := clk.Now().UnixNano()
		rs := req.Traces().ResourceSpans()
		for i := range rs.Len() {
			for _, s := range rs.At(i).ScopeSpans().At(0).Spans().All() {
				// Before the end of the run, no span may be sent before it ends.
				if int64(s.EndTimestamp()) > now && now < runEnd {
					mu.Lock()
					late = append(late, s.Name())
					mu.Unlock()
				}
			}
		}
		traces.ServeHTTP(w, r)
	}))
	defer trSrv.Close()
	evSrv := httptest.NewServer(&recorder{})
	defer evSrv.Close()

	c := testConfig(evSrv.URL, "-replay", "-duration", "4s", "-spans", "-spans-endpoint", trSrv.URL+"/v1/traces",
		"-span-rate", "40")
	sum, _ := runWith(t, context.Background(), c, clk)
	sp := sum.Spans
	if sum.Stopped != stopCompleted || sp.Generated == 0 || sp.Accepted != sp.Generated || sp.Requests < 3 {
		t.Fatalf("summary %+v spans %+v", sum, sp)
	}
	mu.Lock()
	if len(late) > 0 {
		t.Errorf("%d spans sent before they ended: %v", len(late), late)
	}
	mu.Unlock()

	// -max-requests bounds both senders together.
	c = testConfig(evSrv.URL, "-duration", "4s", "-spans", "-spans-endpoint", trSrv.URL+"/v1/traces",
		"-span-rate", "400", "-batch", "20", "-max-requests", "7")
	sum, _ = runWith(t, context.Background(), c, newFakeClock())
	if sum.Stopped != stopMaxRequests || sum.Requests+sum.Spans.Requests != 7 || sum.Spans.Requests == 0 || !sum.OK() {
		t.Errorf("max-requests: %+v spans %+v", sum, sum.Spans)
	}
}

// TestSpansPartialSuccess: spans the traces endpoint rejects in a 200
// response count as rejected, and the run exits 1.
func TestSpansPartialSuccess(t *testing.T) {
	trSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		resp := ptraceotlp.NewExportResponse()
		resp.PartialSuccess().SetRejectedSpans(2)
		resp.PartialSuccess().SetErrorMessage("too old")
		b, _ := resp.MarshalProto()
		w.Header().Set("Content-Type", contentTypeProtobuf)
		_, _ = w.Write(b)
	}))
	defer trSrv.Close()
	evSrv := httptest.NewServer(&recorder{})
	defer evSrv.Close()
	c := testConfig(evSrv.URL, "-duration", "2s", "-spans", "-spans-endpoint", trSrv.URL, "-span-rate", "50")
	sum, _ := runWith(t, context.Background(), c, newFakeClock())
	sp := sum.Spans
	if sp.Requests == 0 || sp.Rejected != 2*sp.Batches || sp.Accepted != sp.Sent-sp.Rejected || sum.OK() {
		t.Errorf("summary %+v spans %+v", sum, sp)
	}
}

func TestSpanFlags(t *testing.T) {
	c := mustParse(t)
	if c.spans || c.spansEndpoint != DefaultSpansEndpoint || c.spanRate != DefaultSpanRate || c.spanSampler != nil {
		t.Errorf("defaults: %+v", c)
	}
	c = mustParse(t, "-spans", "-span-rate", "5", "-span-sampling", "0.1", "-spans-endpoint", "https://gw/v1/traces")
	if !c.spans || c.spanRate != 5 || c.spanSampler == nil || c.spanSampler.TraceState != "ot=th:e6666666666666" ||
		c.spansEndpoint != "https://gw/v1/traces" {
		t.Errorf("flags: %+v", c)
	}
	for _, bad := range [][]string{
		{"-span-rate", "5"},
		{"-span-sampling", "0.5"},
		{"-spans-endpoint", "http://x/v1/traces"},
		{"-spans", "-span-rate", "-1"},
		{"-spans", "-span-sampling", "0"},
		{"-spans", "-span-sampling", "1.5"},
		{"-spans", "-spans-endpoint", "ftp://x/y"},
	} {
		if _, err := parseFlags(bad, io.Discard); err == nil {
			t.Errorf("parseFlags(%q): want an error", bad)
		}
	}
}

// TestRealMainSpans: the JSON summary carries the spans generated, sent
// and accepted.
func TestRealMainSpans(t *testing.T) {
	var mu sync.Mutex
	received := 0
	trSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		req := ptraceotlp.NewExportRequest()
		if err := req.UnmarshalProto(body); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		mu.Lock()
		received += req.Traces().SpanCount()
		mu.Unlock()
	}))
	defer trSrv.Close()
	evSrv := httptest.NewServer(&recorder{})
	defer evSrv.Close()
	var stdout, stderr bytes.Buffer
	code := realMain(context.Background(), []string{"-endpoint", evSrv.URL, "-fast", "-scenario", "latency-shift",
		"-duration", "3s", "-spans", "-spans-endpoint", trSrv.URL, "-span-rate", "30", "-span-sampling", "0.5",
		"-json-summary"}, &stdout, &stderr)
	if code != 0 {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr.String())
	}
	var sum struct {
		Spans struct {
			Generated, Sampled, Sent, Accepted, Rejected, Unsent int
			Sampling                                             float64
		} `json:"spans"`
	}
	if err := json.Unmarshal(stdout.Bytes(), &sum); err != nil {
		t.Fatalf("summary %q: %v", stdout.String(), err)
	}
	mu.Lock()
	defer mu.Unlock()
	sp := sum.Spans
	if sp.Generated < 50 || sp.Sampled == 0 || sp.Sampled >= sp.Generated || sp.Sent != sp.Sampled ||
		sp.Accepted != received || sp.Accepted != sp.Sent || sp.Sampling != 0.5 {
		t.Errorf("spans summary %+v, server saw %d", sp, received)
	}
	if !strings.Contains(stderr.String(), fmt.Sprintf("spans: generated=%d sampled=%d sent=%d accepted=%d", sp.Generated,
		sp.Sampled, sp.Sent, sp.Accepted)) {
		t.Errorf("summary line:\n%s", stderr.String())
	}
}

// TestSpansInterrupted: an interruption stops the run, the ended spans go
// in one last request, and no span is sent twice.
func TestSpansInterrupted(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	traces := &recorder{onReq: func(n int) {
		if n == 3 {
			cancel()
		}
	}}
	trSrv := httptest.NewServer(traces)
	defer trSrv.Close()
	evSrv := httptest.NewServer(&recorder{})
	defer evSrv.Close()
	c := testConfig(evSrv.URL, "-batch", "20", "-spans", "-spans-endpoint", trSrv.URL, "-span-rate", "100")
	sum, _ := runWith(t, ctx, c, newFakeClock())
	sp := sum.Spans
	if sum.Stopped != stopInterrupted || sp.Generated == 0 || sp.Sent > sp.Sampled || sp.Unsent != sp.Sampled-sp.Sent ||
		sp.Requests < 4 {
		t.Fatalf("summary %+v spans %+v", sum, sp)
	}
	bodies, _ := traces.snapshot()
	seen := map[pcommon.SpanID]bool{}
	for _, b := range bodies {
		req := ptraceotlp.NewExportRequest()
		if err := req.UnmarshalProto(b); err != nil {
			t.Fatal(err)
		}
		rs := req.Traces().ResourceSpans()
		for i := range rs.Len() {
			for _, s := range rs.At(i).ScopeSpans().At(0).Spans().All() {
				if seen[s.SpanID()] {
					t.Fatalf("span %s sent twice", s.SpanID())
				}
				seen[s.SpanID()] = true
			}
		}
	}
	if len(seen) != sp.Sent {
		t.Errorf("server saw %d spans, summary says %d sent", len(seen), sp.Sent)
	}
}
