package alertexporter

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/otelcol-chaos/otelcol-chaos/exporter/alertexporter/internal/dispatch"
	"github.com/otelcol-chaos/otelcol-chaos/exporter/alertexporter/internal/lifecycle"
	"github.com/otelcol-chaos/otelcol-chaos/exporter/alertexporter/internal/rules"
	"github.com/otelcol-chaos/otelcol-chaos/internal/chaosconv"
)

// probeBucketLogs is one 1-minute chaos.bucket of service svc per minute
// from start, each with 100 probes of which failed[i] failed, every probe
// taking latMs[i].
func probeBucketLogs(svc string, start time.Time, failed []uint64, latMs []float64) plog.Logs {
	ld := plog.NewLogs()
	rl := ld.ResourceLogs().AppendEmpty()
	rl.Resource().Attributes().PutStr(chaosconv.AttrServiceName, svc)
	sl := rl.ScopeLogs().AppendEmpty()
	cfg := chaosconv.DefaultImpactConfig()
	for i := range failed {
		b := chaosconv.NewBucket(chaosconv.ScopeService, svc, start.Add(time.Duration(i)*time.Minute).UnixNano(), time.Minute)
		b.Events, b.ProbeFailures, b.ProbeSuccesses = 100, failed[i], 100-failed[i]
		for range 100 {
			b.ProbeLatency.Add(latMs[i])
		}
		chaosconv.EncodeBucket(b, &cfg, sl.LogRecords().AppendEmpty())
	}
	return ld
}

// experimentLogs is one chaos.event of kind experiment under the
// resource service.name svc.
func experimentLogs(svc, name string, phase chaosconv.Phase, at time.Time) plog.Logs {
	ld := plog.NewLogs()
	rl := ld.ResourceLogs().AppendEmpty()
	rl.Resource().Attributes().PutStr(chaosconv.AttrServiceName, svc)
	e := chaosconv.Event{TimeUnixNano: at.UnixNano(), Kind: chaosconv.KindExperiment, Experiment: name,
		ExperimentPhase: phase, Fields: chaosconv.FieldExperimentName | chaosconv.FieldExperimentPhase}
	chaosconv.EncodeEvent(&e, rl.ScopeLogs().AppendEmpty().LogRecords().AppendEmpty())
	return ld
}

func repeat[T any](v T, n int) []T {
	out := make([]T, n)
	for i := range out {
		out[i] = v
	}
	return out
}

// TestEngineSteadyState: checkout's probes healthy for ten minutes, the
// generator (service chaosgen, no probes of its own) starts an
// experiment, the probes collapse: pending at the first bucket of chaos,
// firing after `for`, with the value, labels and annotations the abort
// handler reads. The start arrives before the buckets around it, as it
// does live.
func TestEngineSteadyState(t *testing.T) {
	e, clock, _ := newTestEngine(t, []rules.Config{{Name: "Guardrail", Preset: rules.PresetSteadyState,
		For: time.Minute}}, dispatch.Config{GroupBy: []string{"alertname"}, GroupWait: time.Second,
		GroupInterval: time.Minute, RepeatInterval: time.Hour})
	t0 := clock.t.Add(-14 * time.Minute)

	require.Zero(t, e.ingest(probeBucketLogs("checkout", t0, repeat[uint64](1, 9), repeat(100.0, 9))))
	require.Zero(t, e.ingest(experimentLogs("chaosgen", "pod-kill", chaosconv.PhaseStarted, t0.Add(10*time.Minute))))
	require.Zero(t, e.ingest(probeBucketLogs("checkout", t0.Add(9*time.Minute), []uint64{1}, []float64{100})))
	al, _ := e.alerts(0)
	require.Empty(t, al)

	e.ingest(probeBucketLogs("checkout", t0.Add(10*time.Minute), []uint64{38}, []float64{100}))
	al, _ = e.alerts(0)
	require.Len(t, al, 1)
	require.Equal(t, lifecycle.StatePending, al[0].State)

	e.ingest(probeBucketLogs("checkout", t0.Add(11*time.Minute), []uint64{38}, []float64{100}))
	al, _ = e.alerts(0)
	require.Len(t, al, 1)
	a := al[0]
	require.Equal(t, lifecycle.StateFiring, a.State)
	require.Equal(t, map[string]string{"alertname": "Guardrail", "severity": "critical", "scope": "service",
		"scope_key": "checkout", "rule_type": "steady_state", "measurement": "probes", "experiment": "pod-kill"}, a.Labels)
	require.InDelta(t, 0.37, a.Value, 1e-9)
	require.Equal(t, "checkout: probe success 62 % during chaos vs 99 % before (drop 37 points > 5)",
		a.Annotations["summary"])
	require.Equal(t, "Steady state broken during pod-kill (started "+t0.Add(10*time.Minute).UTC().Format(time.RFC3339)+
		"): probe success 62 % of 200 probes vs 99 % of 1000 before; probe p95 latency 100 ms vs 100 ms before. "+
		"Measurement: probes.", a.Annotations["description"])

	// Completed: the comparison goes on against the same baseline (a
	// service that does not recover keeps the alert firing).
	e.ingest(experimentLogs("chaosgen", "pod-kill", chaosconv.PhaseCompleted, t0.Add(12*time.Minute)))
	e.ingest(probeBucketLogs("checkout", t0.Add(12*time.Minute), []uint64{38}, []float64{100}))
	al, _ = e.alerts(0)
	require.Len(t, al, 1)
	require.Equal(t, lifecycle.StateFiring, al[0].State)
}

