package detect

import (
	"bytes"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/otelcol-chaos/otelcol-chaos/internal/chaosconv"
)

// This file generates the labelled scenario corpus, deterministically:
//
//	go test ./processor/anomalyprocessor/internal/detect/ -run TestGenerateCorpus -update
//
// rewrites testdata/scenarios/*.json; without -update the test checks that
// the files are what the generator produces.
//
// # Model
//
// Every event belongs to an endpoint, every endpoint to a service. Per
// endpoint and 1-minute bucket the generator draws:
//   - chaos events: Poisson(rate·g) with g lognormal of CV od (mild
//     overdispersion: chaos injections follow traffic), split by kind
//     (latency, fault, rate limit, traffic shaping, protocol, scenario
//     transition) multinomially;
//   - steady-state probes: Poisson(probes), each failing with probability
//     probeFail;
//   - injected delays: lognormal with the endpoint's median and σ (drawn
//     again by the loader from the stored parameters).
//
// Effects change an endpoint's parameters over a range of buckets:
// background ones (drift) are part of normal behaviour, planned ones (a
// deliberate, lasting change) are ambiguous while the detectors adapt, and
// injected ones are the anomalies.
//
// # Labelling rules
//
// A person marks an anomaly on the scope where it is injected and on every
// containing scope (service, global) where it is visible. The generator
// decides visibility from the expected values first: per scope, type and
// bucket it compares the scope's expected metric with the injected effects
// of that type ("actual") and without them ("normal"), in units of the
// metric's noise in that scope (ambiguous thresholds low: any visible
// effect of a real injection is at worst ambiguous, never a false
// positive):
//
//	event_spike          d = E_act − E_norm events, σ = √(Σ rate + (od·rate)² + probes):
//	                     marked if d ≥ 6σ and d ≥ 15, ambiguous if d ≥ 2σ and d ≥ 5
//	high_error_rate      p = (faults + failed probes)/events, σ = max(√(p(1−p)/E), 0.02):
//	                     marked if Δp ≥ 6σ and p_act ≥ 0.25, ambiguous if Δp ≥ 2σ and p_act ≥ 0.15
//	resource_exhaustion  p = (rate limit + traffic shaping)/events, same σ:
//	                     marked if Δp ≥ 6σ and p_act ≥ 0.35, ambiguous if Δp ≥ 2σ and p_act ≥ 0.2
//	latency_anomaly      p95 of the injected delays; median and σ (1.4826·MAD) of the
//	                     bucket p95 by Monte Carlo: marked if Δ ≥ 6σ and ×1.5,
//	                     ambiguous if Δ ≥ 2σ and ×1.2
//	unexpected_quiet     r = E_act/E_norm: marked if r ≤ 0.1 and E_norm ≥ 10,
//	                     ambiguous if r ≤ 0.5 and E_norm ≥ 4
//
// A run of consecutive buckets that are marked or ambiguous is one label,
// ending at the run's last bucket. When the run's first bucket is marked,
// or its second (the impact is still growing into view in the first, as on
// a service whose endpoints fail one after the other), the label is marked
// and starts there: it must be detected within 2 buckets of that start.
// Otherwise it is ambiguous ("may": neither credited nor penalised, see
// fileLabel) over the whole run — an anomaly that only grows into view
// gradually has no onset a person could point at. A marked label is then
// checked against the drawn buckets (see confirm): an anomaly near the
// limit can be drawn small, and a person marks what the chart shows.
//
// A cascading failure is labelled on the global scope from its design:
// impact (a high error rate) spreading to a new endpoint in each of at
// least three consecutive buckets, over at least four endpoints. The label
// starts at the first spread (the second endpoint's onset: one failing
// endpoint is a high error rate, not a cascade) and ends when the last
// endpoint recovers. Several endpoints failing in the same bucket
// (an outage) or two endpoints one after the other are not cascades.
//
// Level shifts: a planned, lasting change (the experiment's injection rate
// doubled, a larger delay configured) is ambiguous for the first 30
// buckets, while the baselines learn the new level — a detector may flag
// the step once, a person might or might not — and normal afterwards: a
// detection after that, or a second one, is a false positive. A small
// planned change (+15 % rate, −35 % rate, +15 % delay) is not visible by
// the rules above and belongs to the calm scenarios.

const (
	kLat = iota
	kFault
	kRL
	kTS
	kProto
	kScn
	kindN
)

// params is an endpoint's behaviour in one bucket.
type params struct {
	rate, od     float64 // chaos events per bucket (probes aside); CV of the rate
	mix          [kindN]float64
	probes       float64 // steady-state probes per bucket
	probeFail    float64
	latMs, latSd float64 // lognormal delays: median, σ of the log
}

// share sets the share of kind k, scaling the other kinds to keep the sum.
func (p *params) share(k int, s float64) {
	rest := 1 - p.mix[k]
	for i := range p.mix {
		if i != k {
			p.mix[i] *= (1 - s) / rest
		}
	}
	p.mix[k] = s
}

// saturation sets the share of rate-limit plus traffic-shaping events.
func (p *params) saturation(s float64) {
	old := p.mix[kRL] + p.mix[kTS]
	f := p.mix[kRL] / old
	for i := range p.mix {
		if i != kRL && i != kTS {
			p.mix[i] *= (1 - s) / (1 - old)
		}
	}
	p.mix[kRL], p.mix[kTS] = s*f, s*(1-f)
}

type effectKind uint8

const (
	background effectKind = iota // normal behaviour (drift)
	planned                      // a deliberate lasting change: ambiguous while detectors adapt
	injected                     // an anomaly
)

// plannedWindow is how long a planned change stays ambiguous.
const plannedWindow = 30

type effect struct {
	kind       effectKind
	typ        chaosconv.AnomalyType // injected/planned: the type a person would consider
	eps        []int
	start, end int // buckets, inclusive
	apply      func(p *params, t int)
}

type cascadeDef struct {
	start, end int
	why        string
}

