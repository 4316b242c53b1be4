package chaostoolkit

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/otelcol-chaos/otelcol-chaos/internal/chaosconv"
)

// fixtureDir holds journals shaped as chaoslib writes them; the receiver's
// golden tests read them too.
const fixtureDir = "../../testdata/chaostoolkit"

func fixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(fixtureDir, name+".json"))
	require.NoError(t, err)
	return b
}

// edit decodes the completed fixture, lets f change it, and encodes it
// again: each case below is one change to a valid journal.
func edit(t *testing.T, f func(j map[string]any)) []byte {
	t.Helper()
	var j map[string]any
	require.NoError(t, json.Unmarshal(fixture(t, "completed"), &j))
	f(j)
	b, err := json.Marshal(j)
	require.NoError(t, err)
	return b
}

func runs(j map[string]any, key string) []any { return j[key].([]any) }

func runAt(j map[string]any, key string, i int) map[string]any {
	return runs(j, key)[i].(map[string]any)
}

func metadata(e chaosconv.Event) map[string]string {
	m := map[string]string{}
	for _, kv := range e.Metadata {
		m[kv.Key] = kv.Value
	}
	return m
}

func TestFixtures(t *testing.T) {
	type want struct {
		kind  chaosconv.Kind
		phase chaosconv.Phase
		name  string // probe name or fault type
		ok    bool   // probe success
		stage string
	}
	started := want{kind: chaosconv.KindExperiment, phase: chaosconv.PhaseStarted}
	tests := []struct {
		name    string
		events  []want
		skipped []string // fields of the skipped runs
	}{
		{"completed", []want{
			started,
			{chaosconv.KindProbe, "", "checkout-must-respond", true, chaosconv.ChaosToolkitStageHypothesisBefore},
			{chaosconv.KindFaultInjection, "", "terminate_pods", false, chaosconv.ChaosToolkitStageMethod},
			{chaosconv.KindProbe, "", "read-payments-logs", true, chaosconv.ChaosToolkitStageMethod},
			{chaosconv.KindProbe, "", "checkout-must-respond", true, chaosconv.ChaosToolkitStageHypothesisAfter},
			{kind: chaosconv.KindExperiment, phase: chaosconv.PhaseCompleted},
		}, nil},
		{"deviated", []want{
			started,
			{chaosconv.KindProbe, "", "orders-respond-in-time", true, chaosconv.ChaosToolkitStageHypothesisBefore},
			{chaosconv.KindFaultInjection, "", "add-db-latency", false, chaosconv.ChaosToolkitStageMethod},
			{chaosconv.KindProbe, "", "orders-respond-in-time", false, chaosconv.ChaosToolkitStageHypothesisDuring},
			{chaosconv.KindProbe, "", "orders-respond-in-time", false, chaosconv.ChaosToolkitStageHypothesisAfter},
			{kind: chaosconv.KindExperiment, phase: chaosconv.PhaseAborted},
		}, nil},
		{"failed_probe", []want{
			started,
			{chaosconv.KindProbe, "", "search-must-respond", false, chaosconv.ChaosToolkitStageHypothesisBefore},
			{kind: chaosconv.KindExperiment, phase: chaosconv.PhaseAborted},
		}, nil},
		{"interrupted", []want{
			started,
			{chaosconv.KindProbe, "", "cart-must-respond", true, chaosconv.ChaosToolkitStageHypothesisBefore},
			{chaosconv.KindFaultInjection, "", "failover", false, chaosconv.ChaosToolkitStageMethod},
			{kind: chaosconv.KindExperiment, phase: chaosconv.PhaseAborted},
		}, []string{"run[0].start"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := Decode(fixture(t, tt.name), Options{})
			require.NoError(t, err)
			require.Len(t, res.Events, len(tt.events))
			var prev int64
			for i, w := range tt.events {
				e := res.Events[i]
				require.NoError(t, e.Validate())
				assert.Equal(t, w.kind, e.Kind, "event %d", i)
				assert.Equal(t, chaosconv.SourceChaosToolkit, e.Source)
				assert.NotEmpty(t, e.Experiment)
				assert.GreaterOrEqual(t, e.TimeUnixNano, prev, "events in time order")
				prev = e.TimeUnixNano
				switch e.Kind {
				case chaosconv.KindExperiment:
					assert.Equal(t, w.phase, e.ExperimentPhase, "event %d", i)
				case chaosconv.KindProbe:
					assert.Equal(t, w.name, e.ProbeName, "event %d", i)
					assert.Equal(t, w.ok, e.ProbeSuccess, "event %d", i)
					assert.True(t, e.HasProbeLatency)
					assert.Equal(t, w.stage, metadata(e)[chaosconv.ChaosToolkitMetaStage])
				case chaosconv.KindFaultInjection:
					assert.Equal(t, w.name, e.FaultType, "event %d", i)
					assert.Equal(t, w.stage, metadata(e)[chaosconv.ChaosToolkitMetaStage])
				}
			}
			var fields []string
			for _, p := range res.Skipped {
				fields = append(fields, p.Field)
			}
			assert.Equal(t, tt.skipped, fields)
			assert.Equal(t, len(tt.skipped), res.SkippedCount)
		})
	}
}

