package coordinatorextension

import (
	"hash/fnv"
	"slices"
)

// rendezvous picks, among candidates, the one with the highest hash of
// (candidate, key): every node computes the same owner from the same
// member list, and when a member leaves only its keys move.
func rendezvous(candidates []string, key string) (string, bool) {
	best, bestScore := "", uint64(0)
	for _, c := range candidates {
		h := fnv.New64a()
		_, _ = h.Write([]byte(c))
		_, _ = h.Write([]byte{0})
		_, _ = h.Write([]byte(key))
		if s := mix(h.Sum64()); best == "" || s > bestScore || (s == bestScore && c < best) {
			best, bestScore = c, s
		}
	}
	return best, best != ""
}

// mix is a 64-bit finaliser (splitmix64) so FNV's weak high bits do not
// bias the maximum.
func mix(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}

// firstHealthy is the first node of priority that is among healthy.
func firstHealthy(priority, healthy []string) (string, bool) {
	for _, p := range priority {
		if slices.Contains(healthy, p) {
			return p, true
		}
	}
	return "", false
}
