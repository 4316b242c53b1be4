package alertexporter

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/otelcol-chaos/otelcol-chaos/exporter/alertexporter/internal/notify"
)

func TestAbortLog(t *testing.T) {
	at := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	rec := func(exp, outcome string) notify.AbortRecord {
		return notify.AbortRecord{Handler: "stop", Target: "mockforge", TargetRef: "scenario " + exp, Experiment: exp,
			Outcome: outcome, At: at}
	}
	outcomes := func(rs []notify.AbortRecord) []string {
		var out []string
		for _, r := range rs {
			out = append(out, r.Experiment+":"+r.Outcome)
		}
		return out
	}
	l := newAbortLog(3)
	require.Empty(t, l.newest(0))
	l.add(rec("a", notify.AbortAlreadyStopped)) // the tool said so: nothing held for a
	l.add(rec("b", notify.AbortStopped))
	l.add(rec("b", notify.AbortAlreadyStopped)) // a re-notification: not repeated
	require.Equal(t, []string{"b:stopped", "a:already_stopped"}, outcomes(l.newest(0)), "newest first")
	l.add(rec("c", notify.AbortFailed))
	l.add(rec("c", notify.AbortFailed)) // every failure is kept
	require.Equal(t, []string{"c:failed", "c:failed", "b:stopped"}, outcomes(l.newest(0)), "the oldest evicted")
	require.Equal(t, []string{"c:failed"}, outcomes(l.newest(1)))

	r := rec("d", notify.AbortFailed)
	r.Err = errors.New("connection refused")
	a := toAPIAbort(&r)
	require.Equal(t, apiAbort{At: "2026-11-30T12:00:00Z", Handler: "stop", Target: "mockforge", TargetRef: "scenario d",
		Experiment: "d", Outcome: "failed", Error: "connection refused"}, a)
}
