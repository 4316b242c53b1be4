package coordinatortest

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/otelcol-chaos/otelcol-chaos/pkg/coordination"
)

func TestLeadershipCallbacks(t *testing.T) {
	f := New("me")
	require.False(t, f.IsLeader())
	require.Zero(t, f.Term())

	var events []string
	unregister := f.RegisterCallbacks(func(term uint64) {
		events = append(events, "gained")
		require.Equal(t, term, f.Term(), "the term is visible when the callback runs")
	}, func() { events = append(events, "lost") })

	f.SetLeader("other", 1)
	f.SetLeader("me", 2)
	require.True(t, f.IsLeader())
	require.Equal(t, "me", f.Leader())
	f.SetLeader("me", 2) // no change of leader: no callback
	f.SetLeader("other", 3)
	require.Equal(t, []string{"gained", "lost"}, events)

	unregister()
	f.SetLeader("me", 4)
	require.Equal(t, []string{"gained", "lost"}, events, "unregistered callbacks are not called")
	require.NoError(t, f.Start(t.Context(), nil))
	require.NoError(t, f.Shutdown(t.Context()))
}

func TestMembers(t *testing.T) {
	f := New("b")
	at := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	f.SetMember("c", coordination.StatusDegraded, at)
	f.SetMember("a", coordination.StatusActive, at)
	f.SetMember("c", coordination.StatusFailed, at.Add(time.Second))
	got := f.Members()
	require.Equal(t, []string{"a", "b", "c"}, []string{got[0].ID, got[1].ID, got[2].ID})
	require.Equal(t, coordination.StatusFailed, got[2].Status)
	require.Equal(t, at.Add(time.Second), got[2].LastHeartbeat)
	got[0].ID = "changed"
	require.Equal(t, "a", f.Members()[0].ID, "Members returns a copy")
	f.RemoveMember("c")
	require.Len(t, f.Members(), 2)
}