func TestCompletedValues(t *testing.T) {
	res, err := Decode(fixture(t, "completed"), Options{})
	require.NoError(t, err)
	ev := res.Events

	start := ev[0]
	assert.Equal(t, time.Date(2026, 11, 23, 10, 0, 0, 120345000, time.UTC).UnixNano(), start.TimeUnixNano, "a time without a zone is UTC")
	assert.Equal(t, "Checkout keeps answering when a payment pod dies", start.Experiment)
	assert.Equal(t, map[string]string{
		chaosconv.ChaosToolkitMetaChaoslibVersion: "1.42.1",
		chaosconv.ChaosToolkitMetaPlatform:        "Linux-6.8.0-45-generic-x86_64-with-glibc2.39",
		chaosconv.ChaosToolkitMetaNode:            "ci-runner-7",
	}, metadata(start))

	probe := ev[1]
	assert.Equal(t, "http://checkout.shop.svc:8080/health", probe.ProbeTarget)
	assert.Equal(t, 42.455, probe.ProbeLatencyMs)
	assert.Equal(t, time.Date(2026, 11, 23, 10, 0, 0, 201114000, time.UTC).UnixNano(), probe.TimeUnixNano)

	action := ev[2]
	assert.Equal(t, map[string]string{
		chaosconv.ChaosToolkitMetaStage:        chaosconv.ChaosToolkitStageMethod,
		chaosconv.ChaosToolkitMetaStatus:       "succeeded",
		chaosconv.ChaosToolkitMetaProviderType: "python",
		chaosconv.ChaosToolkitMetaActivity:     "terminate-payments-pod",
		chaosconv.ChaosToolkitMetaTarget:       "chaosk8s.pod.actions.terminate_pods",
		chaosconv.ChaosToolkitMetaDurationMs:   "762.875",
		chaosconv.ChaosToolkitMetaEnd:          "2026-11-23T10:00:01.012876Z",
	}, metadata(action))

	assert.Equal(t, "/usr/local/bin/kubectl", ev[3].ProbeTarget, "a process provider's target is its path")

	end := ev[5]
	assert.Equal(t, map[string]string{
		chaosconv.ChaosToolkitMetaStatus:          "completed",
		chaosconv.ChaosToolkitMetaDeviated:        "false",
		chaosconv.ChaosToolkitMetaRollbacks:       "1",
		chaosconv.ChaosToolkitMetaRollbacksFailed: "0",
		chaosconv.ChaosToolkitMetaDurationMs:      "11794.375",
	}, metadata(end))
}

func TestEndPhase(t *testing.T) {
	for status, phase := range map[string]chaosconv.Phase{
		"completed":   chaosconv.PhaseCompleted,
		"failed":      chaosconv.PhaseAborted,
		"aborted":     chaosconv.PhaseAborted,
		"interrupted": chaosconv.PhaseAborted,
	} {
		t.Run(status, func(t *testing.T) {
			res, err := Decode(edit(t, func(j map[string]any) { j["status"] = status }), Options{})
			require.NoError(t, err)
			end := res.Events[len(res.Events)-1]
			assert.Equal(t, phase, end.ExperimentPhase)
			assert.Equal(t, status, metadata(end)[chaosconv.ChaosToolkitMetaStatus])
		})
	}
}

