// Package aggregate is the chaos_analytics processor's engine: it folds
// chaos events (and partial chaos.bucket summaries from upstream
// collectors) into time buckets per scope, closes them on an event-time
// watermark, and rolls the finest width up into the coarser ones. It does
// no I/O and reads no clock: the caller passes the time, so every behaviour
// is deterministic under test.
package aggregate // import "github.com/otelcol-chaos/otelcol-chaos/processor/chaosanalyticsprocessor/internal/aggregate"

import (
	"errors"
	"maps"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/otelcol-chaos/otelcol-chaos/internal/chaosconv"
)

// Config is the aggregator's configuration (validated by the processor).
type Config struct {
	// Widths are the bucket widths, ascending; every one a multiple of the
	// first (the finest), which is the only one events touch.
	Widths []time.Duration
	// AllowedLateness is how far behind the newest event time an event may
	// arrive and still be aggregated.
	AllowedLateness time.Duration
	// MaxFutureSkew bounds how far ahead of the wall clock an event may be:
	// one event dated next year must not close every open bucket.
	MaxFutureSkew time.Duration
	// MaxServices and MaxEndpoints bound the scopes of each kind; events of
	// scopes beyond are aggregated under chaosconv.OverflowKey.
	MaxServices, MaxEndpoints int
	// MaxOpenBuckets bounds the open buckets of all scopes and widths; past
	// it the oldest are closed (and emitted) early.
	MaxOpenBuckets int
	// MaxPartials bounds the partial summaries kept (one per producer per
	// open bucket) until their bucket closes; past it, a partial of a new
	// producer is merged at once, without protection against a duplicate.
	MaxPartials int
	// ProducerTimeout is how long an upstream producer may send nothing
	// before it stops holding buckets open (see producers).
	ProducerTimeout time.Duration
	Limits          chaosconv.Limits
}

// Outcome is what happened to one event or summary.
type Outcome uint8

// Outcomes of Add and Merge.
const (
	Aggregated     Outcome = iota
	Late                   // its finest bucket had already closed: counted, not aggregated
	Future                 // dated beyond the wall clock plus MaxFutureSkew
	Unmergeable            // a summary of another width than the finest
	Duplicate              // a partial its producer had already sent (or a smaller, older one): counted once
	Replaced               // a partial that replaced its producer's earlier, smaller one
	Undeduplicated         // a partial merged at once: MaxPartials was reached
	outcomeCount
)

// OutcomeCount is the number of outcomes, for arrays indexed by Outcome.
const OutcomeCount = int(outcomeCount)

// ErrWidth is returned when restoring a bucket whose width is not configured.
var ErrWidth = errors.New("bucket width is not one of the configured widths")

// Stats are the aggregator's counters, for telemetry.
type Stats struct {
	Late, Future, Unmergeable uint64
	// Duplicates are partials ignored because their producer's partial of
	// the bucket was already kept; Replaced, partials that replaced their
	// producer's earlier one; Undeduplicated, partials merged at once
	// because MaxPartials was reached.
	Duplicates, Replaced, Undeduplicated uint64
	ScopeOverflows                       [4]uint64 // by chaosconv.ScopeKind
	ForcedCloses                         uint64
}

// Aggregator holds the open buckets of every scope.
type Aggregator struct {
	cfg    Config
	finest int64 // nanoseconds

	global    *Scope
	services  map[string]*Scope
	endpoints map[string]*Scope
	scopes    []*Scope // creation order: emission order is deterministic

	maxEventTime int64     // newest accepted event time (or partial's bucket end)
	lastArrival  time.Time // wall time when maxEventTime last advanced
	// anonMax is the newest time of local events and of partials that name
	// no producer (hasAnon: there were some); prod, how far each named
	// producer has sent its partials. The watermark is the least of them.
	anonMax int64
	hasAnon bool
	prod    *producers
	// unsettled: producer partials were merged since the watermark last moved.
	unsettled     bool
	closedThrough int64 // every finest bucket ending at or before this is closed
	// lastStart is the newest chaos start seen (an experiment started or a
	// scenario transition, event time): the observed baselines are taken
	// before it.
	lastStart int64
	nextClose int64 // earliest end among open buckets
	open      int   // open buckets, all scopes and widths

	// partials holds, per open finest bucket, the latest partial summary
	// of each producer; they are merged into it when it closes.
	partials  map[*chaosconv.Bucket]map[string]*chaosconv.Bucket
	nPartials int

	free   []*chaosconv.Bucket
	closed []*chaosconv.Bucket
	stats  Stats
}

