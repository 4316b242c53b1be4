package chaosmetricsconnector

import (
	"fmt"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.uber.org/zap"

	"github.com/otelcol-chaos/otelcol-chaos/internal/chaosconv"
	"github.com/otelcol-chaos/otelcol-chaos/internal/sketch"
)

// recordKind indexes the records the connector reads, for its telemetry.
type recordKind uint8

const (
	recBucket recordKind = iota
	recAnomaly
	recHealth
	recTrend
	recForecast
	recEvent
	recordKindCount
)

var recordNames = [recordKindCount]string{chaosconv.RecordBucket, chaosconv.RecordAnomaly,
	chaosconv.RecordHealth, chaosconv.RecordTrend, chaosconv.RecordForecast, chaosconv.RecordEvent}

// outcome is what became of a record.
type outcome uint8

const (
	converted outcome = iota
	skipped           // another width, or an endpoint scope with endpoint_label off
	malformed
	outcomeCount
)

var outcomeNames = [outcomeCount]string{"converted", "skipped", "malformed"}

// counts are a batch's record outcomes, reported by the connector.
type counts [recordKindCount][outcomeCount]int64

// translator turns records into data points and keeps the cumulative state
// of every counter and histogram series. It is not safe for concurrent use.
//
// Counters and histograms are cumulative, not delta: the prometheus
// exporter adds a delta to the previous point only when it starts exactly
// where that one ended, which a scope without events for a bucket breaks.
// Keeping the totals here also makes a refused batch harmless: the next
// point of the series carries its counts.
type translator struct {
	cfg    *Config
	logger *zap.Logger
	width  time.Duration // the bucket width read: cfg.Width, or the finest seen

	bounds        *sketch.Bounds
	boundsSeconds []float64
	store         *store
	limits        *limits
	anomalies     openAnomalies

	// scratch, reused across records
	view          chaosconv.BucketView
	sketchBytes   []byte
	latencyCounts []uint64
	probeCounts   []uint64
	anomaly       chaosconv.Anomaly
	health        chaosconv.Health
	trend         chaosconv.Trend
	forecast      chaosconv.Forecast
	event         chaosconv.Event

	counts counts
	// pointsPerMetric of the last batch: the size hint of the next output.
	pointsPerMetric [metricCount]int
}

func newTranslator(cfg *Config, logger *zap.Logger) (*translator, error) {
	ms := make([]float64, len(cfg.Histogram.Buckets))
	secs := make([]float64, len(cfg.Histogram.Buckets))
	for i, b := range cfg.Histogram.Buckets {
		ms[i] = float64(b) / float64(time.Millisecond)
		secs[i] = b.Seconds()
	}
	bounds, err := sketch.NewBounds(ms)
	if err != nil {
		return nil, fmt.Errorf("histogram.buckets: %w", err)
	}
	return &translator{cfg: cfg, logger: logger, width: cfg.Width, bounds: bounds, boundsSeconds: secs,
		store: newStore(), limits: newLimits(cfg.MaxLabelValues), anomalies: newOpenAnomalies(),
		latencyCounts: make([]uint64, bounds.Len()), probeCounts: make([]uint64, bounds.Len())}, nil
}

// translate reads every record of ld the connector knows and appends the
// points they make to o.
func (t *translator) translate(ld plog.Logs, o *output) {
	o.hint = t.pointsPerMetric
	defer func() { t.pointsPerMetric = o.perMetric }()
	t.anomalies.seen = false
	for _, rl := range ld.ResourceLogs().All() {
		for _, sl := range rl.ScopeLogs().All() {
			for _, lr := range sl.LogRecords().All() {
				t.record(lr, o)
			}
		}
	}
	if t.anomalies.seen {
		t.emitOpenAnomalies(o)
	}
}

func (t *translator) record(lr plog.LogRecord, o *output) {
	switch lr.EventName() {
	case chaosconv.RecordBucket:
		t.tally(recBucket, t.bucket(lr, o))
	case chaosconv.RecordAnomaly:
		t.tally(recAnomaly, t.anomalyRecord(lr, o))
	case chaosconv.RecordHealth:
		t.tally(recHealth, t.healthRecord(lr, o))
	case chaosconv.RecordTrend:
		t.tally(recTrend, t.trendRecord(lr, o))
	case chaosconv.RecordForecast:
		t.tally(recForecast, t.forecastRecord(lr, o))
	case chaosconv.RecordEvent:
		if k := lifecycleKind(lr); k != chaosconv.KindUnknown {
			t.tally(recEvent, t.lifecycleEvent(lr, o))
		}
	}
}

func (t *translator) tally(r recordKind, oc outcome) { t.counts[r][oc]++ }

// takeCounts returns the outcomes counted since the last call.
func (t *translator) takeCounts() counts {
	c := t.counts
	t.counts = counts{}
	return c
}

func (t *translator) malformed(r recordKind, err error) outcome {
	t.logger.Debug("malformed record skipped", zap.String("record", recordNames[r]), zap.Error(err))
	return malformed
}

// scopeKey is the part of a scoped series' key that names the scope, its
// service or endpoint bounded; with sets the metric.
func (t *translator) scopeKey(scope chaosconv.ScopeKind, key string) seriesKey {
	switch scope {
	case chaosconv.ScopeService:
		key = t.limits.admit(chaosconv.AttrServiceName, key)
	case chaosconv.ScopeEndpoint:
		key = t.limits.admit(chaosconv.AttrEndpoint, key)
	default:
		key = ""
	}
	return seriesKey{scope: scope, key: key}
}

// with returns k for metric id.
func (k seriesKey) with(id metricID) seriesKey {
	k.metric = id
	return k
}

// label bounds the value v of the i-th label of k's metric.
func (t *translator) label(k *seriesKey, i int, v string) {
	lb := descriptors[k.metric].labels[i]
	if !lb.enumerated && v != "" {
		v = t.limits.admit(lb.key, v)
	}
	if i == 0 {
		k.l1 = v
	} else {
		k.l2 = v
	}
}

// keep reports whether a scope's series are wanted.
func (t *translator) keep(scope chaosconv.ScopeKind) bool {
	return scope != chaosconv.ScopeEndpoint || t.cfg.EndpointLabel
}

// add counts n more in the counter series k and emits its new total.
func (t *translator) add(o *output, k seriesKey, n uint64, start, ts int64) {
	t.count(o, &k, t.store.get(&k, start), n, ts)
}

// count counts n more in s, the series of k, and emits its new total.
func (t *translator) count(o *output, k *seriesKey, s *series, n uint64, ts int64) {
	s.total += n
	dp := o.number(k)
	dp.SetStartTimestamp(pcommon.Timestamp(s.start))
	dp.SetTimestamp(pcommon.Timestamp(s.stamp(ts)))
	dp.SetIntValue(int64(s.total))
}

// gauge emits the value of the gauge series k. Gauges keep no state.
func (t *translator) gauge(o *output, k seriesKey, v float64, ts int64) {
	dp := o.number(&k)
	dp.SetTimestamp(pcommon.Timestamp(ts))
	dp.SetDoubleValue(v)
}

// endOf is when the bucket of an analysis record ended: its start plus its
// width (the record's own, else the width read from chaos.bucket records).
func (t *translator) endOf(at int64, width time.Duration) int64 {
	if width <= 0 {
		width = t.width
	}
	return at + int64(width)
}