type scenario struct {
	file     scenarioFile
	services [][]int // endpoint indices per service
	base     []params
	effects  []effect
	cascades []cascadeDef
	rng      *rand.Rand // design choices (not the sampling)
}

var (
	serviceNames = []string{"checkout", "payments", "catalog", "cart", "search", "auth", "inventory", "shipping", "reviews", "pricing"}
	routeNames   = []string{"GET /%s", "POST /%s", "GET /%s/{id}", "PUT /%s/{id}", "GET /%s/status", "POST /%s/batch", "DELETE /%s/{id}"}
)

// corpusStart is 2026-01-01T00:00:00Z.
const corpusStart = int64(1767225600) * 1e9

// newScenario builds a topology: shape[i] endpoints in service i, endpoint
// rates around volume × 10..60 events per minute.
func newScenario(name string, seed uint64, buckets int, shape []int, volume float64, desc string) *scenario {
	s := &scenario{rng: rand.New(rand.NewPCG(seed, 0xdecaf))}
	s.file = scenarioFile{Name: name, Description: desc, Seed: seed, Columns: bucketColumns, StartUnixNano: corpusStart,
		BucketSeconds: 60, Buckets: buckets}
	first := int(seed % uint64(len(serviceNames)))
	for i, n := range shape {
		svc := serviceNames[(first+i)%len(serviceNames)]
		fs := fileService{Name: svc}
		var idx []int
		for j := range n {
			key := fmt.Sprintf(routeNames[(j+i)%len(routeNames)], svc)
			fs.Endpoints = append(fs.Endpoints, key)
			idx = append(idx, len(s.base))
			s.base = append(s.base, s.randomParams(volume))
			p := s.base[len(s.base)-1]
			s.file.Endpoints = append(s.file.Endpoints, fileEndpoint{Key: key, Service: svc, LatMs: p.latMs, LatSd: p.latSd})
		}
		s.file.Services = append(s.file.Services, fs)
		s.services = append(s.services, idx)
	}
	return s
}

func (s *scenario) uniform(lo, hi float64) float64 { return lo + (hi-lo)*s.rng.Float64() }

func (s *scenario) randomParams(volume float64) params {
	p := params{
		rate:      volume * s.uniform(10, 60),
		od:        s.uniform(0.04, 0.1),
		probes:    s.uniform(2, 4),
		probeFail: s.uniform(0.01, 0.03),
		latMs:     math.Round(10*math.Exp(s.uniform(math.Log(40), math.Log(400)))) / 10,
		latSd:     math.Round(100*s.uniform(0.3, 0.6)) / 100,
	}
	p.mix = [kindN]float64{s.uniform(0.35, 0.55), s.uniform(0.03, 0.08), s.uniform(0.02, 0.05),
		s.uniform(0.02, 0.05), s.uniform(0.05, 0.12), 0.01}
	var sum float64
	for _, v := range p.mix {
		sum += v
	}
	for i := range p.mix {
		p.mix[i] /= sum
	}
	return p
}

// Targets.
func (s *scenario) svc(i int) []int { return s.services[i] }
func (s *scenario) all() []int {
	var out []int
	for _, v := range s.services {
		out = append(out, v...)
	}
	return out
}

func (s *scenario) add(kind effectKind, typ chaosconv.AnomalyType, eps []int, start, end int, apply func(p *params, t int)) {
	s.effects = append(s.effects, effect{kind: kind, typ: typ, eps: eps, start: start, end: end, apply: apply})
}

// spike multiplies the rate of eps so that their total rises by k σ of
// their noise (k ≥ 6 is marked; the multiplier is derived from the
// endpoints' parameters at start).
func (s *scenario) spike(eps []int, start, dur int, k float64) {
	var e, v float64
	for _, i := range eps {
		p := s.params(i, start, nil)
		e += p.rate + p.probes
		v += p.rate + p.od*p.od*p.rate*p.rate + p.probes
	}
	m := 1 + k*math.Sqrt(v)/e
	s.add(injected, chaosconv.AnomalyEventSpike, eps, start, start+dur-1, func(p *params, _ int) { p.rate *= m })
}

func (s *scenario) spikeX(eps []int, start, dur int, m float64) {
	s.add(injected, chaosconv.AnomalyEventSpike, eps, start, start+dur-1, func(p *params, _ int) { p.rate *= m })
}

func (s *scenario) latency(eps []int, start, dur int, m float64) {
	s.add(injected, chaosconv.AnomalyLatency, eps, start, start+dur-1, func(p *params, _ int) { p.latMs *= m })
}

// errors sets the fault share and the probe failure probability.
func (s *scenario) errors(eps []int, start, dur int, fault, probeFail float64) {
	s.add(injected, chaosconv.AnomalyHighErrorRate, eps, start, start+dur-1, func(p *params, _ int) {
		p.share(kFault, fault)
		p.probeFail = max(p.probeFail, probeFail)
	})
}

func (s *scenario) saturate(eps []int, start, dur int, share float64) {
	s.add(injected, chaosconv.AnomalyResourceExhaustion, eps, start, start+dur-1, func(p *params, _ int) { p.saturation(share) })
}

// quiet scales events and probes by ratio (0: the endpoints send nothing,
// their buckets are missing).
func (s *scenario) quiet(eps []int, start, dur int, ratio float64) {
	s.add(injected, chaosconv.AnomalyUnexpectedQuiet, eps, start, start+dur-1, func(p *params, _ int) {
		p.rate *= ratio
		p.probes *= ratio
	})
}