// Scope is the open buckets of one scope.
type Scope struct {
	Kind chaosconv.ScopeKind
	Key  string
	// open[i] is the open buckets of width i, ascending by start.
	open [][]*chaosconv.Bucket
	cur  *chaosconv.Bucket // the finest bucket last written: the hot path's cache
	// baseline is what the scope's own spans showed in its last calm
	// buckets (in memory only: a restart waits for new calm buckets).
	baseline baselineRing
}

// New returns an empty aggregator.
func New(cfg Config) *Aggregator {
	a := &Aggregator{
		cfg:           cfg,
		finest:        int64(cfg.Widths[0]),
		services:      map[string]*Scope{},
		endpoints:     map[string]*Scope{},
		closedThrough: math.MinInt64,
		nextClose:     math.MaxInt64,
		partials:      map[*chaosconv.Bucket]map[string]*chaosconv.Bucket{},
		prod:          newProducers(cfg.ProducerTimeout),
	}
	a.global = a.newScope(chaosconv.ScopeGlobal, "")
	return a
}

func (a *Aggregator) newScope(kind chaosconv.ScopeKind, key string) *Scope {
	s := &Scope{Kind: kind, Key: key, open: make([][]*chaosconv.Bucket, len(a.cfg.Widths))}
	a.scopes = append(a.scopes, s)
	return s
}

// Service returns the scope of a service, or the overflow scope past the
// limit. Callers resolve it once per resource, not per event.
func (a *Aggregator) Service(name string) *Scope {
	return a.scope(a.services, chaosconv.ScopeService, name, a.cfg.MaxServices)
}

func (a *Aggregator) endpoint(name string) *Scope {
	return a.scope(a.endpoints, chaosconv.ScopeEndpoint, name, a.cfg.MaxEndpoints)
}

// scopeOf is the scope a summary bucket belongs to (limits apply).
func (a *Aggregator) scopeOf(b *chaosconv.Bucket) *Scope {
	switch b.Scope {
	case chaosconv.ScopeGlobal:
		return a.global
	case chaosconv.ScopeService:
		return a.Service(b.Key)
	default:
		return a.endpoint(b.Key)
	}
}

func (a *Aggregator) scope(m map[string]*Scope, kind chaosconv.ScopeKind, key string, limit int) *Scope {
	if s, ok := m[key]; ok {
		return s
	}
	if limit > 0 && len(m) >= limit {
		a.stats.ScopeOverflows[kind]++
		key = chaosconv.OverflowKey
		if s, ok := m[key]; ok {
			return s
		}
	}
	// A copy: the key may be a substring of the request body that named
	// the scope first, which the scope would otherwise pin for good.
	key = strings.Clone(key)
	s := a.newScope(kind, key)
	m[key] = s
	return s
}

// Add aggregates one event into the global scope, its service's scope (nil
// for none) and its endpoint's scope (if it names one).
func (a *Aggregator) Add(e *chaosconv.Event, service *Scope, now time.Time) Outcome {
	t := e.TimeUnixNano
	if t > now.UnixNano()+int64(a.cfg.MaxFutureSkew) {
		a.stats.Future++
		return Future
	}
	start := floor(t, a.finest)
	if start+a.finest <= a.closedThrough {
		a.stats.Late++
		return Late
	}
	lim := &a.cfg.Limits
	a.finestBucket(a.global, start).AddEvent(e, lim)
	if service != nil {
		a.finestBucket(service, start).AddEvent(e, lim)
	}
	if e.Endpoint != "" {
		a.finestBucket(a.endpoint(e.Endpoint), start).AddEvent(e, lim)
	}
	if isStart(e) && t > a.lastStart {
		a.lastStart = t
	}
	a.observeAnon(t, now)
	return Aggregated
}

// Merge folds a partial summary from an upstream collector into the
// matching open bucket. Only finest-width summaries merge exactly (a
// coarser bucket's peak cannot be recombined from partials), so upstream
// collectors should emit the finest width only; others are Unmergeable.
//
// A summary that names its producer is kept as that producer's partial of
// the bucket until the bucket closes: the same partial received twice
// counts once (Duplicate), and a later one with more events (its producer
// re-emitted the bucket with late events) replaces it. Partials of a
// producer only grow, so the one with the most events is its latest,
// whatever order they arrive in.
func (a *Aggregator) Merge(b *chaosconv.Bucket, now time.Time) Outcome {
	oc := a.merge(b, now)
	a.settle()
	return oc
}

