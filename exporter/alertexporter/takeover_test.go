package alertexporter

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/otelcol-chaos/otelcol-chaos/exporter/alertexporter/internal/dispatch"
	"github.com/otelcol-chaos/otelcol-chaos/exporter/alertexporter/internal/rules"
	"github.com/otelcol-chaos/otelcol-chaos/pkg/coordination"
	"github.com/otelcol-chaos/otelcol-chaos/pkg/coordination/coordinatortest"
)

// joinFake puts a fake coordinator (pkg/coordination/coordinatortest) in
// front of the engine the way joinCoordinator does: through the gate
// adapter, with the gained callback registered.
func joinFake(t *testing.T, e *engine, self string) *coordinatortest.Fake {
	t.Helper()
	f := coordinatortest.New(self)
	e.gate, e.self = coordinatorGate{f}, f.Self()
	t.Cleanup(f.RegisterCallbacks(e.gained, nil))
	return f
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
			f := joinFake(t, e, "me")
			f.SetLeader("old-leader", 7)
			start := clock.t.Add(-4 * time.Minute)
			e.ingest(bucketLogs(start, storm()))
			due := clock.t
			e.tick() // due now; a follower only marks it
			require.Empty(t, *sent)
			f.SetMember("old-leader", coordination.StatusActive, due.Add(tt.heardAfter))

			clock.t = clock.t.Add(5 * time.Second)
			f.SetLeader("me", 8) // calls e.gained(8), as the extension does
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
	f := joinFake(t, e, "me")
	f.SetLeader("old-leader", 1)
	start := clock.t.Add(-4 * time.Minute)
	e.ingest(bucketLogs(start, storm()))
	e.tick()
	clock.t = clock.t.Add(e.cfg.TakeoverResend + time.Second)
	f.SetLeader("me", 2)
	require.Empty(t, *sent)
}
