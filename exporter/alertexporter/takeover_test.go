package alertexporter

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/otelcol-chaos/otelcol-chaos/exporter/alertexporter/internal/dispatch"
	"github.com/otelcol-chaos/otelcol-chaos/exporter/alertexporter/internal/rules"
)

// fakeGate is a coordinator seen from the engine: who leads, under which
// term, and when each member was last heard from.
type fakeGate struct {
	leading bool
	term    uint64
	leader  string
	heard   map[string]time.Time
}

func (g *fakeGate) Leading() (bool, uint64) { return g.leading, g.term }
func (g *fakeGate) Leader() string          { return g.leader }
func (g *fakeGate) LastHeartbeat(id string) (time.Time, bool) {
	t, ok := g.heard[id]
	return t, ok
}

// TestTakeoverSendsOnlyWhatTheOldLeaderCouldNotHave: a follower marks what
// falls due as told; on gaining leadership it re-sends it only if the
// leader of that moment was not heard from after it fell due.
func TestTakeoverSendsOnlyWhatTheOldLeaderCouldNotHave(t *testing.T) {
	for _, tt := range []struct {
		name        string
		heardAfter  time.Duration // leader's last heartbeat relative to the due time
		wantResends int
	}{
		{"leader died before it was due: re-sent", -time.Second, 1},
		{"leader alive after it was due: it sent it, not re-sent", time.Second, 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e, clock, sent := newTestEngine(t, []rules.Config{{Name: "Storm", Preset: "fault_rate", Threshold: f64(0.3),
				Window: 2 * time.Minute}},
				dispatch.Config{GroupBy: []string{"alertname"}, GroupWait: 0, GroupInterval: time.Minute, RepeatInterval: time.Hour})
			g := &fakeGate{leader: "old-leader", term: 7, heard: map[string]time.Time{}}
			e.gate, e.self = g, "me"
			start := clock.t.Add(-4 * time.Minute)
			e.ingest(bucketLogs(start, storm()))
			due := clock.t
			e.tick() // due now; a follower only marks it
			require.Empty(t, *sent)
			g.heard["old-leader"] = due.Add(tt.heardAfter)

			clock.t = clock.t.Add(5 * time.Second)
			g.leading, g.term, g.leader = true, 8, "me"
			e.gained(8)
			require.Len(t, *sent, tt.wantResends)
			if tt.wantResends > 0 {
				require.Equal(t, uint64(8), (*sent)[0].Term, "stamped with the new term")
				require.Equal(t, "me", (*sent)[0].Sender)
			}
			// Either way, nothing more until something changes.
			clock.t = clock.t.Add(2 * time.Minute)
			e.tick()
			require.Len(t, *sent, tt.wantResends)
		})
	}
}

// TestTakeoverForgetsWhatIsTooOld: owed notifications older than
// takeover_resend are not re-sent.
func TestTakeoverForgetsWhatIsTooOld(t *testing.T) {
	e, clock, sent := newTestEngine(t, []rules.Config{{Name: "Storm", Preset: "fault_rate", Threshold: f64(0.3),
		Window: 2 * time.Minute}},
		dispatch.Config{GroupBy: []string{"alertname"}, GroupWait: 0, GroupInterval: time.Minute, RepeatInterval: time.Hour})
	g := &fakeGate{leader: "old-leader", term: 1, heard: map[string]time.Time{}}
	e.gate = g
	start := clock.t.Add(-4 * time.Minute)
	e.ingest(bucketLogs(start, storm()))
	e.tick()
	clock.t = clock.t.Add(e.cfg.TakeoverResend + time.Second)
	g.leading, g.term = true, 2
	e.gained(2)
	require.Empty(t, *sent)
}