// MergeBatch merges the summaries of one request and moves the watermark
// once, after all of them: a producer's request may hold several minutes
// of several scopes in any order, and a partial of its next minute must
// not close the minute whose other partials follow it in the same request.
// outcome is called with each summary's outcome, in order.
func (a *Aggregator) MergeBatch(bs []chaosconv.Bucket, now time.Time, outcome func(Outcome)) {
	for i := range bs {
		outcome(a.merge(&bs[i], now))
	}
	a.settle()
}

// MergeObserved adds a request's chaos.observed partials (buckets carrying
// only observed traffic) into the open finest buckets of their scopes.
// Unlike a summary, such a partial does not vouch for its whole bucket —
// the spans of its bucket may still be arriving — so it moves the
// watermark only to the newest bucket start of the request, and only once
// all of them are merged: a batch holds several minutes of several scopes
// in any order, and none of them may be made late by another.
func (a *Aggregator) MergeObserved(bs []chaosconv.Bucket, now time.Time, outcome func(Outcome)) {
	newest, seen := int64(0), false
	for i := range bs {
		b := &bs[i]
		switch {
		case int64(b.Width) != a.finest:
			a.stats.Unmergeable++
			outcome(Unmergeable)
			continue
		case b.StartUnixNano > now.UnixNano()+int64(a.cfg.MaxFutureSkew):
			a.stats.Future++
			outcome(Future)
			continue
		}
		start := floor(b.StartUnixNano, a.finest)
		if start+a.finest <= a.closedThrough {
			a.stats.Late++
			outcome(Late)
			continue
		}
		a.finestBucket(a.scopeOf(b), start).Merge(b, &a.cfg.Limits)
		outcome(Aggregated)
		if !seen || start > newest {
			newest, seen = start, true
		}
	}
	if seen {
		a.observeAnon(newest, now)
	}
}

func (a *Aggregator) merge(b *chaosconv.Bucket, now time.Time) Outcome {
	if int64(b.Width) != a.finest {
		a.stats.Unmergeable++
		return Unmergeable
	}
	if b.StartUnixNano > now.UnixNano()+int64(a.cfg.MaxFutureSkew) {
		a.stats.Future++
		return Future
	}
	start := floor(b.StartUnixNano, a.finest)
	if start+a.finest <= a.closedThrough {
		a.stats.Late++
		return Late
	}
	oc := a.keepPartial(a.finestBucket(a.scopeOf(b), start), b)
	if b.Producer != "" {
		// Its producer has sent this bucket: it is alive (even when the
		// partial is a duplicate) and done with everything before. The
		// watermark moves in settle.
		a.prod.saw(b.Producer, start+a.finest, now)
		a.noteArrival(start+a.finest-1, now)
		a.unsettled = true
	} else {
		// A summary vouches for its whole bucket: the newest time it covers.
		a.observeAnon(start+a.finest-1, now)
	}
	return oc
}

// settle moves the watermark after producer partials were merged.
func (a *Aggregator) settle() {
	if a.unsettled {
		a.unsettled = false
		a.rewatermark(0)
	}
}

// keepPartial stores b as its producer's partial of target, or merges it
// into target at once when it names no producer or MaxPartials is reached.
func (a *Aggregator) keepPartial(target, b *chaosconv.Bucket) Outcome {
	lim := &a.cfg.Limits
	ps := a.partials[target]
	old := ps[b.Producer]
	switch {
	case b.Producer == "":
		target.Merge(b, lim)
	case old != nil && b.Events <= old.Events:
		a.stats.Duplicates++
		return Duplicate
	case old != nil:
		producer := old.Producer // b's is the request's memory
		old.Reinit(old.Scope, old.Key, old.StartUnixNano, old.Width)
		old.Merge(b, lim)
		old.Producer = producer
		a.stats.Replaced++
		return Replaced
	case a.cfg.MaxPartials > 0 && a.nPartials >= a.cfg.MaxPartials:
		target.Merge(b, lim)
		a.stats.Undeduplicated++
		return Undeduplicated
	default:
		p := a.alloc(target.Scope, target.Key, target.StartUnixNano, target.Width)
		p.Merge(b, lim)
		p.Producer = strings.Clone(b.Producer)
		if ps == nil {
			ps = map[string]*chaosconv.Bucket{}
			a.partials[target] = ps
		}
		ps[p.Producer] = p
		a.nPartials++
	}
	return Aggregated
}