func TestTimestamps(t *testing.T) {
	good := map[string]time.Time{
		"2026-11-23T10:00:00":                 time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC),
		"2026-11-23T10:00:00.5":               time.Date(2026, 11, 23, 10, 0, 0, 500000000, time.UTC),
		"2026-11-23T10:00:00.123456":          time.Date(2026, 11, 23, 10, 0, 0, 123456000, time.UTC),
		"2026-11-23T10:00:00.123456+00:00":    time.Date(2026, 11, 23, 10, 0, 0, 123456000, time.UTC),
		"2026-11-23T10:00:00Z":                time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC),
		"2026-11-23T12:00:00.000000001+02:00": time.Date(2026, 11, 23, 10, 0, 0, 1, time.UTC),
	}
	for s, want := range good {
		got, err := parseTime(s, "start")
		require.Nil(t, err, s)
		assert.Equal(t, want.UnixNano(), got, s)
	}
	for _, s := range []string{"", "yesterday", "2026-11-23", "2026-13-01T00:00:00", "2026-11-23 10:00:00",
		"1969-12-31T23:59:59", "2263-01-01T00:00:00", "2026-11-23T10:00:00+25:00", "1970-01-01T00:00:00"} {
		_, err := parseTime(s, "start")
		assert.NotNil(t, err, s)
	}
}

func TestJournalRefused(t *testing.T) {
	tests := []struct {
		name   string
		body   []byte
		kind   error
		fields []string
		text   string // in the first problem's message
	}{
		{"empty", []byte(" \n"), ErrEmpty, []string{""}, "journal.json"},
		{"malformed", []byte(`{"start": "2026-11-23T10:00:00",`), ErrSyntax, []string{""}, "unexpected end"},
		{"array", []byte(`[{"status":"completed"}]`), ErrInvalid, []string{""}, "must be a JSON object"},
		{"string", []byte(`"journal"`), ErrInvalid, []string{""}, "got a string"},
		{"no start", edit(t, func(j map[string]any) { delete(j, "start") }), ErrInvalid, []string{"start"}, "required"},
		{"null start", edit(t, func(j map[string]any) { j["start"] = nil }), ErrInvalid, []string{"start"}, "required"},
		{"numeric start", edit(t, func(j map[string]any) { j["start"] = 1763892000 }), ErrInvalid, []string{"start"}, "got a number"},
		{"bad start", edit(t, func(j map[string]any) { j["start"] = "23/11/2026 10:00" }), ErrInvalid, []string{"start"}, "not an ISO 8601 time"},
		{"no end", edit(t, func(j map[string]any) { delete(j, "end") }), ErrInvalid, []string{"end"}, "required"},
		{"end before start", edit(t, func(j map[string]any) { j["end"] = "2026-11-23T09:00:00" }), ErrInvalid, []string{"end"}, "before it starts"},
		{"no experiment", edit(t, func(j map[string]any) { delete(j, "experiment") }), ErrInvalid, []string{"experiment"}, "required"},
		{"experiment not object", edit(t, func(j map[string]any) { j["experiment"] = "exp.json" }), ErrInvalid, []string{"experiment"}, "an object"},
		{"no title", edit(t, func(j map[string]any) { delete(j["experiment"].(map[string]any), "title") }), ErrInvalid, []string{"experiment.title"}, "required"},
		{"empty title", edit(t, func(j map[string]any) { j["experiment"].(map[string]any)["title"] = "" }), ErrInvalid, []string{"experiment.title"}, "non-empty"},
		{"no status", edit(t, func(j map[string]any) { delete(j, "status") }), ErrInvalid, []string{"status"}, "required"},
		{"unknown status", edit(t, func(j map[string]any) { j["status"] = "deviated" }), ErrInvalid, []string{"status"}, "completed, failed, aborted or interrupted"},
		{"deviated not bool", edit(t, func(j map[string]any) { j["deviated"] = "no" }), ErrInvalid, []string{"deviated"}, "true or false"},
		{"negative duration", edit(t, func(j map[string]any) { j["duration"] = -1 }), ErrInvalid, []string{"duration"}, "negative"},
		{"run not array", edit(t, func(j map[string]any) { j["run"] = map[string]any{} }), ErrInvalid, []string{"run"}, "an array"},
		{"before not object", edit(t, func(j map[string]any) { j["steady_states"].(map[string]any)["before"] = []any{} }), ErrInvalid, []string{"steady_states.before"}, "an object"},
		{"probes not array", edit(t, func(j map[string]any) {
			j["steady_states"].(map[string]any)["after"].(map[string]any)["probes"] = "none"
		}), ErrInvalid, []string{"steady_states.after.probes"}, "an array"},
		{"every fault at once", edit(t, func(j map[string]any) {
			delete(j, "start")
			j["status"] = 3
			delete(j["experiment"].(map[string]any), "title")
		}), ErrInvalid, []string{"experiment.title", "start", "status"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := Decode(tt.body, Options{})
			require.Nil(t, res)
			require.ErrorIs(t, err, tt.kind)
			var je *JournalError
			require.True(t, errors.As(err, &je))
			var fields []string
			for _, p := range je.Problems {
				fields = append(fields, p.Field)
				assert.Equal(t, -1, p.Index, "a journal-level problem is in no activity")
			}
			assert.Equal(t, tt.fields, fields, err.Error())
			assert.Contains(t, je.Problems[0].Message, tt.text)
		})
	}
}