// TestEngineSteadyStateNeedsAStart: without a start, or with a rule that
// reads none, the same collapse raises nothing; a start that does not
// decode is a bad record; other events are not read.
func TestEngineSteadyStateNeedsAStart(t *testing.T) {
	e, clock, _ := newTestEngine(t, []rules.Config{{Name: "Guardrail", Preset: rules.PresetSteadyState}},
		dispatch.Config{GroupBy: []string{"alertname"}})
	t0 := clock.t.Add(-14 * time.Minute)
	failed := append(repeat[uint64](1, 10), 50, 50, 50)
	e.ingest(probeBucketLogs("checkout", t0, failed, repeat(100.0, 13)))
	al, _ := e.alerts(0)
	require.Empty(t, al)

	bad := experimentLogs("chaosgen", "x", "paused", t0)
	require.Equal(t, 1, e.ingest(bad), "an experiment event with an unknown phase")
	other := plog.NewLogs()
	ev := chaosconv.Event{TimeUnixNano: t0.UnixNano(), Kind: chaosconv.KindFaultInjection}
	chaosconv.EncodeEvent(&ev, other.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty().LogRecords().AppendEmpty())
	require.Zero(t, e.ingest(other), "other events are not decoded, so not checked")

	// A rule set without steady_state keeps no start.
	e2, _, _ := newTestEngine(t, []rules.Config{{Name: "Storm", Preset: "fault_rate"}}, dispatch.Config{})
	require.Zero(t, e2.ingest(bad))
	assert.False(t, e2.store.WantsMarkers())
}

// TestEngineSteadyStateScenarioTransition: a scenario entered is a start
// too (the experiment label is the scenario), and the start of a probed
// service is its own.
func TestEngineSteadyStateScenarioTransition(t *testing.T) {
	e, clock, _ := newTestEngine(t, []rules.Config{{Name: "Guardrail", Preset: rules.PresetSteadyState}},
		dispatch.Config{GroupBy: []string{"alertname"}})
	t0 := clock.t.Add(-14 * time.Minute)
	lat := append(repeat(100.0, 10), 300, 300)
	e.ingest(probeBucketLogs("checkout", t0, repeat[uint64](0, 12), lat))
	e.ingest(probeBucketLogs("payments", t0, repeat[uint64](0, 12), lat))

	ld := plog.NewLogs()
	rl := ld.ResourceLogs().AppendEmpty()
	rl.Resource().Attributes().PutStr(chaosconv.AttrServiceName, "payments")
	ev := chaosconv.Event{TimeUnixNano: t0.Add(10 * time.Minute).UnixNano(), Kind: chaosconv.KindScenarioTransition,
		ScenarioFrom: "baseline", ScenarioTo: "fault_storm", Fields: chaosconv.FieldScenarioTo}
	chaosconv.EncodeEvent(&ev, rl.ScopeLogs().AppendEmpty().LogRecords().AppendEmpty())
	require.Zero(t, e.ingest(ld))
	// A start is stored, not evaluated at: the next bucket's evaluation
	// reads it.
	e.ingest(probeBucketLogs("checkout", t0.Add(12*time.Minute), []uint64{0}, []float64{300}))
	e.ingest(probeBucketLogs("payments", t0.Add(12*time.Minute), []uint64{0}, []float64{300}))

	al, _ := e.alerts(0)
	require.Len(t, al, 1, "payments' own start is not checkout's")
	require.Equal(t, "payments", al[0].Labels["scope_key"])
	require.Equal(t, "fault_storm", al[0].Labels["experiment"])
	require.InDelta(t, 2, al[0].Value, 1e-9)
	require.Equal(t, "payments: probe p95 latency 300 ms during chaos vs 100 ms before (+200 % > +50 %)",
		al[0].Annotations["summary"])
}
