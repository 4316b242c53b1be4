package main

import (
	"cmp"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/otelcol-chaos/otelcol-chaos/internal/chaosconv"
)

// Scenario names (flag -scenario).
const (
	ScenarioBaseline     = "baseline"
	ScenarioSpike        = "spike"
	ScenarioLatencyShift = "latency-shift"
	ScenarioFaultStorm   = "fault-storm"
	ScenarioRateLimit    = "rate-limit"
	ScenarioSilence      = "silence"
)

// Scenarios lists every scenario in the order `-scenario all` runs them.
var Scenarios = []string{
	ScenarioBaseline, ScenarioSpike, ScenarioLatencyShift,
	ScenarioFaultStorm, ScenarioRateLimit, ScenarioSilence,
}

// ParseScenarios reads a comma-separated list of scenario names, or "all".
// A name may repeat (baseline,fault-storm,baseline).
func ParseScenarios(s string) ([]string, error) {
	var out []string
	for _, name := range strings.Split(s, ",") {
		name = strings.TrimSpace(name)
		switch {
		case name == "":
			continue
		case name == "all":
			out = append(out, Scenarios...)
		case slices.Contains(Scenarios, name), name == ScenarioGameday:
			out = append(out, name)
		default:
			return nil, fmt.Errorf("unknown scenario %q: want all, gameday or a comma list of %s", name,
				strings.Join(Scenarios, ", "))
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no scenario given: want all or a comma list of %s", strings.Join(Scenarios, ", "))
	}
	return out, nil
}

// GenEvent is one generated event with the service it concerns.
// chaosconv.Event has no service (service.name is a resource attribute);
// an empty Service means "the default service" (flag -service).
type GenEvent struct {
	chaosconv.Event
	Service string
}

// Tick is the events of one generator step, sorted by time; every event
// lies in [Start, End), except the experiment "completed" event of the
// last tick, which is at End (the scenario's end).
type Tick struct {
	Index      int
	Start, End time.Time
	Events     []GenEvent
}

// Defaults of GenOptions.
const (
	DefaultTick          = 100 * time.Millisecond
	DefaultProbeInterval = time.Second
)

// GenOptions describe one scenario run.
type GenOptions struct {
	Scenario string
	Start    time.Time
	Duration time.Duration
	// Rate is the base rate of chaos events per second (probes, experiment
	// and transition events come on top). Scenarios scale it.
	Rate float64
	// Tick is the generator step (0: DefaultTick).
	Tick time.Duration
	// ProbeInterval is the period of each service's steady-state probe
	// (0: DefaultProbeInterval; negative: no probes).
	ProbeInterval time.Duration
	// Previous is the scenario this one follows ("" for the first): the
	// scenario transition event names it as from_scenario.
	Previous string
	// Source is chaos.source of every event ("" leaves it absent).
	Source string
}

// Generator produces a scenario's events tick by tick. It is a pure
// function of its options and its random source: the same seed gives the
// same events, in replay and in fast mode alike (only Start differs).
type Generator struct {
	o       GenOptions
	rng     *rand.Rand
	end     time.Time
	ticks   int
	next    int
	maxMult float64
}

// NewGenerator checks o and returns its generator.
func NewGenerator(o GenOptions, rng *rand.Rand) (*Generator, error) {
	if !slices.Contains(Scenarios, o.Scenario) {
		return nil, fmt.Errorf("unknown scenario %q", o.Scenario)
	}
	if o.Duration <= 0 {
		return nil, fmt.Errorf("duration must be positive, got %s", o.Duration)
	}
	if o.Rate < 0 || math.IsNaN(o.Rate) || math.IsInf(o.Rate, 0) {
		return nil, fmt.Errorf("rate must be a finite non-negative number, got %v", o.Rate)
	}
	if o.Tick == 0 {
		o.Tick = DefaultTick
	}
	if o.Tick < 0 {
		return nil, fmt.Errorf("tick must be positive, got %s", o.Tick)
	}
	if o.ProbeInterval == 0 {
		o.ProbeInterval = DefaultProbeInterval
	}
	if o.Start.UnixNano() <= 0 {
		return nil, fmt.Errorf("start time must be after 1970-01-01, got %s", o.Start)
	}
	g := &Generator{o: o, rng: rng, end: o.Start.Add(o.Duration), maxMult: maxRateMult(o.Scenario)}
	g.ticks = int((o.Duration + o.Tick - 1) / o.Tick)
	return g, nil
}

// Ticks is the number of ticks the scenario has.
func (g *Generator) Ticks() int { return g.ticks }

// End is the end of the scenario.
func (g *Generator) End() time.Time { return g.end }

// Abort returns the experiment "aborted" event, for a run stopped early.
func (g *Generator) Abort(at time.Time) GenEvent {
	return g.experiment(at, chaosconv.PhaseAborted)
}

// Generate runs a generator to its end and returns every tick.
func Generate(o GenOptions, rng *rand.Rand) ([]Tick, error) {
	g, err := NewGenerator(o, rng)
	if err != nil {
		return nil, err
	}
	out := make([]Tick, 0, g.Ticks())
	for t, ok := g.Next(); ok; t, ok = g.Next() {
		out = append(out, t)
	}
	return out, nil
}

// Next returns the next tick, or false after the last one.
func (g *Generator) Next() (Tick, bool) {
	if g.next >= g.ticks {
		return Tick{}, false
	}
	i := g.next
	g.next++
	ts := g.o.Start.Add(time.Duration(i) * g.o.Tick)
	te := ts.Add(g.o.Tick)
	if te.After(g.end) {
		te = g.end
	}
	t := Tick{Index: i, Start: ts, End: te}
	if i == 0 {
		t.Events = append(t.Events, g.transition(ts), g.experiment(ts, chaosconv.PhaseStarted))
	}
	t.Events = g.chaosEvents(t.Events, ts, te)
	t.Events = g.probes(t.Events, ts, te)
	if i == g.ticks-1 {
		t.Events = append(t.Events, g.experiment(g.end, chaosconv.PhaseCompleted))
	}
	// Stable: the transition stays before "started" at the same instant.
	slices.SortStableFunc(t.Events, func(a, b GenEvent) int { return cmp.Compare(a.TimeUnixNano, b.TimeUnixNano) })
	return t, true
}

// frac is the position of t in the scenario, in [0, 1].
func (g *Generator) frac(t int64) float64 {
	return float64(t-g.o.Start.UnixNano()) / float64(g.o.Duration)
}

// chaosEvents draws the tick's chaos events as a non-homogeneous Poisson
// process (thinning): candidates at the scenario's peak rate, each kept
// with probability rate(t)/peak. Phase changes therefore take effect at
// the exact event time, not at tick boundaries.
func (g *Generator) chaosEvents(dst []GenEvent, ts, te time.Time) []GenEvent {
	span := te.Sub(ts)
	lambda := g.o.Rate * g.maxMult * span.Seconds()
	n := poisson(g.rng, lambda)
	for range n {
		at := ts.UnixNano() + g.rng.Int64N(int64(span))
		p := phaseAt(g.o.Scenario, g.frac(at))
		if g.rng.Float64()*g.maxMult >= p.rateMult {
			continue
		}
		dst = append(dst, g.chaosEvent(at, &p))
	}
	return dst
}

func (g *Generator) base(at int64, kind chaosconv.Kind, service string) GenEvent {
	return GenEvent{
		Service: service,
		Event: chaosconv.Event{
			TimeUnixNano: at,
			Kind:         kind,
			Source:       g.o.Source,
			Scenario:     g.o.Scenario,
		},
	}
}

func (g *Generator) chaosEvent(at int64, p *phase) GenEvent {
	r := g.rng
	switch pickWeighted(r, p.weights[:]) {
	case mixLatency:
		svc, ep := pickEndpoint(r)
		e := g.base(at, chaosconv.KindLatencyInjection, svc)
		e.DelayMs = int64(math.Round(lognormal(r, p.delayMedianMs, 0.6)))
		e.Fields = chaosconv.FieldDelayMs
		e.Endpoint = maybe(r, 0.05, ep)
		return e
	case mixFault:
		svc, ep := pickFaultEndpoint(r, p.faultSpread)
		e := g.base(at, chaosconv.KindFaultInjection, svc)
		e.FaultType = faultTypes[pickWeighted(r, faultWeights)]
		e.Fields = chaosconv.FieldFaultType
		e.Endpoint = maybe(r, 0.05, ep)
		return e
	case mixRateLimit:
		svc, ep := pickEndpoint(r)
		e := g.base(at, chaosconv.KindRateLimitExceeded, svc)
		e.Endpoint = maybe(r, 0.10, ep)
		if r.Float64() >= 0.03 {
			e.ClientAddress = clientIP(r, p.hotClients)
			e.Fields = chaosconv.FieldClientAddress
		}
		return e
	case mixTraffic:
		// MockForge's TrafficShaping has no endpoint: none here either, so
		// every output format carries the same events.
		svc, _ := pickEndpoint(r)
		e := g.base(at, chaosconv.KindTrafficShaping, svc)
		e.TrafficAction = trafficActions[r.IntN(len(trafficActions))]
		e.TrafficBytes = int64(math.Round(lognormal(r, 16384, 1.0)))
		e.Fields = chaosconv.FieldTrafficAction | chaosconv.FieldTrafficBytes
		return e
	default:
		svc, _ := pickEndpoint(r)
		pd := protocols[r.IntN(len(protocols))]
		e := g.base(at, chaosconv.KindProtocolEvent, svc)
		e.Protocol = pd.name
		e.ProtocolEvent = pd.events[r.IntN(len(pd.events))]
		e.ProtocolDetails = pd.details(r, svc)
		e.Fields = chaosconv.FieldProtocolName | chaosconv.FieldProtocolEvent
		return e
	}
}

// probes emits each service's periodic steady-state probe. Service j
// probes at Start + j·interval/len(services) + k·interval, so the probes
// are spread over the period.
func (g *Generator) probes(dst []GenEvent, ts, te time.Time) []GenEvent {
	iv := int64(g.o.ProbeInterval)
	if iv <= 0 {
		return dst
	}
	start := g.o.Start.UnixNano()
	for j, svc := range services {
		off := iv * int64(j) / int64(len(services))
		// first k with start+off+k·iv >= ts
		k := (ts.UnixNano() - start - off + iv - 1) / iv
		k = max(k, 0)
		for at := start + off + k*iv; at < te.UnixNano(); at += iv {
			dst = append(dst, g.probe(at, svc.name))
		}
	}
	return dst
}

func (g *Generator) probe(at int64, svc string) GenEvent {
	p := phaseAt(g.o.Scenario, g.frac(at))
	r := g.rng
	e := g.base(at, chaosconv.KindProbe, svc)
	e.ProbeName = svc + "-health"
	e.ProbeTarget = "http://" + svc + "/health"
	e.Endpoint = "/health"
	e.ProbeSuccess = r.Float64() >= p.probeFail
	lat := lognormal(r, p.probeLatencyMs, 0.35)
	if !e.ProbeSuccess {
		lat *= 4 // failures are mostly timeouts and slow errors
	}
	e.ProbeLatencyMs = math.Round(lat*1000) / 1000
	e.HasProbeLatency = true
	e.Fields = chaosconv.FieldProbeTarget | chaosconv.FieldProbeSuccess
	return e
}

func (g *Generator) transition(at time.Time) GenEvent {
	e := g.base(at.UnixNano(), chaosconv.KindScenarioTransition, "")
	e.ScenarioFrom = g.o.Previous
	e.ScenarioTo = g.o.Scenario
	e.Fields = chaosconv.FieldScenarioTo
	return e
}

func (g *Generator) experiment(at time.Time, ph chaosconv.Phase) GenEvent {
	e := g.base(at.UnixNano(), chaosconv.KindExperiment, "")
	e.Experiment = g.o.Scenario
	e.ExperimentPhase = ph
	e.Fields = chaosconv.FieldExperimentName | chaosconv.FieldExperimentPhase
	return e
}

// Event mix indices.
const (
	mixLatency = iota
	mixFault
	mixRateLimit
	mixTraffic
	mixProtocol
	mixCount
)

// baselineMix is the share of each chaos event kind in steady state.
var baselineMix = [mixCount]float64{
	mixLatency: 0.55, mixFault: 0.05, mixRateLimit: 0.05, mixTraffic: 0.15, mixProtocol: 0.20,
}

// phase is what a scenario looks like at one instant.
type phase struct {
	rateMult       float64 // × base rate
	weights        [mixCount]float64
	delayMedianMs  float64 // injected delays (log-normal, σ 0.6)
	probeFail      float64 // probability a probe fails
	probeLatencyMs float64 // probe latency median (log-normal, σ 0.35)
	faultSpread    float64 // share of endpoints faults reach, in fault order
	hotClients     float64 // probability a rate-limited client is a hot one
}

func baselinePhase() phase {
	return phase{
		rateMult: 1, weights: baselineMix, delayMedianMs: 40,
		probeFail: 0.01, probeLatencyMs: 12, faultSpread: 1, hotClients: 0.2,
	}
}

// withShare sets the share of kind k to s and scales the others so the
// weights still sum to 1.
func (p *phase) withShare(k int, s float64) {
	rest := 1 - p.weights[k]
	for i := range p.weights {
		if i != k {
			p.weights[i] *= (1 - s) / rest
		}
	}
	p.weights[k] = s
}

// ramp rises linearly from 0 at frac 0 to 1 at frac `until`, then holds.
func ramp(frac, until float64) float64 {
	return math.Min(1, math.Max(0, frac/until))
}

// phaseAt is the scenario's profile, the one place its documented shape
// lives (README "Scenarios").
func phaseAt(scenario string, frac float64) phase {
	p := baselinePhase()
	switch scenario {
	case ScenarioSpike:
		// ×10 for the middle third, with the load's side effects.
		if frac >= 1.0/3 && frac < 2.0/3 {
			p.rateMult = 10
			p.delayMedianMs *= 1.5
			p.probeFail = 0.05
			p.probeLatencyMs *= 2
		}
	case ScenarioLatencyShift:
		// Delays ×5 from halfway on; probes slow down with them.
		p.withShare(mixLatency, 0.75)
		if frac >= 0.5 {
			p.delayMedianMs *= 5
			p.probeLatencyMs *= 5
			p.probeFail = 0.03
		}
	case ScenarioFaultStorm:
		// Fault share climbs from 5 % to 60 % over the first two thirds and
		// spreads from /api/payments to every endpoint; probes fail with it.
		r := ramp(frac, 2.0/3)
		fr := 0.05 + 0.55*r
		p.withShare(mixFault, fr)
		p.faultSpread = 0.2 + 0.8*r
		p.probeFail = 0.01 + 1.1*fr
		p.probeLatencyMs *= 1 + 2*fr
	case ScenarioRateLimit:
		// Traffic triples and RateLimitExceeded saturates from a few client
		// IPs over the first half, then holds.
		r := ramp(frac, 0.5)
		p.rateMult = 1 + 2*r
		p.withShare(mixRateLimit, 0.05+0.65*r)
		p.hotClients = 0.2 + 0.75*r
		p.probeFail = 0.01 + 0.15*r
		p.probeLatencyMs *= 1 + 0.5*r
	case ScenarioSilence:
		// Chaos events stop for the middle half; probes carry on (they
		// watch the system, not the chaos tool) and keep passing.
		if frac >= 0.25 && frac < 0.75 {
			p.rateMult = 0
		}
	}
	return p
}

// maxRateMult is the peak of phaseAt's rateMult, for thinning.
func maxRateMult(scenario string) float64 {
	switch scenario {
	case ScenarioSpike:
		return 10
	case ScenarioRateLimit:
		return 3
	}
	return 1
}

type serviceDef struct {
	name      string
	weight    float64
	endpoints []string
}

var services = []serviceDef{
	{name: "checkout", weight: 0.40, endpoints: []string{"/api/orders", "/api/cart", "/api/users"}},
	{name: "catalog", weight: 0.35, endpoints: []string{"/api/search", "/api/products", "/api/recommendations"}},
	{name: "payments", weight: 0.25, endpoints: []string{"/api/payments", "/api/refunds"}},
}

var serviceWeights = func() []float64 {
	w := make([]float64, len(services))
	for i, s := range services {
		w[i] = s.weight
	}
	return w
}()

// faultOrder is the order a fault storm spreads in: payments first, then
// the services that call it, then the rest.
var faultOrder = []string{
	"/api/payments", "/api/refunds", "/api/orders", "/api/cart",
	"/api/users", "/api/search", "/api/products", "/api/recommendations",
}

var serviceOf = func() map[string]string {
	m := map[string]string{}
	for _, s := range services {
		for _, ep := range s.endpoints {
			m[ep] = s.name
		}
	}
	return m
}()

func pickEndpoint(r *rand.Rand) (service, endpoint string) {
	s := services[pickWeighted(r, serviceWeights)]
	return s.name, s.endpoints[r.IntN(len(s.endpoints))]
}

func pickFaultEndpoint(r *rand.Rand, spread float64) (service, endpoint string) {
	if spread >= 1 {
		return pickEndpoint(r)
	}
	n := max(1, int(math.Ceil(spread*float64(len(faultOrder)))))
	ep := faultOrder[r.IntN(n)]
	return serviceOf[ep], ep
}

var (
	faultTypes     = []string{"http_500", "http_503", "timeout", "connection_reset", "http_502"}
	faultWeights   = []float64{0.35, 0.25, 0.20, 0.10, 0.10}
	trafficActions = []string{"throttle", "drop", "corrupt", "delay"}
	// hotIPs are the few clients that saturate the rate limiter.
	hotIPs       = []string{"203.0.113.7", "203.0.113.42", "198.51.100.23"}
	hotIPWeights = []float64{0.5, 0.3, 0.2}
)

func clientIP(r *rand.Rand, hot float64) string {
	if r.Float64() < hot {
		return hotIPs[pickWeighted(r, hotIPWeights)]
	}
	return "10." + strconv.Itoa(r.IntN(4)) + "." + strconv.Itoa(r.IntN(256)) + "." + strconv.Itoa(1+r.IntN(254))
}

type protocolDef struct {
	name    string
	events  []string
	details func(r *rand.Rand, svc string) []chaosconv.KV
}

var grpcCodes = []string{"UNAVAILABLE", "DEADLINE_EXCEEDED", "RESOURCE_EXHAUSTED", "INTERNAL"}

var protocols = []protocolDef{
	{
		name:   "grpc",
		events: []string{"status_error", "stream_reset", "deadline_exceeded"},
		details: func(r *rand.Rand, svc string) []chaosconv.KV {
			return []chaosconv.KV{
				{Key: "method", Value: "/" + svc + ".v1.Service/Get"},
				{Key: "status", Value: grpcCodes[r.IntN(len(grpcCodes))]},
			}
		},
	},
	{
		name:   "websocket",
		events: []string{"disconnect", "message_dropped", "ping_timeout"},
		details: func(r *rand.Rand, svc string) []chaosconv.KV {
			return []chaosconv.KV{
				{Key: "path", Value: "/ws/" + svc},
				{Key: "close_code", Value: []string{"1001", "1006", "1011"}[r.IntN(3)]},
			}
		},
	},
	{
		name:   "graphql",
		events: []string{"resolver_error", "query_timeout", "partial_response"},
		details: func(r *rand.Rand, svc string) []chaosconv.KV {
			return []chaosconv.KV{
				{Key: "operation", Value: []string{"GetOrder", "SearchProducts", "ListPayments"}[r.IntN(3)]},
				{Key: "service", Value: svc},
			}
		},
	},
}

// maybe returns "" (absent) with probability pAbsent, else v.
func maybe(r *rand.Rand, pAbsent float64, v string) string {
	if r.Float64() < pAbsent {
		return ""
	}
	return v
}

func pickWeighted(r *rand.Rand, w []float64) int {
	total := 0.0
	for _, x := range w {
		total += x
	}
	u := r.Float64() * total
	for i, x := range w {
		if u < x {
			return i
		}
		u -= x
	}
	return len(w) - 1
}

func lognormal(r *rand.Rand, median, sigma float64) float64 {
	return median * math.Exp(sigma*r.NormFloat64())
}

// poisson draws a Poisson(lambda) count: Knuth's method for small lambda,
// the normal approximation above 30.
func poisson(r *rand.Rand, lambda float64) int {
	if lambda <= 0 {
		return 0
	}
	if lambda < 30 {
		limit, p, k := math.Exp(-lambda), 1.0, 0
		for {
			p *= r.Float64()
			if p <= limit {
				return k
			}
			k++
		}
	}
	return max(0, int(math.Round(lambda+math.Sqrt(lambda)*r.NormFloat64())))
}
