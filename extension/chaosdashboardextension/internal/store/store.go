package store

import (
	"sync"
	"time"

	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/otelcol-chaos/otelcol-chaos/extension/chaosdashboardextension/internal/stream"
	"github.com/otelcol-chaos/otelcol-chaos/internal/chaosconv"
	"github.com/otelcol-chaos/otelcol-chaos/pkg/dashboard"
)

// Sink is where the store sends live messages (the WebSocket hub). When
// Active is false no client listens and the store builds no message.
// Publish must not block: the store calls it under its lock, so that
// messages leave in the order the state changed.
type Sink interface {
	Active() bool
	Publish(stream.Message)
}

// Store holds what the collector's components published. It is safe for
// concurrent use: writers (pipeline goroutines) take its lock exclusively,
// queries (HTTP handlers) share it.
type Store struct {
	cfg      Config
	impact   chaosconv.ImpactConfig
	counters Counters

	mu sync.RWMutex
	buckets
	anomalies
	analysis
	healthHistory
	alerts
	scenarios
}

// New returns an empty store; cfg's zero fields take the defaults. impact
// is the formula a window's merged buckets are judged by (/api/v1/impact,
// the stats' top endpoints).
func New(cfg Config, impact chaosconv.ImpactConfig, counters Counters) *Store {
	cfg = cfg.WithDefaults()
	s := &Store{cfg: cfg, impact: impact, counters: counters}
	s.buckets.init()
	s.anomalies.init()
	s.analysis.init()
	s.healthHistory.init()
	s.alerts.init(cfg.AlertHistory)
	return s
}

// record is one decoded record waiting for the lock.
type record struct {
	bucket   *entry
	anomaly  *chaosconv.Anomaly
	health   *chaosconv.Health
	trend    *chaosconv.Trend
	forecast *chaosconv.Forecast
}

// Ingest stores the chaos.bucket, chaos.anomaly, chaos.health, chaos.trend
// and chaos.forecast records of ld and publishes what changed to out (nil:
// nowhere). Records of other kinds are refused and counted, malformed ones
// are counted and skipped; the others are stored all the same. ld is only
// read during the call.
func (s *Store) Ingest(ld plog.Logs, out Sink) {
	var t tally
	// Decoding, the costly part, happens before the lock.
	recs := s.decode(ld, &t)
	if len(recs) > 0 {
		active := out != nil && out.Active()
		s.mu.Lock()
		for i := range recs {
			s.apply(&recs[i], out, active, &t)
		}
		s.mu.Unlock()
	}
	t.flush(&s.counters)
}

func (s *Store) decode(ld plog.Logs, t *tally) []record {
	var recs []record
	for _, rl := range ld.ResourceLogs().All() {
		for _, sl := range rl.ScopeLogs().All() {
			for _, lr := range sl.LogRecords().All() {
				rec, ok := s.decodeOne(lr, t)
				if ok {
					recs = append(recs, rec)
				}
			}
		}
	}
	return recs
}

func (s *Store) decodeOne(lr plog.LogRecord, t *tally) (record, bool) {
	var (
		rec record
		err error
	)
	switch lr.EventName() {
	case chaosconv.RecordBucket:
		rec.bucket, err = s.decodeBucket(lr)
	case chaosconv.RecordAnomaly:
		rec.anomaly = &chaosconv.Anomaly{}
		err = chaosconv.DecodeAnomaly(lr, rec.anomaly)
	case chaosconv.RecordHealth:
		rec.health = &chaosconv.Health{}
		err = chaosconv.DecodeHealth(lr, rec.health)
	case chaosconv.RecordTrend:
		rec.trend = &chaosconv.Trend{}
		err = chaosconv.DecodeTrend(lr, rec.trend)
	case chaosconv.RecordForecast:
		rec.forecast = &chaosconv.Forecast{}
		err = chaosconv.DecodeForecast(lr, rec.forecast)
	default:
		t.refused[rUnknown]++
		return rec, false
	}
	if err != nil {
		t.refused[rDecode]++
		return rec, false
	}
	return rec, true
}

func (s *Store) apply(r *record, out Sink, active bool, t *tally) {
	switch {
	case r.bucket != nil:
		s.addBucket(s.cfg, r.bucket, out, active, t)
	case r.anomaly != nil:
		s.addAnomaly(s.cfg.MaxAnomalies, r.anomaly, out, active, t)
	case r.health != nil:
		s.addHealth(s.cfg, r.health, out, active, t)
	case r.trend != nil:
		s.addTrend(r.trend, t)
	case r.forecast != nil:
		s.addForecast(r.forecast, t)
	}
}

// AddScenario stores a scenario transition (the latest by time is kept
// for the stats, the newest MaxScenarios by time for Scenarios) and
// publishes it.
func (s *Store) AddScenario(st dashboard.ScenarioTransition, out Sink) {
	var t tally
	active := out != nil && out.Active()
	s.mu.Lock()
	s.addScenario(s.cfg.MaxScenarios, st, out, active, &t)
	s.mu.Unlock()
	t.flush(&s.counters)
}

// AddAlert stores an alert transition and publishes it.
func (s *Store) AddAlert(at dashboard.AlertTransition, out Sink) {
	var t tally
	active := out != nil && out.Active()
	s.mu.Lock()
	s.addAlert(at, out, active, &t)
	s.mu.Unlock()
	t.flush(&s.counters)
}

// Retention is how long buckets of the scope are kept (behind the newest).
func (s *Store) Retention(scope chaosconv.ScopeKind) time.Duration {
	return s.cfg.retention(classOf(scope))
}

// AsOf is the data's "now": the end of the newest global bucket stored.
// ok is false before any.
func (s *Store) AsOf() (asOf time.Time, ok bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	asOfNs := s.asOfNano()
	if asOfNs == 0 {
		return time.Time{}, false
	}
	return utc(asOfNs), true
}