func TestMessageNamesWhatToFix(t *testing.T) {
	_, err := Decode(edit(t, func(j map[string]any) { j["start"] = nil }), Options{})
	var je *JournalError
	require.True(t, errors.As(err, &je))
	assert.Equal(t, Problem{Index: -1, Field: "start", Message: "required: expected an ISO 8601 time string, got null"}, je.Problems[0])
}

func TestSyntaxErrorOffset(t *testing.T) {
	_, err := Decode([]byte(`{"start": x}`), Options{})
	var je *JournalError
	require.True(t, errors.As(err, &je))
	assert.Equal(t, int64(11), je.Problems[0].Offset)
}

func TestBadRunsAreSkipped(t *testing.T) {
	body := edit(t, func(j map[string]any) {
		run := runs(j, "run")
		good := runAt(j, "run", 0)
		clone := func(f func(r, a map[string]any)) map[string]any {
			var c map[string]any
			b, _ := json.Marshal(good)
			_ = json.Unmarshal(b, &c)
			f(c, c["activity"].(map[string]any))
			return c
		}
		j["run"] = append(run,
			clone(func(_, a map[string]any) { delete(a, "name") }),                               // run[2]
			clone(func(_, a map[string]any) { a["provider"].(map[string]any)["type"] = "grpc" }), // run[3]
			clone(func(r, _ map[string]any) { r["start"] = "soon" }),                             // run[4]
			clone(func(r, _ map[string]any) { r["duration"] = -0.5 }),                            // run[5]
			clone(func(r, _ map[string]any) { r["status"] = "running" }),                         // run[6]
			clone(func(_, a map[string]any) { a["type"] = "rollback" }),                          // run[7]
			"not a run", // run[8]
			clone(func(_, a map[string]any) { delete(a["provider"].(map[string]any), "func") }), // run[9]
			clone(func(_, a map[string]any) { a["provider"].(map[string]any)["func"] = "." }),   // run[10]
			clone(func(r, _ map[string]any) { r["start"] = "2026-11-23T10:00:05.5" }),           // run[11]: good
		)
		j["rollbacks"] = append(runs(j, "rollbacks"), 42) // rollbacks[1]
	})
	res, err := Decode(body, Options{})
	require.NoError(t, err)

	var got []string
	for _, p := range res.Skipped {
		got = append(got, p.Field)
		assert.Contains(t, p.Message, "skipped")
	}
	assert.Equal(t, []string{
		"run[2].activity.name", "run[3].activity.provider.type", "run[4].start", "run[5].duration",
		"run[6].status", "run[7].activity.type", "run[8]", "run[9].activity.provider.func", "run[10]", "rollbacks[1]",
	}, got)
	assert.Equal(t, 10, res.SkippedCount)
	assert.Equal(t, 2, res.Skipped[0].Index)
	assert.Equal(t, 1, res.Skipped[len(res.Skipped)-1].Index)

	// Nothing valid is lost: the fixture's 6 events and run[11].
	require.Len(t, res.Events, 7)
	faults := 0
	for _, e := range res.Events {
		require.NoError(t, e.Validate())
		if e.Kind == chaosconv.KindFaultInjection {
			faults++
		}
	}
	assert.Equal(t, 2, faults)
	end := res.Events[len(res.Events)-1]
	assert.Equal(t, "1", metadata(end)[chaosconv.ChaosToolkitMetaRollbacks], "the malformed rollback is not counted as run")
}

func TestSkippedListIsBounded(t *testing.T) {
	body := edit(t, func(j map[string]any) {
		bad := make([]any, MaxProblems+7)
		for i := range bad {
			bad[i] = map[string]any{"activity": nil}
		}
		j["run"] = bad
	})
	res, err := Decode(body, Options{})
	require.NoError(t, err)
	assert.Len(t, res.Skipped, MaxProblems)
	assert.Equal(t, MaxProblems+7, res.SkippedCount)
	assert.Len(t, res.Events, 4, "phases and hypothesis probes are kept")
}

