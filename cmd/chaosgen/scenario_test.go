package main

import (
	"math/rand/v2"
	"reflect"
	"slices"
	"sort"
	"testing"
	"time"

	"github.com/otelcol-chaos/otelcol-chaos/internal/chaosconv"
)

var testStart = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

func genOpts(name string) GenOptions {
	return GenOptions{Scenario: name, Start: testStart, Duration: time.Minute, Rate: 50, Source: "chaosgen", Previous: "baseline"}
}

func generate(t *testing.T, o GenOptions, seed uint64) []Tick {
	t.Helper()
	ticks, err := Generate(o, rand.New(rand.NewPCG(seed, 0)))
	if err != nil {
		t.Fatal(err)
	}
	return ticks
}

func flatten(ticks []Tick) []GenEvent {
	var out []GenEvent
	for _, tk := range ticks {
		out = append(out, tk.Events...)
	}
	return out
}

// isChaos tells chaos events from probes and the experiment bookkeeping.
func isChaos(e *GenEvent) bool {
	switch e.Kind {
	case chaosconv.KindProbe, chaosconv.KindExperiment, chaosconv.KindScenarioTransition:
		return false
	}
	return true
}

// window returns the events whose position in the scenario is in [from, to).
func window(evs []GenEvent, o GenOptions, from, to float64, keep func(*GenEvent) bool) []GenEvent {
	var out []GenEvent
	lo := o.Start.UnixNano() + int64(from*float64(o.Duration))
	hi := o.Start.UnixNano() + int64(to*float64(o.Duration))
	for i := range evs {
		if evs[i].TimeUnixNano >= lo && evs[i].TimeUnixNano < hi && keep(&evs[i]) {
			out = append(out, evs[i])
		}
	}
	return out
}

func ofKind(k chaosconv.Kind) func(*GenEvent) bool {
	return func(e *GenEvent) bool { return e.Kind == k }
}

func ratio(part, whole int) float64 {
	if whole == 0 {
		return 0
	}
	return float64(part) / float64(whole)
}

func count(evs []GenEvent, keep func(*GenEvent) bool) int {
	n := 0
	for i := range evs {
		if keep(&evs[i]) {
			n++
		}
	}
	return n
}

func TestParseScenarios(t *testing.T) {
	got, err := ParseScenarios("all")
	if err != nil || !slices.Equal(got, Scenarios) {
		t.Errorf("all: %v %v", got, err)
	}
	got, err = ParseScenarios(" fault-storm ,baseline,fault-storm")
	if err != nil || !slices.Equal(got, []string{"fault-storm", "baseline", "fault-storm"}) {
		t.Errorf("list: %v %v", got, err)
	}
	for _, bad := range []string{"", "nope", "baseline,nope"} {
		if _, err := ParseScenarios(bad); err == nil {
			t.Errorf("%q: want an error", bad)
		}
	}
}

func TestGenerateDeterministic(t *testing.T) {
	for _, name := range Scenarios {
		t.Run(name, func(t *testing.T) {
			o := genOpts(name)
			a, b := generate(t, o, 7), generate(t, o, 7)
			if !reflect.DeepEqual(a, b) {
				t.Fatal("same seed, different events")
			}
			if c := generate(t, o, 8); reflect.DeepEqual(flatten(a), flatten(c)) {
				t.Fatal("different seeds, same events")
			}
		})
	}
}

