package gameday

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite the golden summary")

var t0 = time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)

func at(min int) time.Time { return t0.Add(time.Duration(min) * time.Minute) }

func TestPhasesOf(t *testing.T) {
	sc := []scenarioJSON{
		{To: "baseline", At: at(0)}, {From: "baseline", To: "latency-shift", At: at(25)},
		{From: "latency-shift", To: "silence", At: at(31)}, {From: "silence", To: "baseline", At: at(35)},
		{From: "baseline", To: "spike", At: at(60)}, // after the run: not a phase of it
	}
	got := phasesOf(sc, at(0), at(47))
	require.Equal(t, []Phase{
		{Name: "calm", Scenario: "baseline", From: at(0), To: at(25)},
		{Name: "storm: latency-shift", Scenario: "latency-shift", Storm: true, From: at(25), To: at(31)},
		{Name: "storm: silence", Scenario: "silence", Storm: true, From: at(31), To: at(35)},
		{Name: "recovery", Scenario: "baseline", From: at(35), To: at(47)},
	}, got)
	require.Equal(t, "storm: silence", phaseAt(got, at(31)), "a phase includes its start")
	require.Equal(t, "recovery", phaseAt(got, at(46)))
	require.Empty(t, phaseAt(got, at(47)), "and excludes its end")
}

func TestAlertsOf(t *testing.T) {
	phases := phasesOf([]scenarioJSON{{To: "baseline", At: at(0)}, {To: "fault-storm", At: at(10)},
		{To: "baseline", At: at(20)}}, at(0), at(30))
	lbl := map[string]string{"scope": "global", "scope_key": "", "severity": "critical"}
	trs := []transitionJSON{
		{At: at(11), Fingerprint: "a", Rule: "Storm", Labels: lbl, From: "inactive", To: "pending"},
		{At: at(12), Fingerprint: "a", Rule: "Storm", Labels: lbl, From: "pending", To: "firing"},
		{At: at(13), Fingerprint: "b", Rule: "Anomaly", Labels: lbl, From: "inactive", To: "firing"},
		{At: at(14), Fingerprint: "c", Rule: "Late", Labels: lbl, From: "inactive", To: "pending"}, // never fired
		{At: at(22), Fingerprint: "a", Rule: "Storm", Labels: lbl, From: "firing", To: "resolved"},
	}
	got := alertsOf(trs, map[string]map[string]string{"a": {"summary": "fault ratio 0.6"}}, phases, at(0), at(30))
	require.Equal(t, []Alert{
		{Rule: "Storm", Scope: "global", Severity: "critical", Fired: at(12), Resolved: at(22), Summary: "fault ratio 0.6",
			Phase: "storm: fault-storm"},
		{Rule: "Anomaly", Scope: "global", Severity: "critical", Fired: at(13), Phase: "storm: fault-storm"},
	}, got)
}

// TestRender: the terminal summary, against a golden file
// (testdata/summary.txt; -update rewrites it).
func TestRender(t *testing.T) {
	s := &Summary{From: at(0), To: at(47),
		Phases: []Phase{
			{Name: "calm", Scenario: "baseline", From: at(0), To: at(25), Events: 80000, Faults: 4000, Severity: 0.12, DegradationPct: 3.1},
			{Name: "storm: fault-storm", Scenario: "fault-storm", Storm: true, From: at(25), To: at(31), Events: 20000, Faults: 9000,
				Severity: 0.71, DegradationPct: 41.5, Measured: true},
			{Name: "recovery", Scenario: "baseline", From: at(31), To: at(47), Events: 50000, Faults: 2500, Severity: 0.1, DegradationPct: 2.8},
		},
		Anomalies: []Anomaly{
			{Type: "high_error_rate", Severity: "critical", Scope: "global", Opened: at(27), Closed: at(33), Phase: "storm: fault-storm"},
			{Type: "high_error_rate", Severity: "warning", Scope: "service", Key: "payments", Opened: at(26), Closed: at(34), Phase: "storm: fault-storm"},
			{Type: "high_error_rate", Severity: "critical", Scope: "endpoint", Key: "/api/payments", Opened: at(26), Closed: at(33), Phase: "storm: fault-storm"},
			{Type: "high_error_rate", Severity: "critical", Scope: "endpoint", Key: "/api/refunds", Opened: at(26), Closed: at(33), Phase: "storm: fault-storm"},
			{Type: "unexpected_quiet", Severity: "warning", Scope: "global", Opened: at(40), Phase: "recovery"},
		},
		Alerts: []Alert{{Rule: "ChaosFaultStorm", Severity: "critical", Scope: "global", Fired: at(28), Resolved: at(35), Phase: "storm: fault-storm"}},
		LowestHealth: &Health{Score: 41, At: at(29), Phase: "storm: fault-storm", Factors: []string{"availability 38", "steady_state 45"},
			Components: map[string]float64{"availability": 38, "steady_state": 45, "latency": 90}},
		Next: []Pointer{{"the dashboard (live page)", "http://localhost:4323/"}},
	}
	var b bytes.Buffer
	s.Render(&b)
	golden := filepath.Join("testdata", "summary.txt")
	if *update {
		require.NoError(t, os.MkdirAll("testdata", 0o755))
		require.NoError(t, os.WriteFile(golden, b.Bytes(), 0o644))
	}
	want, err := os.ReadFile(golden)
	require.NoError(t, err)
	require.Equal(t, string(want), b.String())
}