// cascade makes eps fail one after another: eps[i] from start+onsets[i]
// for durs[i] buckets, with the given fault share.
func (s *scenario) cascade(eps, onsets, durs []int, start int, fault float64, marked bool) {
	end := 0
	var times []int
	for i, e := range eps {
		a := start + onsets[i]
		s.errors([]int{e}, a, durs[i], fault, 0.6)
		end = max(end, a+durs[i]-1)
		if !slices.Contains(times, a) {
			times = append(times, a)
		}
	}
	slices.Sort(times)
	run, longest := 1, 1
	for i := 1; i < len(times); i++ {
		if times[i] == times[i-1]+1 {
			run++
		} else {
			run = 1
		}
		longest = max(longest, run)
	}
	// The labelling rule: a new endpoint in each of ≥ 3 consecutive
	// buckets after the first, ≥ 4 endpoints in all.
	if cascading := len(eps) >= 4 && longest >= 4; cascading != marked {
		panic(fmt.Sprintf("cascade %v at %d: designed as a cascade = %v, the rule says %v", eps, start, marked, cascading))
	}
	if !marked {
		return // an outage, or not spreading far enough: not a cascade
	}
	why := fmt.Sprintf("high error rate (%.0f %% faults) spreading over %d endpoints in %d steps", 100*fault, len(eps), len(times))
	s.cascades = append(s.cascades, cascadeDef{start: times[1], end: end, why: why})
}

// plannedRate multiplies the rate from start on (a deliberate change).
func (s *scenario) plannedRate(eps []int, start int, m float64, typ chaosconv.AnomalyType) {
	s.add(planned, typ, eps, start, s.file.Buckets-1, func(p *params, _ int) { p.rate *= m; p.probes *= min(m, 1) })
}

func (s *scenario) plannedLatency(eps []int, start int, m float64) {
	s.add(planned, chaosconv.AnomalyLatency, eps, start, s.file.Buckets-1, func(p *params, _ int) { p.latMs *= m })
}

// drift changes rate and delay linearly by the given fraction per hour.
func (s *scenario) drift(eps []int, ratePerHour, latPerHour float64) {
	s.add(background, "", eps, 0, s.file.Buckets-1, func(p *params, t int) {
		p.rate *= 1 + ratePerHour*float64(t)/60
		p.latMs *= 1 + latPerHour*float64(t)/60
	})
}

// params is endpoint i's behaviour in bucket t, without the effects skip
// rejects.
func (s *scenario) params(i, t int, skip func(*effect) bool) params {
	p := s.base[i]
	for k := range s.effects {
		e := &s.effects[k]
		if t < e.start || t > e.end || !slices.Contains(e.eps, i) || (skip != nil && skip(e)) {
			continue
		}
		e.apply(&p, t)
	}
	return p
}

// --- sampling ---

func poisson(r *rand.Rand, lambda float64) int {
	n := 0
	for lambda > 0 {
		l := min(lambda, 30)
		lambda -= l
		limit, p := math.Exp(-l), r.Float64()
		for p > limit {
			n++
			p *= r.Float64()
		}
	}
	return n
}

func binomial(r *rand.Rand, n int, p float64) int {
	k := 0
	for range n {
		if r.Float64() < p {
			k++
		}
	}
	return k
}

func (s *scenario) sample(r *rand.Rand, i int, p params) *fileBucket {
	g := math.Exp(p.od*r.NormFloat64() - p.od*p.od/2)
	n := poisson(r, p.rate*g)
	var c [kindN]int
	left := 1.0
	for k := range kindN {
		if k == kindN-1 {
			c[k] = n
			break
		}
		q := 0.0
		if left > 0 {
			q = min(1, p.mix[k]/left)
		}
		c[k] = binomial(r, n, q)
		n -= c[k]
		left -= p.mix[k]
	}
	probes := poisson(r, p.probes)
	fail := binomial(r, probes, p.probeFail)
	b := &fileBucket{Lat: c[kLat], Fault: c[kFault], RL: c[kRL], TS: c[kTS], Proto: c[kProto], Scn: c[kScn],
		OK: probes - fail, Fail: fail}
	if b.events() == 0 {
		return nil
	}
	if ms := math.Round(10*p.latMs) / 10; b.Lat > 0 && ms != s.file.Endpoints[i].LatMs {
		b.Ms = ms
	}
	if sd := math.Round(100*p.latSd) / 100; b.Lat > 0 && sd != s.file.Endpoints[i].LatSd {
		b.Sd = sd
	}
	return b
}

// --- labelling ---

type class int8

const (
	clsNone class = iota
	clsMay
	clsMarked
)

type labelScope struct {
	kind chaosconv.ScopeKind
	key  string
	eps  []int
}

func (s *scenario) scopes() []labelScope {
	out := []labelScope{{kind: chaosconv.ScopeGlobal, eps: s.all()}}
	for i, f := range s.file.Services {
		out = append(out, labelScope{kind: chaosconv.ScopeService, key: f.Name, eps: s.services[i]})
	}
	for i, e := range s.file.Endpoints {
		out = append(out, labelScope{kind: chaosconv.ScopeEndpoint, key: e.Key, eps: []int{i}})
	}
	return out
}

// expect is a scope's expected metrics from its endpoints' parameters.
type expect struct {
	events, variance, errors, saturated float64
	lat                                 []latComp
}

type latComp struct{ n, ms, sd, od float64 }

func expectOf(ps []params) expect {
	var x expect
	for _, p := range ps {
		x.events += p.rate + p.probes
		x.variance += p.rate + p.od*p.od*p.rate*p.rate + p.probes
		x.errors += p.rate*p.mix[kFault] + p.probes*p.probeFail
		x.saturated += p.rate * (p.mix[kRL] + p.mix[kTS])
		if n := p.rate * p.mix[kLat]; n > 0 {
			x.lat = append(x.lat, latComp{n: n, ms: p.latMs, sd: p.latSd, od: p.od})
		}
	}
	return x
}

// p95Cache memoises the Monte Carlo p95 distribution per mixture.
type p95Stat struct{ median, sigma float64 }

var p95Cache = map[string]p95Stat{}

