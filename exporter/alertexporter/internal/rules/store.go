package rules

import (
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/otelcol-chaos/otelcol-chaos/internal/chaosconv"
)

// SeriesKey is one scope: global, one service or one endpoint.
type SeriesKey struct {
	Scope chaosconv.ScopeKind
	Key   string
}

// series is a scope's finest-width buckets, oldest first, trimmed to the
// longest window any rule reads.
type series struct {
	points   []Point
	lastData int64 // end of the newest bucket with events (absent rules)

	// For steady_state rules: gen counts the bucket inserts that were not
	// appends (late or re-sent buckets, which may change a baseline);
	// trimmedTo is the newest end trimmed (a baseline older than it is
	// partly gone: its cache is kept); probed is whether any bucket held
	// probes; steady is the baselines, one slot per steady_state rule.
	gen       uint64
	trimmedTo int64
	probed    bool
	steady    []steadyCache
}

type anomalyKey struct {
	Type  chaosconv.AnomalyType
	Scope SeriesKey
}

type health struct {
	score float64
	at    int64
}

// Store holds what the rules read: buckets per scope, open anomalies and
// the latest health score per scope. It is not safe for concurrent use
// (the exporter serialises access).
type Store struct {
	keep      time.Duration // longest window to keep
	series    map[SeriesKey]*series
	anomalies map[anomalyKey]chaosconv.Anomaly
	health    map[SeriesKey]health
	latest    int64 // newest data end seen (event time)

	// steady: a steady_state rule reads the store, so it keeps start
	// markers (per service.name) and the points' probe latency sketches.
	steady  bool
	markers map[string]*markerList
}

// NewStore returns a store keeping enough history for the rules.
func NewStore(rules []*Rule) *Store {
	keep := time.Minute
	steady := false
	for _, r := range rules {
		keep = max(keep, r.Window)
		if r.Type == TypeSteadyState {
			// The baseline before a start must still be held when the
			// first bucket of chaos is evaluated (then it is cached).
			keep = max(keep, r.Window+r.SteadyState.BaselineWindow)
			steady = true
		}
	}
	return &Store{keep: keep, series: map[SeriesKey]*series{}, anomalies: map[anomalyKey]chaosconv.Anomaly{},
		health: map[SeriesKey]health{}, steady: steady, markers: map[string]*markerList{}}
}

// Latest is the newest data time seen (unix nanoseconds).
func (s *Store) Latest() int64 { return s.latest }

// Series is how many scopes the store holds.
func (s *Store) Series() int { return len(s.series) }

// AddBucket records one finest-width bucket. A bucket for a start already
// held replaces it (a re-sent summary is not counted twice).
func (s *Store) AddBucket(key SeriesKey, p Point) {
	sr := s.series[key]
	if sr == nil {
		sr = &series{}
		s.series[key] = sr
	}
	if !s.steady {
		p.ProbeLatency = nil // no rule reads it: do not hold it
	}
	sr.probed = sr.probed || p.Probes > 0
	i, found := slices.BinarySearchFunc(sr.points, p.StartUnixNano, func(q Point, t int64) int {
		switch {
		case q.StartUnixNano < t:
			return -1
		case q.StartUnixNano > t:
			return 1
		}
		return 0
	})
	if found {
		sr.points[i] = p
	} else {
		sr.points = slices.Insert(sr.points, i, p)
	}
	if i < len(sr.points)-1 || found {
		sr.gen++
	}
	if p.Events > 0 {
		sr.lastData = max(sr.lastData, p.EndUnixNano)
	}
	s.latest = max(s.latest, p.EndUnixNano)
	// Trim what no window reaches any more.
	cut := s.latest - int64(s.keep) - int64(time.Minute)
	j := 0
	for j < len(sr.points) && sr.points[j].EndUnixNano <= cut {
		j++
	}
	if j > 0 {
		sr.trimmedTo = max(sr.trimmedTo, sr.points[j-1].EndUnixNano)
		sr.points = slices.Delete(sr.points, 0, j)
	}
}

// probed reports whether the service's own series has held probes.
func (s *Store) probed(service string) bool {
	sr := s.series[SeriesKey{Scope: chaosconv.ScopeService, Key: service}]
	return sr != nil && sr.probed
}