// mergePartials folds the partials kept for b into it, in producer order
// (merging is exact in any order; a fixed one keeps map overflow
// deterministic), and frees them.
func (a *Aggregator) mergePartials(b *chaosconv.Bucket) {
	ps := a.partials[b]
	if ps == nil {
		return
	}
	for _, producer := range slices.Sorted(maps.Keys(ps)) {
		p := ps[producer]
		b.Merge(p, &a.cfg.Limits)
		a.free = append(a.free, p)
	}
	a.nPartials -= len(ps)
	delete(a.partials, b)
}

// observeAnon notes a local event, or a partial that names no producer,
// at event time t, and moves the watermark.
func (a *Aggregator) observeAnon(t int64, now time.Time) {
	if a.hasAnon && t <= a.anonMax {
		return // the hot path: nothing newer, the watermark stays
	}
	a.hasAnon = true
	a.anonMax = t
	a.noteArrival(t, now)
	a.rewatermark(0)
}

func (a *Aggregator) noteArrival(t int64, now time.Time) {
	if t > a.maxEventTime {
		a.maxEventTime = t
		a.lastArrival = now
	}
}

// rewatermark closes what the watermark allows, less the allowed
// lateness: with live producers, the time every one of them has sent its
// partials through (and local events' newest time, if any); without, the
// newest time seen. idle extends the event-time part by the wall time
// since the newest arrival, so buckets close when traffic stops.
func (a *Aggregator) rewatermark(idle time.Duration) {
	late := int64(a.cfg.AllowedLateness)
	pw, live := a.prod.watermark()
	switch {
	case !live:
		a.advance(a.maxEventTime + int64(idle) - late)
	case a.hasAnon:
		a.advance(min(pw, a.anonMax+int64(idle)) - late)
	default:
		a.advance(pw - late)
	}
}

// finestBucket returns the open finest bucket of s starting at start,
// opening it if needed.
func (a *Aggregator) finestBucket(s *Scope, start int64) *chaosconv.Bucket {
	if s.cur != nil && s.cur.StartUnixNano == start {
		return s.cur
	}
	b := a.openBucket(s, 0, start)
	s.cur = b
	return b
}

// openBucket finds or opens the bucket of width index w at start.
func (a *Aggregator) openBucket(s *Scope, w int, start int64) *chaosconv.Bucket {
	list := s.open[w]
	i := len(list)
	for i > 0 && list[i-1].StartUnixNano >= start {
		i--
	}
	if i < len(list) && list[i].StartUnixNano == start {
		return list[i]
	}
	b := a.alloc(s.Kind, s.Key, start, a.cfg.Widths[w])
	list = append(list, nil)
	copy(list[i+1:], list[i:])
	list[i] = b
	s.open[w] = list
	a.open++
	a.nextClose = min(a.nextClose, b.EndUnixNano())
	if w == 0 && a.cfg.MaxOpenBuckets > 0 && a.open > a.cfg.MaxOpenBuckets {
		a.forceCloseOldest(b)
	}
	return b
}

func (a *Aggregator) alloc(kind chaosconv.ScopeKind, key string, start int64, width time.Duration) *chaosconv.Bucket {
	if n := len(a.free); n > 0 {
		b := a.free[n-1]
		a.free = a.free[:n-1]
		b.Reinit(kind, key, start, width)
		return b
	}
	return chaosconv.NewBucket(kind, key, start, width)
}

// Release returns emitted buckets for reuse once the caller has encoded them.
func (a *Aggregator) Release(bs []*chaosconv.Bucket) {
	a.free = append(a.free, bs...)
}

// Tick forgets producers silent for longer than the timeout and advances
// the watermark by the wall time elapsed since the newest arrival, so
// buckets close when traffic stops. With idleFlush > 0 and nothing
// arriving for that long, every bucket holding data is closed (the end of
// a replay).
func (a *Aggregator) Tick(now time.Time, idleFlush time.Duration) {
	a.prod.expire(now)
	if a.lastArrival.IsZero() {
		return
	}
	idle := max(now.Sub(a.lastArrival), 0)
	if idleFlush > 0 && idle >= idleFlush {
		coarsest := int64(a.cfg.Widths[len(a.cfg.Widths)-1])
		a.advance(floor(a.maxEventTime, coarsest) + coarsest)
		return
	}
	a.rewatermark(idle)
}