// TestScenarioStructure checks what every scenario shares: transition and
// experiment events at the edges, valid events in time order within their
// tick, known services and endpoints.
func TestScenarioStructure(t *testing.T) {
	knownEndpoints := map[string]bool{"": true, "/health": true}
	for ep := range serviceOf {
		knownEndpoints[ep] = true
	}
	knownServices := map[string]bool{"": true}
	for _, s := range services {
		knownServices[s.name] = true
	}
	for _, name := range Scenarios {
		t.Run(name, func(t *testing.T) {
			o := genOpts(name)
			ticks := generate(t, o, 1)
			if want := int(o.Duration / DefaultTick); len(ticks) != want {
				t.Fatalf("%d ticks, want %d", len(ticks), want)
			}
			evs := flatten(ticks)
			tr, st, done := evs[0], evs[1], evs[len(evs)-1]
			if tr.Kind != chaosconv.KindScenarioTransition || tr.ScenarioFrom != "baseline" || tr.ScenarioTo != name ||
				tr.TimeUnixNano != o.Start.UnixNano() {
				t.Errorf("first event %+v, want a transition baseline → %s at the start", tr.Event, name)
			}
			if st.Kind != chaosconv.KindExperiment || st.ExperimentPhase != chaosconv.PhaseStarted || st.Experiment != name {
				t.Errorf("second event %+v, want experiment started", st.Event)
			}
			end := o.Start.Add(o.Duration).UnixNano()
			if done.Kind != chaosconv.KindExperiment || done.ExperimentPhase != chaosconv.PhaseCompleted || done.TimeUnixNano != end {
				t.Errorf("last event %+v, want experiment completed at the end", done.Event)
			}
			if n := count(evs, ofKind(chaosconv.KindExperiment)); n != 2 {
				t.Errorf("%d experiment events, want 2", n)
			}
			if n := count(evs, ofKind(chaosconv.KindScenarioTransition)); n != 1 {
				t.Errorf("%d transitions, want 1", n)
			}
			// 3 services probed once a second.
			if n := count(evs, ofKind(chaosconv.KindProbe)); n != 3*60 {
				t.Errorf("%d probes, want 180", n)
			}
			prev := int64(0)
			for _, tk := range ticks {
				for i := range tk.Events {
					e := &tk.Events[i]
					if err := e.Validate(); err != nil {
						t.Fatalf("tick %d event %d %+v: %v", tk.Index, i, e.Event, err)
					}
					if e.TimeUnixNano < prev {
						t.Fatalf("tick %d: events out of order", tk.Index)
					}
					prev = e.TimeUnixNano
					last := e.Kind == chaosconv.KindExperiment && e.ExperimentPhase == chaosconv.PhaseCompleted
					if e.TimeUnixNano < tk.Start.UnixNano() || (e.TimeUnixNano >= tk.End.UnixNano() && !last) {
						t.Fatalf("tick %d: event at %d outside [%s, %s)", tk.Index, e.TimeUnixNano, tk.Start, tk.End)
					}
					if e.Scenario != name || e.Source != "chaosgen" {
						t.Fatalf("scenario %q source %q", e.Scenario, e.Source)
					}
					if !knownEndpoints[e.Endpoint] || !knownServices[e.Service] {
						t.Fatalf("unknown endpoint %q or service %q", e.Endpoint, e.Service)
					}
					if isChaos(e) && e.Service == "" {
						t.Fatalf("chaos event without service: %+v", e.Event)
					}
				}
			}
		})
	}
}

func TestGeneratorOptions(t *testing.T) {
	// A duration that is not a whole number of ticks ends exactly at its end.
	o := genOpts(ScenarioBaseline)
	o.Duration = 250 * time.Millisecond
	o.Rate = 0
	o.ProbeInterval = -1
	ticks := generate(t, o, 1)
	if len(ticks) != 3 || !ticks[2].End.Equal(o.Start.Add(o.Duration)) {
		t.Fatalf("ticks %d, last end %v", len(ticks), ticks[len(ticks)-1].End)
	}
	evs := flatten(ticks)
	if len(evs) != 3 { // transition, started, completed: no rate, no probes
		t.Fatalf("rate 0 without probes: %d events", len(evs))
	}
	if evs[0].ScenarioFrom != "baseline" {
		t.Fatal("from_scenario lost")
	}
	for _, bad := range []GenOptions{
		{Scenario: "nope", Start: testStart, Duration: time.Second},
		{Scenario: ScenarioBaseline, Start: testStart},
		{Scenario: ScenarioBaseline, Start: testStart, Duration: time.Second, Rate: -1},
		{Scenario: ScenarioBaseline, Duration: time.Second},
	} {
		if _, err := NewGenerator(bad, rand.New(rand.NewPCG(1, 1))); err == nil {
			t.Errorf("%+v: want an error", bad)
		}
	}
}