// p95Of is the median and robust σ of a bucket's p95 delay for a mixture
// of lognormal components with Poisson counts (NaN σ when buckets rarely
// have delays).
func p95Of(comps []latComp) p95Stat {
	var key strings.Builder
	for _, c := range comps {
		fmt.Fprintf(&key, "%.3g/%.4g/%.3g/%.3g;", c.n, c.ms, c.sd, c.od)
	}
	if v, ok := p95Cache[key.String()]; ok {
		return v
	}
	r := rand.New(rand.NewPCG(95, 5))
	const reps = 300
	var p95s, vals []float64
	for range reps {
		vals = vals[:0]
		for _, c := range comps {
			g := math.Exp(c.od*r.NormFloat64() - c.od*c.od/2)
			for range poisson(r, c.n*g) {
				vals = append(vals, float64(drawDelay(r, c.ms, c.sd)))
			}
		}
		if len(vals) == 0 {
			continue
		}
		slices.Sort(vals)
		p95s = append(p95s, vals[int(math.Ceil(0.95*float64(len(vals))))-1])
	}
	st := p95Stat{median: math.NaN(), sigma: math.NaN()}
	if len(p95s) >= reps/2 {
		st.median = median(p95s)
		dev := make([]float64, len(p95s))
		for i, v := range p95s {
			dev[i] = math.Abs(v - st.median)
		}
		st.sigma = 1.4826 * median(dev)
	}
	p95Cache[key.String()] = st
	return st
}

func median(v []float64) float64 {
	v = slices.Clone(v)
	slices.Sort(v)
	n := len(v)
	if n%2 == 1 {
		return v[n/2]
	}
	return (v[n/2-1] + v[n/2]) / 2
}

// classify applies the labelling rules to one scope, type and bucket.
func classify(typ chaosconv.AnomalyType, act, norm expect) (class, string) {
	grade := func(marked, may bool) class {
		switch {
		case marked:
			return clsMarked
		case may:
			return clsMay
		}
		return clsNone
	}
	switch typ {
	case chaosconv.AnomalyEventSpike:
		d, sd := act.events-norm.events, math.Sqrt(norm.variance)
		return grade(d >= 6*sd && d >= 15, d >= 2*sd && d >= 5),
			fmt.Sprintf("%.0f events expected instead of %.0f (+%.1fσ)", act.events, norm.events, d/sd)
	case chaosconv.AnomalyHighErrorRate, chaosconv.AnomalyResourceExhaustion:
		if act.events < 1 || norm.events < 1 {
			return clsNone, ""
		}
		pa, pn := act.errors/act.events, norm.errors/norm.events
		lvl, maylvl := 0.25, 0.15
		if typ == chaosconv.AnomalyResourceExhaustion {
			pa, pn = act.saturated/act.events, norm.saturated/norm.events
			lvl, maylvl = 0.35, 0.2
		}
		sd := max(math.Sqrt(pn*(1-pn)/norm.events), 0.02)
		z := (pa - pn) / sd
		return grade(z >= 6 && pa >= lvl, z >= 2 && pa >= maylvl),
			fmt.Sprintf("ratio %.2f expected instead of %.2f (+%.1fσ)", pa, pn, z)
	case chaosconv.AnomalyLatency:
		a, n := p95Of(act.lat), p95Of(norm.lat)
		if math.IsNaN(a.median) || math.IsNaN(n.sigma) || n.sigma <= 0 {
			return clsNone, ""
		}
		z, ratio := (a.median-n.median)/n.sigma, a.median/n.median
		return grade(z >= 6 && ratio >= 1.5, z >= 2 && ratio >= 1.2),
			fmt.Sprintf("p95 delay %.0f ms expected instead of %.0f ms (×%.1f, +%.1fσ)", a.median, n.median, ratio, z)
	case chaosconv.AnomalyUnexpectedQuiet:
		r := act.events / norm.events
		return grade(r <= 0.1 && norm.events >= 10, r <= 0.5 && norm.events >= 4),
			fmt.Sprintf("%.1f events expected instead of %.0f", act.events, norm.events)
	}
	return clsNone, ""
}

func (s *scenario) expectAt(sc labelScope, t int, skip func(*effect) bool) expect {
	ps := make([]params, len(sc.eps))
	for j, i := range sc.eps {
		ps[j] = s.params(i, t, skip)
	}
	return expectOf(ps)
}

func (s *scenario) labels() []fileLabel {
	var out []fileLabel
	n := s.file.Buckets
	for _, sc := range s.scopes() {
		for _, d := range perScopeDetectors {
			if addedLater(d.metric) {
				continue // the corpus has no requests: their detectors never speak
			}
			typ := d.typ
			touches := func(e *effect) bool {
				if e.typ != typ || e.kind == background {
					return false
				}
				for _, i := range e.eps {
					if slices.Contains(sc.eps, i) {
						return true
					}
				}
				return false
			}
			var relevant []*effect
			for k := range s.effects {
				if touches(&s.effects[k]) {
					relevant = append(relevant, &s.effects[k])
				}
			}
			if len(relevant) == 0 {
				continue
			}
			cls := make([]class, n)
			why := make([]string, n)
			for t := range n {
				active := false
				for _, e := range relevant {
					if t >= e.start && (t <= e.end && e.kind == injected || t <= e.start+plannedWindow && e.kind == planned) {
						active = true
					}
				}
				if !active {
					continue
				}
				act := s.expectAt(sc, t, nil)
				c, w := classify(typ, act, s.expectAt(sc, t, func(e *effect) bool { return e.kind == injected && e.typ == typ }))
				for _, e := range relevant {
					if e.kind == planned && t >= e.start && t <= e.start+plannedWindow {
						pc, pw := classify(typ, act, s.expectAt(sc, t, func(e *effect) bool { return e.kind != background && e.typ == typ }))
						if pc := min(pc, clsMay); pc > c {
							c, w = pc, "planned lasting change, while the baseline adapts: "+pw
						}
						break
					}
				}
				cls[t], why[t] = c, w
			}
			for t := 0; t < n; {
				if cls[t] == clsNone {
					t++
					continue
				}
				a := t
				for t < n && cls[t] != clsNone {
					t++
				}
				l := fileLabel{Type: typ, Scope: sc.kind.String(), Key: sc.key, Start: a, End: t - 1, Why: why[a]}
				switch {
				case cls[a] == clsMarked:
				case a+1 < t && cls[a+1] == clsMarked:
					// One ambiguous bucket first (the impact is still
					// growing into view): the onset is the next one.
					l.Start, l.Why = a+1, why[a+1]
				default:
					l.May = true
					for k := a; k < t; k++ {
						if cls[k] == clsMarked {
							l.Why = why[k] + " (onset gradual)"
							break
						}
					}
				}
				out = append(out, l)
			}
		}
	}
	for _, c := range s.cascades {
		out = append(out, fileLabel{Type: chaosconv.AnomalyCascadingFailure, Scope: chaosconv.ScopeGlobal.String(),
			Start: c.start, End: c.end, Why: c.why})
	}
	slices.SortStableFunc(out, func(a, b fileLabel) int {
		if a.Start != b.Start {
			return a.Start - b.Start
		}
		return strings.Compare(string(a.Type), string(b.Type))
	})
	return out
}

