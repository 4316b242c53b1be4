package store

import (
	"slices"
	"time"

	"github.com/otelcol-chaos/otelcol-chaos/internal/chaosconv"
)

// entry is one stored bucket and the impact its producer recorded (the
// producer's impact configuration may differ from ours, so its figures
// are shown as they were published).
type entry struct {
	b      *chaosconv.Bucket
	impact Impact
}

// seriesKey identifies a ring of buckets.
type seriesKey struct {
	scope chaosconv.ScopeKind
	key   string
	width time.Duration
}

// scopeRef is one scope and key, whatever the width.
type scopeRef struct {
	scope chaosconv.ScopeKind
	key   string
}

// series is the buckets of one (scope, key, width), ordered by start, with
// no two of the same start. Buckets close in order, so put appends in the
// common case and eviction cuts a prefix.
type series []entry

// put stores e, replacing a bucket of the same start (a republished or
// re-merged bucket is the same bucket). It reports whether e is now the
// newest.
func (s *series) put(e entry) (newest bool) {
	start := e.b.StartUnixNano
	n := len(*s)
	if n == 0 || (*s)[n-1].b.StartUnixNano < start {
		*s = append(*s, e)
		return true
	}
	i, found := slices.BinarySearchFunc(*s, start, func(x entry, t int64) int { return cmpInt(x.b.StartUnixNano, t) })
	if found {
		(*s)[i] = e
	} else {
		*s = slices.Insert(*s, i, e)
	}
	return i == len(*s)-1
}

// evictBefore drops the buckets that ended at or before cutoff and returns
// how many.
func (s *series) evictBefore(cutoff int64) int {
	n := 0
	for n < len(*s) && (*s)[n].b.EndUnixNano() <= cutoff {
		n++
	}
	if n > 0 {
		// Clear the dropped slots so that their buckets can be collected.
		clear((*s)[:n])
		*s = (*s)[n:]
	}
	return n
}

// window returns the buckets whose start is in [from, to).
func (s series) window(from, to int64) []entry {
	lo, _ := slices.BinarySearchFunc(s, from, func(x entry, t int64) int { return cmpInt(x.b.StartUnixNano, t) })
	hi, _ := slices.BinarySearchFunc(s, to, func(x entry, t int64) int { return cmpInt(x.b.StartUnixNano, t) })
	if hi < lo {
		return nil
	}
	return s[lo:hi]
}

func (s series) last() *entry {
	if len(s) == 0 {
		return nil
	}
	return &s[len(s)-1]
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
