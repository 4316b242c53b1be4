package coordinatorextension

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestRendezvousIsStableAndBalanced(t *testing.T) {
	nodes := []string{"a", "b", "c", "d"}
	counts := map[string]int{}
	owners := map[string]string{}
	for i := range 4000 {
		key := fmt.Sprintf("rule-%d", i)
		o, ok := rendezvous(nodes, key)
		require.True(t, ok)
		counts[o]++
		owners[key] = o
		again, _ := rendezvous([]string{"d", "c", "b", "a"}, key)
		require.Equal(t, o, again, "the member order does not matter")
	}
	for _, n := range nodes {
		require.InDelta(t, 1000, counts[n], 150, "node %s owns its share", n)
	}
	// When c leaves, only c's keys move.
	moved := 0
	for key, o := range owners {
		now, _ := rendezvous([]string{"a", "b", "d"}, key)
		if o != "c" {
			require.Equal(t, o, now)
		} else {
			moved++
		}
	}
	require.Equal(t, counts["c"], moved)
	_, ok := rendezvous(nil, "x")
	require.False(t, ok)
}

func TestFirstHealthy(t *testing.T) {
	o, ok := firstHealthy([]string{"a", "b", "c"}, []string{"c", "b"})
	require.True(t, ok)
	require.Equal(t, "b", o)
	_, ok = firstHealthy([]string{"a"}, []string{"b"})
	require.False(t, ok)
}
