package store

import (
	"slices"
	"time"

	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/otelcol-chaos/otelcol-chaos/extension/chaosdashboardextension/internal/stream"
	"github.com/otelcol-chaos/otelcol-chaos/internal/chaosconv"
)

// Retention classes: the global scope is kept longer than the many
// service and endpoint scopes.
const (
	classGlobal = iota
	classScoped
	classCount
)

func classOf(scope chaosconv.ScopeKind) int {
	if scope == chaosconv.ScopeGlobal {
		return classGlobal
	}
	return classScoped
}

func (c Config) retention(class int) time.Duration {
	if class == classGlobal {
		return c.Retention
	}
	return c.ScopeRetention
}

// buckets is the bucket part of the store's state (under Store.mu).
type buckets struct {
	series map[seriesKey]*series
	// widths lists, per scope and key, the widths held, ascending: the
	// first is the finest.
	widths map[scopeRef][]time.Duration
	// newest is the data's clock per retention class that retention is
	// measured on: the newest bucket start seen. A start, not an end: a
	// coarse bucket closed early (the analytics processor's idle_flush
	// closes the open 1h and 1d buckets when data stops) ends up to a day
	// after its data, and measuring from its end would evict the day it
	// holds. The clock lags the data by one finest width at most.
	newest clock
}

func (b *buckets) init() {
	b.series = map[seriesKey]*series{}
	b.widths = map[scopeRef][]time.Duration{}
}

// decodeBucket decodes a chaos.bucket record with the impact its producer
// recorded; only when it recorded none is it computed under our config.
func (s *Store) decodeBucket(lr plog.LogRecord) (*entry, error) {
	b := &chaosconv.Bucket{}
	if err := chaosconv.DecodeBucket(lr, b); err != nil {
		return nil, err
	}
	// Measured and Source depend on the bucket's probes, observed traffic
	// and baseline (under the contract's default minimum of requests, as
	// the producer's); no endpoint list is needed here.
	cfg := s.impact
	cfg.TopEndpoints = 0
	im := b.Impact(&cfg)
	if sev, deg, ok := chaosconv.RecordedImpact(lr); ok {
		im.Severity, im.DegradationPct = sev, deg
	}
	return &entry{b: b, impact: Impact{Severity: Float(im.Severity), DegradationPct: Float(im.DegradationPct),
		Measured: im.Measured, Source: im.Source}}, nil
}

// addBucket stores e, evicting what the new data time leaves behind, and
// publishes it (and, for the newest global finest-width bucket, its
// impact).
func (s *Store) addBucket(cfg Config, e *entry, out Sink, active bool, t *tally) {
	b := e.b
	class := classOf(b.Scope)
	end := b.EndUnixNano()
	cutoff, moved := s.newest.advance(cfg, class, b.StartUnixNano)
	if moved {
		s.evict(class, cutoff, t)
	}
	if end <= cutoff {
		t.refused[rTooOld]++
		return
	}
	k := seriesKey{scope: b.Scope, key: b.Key, width: b.Width}
	ser := s.series[k]
	if ser == nil {
		if len(s.series) >= cfg.MaxSeries {
			t.refused[rSeriesLimit]++
			return
		}
		ser = &series{}
		s.series[k] = ser
		s.addWidth(k)
		t.series++
	}
	newest := ser.put(*e)
	t.stored[kBucket]++
	if !active {
		return
	}
	at := utc(end)
	out.Publish(stream.Message{Type: stream.TypeBucket, At: at, Scope: b.Scope.String(), Key: b.Key, Data: bucketOf(e)})
	if newest && b.Scope == chaosconv.ScopeGlobal && b.Width == s.finest(scopeRef{scope: b.Scope}) {
		out.Publish(stream.Message{Type: stream.TypeImpact, At: at, Scope: b.Scope.String(), Data: e.impact})
	}
}

// evict drops, from every series of the class, the buckets that ended at
// or before cutoff, and the series left empty. It runs when the class's
// data time advances — once per finest bucket period, for all the buckets
// of that period — so its cost per bucket stays constant.
func (s *Store) evict(class int, cutoff int64, t *tally) {
	for k, ser := range s.series {
		if classOf(k.scope) != class {
			continue
		}
		t.evicted[kBucket] += int64(ser.evictBefore(cutoff))
		if len(*ser) == 0 {
			delete(s.series, k)
			s.removeWidth(k)
			t.series--
		}
	}
}

func (b *buckets) addWidth(k seriesKey) {
	ref := scopeRef{scope: k.scope, key: k.key}
	ws := b.widths[ref]
	i, _ := slices.BinarySearch(ws, k.width)
	b.widths[ref] = slices.Insert(ws, i, k.width)
}

func (b *buckets) removeWidth(k seriesKey) {
	ref := scopeRef{scope: k.scope, key: k.key}
	ws := slices.DeleteFunc(b.widths[ref], func(w time.Duration) bool { return w == k.width })
	if len(ws) == 0 {
		delete(b.widths, ref)
		return
	}
	b.widths[ref] = ws
}

// finest is the smallest width held for the scope and key (0: none).
func (b *buckets) finest(ref scopeRef) time.Duration {
	if ws := b.widths[ref]; len(ws) > 0 {
		return ws[0]
	}
	return 0
}

// Series is the number of bucket rings held.
func (s *Store) Series() int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return len(s.series)
}

// asOfNano is the data's "now": the end of the newest global bucket of the
// finest width held (0 before any). Coarser buckets do not move it: one
// closed early by idle_flush ends hours after its data.
func (s *Store) asOfNano() int64 {
	ser := s.series[seriesKey{scope: chaosconv.ScopeGlobal, width: s.finest(scopeRef{scope: chaosconv.ScopeGlobal})}]
	if ser == nil {
		return 0
	}
	if last := ser.last(); last != nil {
		return last.b.EndUnixNano()
	}
	return 0
}