func TestBaseline(t *testing.T) {
	o := genOpts(ScenarioBaseline)
	evs := flatten(generate(t, o, 3))
	chaos := window(evs, o, 0, 1, isChaos)
	// ~50/s for 60 s.
	if n := len(chaos); n < 2700 || n > 3300 {
		t.Errorf("%d chaos events, want about 3000", n)
	}
	if r := ratio(count(chaos, ofKind(chaosconv.KindFaultInjection)), len(chaos)); r > 0.1 {
		t.Errorf("fault ratio %.2f, want occasional faults", r)
	}
	kinds := map[chaosconv.Kind]int{}
	for i := range chaos {
		kinds[chaos[i].Kind]++
	}
	if len(kinds) != 5 {
		t.Errorf("kinds %v, want a mix of all five chaos kinds", kinds)
	}
	probes := window(evs, o, 0, 1, ofKind(chaosconv.KindProbe))
	if r := ratio(count(probes, func(e *GenEvent) bool { return e.ProbeSuccess }), len(probes)); r < 0.95 {
		t.Errorf("probe success %.2f, want passing probes", r)
	}
	if p95 := percentile(delays(chaos), 0.95); p95 > 250 {
		t.Errorf("delay p95 %v ms, want small latency", p95)
	}
}

func TestSpike(t *testing.T) {
	o := genOpts(ScenarioSpike)
	evs := flatten(generate(t, o, 4))
	first := len(window(evs, o, 0, 1.0/3, isChaos))
	middle := len(window(evs, o, 1.0/3, 2.0/3, isChaos))
	last := len(window(evs, o, 2.0/3, 1, isChaos))
	if middle < 5*first {
		t.Errorf("middle third %d events, first %d: want ≥ 5×", middle, first)
	}
	if last > 2*first || first > 2*last {
		t.Errorf("first %d and last %d thirds should be alike", first, last)
	}
}

func TestLatencyShift(t *testing.T) {
	o := genOpts(ScenarioLatencyShift)
	evs := flatten(generate(t, o, 5))
	lat := ofKind(chaosconv.KindLatencyInjection)
	before, after := mean(delays(window(evs, o, 0, 0.5, lat))), mean(delays(window(evs, o, 0.5, 1, lat)))
	if after < 3*before {
		t.Errorf("mean delay %v ms → %v ms, want ×5", before, after)
	}
	probe := ofKind(chaosconv.KindProbe)
	pb, pa := mean(probeLatencies(window(evs, o, 0, 0.5, probe))), mean(probeLatencies(window(evs, o, 0.5, 1, probe)))
	if pa < 3*pb {
		t.Errorf("probe latency %v ms → %v ms, want it to rise with the shift", pb, pa)
	}
}

func TestFaultStorm(t *testing.T) {
	o := genOpts(ScenarioFaultStorm)
	evs := flatten(generate(t, o, 6))
	fault := ofKind(chaosconv.KindFaultInjection)
	early, late := window(evs, o, 0, 0.1, isChaos), window(evs, o, 2.0/3, 1, isChaos)
	if r := ratio(count(early, fault), len(early)); r > 0.2 {
		t.Errorf("fault ratio %.2f in the first tenth, want it to start low", r)
	}
	if r := ratio(count(late, fault), len(late)); r <= 0.4 {
		t.Errorf("fault ratio %.2f in the last third, want > 0.4", r)
	}
	probes := window(evs, o, 2.0/3, 1, ofKind(chaosconv.KindProbe))
	if r := ratio(count(probes, func(e *GenEvent) bool { return !e.ProbeSuccess }), len(probes)); r < 0.4 {
		t.Errorf("probe failure ratio %.2f in the last third, want probes failing", r)
	}
	// The storm spreads: more endpoints fault at the end than at the start.
	if a, b := distinctEndpoints(window(evs, o, 0, 0.1, fault)), distinctEndpoints(window(evs, o, 2.0/3, 1, fault)); a >= b {
		t.Errorf("faulting endpoints %d early, %d late: want the storm to spread", a, b)
	}
}