// Flush closes every bucket holding data, whatever the watermark: for a
// shutdown without a checkpoint, where partial buckets beat lost ones.
func (a *Aggregator) Flush() {
	if a.lastArrival.IsZero() && a.open == 0 {
		return
	}
	coarsest := int64(a.cfg.Widths[len(a.cfg.Widths)-1])
	latest := a.maxEventTime
	for _, s := range a.scopes {
		for _, list := range s.open {
			if n := len(list); n > 0 {
				latest = max(latest, list[n-1].StartUnixNano)
			}
		}
	}
	a.advance(floor(latest, coarsest) + coarsest)
}

// advance closes every bucket that ends at or before the watermark wm.
func (a *Aggregator) advance(wm int64) {
	through := floor(wm, a.finest)
	if through <= a.closedThrough {
		return
	}
	a.closedThrough = through
	if a.nextClose > through {
		return
	}
	a.closeThrough(through)
}

func (a *Aggregator) closeThrough(through int64) {
	for _, s := range a.scopes {
		a.closeScope(s, through)
	}
	a.nextClose = a.earliestEnd()
}

// earliestEnd is the end of the open bucket, of any width, that ends
// first: coarser buckets may stay open when no finer one is (the producer
// watermark closes exactly what producers sent).
func (a *Aggregator) earliestEnd() int64 {
	next := int64(math.MaxInt64)
	for _, s := range a.scopes {
		for _, l := range s.open {
			if len(l) > 0 {
				next = min(next, l[0].EndUnixNano())
			}
		}
	}
	return next
}

// closeScope emits the finest buckets of s ending by through, rolling each
// into the open coarser buckets first, then the coarser ones that ended.
func (a *Aggregator) closeScope(s *Scope, through int64) {
	for w := range s.open {
		list := s.open[w]
		n := 0
		for n < len(list) && list[n].EndUnixNano() <= through {
			b := list[n]
			if w == 0 {
				a.mergePartials(b)
				s.observeBaseline(b, a.lastStart)
				// Every coarser width is a roll-up of the finest one alone,
				// so all widths agree exactly.
				for cw := 1; cw < len(a.cfg.Widths); cw++ {
					a.openBucket(s, cw, floor(b.StartUnixNano, int64(a.cfg.Widths[cw]))).Merge(b, &a.cfg.Limits)
				}
			}
			if b == s.cur {
				s.cur = nil
			}
			a.closed = append(a.closed, b)
			n++
		}
		if n > 0 {
			a.open -= n
			s.open[w] = append(list[:0], list[n:]...)
		}
	}
}

// forceCloseOldest closes the open finest buckets at the oldest start
// across scopes, when MaxOpenBuckets is exceeded. They are emitted, not
// lost; the watermark moves past them.
func (a *Aggregator) forceCloseOldest(keep *chaosconv.Bucket) {
	oldest := int64(math.MaxInt64)
	for _, s := range a.scopes {
		if l := s.open[0]; len(l) > 0 && l[0] != keep && l[0].StartUnixNano < oldest {
			oldest = l[0].StartUnixNano
		}
	}
	if oldest == math.MaxInt64 {
		return
	}
	if oldest >= keep.StartUnixNano {
		return // the new bucket is the oldest: nothing older to close
	}
	a.stats.ForcedCloses++
	a.closedThrough = max(a.closedThrough, oldest+a.finest)
	a.closeThrough(oldest + a.finest)
}

// Closed returns the buckets closed since the last call, in a
// deterministic order (scopes in creation order, finest width first).
// Encode them, then Release them.
func (a *Aggregator) Closed() []*chaosconv.Bucket {
	out := a.closed
	a.closed = nil
	return out
}

// Stats returns the counters.
func (a *Aggregator) Stats() Stats { return a.stats }

// OpenBuckets is the number of open buckets of all scopes and widths.
func (a *Aggregator) OpenBuckets() int { return a.open }

// Partials is the number of partial summaries kept until their bucket closes.
func (a *Aggregator) Partials() int { return a.nPartials }

// Scopes is the number of scopes of each kind.
func (a *Aggregator) Scopes() (services, endpoints int) { return len(a.services), len(a.endpoints) }

// floor rounds t down to a multiple of w (also for negative t).
func floor(t, w int64) int64 {
	r := t % w
	if r < 0 {
		r += w
	}
	return t - r
}