// generate draws the buckets and computes the labels.
func (s *scenario) generate() *scenarioFile {
	r := rand.New(rand.NewPCG(s.file.Seed, 1))
	for i := range s.file.Endpoints {
		s.file.Endpoints[i].Buckets = make([]*fileBucket, s.file.Buckets)
	}
	for t := range s.file.Buckets {
		for i := range s.file.Endpoints {
			s.file.Endpoints[i].Buckets[t] = s.sample(r, i, s.params(i, t, nil))
		}
	}
	s.file.Labels = s.confirm(s.labels())
	if s.file.Labels == nil {
		s.file.Labels = []fileLabel{}
	}
	s.file.Calm = len(s.file.Labels) == 0
	return &s.file
}

// confirm checks each marked label against the drawn buckets: a person
// marks what the chart shows, and an anomaly whose expected effect is
// near the limit can be drawn small. Over the label's first (up to) three
// buckets, the onset a detection must fall in, the drawn metric must show
// the anomaly: an event spike ≥ 5σ over the normal expectation in one of
// them; a ratio or p95 delay ≥ 5σ over it on average (median for delays);
// a quiet at most a quarter of the normal events on average. Otherwise the
// label becomes ambiguous.
func (s *scenario) confirm(labels []fileLabel) []fileLabel {
	points := map[string][]*Point{}
	for _, sc := range s.scopes() {
		points[scopeName(sc.kind.String(), sc.key)] = make([]*Point, s.file.Buckets)
	}
	for _, bt := range s.file.buckets() {
		for _, b := range bt.buckets {
			p := PointOf(b)
			points[scopeName(b.Scope.String(), b.Key)][bt.index] = &p
		}
	}
	scopes := map[string]labelScope{}
	for _, sc := range s.scopes() {
		scopes[scopeName(sc.kind.String(), sc.key)] = sc
	}
	for i := range labels {
		l := &labels[i]
		if l.May || l.Type == chaosconv.AnomalyCascadingFailure {
			continue
		}
		name := scopeName(l.Scope, l.Key)
		sc := scopes[name]
		var shifts, values []float64
		var events, expected float64
		for t := l.Start; t <= min(l.End, l.Start+2); t++ {
			p := points[name][t]
			if p == nil {
				z := ZeroPoint(0)
				p = &z
			}
			norm := s.expectAt(sc, t, func(e *effect) bool { return e.kind == injected && e.typ == l.Type })
			events += p.Values[mEvents]
			expected += norm.events
			switch l.Type {
			case chaosconv.AnomalyEventSpike:
				shifts = append(shifts, (p.Values[mEvents]-norm.events)/math.Sqrt(norm.variance))
			case chaosconv.AnomalyHighErrorRate, chaosconv.AnomalyResourceExhaustion:
				pn, x := norm.errors/norm.events, p.Values[mErrors]
				if l.Type == chaosconv.AnomalyResourceExhaustion {
					pn, x = norm.saturated/norm.events, p.Values[mSaturation]
				}
				shifts = append(shifts, (x-pn)/max(math.Sqrt(pn*(1-pn)/norm.events), 0.02))
			case chaosconv.AnomalyLatency:
				if st := p95Of(norm.lat); !math.IsNaN(p.Values[mLatency]) && st.sigma > 0 {
					values = append(values, (p.Values[mLatency]-st.median)/st.sigma)
				}
			}
		}
		var ok bool
		switch l.Type {
		case chaosconv.AnomalyEventSpike:
			ok = slices.Max(shifts) >= 5
		case chaosconv.AnomalyHighErrorRate, chaosconv.AnomalyResourceExhaustion:
			var sum float64
			for _, v := range shifts {
				sum += v
			}
			ok = sum/float64(len(shifts)) >= 5
		case chaosconv.AnomalyLatency:
			ok = len(values) > 0 && median(values) >= 5
		case chaosconv.AnomalyUnexpectedQuiet:
			ok = events <= 0.25*expected
		}
		if !ok {
			l.May = true
			l.Why += " (drawn small)"
		}
	}
	return labels
}

