package coordinatorextension

import (
	"testing"

	"github.com/stretchr/testify/require"
)

type recorder struct{ events []string }

func (r *recorder) gained(term uint64) { r.events = append(r.events, "gained:"+itoa(term)) }
func (r *recorder) lost()              { r.events = append(r.events, "lost") }

func itoa(u uint64) string {
	if u == 0 {
		return "0"
	}
	var b []byte
	for ; u > 0; u /= 10 {
		b = append([]byte{byte('0' + u%10)}, b...)
	}
	return string(b)
}

func TestCallbacksWaitForPipelines(t *testing.T) {
	s := newState("a", nil)
	r := &recorder{}
	s.RegisterCallbacks(r.gained, r.lost)
	s.setLeader("a", 1)
	require.True(t, s.IsLeader())
	require.Empty(t, r.events, "not before the pipelines are ready")
	s.markReady()
	require.Equal(t, []string{"gained:1"}, r.events)

	late := &recorder{}
	unregister := s.RegisterCallbacks(late.gained, late.lost)
	require.Equal(t, []string{"gained:1"}, late.events, "a late registration learns it leads at once")
	unregister()
	s.setLeader("b", 2)
	require.Equal(t, []string{"gained:1", "lost"}, r.events)
	require.Equal(t, []string{"gained:1"}, late.events, "unregistered")
}

func TestTermsOnlyGrowAndNeverShareALeader(t *testing.T) {
	s := newState("a", nil)
	s.markReady()
	s.setLeader("a", 3)
	s.setLeader("b", 2) // stale observation
	require.Equal(t, "a", s.Leader())
	require.Equal(t, uint64(3), s.Term())
	s.setLeader("b", 3) // same term, another leader: refused
	require.Equal(t, "a", s.Leader())
	s.setLeader("b", 4)
	require.Equal(t, "b", s.Leader())
	require.False(t, s.IsLeader())
}

func TestReElectionFencesWithTheNewTerm(t *testing.T) {
	s := newState("a", nil)
	r := &recorder{}
	s.RegisterCallbacks(r.gained, r.lost)
	s.markReady()
	s.setLeader("a", 1)
	s.setLeader("a", 2)
	require.Equal(t, []string{"gained:1", "lost", "gained:2"}, r.events)
}

func TestStepDownStopsActingAtOnce(t *testing.T) {
	s := newState("a", nil)
	r := &recorder{}
	s.RegisterCallbacks(r.gained, r.lost)
	s.markReady()
	s.setLeader("a", 5)
	s.stepDown()
	require.False(t, s.IsLeader())
	require.Equal(t, uint64(5), s.Term(), "the term is kept: the next leader takes a higher one")
	require.Equal(t, []string{"gained:5", "lost"}, r.events)
}

func TestOwnerModes(t *testing.T) {
	s := newState("b", []string{"c", "b", "a"})
	s.setMembers([]Member{{ID: "a", Status: StatusActive}, {ID: "b", Status: StatusActive}, {ID: "c", Status: StatusFailed}})
	s.setLeader("a", 1)

	o, ok := s.Owner(ModeLeader, "k")
	require.True(t, ok)
	require.Equal(t, "a", o)
	require.True(t, s.Owns(ModeAll, "k"))
	o, _ = s.Owner(ModeOrdered, "k")
	require.Equal(t, "b", o, "c is first but failed")
	o, _ = s.Owner(ModeSharded, "k")
	require.Contains(t, []string{"a", "b"}, o, "only healthy members own shards")
	_, ok = s.Owner(Mode("bogus"), "k")
	require.False(t, ok)
	require.Equal(t, []string{"a", "b", "c"}, []string{s.Members()[0].ID, s.Members()[1].ID, s.Members()[2].ID})
}