func TestMaxEvents(t *testing.T) {
	_, err := Decode(fixture(t, "completed"), Options{MaxEvents: 5})
	require.ErrorIs(t, err, ErrTooManyEvents)
	res, err := Decode(fixture(t, "completed"), Options{MaxEvents: 6})
	require.NoError(t, err)
	assert.Len(t, res.Events, 6)
}

func TestOlderAndNewerJournals(t *testing.T) {
	// Journals of older chaoslib versions have no deviated, duration,
	// node or platform; newer ones may add fields, and zoned times.
	body := edit(t, func(j map[string]any) {
		for _, k := range []string{"deviated", "duration", "node", "platform", "chaoslib-version", "rollbacks"} {
			delete(j, k)
		}
		j["extensions"] = []any{map[string]any{"name": "reliably"}}
		j["start"] = "2026-11-23T10:00:00.120345+00:00"
		delete(j["steady_states"].(map[string]any), "during")
		delete(runAt(j, "run", 0), "end")
		delete(runAt(j, "run", 0), "duration")
		runAt(j, "run", 0)["activity"].(map[string]any)["provider"].(map[string]any)["module"] = nil
	})
	res, err := Decode(body, Options{})
	require.NoError(t, err)
	require.Len(t, res.Events, 6)
	assert.Empty(t, res.Events[0].Metadata)
	end := metadata(res.Events[5])
	assert.Equal(t, "false", end[chaosconv.ChaosToolkitMetaDeviated])
	assert.NotContains(t, end, chaosconv.ChaosToolkitMetaDurationMs)
	action := metadata(res.Events[2])
	assert.Equal(t, "terminate_pods", action[chaosconv.ChaosToolkitMetaTarget], "without a module the target is the function")
	assert.NotContains(t, action, chaosconv.ChaosToolkitMetaEnd)
	assert.NotContains(t, action, chaosconv.ChaosToolkitMetaDurationMs)
}

func TestNoHypothesis(t *testing.T) {
	// An exploratory experiment (no hypothesis): before and after null.
	body := edit(t, func(j map[string]any) {
		j["steady_states"] = map[string]any{"before": nil, "after": nil, "during": []any{}}
	})
	res, err := Decode(body, Options{})
	require.NoError(t, err)
	require.Len(t, res.Events, 4)
}

func TestMethodProbeWithoutTolerance(t *testing.T) {
	body := edit(t, func(j map[string]any) { runAt(j, "run", 1)["status"] = "failed" })
	res, err := Decode(body, Options{})
	require.NoError(t, err)
	assert.False(t, res.Events[3].ProbeSuccess, "a method probe succeeds when its run does")
}

func TestFaultTypes(t *testing.T) {
	for _, tt := range []struct {
		provider provider
		name     string
		want     string
	}{
		{provider{providerPython, "chaosk8s.pod.actions.terminate_pods"}, "kill", "terminate_pods"},
		{provider{providerPython, "terminate_pods"}, "kill", "terminate_pods"},
		{provider{providerProcess, "/usr/local/bin/stress-ng"}, "stress", "stress-ng"},
		{provider{providerProcess, `C:\tools\chaos.exe`}, "stress", "chaos.exe"},
		{provider{providerProcess, "pkill"}, "stress", "pkill"},
		{provider{providerHTTP, "http://toxiproxy:8474/proxies/db/toxics"}, "add-latency", "add-latency"},
	} {
		a := activityRun{provider: tt.provider, name: tt.name}
		assert.Equal(t, tt.want, a.faultType())
	}
}

func TestExceptionLine(t *testing.T) {
	assert.Equal(t, "", lastLine(nil))
	assert.Equal(t, "boom", lastLine(json.RawMessage(`"boom\n"`)))
	assert.Equal(t, "ActivityFailed: x", lastLine(json.RawMessage(`["Traceback\n", "  File a\n", "ActivityFailed: x\n", "\n"]`)))
	long := lastLine(json.RawMessage(`["` + strings.Repeat("é", 600) + `"]`))
	assert.LessOrEqual(t, len(long), maxExceptionLen+len("…"))
	assert.True(t, strings.HasSuffix(long, "…"))
	assert.True(t, json.Valid([]byte(`"`+long+`"`)))
}