func TestGenerateCorpus(t *testing.T) {
	files := map[string][]byte{}
	marked := map[chaosconv.AnomalyType]int{}
	var calm int
	for _, sc := range corpus() {
		f := sc.generate()
		if f.Calm != strings.HasPrefix(f.Name, "calm_") {
			t.Errorf("%s: calm = %v (labels %v): calm scenarios, and only they, are named calm_*", f.Name, f.Calm, f.Labels)
		}
		if f.Calm {
			calm++
		}
		for _, l := range f.Labels {
			if !l.May {
				marked[l.Type]++
			}
		}
		name := f.Name + ".json"
		if _, dup := files[name]; dup {
			t.Fatalf("duplicate scenario %s", name)
		}
		files[name] = encodeScenario(f)
	}
	for _, typ := range chaosconv.AnomalyTypes {
		t.Logf("%-20s %3d marked labels", typ, marked[typ])
		if marked[typ] < 20 {
			t.Errorf("%s: %d marked labels, want ≥ 20", typ, marked[typ])
		}
	}
	t.Logf("%d scenarios, %d calm", len(files), calm)
	if *update {
		if err := os.MkdirAll(scenarioDir, 0o755); err != nil {
			t.Fatal(err)
		}
		old, _ := filepath.Glob(filepath.Join(scenarioDir, "*.json"))
		for _, p := range old {
			if _, ok := files[filepath.Base(p)]; !ok {
				if err := os.Remove(p); err != nil {
					t.Fatal(err)
				}
			}
		}
		for name, data := range files {
			if err := os.WriteFile(filepath.Join(scenarioDir, name), data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		return
	}
	paths, err := scenarioPaths()
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) != len(files) {
		t.Errorf("%d scenario files, the generator makes %d: run with -update", len(paths), len(files))
	}
	for name, want := range files {
		got, err := os.ReadFile(filepath.Join(scenarioDir, name))
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s is not what the generator makes: run with -update", name)
		}
	}
}

// scale multiplies every endpoint's rate and probes (background).
func (s *scenario) scale(rate, probes float64) {
	s.add(background, "", s.all(), 0, s.file.Buckets-1, func(p *params, _ int) { p.rate *= rate; p.probes *= probes })
}

// steady sets a constant fault share and probe failure (background).
func (s *scenario) steadyFaults(eps []int, fault, probeFail float64) {
	s.add(background, "", eps, 0, s.file.Buckets-1, func(p *params, _ int) { p.share(kFault, fault); p.probeFail = probeFail })
}

func (s *scenario) steadySaturation(eps []int, share float64) {
	s.add(background, "", eps, 0, s.file.Buckets-1, func(p *params, _ int) { p.saturation(share) })
}

