package store

import (
	"slices"

	"github.com/otelcol-chaos/otelcol-chaos/internal/chaosconv"
)

// healthRing is the health records of one scope and key, ordered by at,
// with no two of the same at. Records arrive in order in the common case
// (put appends, eviction cuts a prefix); a replay may deliver them late.
type healthRing []*chaosconv.Health

func cmpAt(h *chaosconv.Health, at int64) int { return cmpInt(h.AtUnixNano, at) }

// put stores h, replacing the record of the same at: a re-published
// record is the same record, so storing it twice changes nothing.
func (r *healthRing) put(h *chaosconv.Health) {
	n := len(*r)
	if n == 0 || (*r)[n-1].AtUnixNano < h.AtUnixNano {
		*r = append(*r, h)
		return
	}
	i, found := slices.BinarySearchFunc(*r, h.AtUnixNano, cmpAt)
	if found {
		(*r)[i] = h
		return
	}
	*r = slices.Insert(*r, i, h)
}

// evictBefore drops the records at or before cutoff and returns how many.
func (r *healthRing) evictBefore(cutoff int64) int {
	n := 0
	for n < len(*r) && (*r)[n].AtUnixNano <= cutoff {
		n++
	}
	if n > 0 {
		// Clear the dropped slots so that their records can be collected.
		clear((*r)[:n])
		*r = (*r)[n:]
	}
	return n
}

// window returns the records whose at is in [from, to).
func (r healthRing) window(from, to int64) []*chaosconv.Health {
	lo, _ := slices.BinarySearchFunc(r, from, cmpAt)
	hi, _ := slices.BinarySearchFunc(r, to, cmpAt)
	if hi < lo {
		return nil
	}
	return r[lo:hi]
}
