package main

import (
	"slices"
	"time"
)

// ScenarioGameday names a sequence, not a profile: a realistic game day
// for `make demo`, with phase lengths of its own (-duration does not apply).
const ScenarioGameday = "gameday"

// Segment is one scenario of a run and how long it lasts.
type Segment struct {
	Scenario string
	Duration time.Duration
}

// GamedayWarmup is the calm phase: longer than the anomaly processor's
// default warm-up (20 one-minute buckets), so its baselines are trusted
// before the storm.
const GamedayWarmup = 25 * time.Minute

// Gameday is the game day: a calm baseline, a storm of four phases (a
// latency shift, faults, a rate-limit squeeze and a short silence of the
// chaos tool), then recovery. Each phase begins with a scenario
// transition, so the collector knows where the phases are.
var Gameday = []Segment{
	{ScenarioBaseline, GamedayWarmup},
	{ScenarioLatencyShift, 6 * time.Minute},
	{ScenarioFaultStorm, 6 * time.Minute},
	{ScenarioRateLimit, 6 * time.Minute},
	{ScenarioSilence, 4 * time.Minute},
	{ScenarioBaseline, 12 * time.Minute},
}

// segments expands scenario names into segments of each's length;
// "gameday" expands into Gameday.
func segments(names []string, each time.Duration) []Segment {
	var out []Segment
	for _, n := range names {
		if n == ScenarioGameday {
			out = append(out, slices.Clone(Gameday)...)
			continue
		}
		out = append(out, Segment{Scenario: n, Duration: each})
	}
	return out
}

// total is the segments' summed length.
func total(segs []Segment) time.Duration {
	var d time.Duration
	for _, s := range segs {
		d += s.Duration
	}
	return d
}