func TestRateLimit(t *testing.T) {
	o := genOpts(ScenarioRateLimit)
	evs := flatten(generate(t, o, 7))
	rl := ofKind(chaosconv.KindRateLimitExceeded)
	late := window(evs, o, 0.5, 1, isChaos)
	if r := ratio(count(late, rl), len(late)); r < 0.5 {
		t.Errorf("rate-limit share %.2f in the second half, want saturation", r)
	}
	if early := window(evs, o, 0, 0.1, isChaos); len(late) < 2*2*len(early) { // half vs tenth, ×2 per second at least
		t.Errorf("second half %d events vs first tenth %d: want the traffic to rise", len(late), len(early))
	}
	byIP := map[string]int{}
	withIP := 0
	for _, e := range window(evs, o, 0.5, 1, rl) {
		if e.ClientAddress != "" {
			byIP[e.ClientAddress]++
			withIP++
		}
	}
	top := make([]int, 0, len(byIP))
	for _, n := range byIP {
		top = append(top, n)
	}
	sort.Sort(sort.Reverse(sort.IntSlice(top)))
	if len(top) < 3 || ratio(top[0]+top[1]+top[2], withIP) < 0.8 {
		t.Errorf("top client IPs %v of %d: want a few clients to dominate", top[:min(3, len(top))], withIP)
	}
}

func TestSilence(t *testing.T) {
	o := genOpts(ScenarioSilence)
	evs := flatten(generate(t, o, 8))
	if n := len(window(evs, o, 0.25, 0.75, func(e *GenEvent) bool { return e.Kind != chaosconv.KindProbe })); n != 0 {
		t.Errorf("%d non-probe events in the middle half, want none", n)
	}
	if len(window(evs, o, 0, 0.25, isChaos)) == 0 || len(window(evs, o, 0.75, 1, isChaos)) == 0 {
		t.Error("want chaos events before and after the silence")
	}
	// Documented choice: probes continue through the silence, and pass.
	probes := window(evs, o, 0.25, 0.75, ofKind(chaosconv.KindProbe))
	if len(probes) != 90 {
		t.Errorf("%d probes in the middle half, want 90 (3 services × 30 s)", len(probes))
	}
	if r := ratio(count(probes, func(e *GenEvent) bool { return e.ProbeSuccess }), len(probes)); r < 0.95 {
		t.Errorf("probe success %.2f during the silence", r)
	}
}

func delays(evs []GenEvent) []float64 {
	var out []float64
	for _, e := range evs {
		if e.Kind == chaosconv.KindLatencyInjection {
			out = append(out, float64(e.DelayMs))
		}
	}
	return out
}

func probeLatencies(evs []GenEvent) []float64 {
	var out []float64
	for _, e := range evs {
		out = append(out, e.ProbeLatencyMs)
	}
	return out
}

func mean(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := 0.0
	for _, x := range xs {
		s += x
	}
	return s / float64(len(xs))
}

func percentile(xs []float64, q float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[int(q*float64(len(s)-1))]
}

func distinctEndpoints(evs []GenEvent) int {
	m := map[string]bool{}
	for _, e := range evs {
		if e.Endpoint != "" {
			m[e.Endpoint] = true
		}
	}
	return len(m)
}