// AddAnomaly records an anomaly record: open and update keep it, closed
// removes it.
func (s *Store) AddAnomaly(a *chaosconv.Anomaly) {
	k := anomalyKey{Type: a.Type, Scope: SeriesKey{Scope: a.Scope.Kind, Key: a.Scope.Key}}
	if a.State == chaosconv.AnomalyClosed {
		delete(s.anomalies, k)
	} else {
		s.anomalies[k] = *a
	}
	s.latest = max(s.latest, a.AtUnixNano)
}

// AddHealth records a health score; an older one than held is ignored.
func (s *Store) AddHealth(h *chaosconv.Health) {
	k := SeriesKey{Scope: h.Scope.Kind, Key: h.Scope.Key}
	if cur, ok := s.health[k]; ok && cur.at > h.AtUnixNano {
		return
	}
	s.health[k] = health{score: h.Score, at: h.AtUnixNano}
	s.latest = max(s.latest, h.AtUnixNano)
}

// DropBuckets forgets every bucket (anomalies and health stay): the
// exporter reads another width from now on.
func (s *Store) DropBuckets() {
	clear(s.series)
}

// Forget drops series with no bucket newer than before (cardinality is
// bounded by the analytics processor; this frees scopes that went away).
func (s *Store) Forget(before int64) {
	for k, sr := range s.series {
		if len(sr.points) == 0 || sr.points[len(sr.points)-1].EndUnixNano < before {
			if sr.lastData < before {
				delete(s.series, k)
			}
		}
	}
}

// SeriesSnapshot is one scope's buckets, for checkpoints.
type SeriesSnapshot struct {
	Scope    string
	Key      string
	Points   []Point
	LastData int64
}

// StoreSnapshot is the store's content, for checkpoints: a restarted
// exporter evaluates over the same windows, so a firing alert does not
// resolve for lack of data. It is an in-memory copy, never stored as is:
// the checkpoint's schema is internal/checkpointv1's.
type StoreSnapshot struct {
	Series    []SeriesSnapshot
	Anomalies []chaosconv.Anomaly
	Health    []chaosconv.Health
	Latest    int64
}

// Snapshot returns the store's content.
func (s *Store) Snapshot() StoreSnapshot {
	out := StoreSnapshot{Latest: s.latest}
	for _, k := range slices.SortedFunc(maps.Keys(s.series), compareKeys) {
		sr := s.series[k]
		out.Series = append(out.Series, SeriesSnapshot{Scope: k.Scope.String(), Key: k.Key,
			Points: slices.Clone(sr.points), LastData: sr.lastData})
	}
	for _, k := range slices.SortedFunc(maps.Keys(s.anomalies), func(a, b anomalyKey) int {
		if c := compareKeys(a.Scope, b.Scope); c != 0 {
			return c
		}
		return strings.Compare(string(a.Type), string(b.Type))
	}) {
		out.Anomalies = append(out.Anomalies, s.anomalies[k])
	}
	for _, k := range slices.SortedFunc(maps.Keys(s.health), compareKeys) {
		h := s.health[k]
		out.Health = append(out.Health, chaosconv.Health{Scope: chaosconv.ScopeRef{Kind: k.Scope, Key: k.Key},
			AtUnixNano: h.at, Score: h.score})
	}
	return out
}

// Restore replaces the store's content with a snapshot.
func (s *Store) Restore(snap StoreSnapshot) {
	s.series = map[SeriesKey]*series{}
	s.anomalies = map[anomalyKey]chaosconv.Anomaly{}
	s.health = map[SeriesKey]health{}
	for _, sr := range snap.Series {
		restored := &series{points: slices.Clone(sr.Points), lastData: sr.LastData}
		for _, p := range restored.points {
			restored.probed = restored.probed || p.Probes > 0
		}
		s.series[SeriesKey{Scope: chaosconv.ParseScopeKind(sr.Scope), Key: sr.Key}] = restored
	}
	for i := range snap.Anomalies {
		s.AddAnomaly(&snap.Anomalies[i])
	}
	for i := range snap.Health {
		s.AddHealth(&snap.Health[i])
	}
	s.latest = max(s.latest, snap.Latest)
}
