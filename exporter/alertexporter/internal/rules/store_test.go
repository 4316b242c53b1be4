package rules

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/otelcol-chaos/otelcol-chaos/internal/chaosconv"
)

// TestAddBucketReplaces: a re-sent bucket replaces the one held, in any
// arrival order, and is not counted twice.
func TestAddBucketReplaces(t *testing.T) {
	rs := mustCompile(t, Config{Name: "sum", Field: "events", Aggregation: AggSum, Comparator: ">=", Threshold: f64(0),
		Window: 5 * time.Minute},
		Config{Name: "count", Field: "events", Aggregation: AggCount, Comparator: ">=", Threshold: f64(0),
			Window: 5 * time.Minute})
	s := NewStore(rs)
	s.AddBucket(global, bucket(3, func(p *Point) { p.Events = 10 }))
	s.AddBucket(global, bucket(1, func(p *Point) { p.Events = 1 }))
	s.AddBucket(global, bucket(3, func(p *Point) { p.Events = 15 })) // re-sent, updated
	s.AddBucket(global, bucket(2, func(p *Point) { p.Events = 2 }))
	s.AddBucket(global, bucket(1, func(p *Point) { p.Events = 1 })) // re-sent, same
	conds := NewEvaluator(rs).Evaluate(s, minute(4), nil)
	require.Len(t, conds, 2)
	assert.InDelta(t, 18, conds[0].Value, 0)
	assert.InDelta(t, 3, conds[1].Value, 0)
	assert.Equal(t, 1, s.Series())
	assert.Equal(t, minute(4), s.Latest())

	snap := s.Snapshot()
	require.Len(t, snap.Series, 1)
	var starts []int64
	for _, p := range snap.Series[0].Points {
		starts = append(starts, p.StartUnixNano)
	}
	assert.Equal(t, []int64{minute(1), minute(2), minute(3)}, starts, "sorted, unique")
}

// TestStoreTrims: a series keeps only what the longest window reads, and
// evaluation over a long run equals evaluation over just that.
func TestStoreTrims(t *testing.T) {
	rs := mustCompile(t, Config{Name: "sum", Field: "events", Aggregation: AggSum, Comparator: ">=", Threshold: f64(0),
		Window: 5 * time.Minute}, Config{Name: "h", Type: TypeHealth, Below: f64(1)})
	s := NewStore(rs)
	addSeries(s, global, 0, 120, func(i int, p *Point) { p.Events = float64(i) })
	snap := s.Snapshot()
	require.Len(t, snap.Series, 1)
	assert.LessOrEqual(t, len(snap.Series[0].Points), 7)
	conds := NewEvaluator(rs).Evaluate(s, minute(120), nil)
	require.Len(t, conds, 1)
	assert.InDelta(t, 115+116+117+118+119, conds[0].Value, 0)

	// The store keeps at least a minute even for rules without windows.
	s = NewStore(nil)
	addSeries(s, global, 0, 10, func(_ int, p *Point) { p.Events = 1 })
	assert.NotEmpty(t, s.Snapshot().Series[0].Points)
}

// TestForget drops series with nothing newer than the cut.
func TestForget(t *testing.T) {
	s := NewStore(mustCompile(t, Config{Name: "q", Type: TypeAbsent, Window: time.Minute}))
	s.AddBucket(svc("old"), bucket(0, func(p *Point) { p.Events = 1 }))
	s.AddBucket(svc("new"), bucket(10, func(p *Point) { p.Events = 1 }))
	require.Equal(t, 2, s.Series())
	s.Forget(minute(1)) // old's bucket ends exactly at the cut: kept
	assert.Equal(t, 2, s.Series())
	s.Forget(minute(1) + 1)
	assert.Equal(t, 1, s.Series())
	assert.Equal(t, "new", s.Snapshot().Series[0].Key)
}

