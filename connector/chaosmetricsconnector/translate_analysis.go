package chaosmetricsconnector

import (
	"maps"
	"slices"
	"strings"

	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/otelcol-chaos/otelcol-chaos/internal/chaosconv"
)

// maxOpenAnomalies bounds the anomalies tracked as open. The anomaly
// processor keeps at most one open per scope and type; the bound protects
// against a sender that opens and never closes.
const maxOpenAnomalies = 1 << 16

// openAnomalies counts the anomalies open now, by type.
type openAnomalies struct {
	byID   map[string]string // id → type (bounded by the type label limit)
	byType map[string]int
	types  []string // every type seen, first-seen order, for a stable output
	seen   bool     // an anomaly-processor record was in the batch
	at     int64    // end of the latest bucket such a record was about
}

func newOpenAnomalies() openAnomalies {
	return openAnomalies{byID: map[string]string{}, byType: map[string]int{}}
}

func (a *openAnomalies) open(id, typ string) {
	if _, ok := a.byID[id]; ok || len(a.byID) >= maxOpenAnomalies {
		return
	}
	if _, ok := a.byType[typ]; !ok {
		typ = strings.Clone(typ)
		a.types = append(a.types, typ)
	}
	a.byID[strings.Clone(id)] = typ
	a.byType[typ]++
}

func (a *openAnomalies) close(id string) {
	if typ, ok := a.byID[id]; ok {
		delete(a.byID, id)
		a.byType[typ]--
	}
}

// sawAnalysis notes an anomaly-processor record about the bucket ending at end.
func (t *translator) sawAnalysis(end int64) {
	t.anomalies.seen = true
	t.anomalies.at = max(t.anomalies.at, end)
}

// emitOpenAnomalies emits the open-anomaly gauge of every type, zeros
// included, once per batch that carried anomaly-processor records: a gauge
// emitted only when it changes would expire from the prometheus exporter
// while an anomaly is still open.
func (t *translator) emitOpenAnomalies(o *output) {
	for _, typ := range chaosconv.AnomalyTypes {
		t.gauge(o, seriesKey{metric: mAnomaliesOpen, l1: string(typ)}, float64(t.anomalies.byType[string(typ)]), t.anomalies.at)
	}
	for _, typ := range t.anomalies.types {
		if !isKnownAnomalyType(typ) {
			t.gauge(o, seriesKey{metric: mAnomaliesOpen, l1: typ}, float64(t.anomalies.byType[typ]), t.anomalies.at)
		}
	}
}

func isKnownAnomalyType(typ string) bool {
	for _, k := range chaosconv.AnomalyTypes {
		if string(k) == typ {
			return true
		}
	}
	return false
}

func (t *translator) anomalyRecord(lr plog.LogRecord, o *output) outcome {
	an := &t.anomaly
	if err := chaosconv.DecodeAnomaly(lr, an); err != nil {
		return t.malformed(recAnomaly, err)
	}
	end := t.endOf(an.AtUnixNano, an.Width)
	t.sawAnalysis(end)
	typ := t.limits.admit(chaosconv.AttrAnomalyType, string(an.Type))
	switch an.State {
	case chaosconv.AnomalyOpen, chaosconv.AnomalyUpdate:
		// An update of an anomaly opened before this collector started
		// counts it as open from now on.
		t.anomalies.open(an.ID, typ)
	case chaosconv.AnomalyClosed:
		t.anomalies.close(an.ID)
	}
	if an.State != chaosconv.AnomalyOpen {
		return converted
	}
	if !t.keep(an.Scope.Kind) {
		return skipped
	}
	k := t.scopeKey(an.Scope.Kind, an.Scope.Key).with(mAnomaliesOpened)
	k.l1 = typ
	t.label(&k, 1, string(an.Severity))
	t.add(o, k, 1, an.AtUnixNano, end)
	return converted
}

func (t *translator) healthRecord(lr plog.LogRecord, o *output) outcome {
	h := &t.health
	if err := chaosconv.DecodeHealth(lr, h); err != nil {
		return t.malformed(recHealth, err)
	}
	end := t.endOf(h.AtUnixNano, h.Width)
	t.sawAnalysis(end)
	if !t.keep(h.Scope.Kind) {
		return skipped
	}
	sk := t.scopeKey(h.Scope.Kind, h.Scope.Key)
	t.gauge(o, sk.with(mHealthScore), h.Score, end)
	for _, name := range sortedComponents(h.Components) {
		k := sk.with(mHealthComponent)
		t.label(&k, 0, name)
		t.gauge(o, k, h.Components[name], end)
	}
	return converted
}

// sortedComponents orders the components by name, so the output does not
// depend on map iteration.
func sortedComponents(m map[string]float64) []string {
	return slices.Sorted(maps.Keys(m))
}

func (t *translator) trendRecord(lr plog.LogRecord, o *output) outcome {
	tr := &t.trend
	if err := chaosconv.DecodeTrend(lr, tr); err != nil {
		return t.malformed(recTrend, err)
	}
	end := t.endOf(tr.AtUnixNano, tr.Width)
	t.sawAnalysis(end)
	if !t.keep(tr.Scope.Kind) {
		return skipped
	}
	k := t.scopeKey(tr.Scope.Kind, tr.Scope.Key).with(mTrendSlope)
	t.label(&k, 0, tr.Metric)
	t.gauge(o, k, tr.Slope, end)
	return converted
}

func (t *translator) forecastRecord(lr plog.LogRecord, o *output) outcome {
	f := &t.forecast
	if err := chaosconv.DecodeForecast(lr, f); err != nil {
		return t.malformed(recForecast, err)
	}
	end := t.endOf(f.AtUnixNano, f.Width)
	t.sawAnalysis(end)
	if !t.keep(f.Scope.Kind) {
		return skipped
	}
	k := t.scopeKey(f.Scope.Kind, f.Scope.Key)
	t.label(&k, 0, f.Metric)
	for _, p := range [3]struct {
		id metricID
		v  float64
	}{{mForecastValue, f.Value}, {mForecastLow, f.Low}, {mForecastHigh, f.High}} {
		t.gauge(o, k.with(p.id), p.v, end)
	}
	return converted
}

// lifecycleKind returns the kind of a chaos.event record when it is one the
// connector counts (scenario transitions, experiment phases), without
// decoding the rest: most events are not.
func lifecycleKind(lr plog.LogRecord) chaosconv.Kind {
	v, ok := lr.Attributes().Get(chaosconv.AttrEventKind)
	if !ok {
		return chaosconv.KindUnknown
	}
	switch s := v.Str(); s {
	case chaosconv.KindScenarioTransition.String():
		return chaosconv.KindScenarioTransition
	case chaosconv.KindExperiment.String():
		return chaosconv.KindExperiment
	}
	return chaosconv.KindUnknown
}

func (t *translator) lifecycleEvent(lr plog.LogRecord, o *output) outcome {
	e := &t.event
	if err := chaosconv.DecodeEventForAggregation(lr, e); err != nil {
		return t.malformed(recEvent, err)
	}
	k := seriesKey{metric: mScenarioTransitions}
	a, b := e.ScenarioFrom, e.ScenarioTo
	if e.Kind == chaosconv.KindExperiment {
		k.metric, a, b = mExperimentPhases, e.Experiment, e.ExperimentPhase
	}
	t.label(&k, 0, a)
	t.label(&k, 1, b)
	t.add(o, k, 1, e.TimeUnixNano, e.TimeUnixNano)
	return converted
}