// corpus is every scenario, in file order.
func corpus() []*scenario {
	var out []*scenario
	add := func(s *scenario) { out = append(out, s) }
	one := func(n int) []int { return []int{n} }
	ES, QU := chaosconv.AnomalyEventSpike, chaosconv.AnomalyUnexpectedQuiet

	// --- calm: nothing a person would mark ---
	add(newScenario("calm_noise_a", 101, 240, []int{2, 2, 2}, 1, "noise only: Poisson-like counts, lognormal delays, base fault and rate-limit shares"))
	add(newScenario("calm_noise_b", 102, 240, []int{3, 2}, 2, "noise only, higher volume"))
	add(newScenario("calm_noise_c", 103, 180, []int{1, 2, 1}, 0.6, "noise only, lower volume"))
	s := newScenario("calm_drift_up", 104, 180, []int{2, 2, 1}, 1, "slow drift: rate and delays +10 % per hour (+30 % over the run)")
	s.drift(s.all(), 0.1, 0.1)
	add(s)
	s = newScenario("calm_drift_down", 105, 180, []int{2, 3}, 1.5, "slow drift: rate −10 % per hour, delays +10 % per hour")
	s.drift(s.all(), -0.1, 0.1)
	add(s)
	s = newScenario("calm_steady_faults", 106, 240, []int{2, 2, 2}, 1, "steady fault injection: 35 % faults and 20 % failed probes everywhere, 45 % rate limiting on one service, all the time")
	s.steadyFaults(s.all(), 0.35, 0.2)
	s.steadySaturation(s.svc(1), 0.45)
	add(s)
	s = newScenario("calm_low_volume", 107, 240, []int{2, 2, 1}, 0.06, "always quiet: a few events per minute in all, endpoints often without any bucket")
	s.scale(1, 0.15)
	add(s)
	s = newScenario("calm_small_steps", 108, 240, []int{2, 2, 1}, 1, "small planned changes a person would not mark: rate +15 % at 60 (stays), one service's rate −35 % at 130 (stays), one endpoint's delay +15 % at 180 (stays)")
	s.plannedRate(s.all(), 60, 1.15, ES)
	s.plannedRate(s.svc(1), 130, 0.65, QU)
	s.plannedLatency(one(0), 180, 1.15)
	add(s)

	// --- level shifts: ambiguous while the baselines adapt ---
	s = newScenario("shift_rate_double", 201, 240, []int{2, 2, 1}, 1, "planned lasting changes: the whole experiment's rate doubles at 80, one service's delays double at 160")
	s.plannedRate(s.all(), 80, 2, ES)
	s.plannedLatency(s.svc(0), 160, 2)
	add(s)
	s = newScenario("shift_rate_down", 202, 200, []int{3, 2}, 1, "planned lasting changes: one service's rate −60 % at 70, one endpoint's rate ×3 at 130")
	s.plannedRate(s.svc(1), 70, 0.4, QU)
	s.plannedRate(one(1), 130, 3, ES)
	add(s)

	// --- event spikes ---
	s = newScenario("spikes_a", 301, 220, []int{2, 2, 1}, 1, "event spikes of 1–3 buckets on endpoints, a service and globally, 7σ–40σ")
	s.spike(one(0), 45, 1, 12)
	s.spike(s.svc(1), 80, 3, 10)
	s.spike(one(4), 115, 2, 7)
	s.spike(s.all(), 150, 2, 9)
	s.spike(one(2), 185, 1, 40)
	add(s)
	s = newScenario("spikes_b", 302, 220, []int{3, 2}, 1.5, "event spikes, larger volume, 7σ–25σ, up to 4 buckets")
	s.spike(one(3), 40, 4, 8)
	s.spike(one(1), 75, 1, 7)
	s.spike(s.svc(0), 110, 2, 15)
	s.spike(one(4), 145, 1, 25)
	s.spike(s.all(), 180, 1, 7)
	add(s)
	s = newScenario("spikes_c", 303, 200, []int{1, 2, 2}, 0.7, "event spikes on a lower-volume system, ×2–×6")
	s.spikeX(one(0), 50, 2, 3)
	s.spikeX(one(2), 85, 1, 6)
	s.spikeX(s.svc(2), 120, 3, 2.5)
	s.spikeX(one(4), 160, 2, 4)
	add(s)
	s = newScenario("spikes_d", 304, 240, []int{2, 3, 1}, 1.2, "event spikes near the detection limit (6.5σ–8σ) and a large one")
	s.spike(one(5), 40, 2, 6.5)
	s.spike(one(2), 75, 1, 8)
	s.spike(s.svc(1), 110, 2, 7)
	s.spike(one(0), 145, 3, 6.5)
	s.spike(s.all(), 180, 2, 30)
	s.spike(one(3), 215, 1, 7.5)
	add(s)

	// --- latency ---
	s = newScenario("latency_a", 401, 220, []int{2, 2, 1}, 1, "injected delays ×2–×5 on endpoints and a service, 3–15 buckets")
	s.latency(one(0), 45, 6, 3)
	s.latency(one(3), 85, 10, 2)
	s.latency(s.svc(0), 125, 4, 5)
	s.latency(one(4), 165, 15, 2.5)
	add(s)
	s = newScenario("latency_b", 402, 240, []int{3, 2}, 1.5, "injected delays ×1.8–×4, near the limit on busy endpoints")
	s.latency(one(1), 40, 8, 1.8)
	s.latency(one(4), 80, 5, 4)
	s.latency(s.all(), 120, 6, 2.2)
	s.latency(one(2), 165, 20, 1.8)
	s.latency(one(3), 205, 3, 3)
	add(s)
	s = newScenario("latency_c", 403, 200, []int{2, 1, 2}, 0.8, "injected delays on a lower-volume system")
	s.latency(one(2), 45, 5, 4)
	s.latency(s.svc(2), 90, 8, 3)
	s.latency(one(0), 135, 3, 6)
	s.latency(one(1), 170, 10, 2.5)
	add(s)

	// --- high error rate ---
	s = newScenario("errors_a", 501, 220, []int{2, 2, 1}, 1, "fault injection bursts: 30–90 % faults, failed probes, 3–20 buckets")
	s.errors(one(0), 45, 5, 0.5, 0.5)
	s.errors(one(3), 85, 12, 0.3, 0.2)
	s.errors(s.svc(0), 125, 4, 0.8, 1)
	s.errors(one(4), 165, 20, 0.4, 0.3)
	add(s)
	s = newScenario("errors_b", 502, 240, []int{3, 2}, 1.5, "fault injection bursts, near the limit (30 % faults) and global")
	s.errors(one(1), 40, 6, 0.3, 0.1)
	s.errors(one(4), 80, 3, 0.9, 1)
	s.errors(s.all(), 120, 8, 0.45, 0.5)
	s.errors(one(2), 165, 10, 0.35, 0.3)
	s.errors(one(3), 205, 4, 0.6, 0.5)
	add(s)

	// --- resource exhaustion ---
	s = newScenario("saturation_a", 601, 220, []int{2, 2, 1}, 1, "rate limiting and throttling: 40–85 % of events, 3–20 buckets")
	s.saturate(one(0), 45, 6, 0.6)
	s.saturate(one(3), 85, 12, 0.45)
	s.saturate(s.svc(1), 125, 5, 0.8)
	s.saturate(one(4), 165, 20, 0.5)
	add(s)
	s = newScenario("saturation_b", 602, 240, []int{3, 2}, 1.5, "rate limiting and throttling, near the limit (40 %) and global")
	s.saturate(one(1), 40, 5, 0.4)
	s.saturate(one(4), 80, 3, 0.85)
	s.saturate(s.all(), 120, 8, 0.5)
	s.saturate(one(2), 165, 10, 0.42)
	s.saturate(one(0), 205, 4, 0.7)
	add(s)
	s = newScenario("saturation_c", 603, 200, []int{2, 1, 2}, 0.8, "rate limiting on a lower-volume system")
	s.saturate(one(2), 45, 8, 0.7)
	s.saturate(s.svc(0), 90, 4, 0.6)
	s.saturate(one(4), 135, 6, 0.55)
	s.saturate(one(3), 170, 12, 0.9)
	add(s)

	// --- cascading failures ---
	type casc struct {
		eps, onsets, durs []int
		at                int
		fault             float64
		marked            bool
	}
	cascades := []struct {
		name  string
		seed  uint64
		n     int
		shape []int
		vol   float64
		desc  string
		cs    []casc
	}{
		{"cascade_a", 701, 200, []int{2, 2, 2}, 1, "failures spreading one endpoint per bucket over 4–6 endpoints", []casc{
			{[]int{0, 1, 2, 3}, []int{0, 1, 2, 3}, []int{10, 9, 8, 7}, 45, 0.6, true},
			{[]int{4, 2, 0, 5, 1}, []int{0, 1, 2, 3, 4}, []int{12, 12, 12, 12, 12}, 100, 0.5, true},
			{[]int{3, 5, 1, 4, 0, 2}, []int{0, 1, 2, 3, 4, 5}, []int{15, 14, 13, 12, 11, 10}, 155, 0.7, true},
		}},
		{"cascade_b", 702, 220, []int{3, 2, 1}, 1.3, "spreading across services, two endpoints in some buckets", []casc{
			{[]int{0, 3, 1, 5}, []int{0, 1, 2, 3}, []int{8, 8, 8, 8}, 45, 0.5, true},
			{[]int{2, 4, 0, 3, 1}, []int{0, 1, 1, 2, 3}, []int{10, 9, 9, 8, 7}, 105, 0.8, true},
			{[]int{5, 4, 3, 2}, []int{0, 1, 2, 3}, []int{6, 6, 6, 6}, 165, 0.45, true},
		}},
		{"cascade_c", 703, 220, []int{2, 2, 1, 1}, 1, "cascades among outages that are not cascades (simultaneous, or only two endpoints)", []casc{
			{[]int{0, 1, 2}, []int{0, 0, 0}, []int{8, 8, 8}, 40, 0.6, false},
			{[]int{1, 3, 4, 5, 0}, []int{0, 1, 2, 3, 4}, []int{12, 10, 8, 6, 4}, 80, 0.55, true},
			{[]int{2, 5}, []int{0, 1}, []int{10, 9}, 125, 0.6, false},
			{[]int{4, 0, 3, 1}, []int{0, 1, 2, 3}, []int{9, 9, 9, 9}, 170, 0.6, true},
		}},
		{"cascade_d", 704, 240, []int{2, 2, 2}, 0.8, "slower-volume cascades, near the limit (40 % faults)", []casc{
			{[]int{5, 4, 3, 2}, []int{0, 1, 2, 3}, []int{10, 10, 10, 10}, 45, 0.4, true},
			{[]int{0, 2, 4, 1, 3}, []int{0, 1, 2, 3, 4}, []int{8, 8, 8, 8, 8}, 105, 0.45, true},
			{[]int{1, 3, 5, 0}, []int{0, 1, 2, 3}, []int{20, 18, 16, 14}, 170, 0.5, true},
		}},
		{"cascade_e", 705, 200, []int{3, 3}, 1.5, "busy system, cascades within and across services", []casc{
			{[]int{0, 1, 2, 3}, []int{0, 1, 2, 3}, []int{7, 7, 7, 7}, 45, 0.5, true},
			{[]int{5, 2, 4, 1, 3}, []int{0, 1, 2, 2, 3}, []int{9, 9, 9, 9, 9}, 100, 0.6, true},
			{[]int{3, 4, 5, 0, 1, 2}, []int{0, 1, 2, 3, 3, 4}, []int{10, 10, 10, 10, 10, 10}, 155, 0.7, true},
		}},
		{"cascade_f", 706, 220, []int{2, 1, 2, 1}, 1, "cascades, four services", []casc{
			{[]int{2, 0, 5, 3}, []int{0, 1, 2, 3}, []int{10, 9, 8, 7}, 45, 0.55, true},
			{[]int{1, 4, 2, 5, 0}, []int{0, 1, 2, 3, 4}, []int{6, 6, 6, 6, 6}, 105, 0.65, true},
			{[]int{3, 1, 4, 0}, []int{0, 1, 2, 3}, []int{12, 12, 12, 12}, 165, 0.5, true},
		}},
		{"cascade_g", 707, 240, []int{3, 2, 1}, 1.1, "cascades and an outage of a whole service", []casc{
			{[]int{0, 1, 2}, []int{0, 0, 0}, []int{10, 10, 10}, 40, 0.7, false},
			{[]int{3, 0, 5, 2, 4}, []int{0, 1, 2, 3, 4}, []int{9, 9, 9, 9, 9}, 90, 0.5, true},
			{[]int{5, 1, 3, 0}, []int{0, 1, 2, 3}, []int{8, 8, 8, 8}, 140, 0.6, true},
			{[]int{2, 4, 1, 3, 5}, []int{0, 1, 2, 3, 4}, []int{14, 13, 12, 11, 10}, 190, 0.55, true},
		}},
	}
	for _, c := range cascades {
		s := newScenario(c.name, c.seed, c.n, c.shape, c.vol, c.desc)
		for _, k := range c.cs {
			s.cascade(k.eps, k.onsets, k.durs, k.at, k.fault, k.marked)
		}
		add(s)
	}

	// --- unexpected quiet ---
	s = newScenario("quiet_a", 801, 220, []int{2, 2, 1}, 1, "endpoints going silent (no bucket at all) or nearly, 3–12 buckets")
	s.quiet(one(0), 45, 5, 0)
	s.quiet(one(3), 85, 3, 0.05)
	s.quiet(s.svc(0), 125, 8, 0)
	s.quiet(one(4), 165, 12, 0)
	add(s)
	s = newScenario("quiet_b", 802, 240, []int{3, 2}, 1.5, "the whole pipeline silent (no bucket of any scope), a service nearly silent")
	s.quiet(s.all(), 45, 6, 0)
	s.quiet(s.svc(1), 90, 4, 0.03)
	s.quiet(one(1), 135, 3, 0)
	s.quiet(s.all(), 180, 10, 0)
	add(s)
	s = newScenario("quiet_c", 803, 200, []int{1, 2, 2}, 0.8, "silences on a lower-volume system, one until the end of the run")
	s.quiet(one(1), 45, 4, 0)
	s.quiet(s.svc(2), 90, 6, 0.05)
	s.quiet(s.all(), 135, 3, 0)
	s.quiet(one(0), 180, 20, 0)
	add(s)

	// --- mixed ---
	s = newScenario("mixed_a", 901, 240, []int{2, 2, 2}, 1, "one anomaly of each kind, on different scopes")
	s.spike(one(1), 40, 2, 10)
	s.latency(one(4), 75, 6, 3)
	s.errors(one(2), 110, 6, 0.5, 0.5)
	s.cascade([]int{5, 3, 0, 1}, []int{0, 1, 2, 3}, []int{8, 8, 8, 8}, 145, 0.6, true)
	s.saturate(s.svc(2), 180, 6, 0.6)
	s.quiet(one(3), 215, 5, 0)
	add(s)
	s = newScenario("mixed_b", 902, 240, []int{3, 2}, 1.2, "one anomaly of each kind, on top of a slow drift")
	s.drift(s.all(), 0.08, 0)
	s.quiet(s.svc(1), 40, 4, 0)
	s.saturate(one(0), 75, 8, 0.5)
	s.cascade([]int{4, 1, 3, 2, 0}, []int{0, 1, 2, 3, 4}, []int{10, 10, 10, 10, 10}, 110, 0.5, true)
	s.spike(s.all(), 150, 1, 12)
	s.latency(one(2), 185, 10, 2.5)
	s.errors(one(3), 215, 5, 0.7, 0.6)
	add(s)
	return out
}
