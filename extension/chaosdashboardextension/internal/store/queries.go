package store

import (
	"slices"
	"time"

	"github.com/otelcol-chaos/otelcol-chaos/internal/chaosconv"
)

// Query selects the buckets of one series whose start lies in
// [From, To). A zero Width is the finest width held for the scope and key.
type Query struct {
	Scope    chaosconv.ScopeKind
	Key      string
	Width    time.Duration
	From, To time.Time
}

// Widths lists the widths held for the scope and key, finest first.
func (s *Store) Widths(scope chaosconv.ScopeKind, key string) []time.Duration {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return slices.Clone(s.widths[scopeRef{scope: scope, key: key}])
}

// selectLocked returns q's buckets (under the lock: they are the store's).
func (s *Store) selectLocked(q Query) []entry {
	w := q.Width
	if w == 0 {
		w = s.finest(scopeRef{scope: q.Scope, key: q.Key})
	}
	ser := s.series[seriesKey{scope: q.Scope, key: q.Key, width: w}]
	if ser == nil {
		return nil
	}
	return ser.window(q.From.UnixNano(), q.To.UnixNano())
}

// Buckets returns q's buckets, oldest first (never nil).
func (s *Store) Buckets(q Query) []Bucket {
	s.mu.RLock()
	defer s.mu.RUnlock()
	sel := s.selectLocked(q)
	out := make([]Bucket, len(sel))
	for i := range sel {
		out[i] = bucketOf(&sel[i])
	}
	return out
}

// Impact merges q's buckets and judges the merge under the store's impact
// configuration. The window's From and To are q's.
func (s *Store) Impact(q Query) Window {
	s.mu.RLock()
	merged, im := s.mergeLocked(s.selectLocked(q))
	s.mu.RUnlock()
	w := Window{From: q.From.UTC(), To: q.To.UTC(), Scope: q.Scope.String(), Key: q.Key,
		Impact: Impact{Severity: Float(im.Severity), DegradationPct: Float(im.DegradationPct), Measured: im.Measured,
			Source: im.Source},
		TopEndpoints: topOf(im.TopEndpoints)}
	if merged != nil {
		w.Events, w.Faults, w.LatencyMs = merged.Events, merged.Faults, latencyOf(&merged.Latency)
		w.Observed = observedOf(&merged.Observed)
	}
	return w
}

// mergeLimits leaves the merged maps unbounded: each bucket's maps are
// bounded by their producer already, and a window's merge lives only for
// one request.
var mergeLimits = chaosconv.Limits{}

// mergeLocked merges buckets into a new bucket (nil when there are none).
func (s *Store) mergeLocked(sel []entry) (*chaosconv.Bucket, chaosconv.Impact) {
	if len(sel) == 0 {
		return nil, chaosconv.Impact{}
	}
	bs := make([]*chaosconv.Bucket, len(sel))
	for i := range sel {
		bs[i] = sel[i].b
	}
	return chaosconv.ImpactOver(bs, &mergeLimits, &s.impact)
}