// fullStore fills a store with every kind of content.
func fullStore(s *Store) {
	for i, k := range []SeriesKey{global, svc("checkout"), svc("cart"), ep("/api/cart")} {
		addSeries(s, k, 0, 6, func(j int, p *Point) {
			p.Events, p.Faults = float64(100*(i+1)+j), float64(10*i+j)
			p.RateLimitViolations = float64(j * i)
			p.LatencySumMs, p.LatencyCount, p.LatencyMaxMs, p.LatencyP95Ms = 1234.5*float64(j+1), float64(j+1), 900.25, 700.125
			p.Probes, p.ProbeFailures = 10, float64(j%3)
			p.ImpactSeverity, p.DegradationPct = 0.1*float64(j), 3.3*float64(i)
		})
	}
	// A series that stopped (absent).
	addSeries(s, svc("gone"), 0, 1, func(_ int, p *Point) { p.Events = 5 })
	s.AddAnomaly(anomaly(chaosconv.AnomalyEventSpike, global, chaosconv.SeverityCritical, 5.5))
	s.AddAnomaly(anomaly(chaosconv.AnomalyLatency, svc("cart"), chaosconv.SeverityWarning, 2.25))
	s.AddHealth(&chaosconv.Health{Scope: chaosconv.ScopeRef{Kind: chaosconv.ScopeService, Key: "cart"},
		AtUnixNano: minute(6), Score: 42.5})
	s.AddHealth(&chaosconv.Health{Scope: chaosconv.ScopeRef{Kind: chaosconv.ScopeGlobal}, AtUnixNano: minute(6),
		Score: 88})
}

// everyKind is a rule of each type and many fields and aggregations.
func everyKind() []Config {
	cfgs := []Config{
		{Name: "abs", Type: TypeAbsent, Scope: "service", Window: 3 * time.Minute},
		{Name: "anom", Type: TypeAnomaly},
		{Name: "health", Type: TypeHealth, Below: f64(90), Annotations: map[string]string{"s": "{{ .ScopeLabel }} {{ .Value }}"}},
	}
	for _, p := range thresholdPresetNames() {
		cfgs = append(cfgs, Config{Name: "preset_" + p, Preset: p, Threshold: f64(0), Scope: "any"})
	}
	cfgs = append(cfgs, Config{Name: "preset_steady_state", Preset: PresetSteadyState, Scope: "any"})
	for _, f := range FieldNames() {
		for _, a := range aggregations {
			cfgs = append(cfgs, Config{Name: f + "_" + a, Field: f, Aggregation: a, Comparator: ">=", Threshold: f64(0),
				Window: 4 * time.Minute})
		}
	}
	return cfgs
}

// TestSnapshotRestore: a store restored from its snapshot (through JSON,
// as checkpoints are) evaluates identically, now and after new data.
func TestSnapshotRestore(t *testing.T) {
	rs := mustCompile(t, everyKind()...)
	orig := NewStore(rs)
	fullStore(orig)

	body, err := json.Marshal(orig.Snapshot())
	require.NoError(t, err)
	var snap StoreSnapshot
	require.NoError(t, json.Unmarshal(body, &snap))
	restored := NewStore(rs)
	restored.AddBucket(svc("stale"), bucket(0, func(p *Point) { p.Events = 1 })) // replaced by Restore
	restored.Restore(snap)

	assert.Equal(t, orig.Snapshot(), restored.Snapshot())
	assert.Equal(t, orig.Series(), restored.Series())
	assert.Equal(t, orig.Latest(), restored.Latest())

	e1, e2 := NewEvaluator(rs), NewEvaluator(rs)
	for _, at := range []int64{minute(6), minute(8)} {
		c1, c2 := e1.Evaluate(orig, at, nil), e2.Evaluate(restored, at, nil)
		require.NotEmpty(t, c1)
		assert.Equal(t, c1, c2)
	}
	// New data lands the same in both.
	for _, s := range []*Store{orig, restored} {
		s.AddBucket(svc("cart"), bucket(6, func(p *Point) { p.Events, p.Faults = 1000, 999 }))
		s.AddBucket(svc("cart"), bucket(3, func(p *Point) { p.Events = 1 })) // re-sent
		s.AddAnomaly(&chaosconv.Anomaly{Type: chaosconv.AnomalyLatency, State: chaosconv.AnomalyClosed,
			Scope: chaosconv.ScopeRef{Kind: chaosconv.ScopeService, Key: "cart"}, AtUnixNano: minute(7)})
	}
	c1, c2 := e1.Evaluate(orig, minute(9), nil), e2.Evaluate(restored, minute(9), nil)
	require.NotEmpty(t, c1)
	assert.Equal(t, c1, c2)
	assert.Equal(t, orig.Snapshot(), restored.Snapshot())

	// The snapshot taken first is not changed by later additions.
	var again StoreSnapshot
	require.NoError(t, json.Unmarshal(body, &again))
	assert.Equal(t, again, snap)
}
