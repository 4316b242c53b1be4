package chaosmetricsconnector

import (
	"strings"

	"github.com/otelcol-chaos/otelcol-chaos/internal/chaosconv"
)

// seriesKey identifies a series: a metric and its label values. A struct of
// strings is a map key Go looks up without allocating.
type seriesKey struct {
	metric metricID
	scope  chaosconv.ScopeKind // ScopeUnknown for metrics without scope labels
	key    string              // the service or the endpoint
	l1, l2 string              // the descriptor's labels, in order
}

// series is the cumulative state of a counter or histogram series.
type series struct {
	start int64 // StartTimestamp: the beginning of the first bucket counted
	last  int64 // the latest Timestamp emitted: points never go back in time
	total uint64
	// histograms only: cumulative bucket counts and sum of the values in µs.
	buckets   []uint64
	sumMicros int64
}

// stamp returns the timestamp of the next point, never before the last.
func (s *series) stamp(ts int64) int64 {
	s.last = max(s.last, ts)
	return s.last
}

// store holds every stateful series.
type store struct {
	m map[seriesKey]*series
	// scopes indexes the series of each scope that bucket records update,
	// so that a record costs one lookup, not one per series.
	scopes map[scopeID]*scopeSeries
}

// scopeID names a scope (its key bounded by the label limits).
type scopeID struct {
	kind chaosconv.ScopeKind
	key  string
}

// scopeSeries are pointers into store.m, filled on first use.
type scopeSeries struct {
	fixed   [metricCount]*series                              // the unlabelled counters and histograms
	kinds   [len(chaosconv.BucketView{}.EventsByKind)]*series // events by kind
	probes  [3]*series                                        // passed, slow, failed
	byLabel [metricCount]map[string]*series                   // faults by type, protocol events by protocol
}

func newStore() *store {
	return &store{m: map[seriesKey]*series{}, scopes: map[scopeID]*scopeSeries{}}
}

// scope returns the series index of a scope, creating it.
func (st *store) scope(k *seriesKey) *scopeSeries {
	id := scopeID{k.scope, k.key}
	if ss := st.scopes[id]; ss != nil {
		return ss
	}
	id.key = strings.Clone(id.key)
	ss := &scopeSeries{}
	st.scopes[id] = ss
	return ss
}

// cached returns *slot, or the series of k (created with start) stored there.
func (st *store) cached(slot **series, k *seriesKey, start int64) *series {
	if *slot == nil {
		*slot = st.get(k, start)
	}
	return *slot
}

// get returns the series of k, created with start on first use. The key's
// strings are copied on creation so the state never pins a request's memory.
func (st *store) get(k *seriesKey, start int64) *series {
	if s := st.m[*k]; s != nil {
		return s
	}
	k.key, k.l1, k.l2 = strings.Clone(k.key), strings.Clone(k.l1), strings.Clone(k.l2)
	s := &series{start: start, last: start}
	st.m[*k] = s
	return s
}

func (st *store) len() int { return len(st.m) }

// labelLimit bounds the distinct values of one label.
type labelLimit struct {
	seen      map[string]struct{}
	max       int
	overflows int64 // replaced values not yet reported
}

// admit returns v, or the overflow value once max other values were seen.
func (l *labelLimit) admit(v string) string {
	if _, ok := l.seen[v]; ok || v == chaosconv.OverflowKey {
		return v
	}
	if len(l.seen) >= l.max {
		l.overflows++
		return chaosconv.OverflowKey
	}
	l.seen[strings.Clone(v)] = struct{}{}
	return v
}

// limits holds one labelLimit per label key.
type limits struct {
	byKey map[string]*labelLimit
	order []string // keys in a fixed order, for reporting
}

// newLimits bounds every label key a descriptor uses, plus the scope keys.
func newLimits(max int) *limits {
	l := &limits{byKey: map[string]*labelLimit{}}
	add := func(k string) {
		if _, ok := l.byKey[k]; !ok {
			l.byKey[k] = &labelLimit{seen: map[string]struct{}{}, max: max}
			l.order = append(l.order, k)
		}
	}
	add(chaosconv.AttrServiceName)
	add(chaosconv.AttrEndpoint)
	for i := range descriptors {
		for _, lb := range descriptors[i].labels {
			if !lb.enumerated {
				add(lb.key)
			}
		}
	}
	return l
}

// admit bounds the value v of label key (which must be one newLimits knows).
func (l *limits) admit(key, v string) string { return l.byKey[key].admit(v) }

// labelOverflow is a label and how many of its values were replaced.
type labelOverflow struct {
	label string
	n     int64
}

// takeOverflows returns the replacements since the last call (nil when none).
func (l *limits) takeOverflows() []labelOverflow {
	var out []labelOverflow
	for _, k := range l.order {
		if lim := l.byKey[k]; lim.overflows > 0 {
			out = append(out, labelOverflow{label: k, n: lim.overflows})
			lim.overflows = 0
		}
	}
	return out
}
