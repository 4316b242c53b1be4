package chaostoolkit

import (
	"errors"
	"testing"

	"github.com/otelcol-chaos/otelcol-chaos/internal/chaosconv"
)

// FuzzDecode feeds Decode arbitrary bodies, seeded with the fixtures and
// broken variants of them. Whatever the body, Decode must not panic, and
// must either refuse it with a *JournalError naming at least one problem,
// or return only events that pass chaosconv's validation, in time order,
// with exactly one started and one end (completed or aborted) phase.
//
//	go test ./receiver/chaosreceiver/internal/chaostoolkit/ -run '^$' -fuzz FuzzDecode -fuzztime 20s
func FuzzDecode(f *testing.F) {
	for _, name := range []string{"completed", "deviated", "failed_probe", "interrupted"} {
		b := fixture(f, name)
		f.Add(b)
		f.Add(b[:len(b)/2])
	}
	for _, s := range []string{
		``, `{}`, `[]`, `null`, `"x"`, `{"start":null}`,
		`{"experiment":{"title":"t"},"start":"2026-11-23T10:00:00","end":"2026-11-23T10:00:01","status":"completed","run":[{"activity":{"type":"action","name":"a","provider":{"type":"process","path":"/"}},"status":"succeeded","start":"2026-11-23T10:00:00"}]}`,
		`{"experiment":{"title":"t"},"start":"2026-11-23T10:00:00","end":"2026-11-23T10:00:01","status":"failed","steady_states":{"during":[null,{"probes":[{}]}]}}`,
		`{"experiment":{"title":"t"},"start":"2026-11-23T10:00:00","end":"2026-11-23T10:00:01","status":"completed","duration":NaN,"run":[-Infinity,"NaN\"",Infinity]}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		res, err := Decode(body, Options{MaxEvents: 1000})
		if err != nil {
			var je *JournalError
			if !errors.As(err, &je) || len(je.Problems) == 0 || len(je.Problems) > MaxProblems {
				t.Fatalf("refusal without problems: %v", err)
			}
			if res != nil {
				t.Fatal("a refused journal returned a result")
			}
			return
		}
		n := len(res.Events)
		if n < 2 || n > 1000 {
			t.Fatalf("%d events", n)
		}
		phases := map[chaosconv.Phase]int{}
		for i := range res.Events {
			phases[res.Events[i].ExperimentPhase]++
			if err := res.Events[i].Validate(); err != nil {
				t.Fatalf("event %d invalid: %v", i, err)
			}
			if i > 0 && res.Events[i].TimeUnixNano < res.Events[i-1].TimeUnixNano {
				t.Fatal("events out of time order")
			}
		}
		if phases[chaosconv.PhaseStarted] != 1 || phases[chaosconv.PhaseCompleted]+phases[chaosconv.PhaseAborted] != 1 {
			t.Fatalf("phases %v: want one started and one end phase", phases)
		}
		if len(res.Skipped) > MaxProblems || res.SkippedCount < len(res.Skipped) {
			t.Fatalf("skipped %d listed, %d counted", len(res.Skipped), res.SkippedCount)
		}
	})
}
