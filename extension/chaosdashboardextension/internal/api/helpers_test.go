package api

import (
	"bytes"
	"encoding/json"
	"flag"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.uber.org/goleak"

	"github.com/otelcol-chaos/otelcol-chaos/extension/chaosdashboardextension/internal/store"
	"github.com/otelcol-chaos/otelcol-chaos/internal/chaosconv"
	"github.com/otelcol-chaos/otelcol-chaos/pkg/dashboard"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// Regenerate the golden files and EXAMPLES.md with:
//
//	go test ./extension/chaosdashboardextension/internal/api/ -update
//
// then run again without -update and review the diff.
var update = flag.Bool("update", false, "rewrite testdata/*.json and EXAMPLES.md")

// t0 is the data's start: data time, not the clock's.
var t0 = time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)

func minute(i int) time.Time { return t0.Add(time.Duration(i) * time.Minute) }

func newRecord(ld plog.Logs) plog.LogRecord {
	return ld.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty().LogRecords().AppendEmpty()
}

func addBucket(ld plog.Logs, scope chaosconv.ScopeKind, key string, start time.Time, width time.Duration,
	events, faults uint64, latencies []float64, endpoints map[string]uint64, probesOK, probesBad uint64) {
	b := chaosconv.NewBucket(scope, key, start.UnixNano(), width)
	b.Events, b.Faults = events, faults
	b.EventsByKind[chaosconv.KindFaultInjection] = faults
	b.EventsByKind[chaosconv.KindLatencyInjection] = uint64(len(latencies))
	if faults > 0 {
		b.FaultsByType["http_503"] = faults
	}
	for _, ms := range latencies {
		b.Latency.Add(ms)
	}
	for ep, n := range endpoints {
		b.Endpoints[ep] = n
	}
	b.ProbeSuccesses, b.ProbeFailures = probesOK, probesBad
	b.PeakStartUnixNano, b.PeakEvents = b.StartUnixNano, events
	cfg := chaosconv.DefaultImpactConfig()
	chaosconv.EncodeBucket(b, &cfg, newRecord(ld))
}

// fixture is a store holding five minutes of a game day: global buckets
// of 1 and 5 minutes, a service's and an endpoint's, two anomalies,
// health (the global scope's history of three), a trend and a forecast,
// two alerts and two scenario transitions.
func fixture(t testing.TB) *store.Store {
	t.Helper()
	s := store.New(store.Config{}, chaosconv.DefaultImpactConfig(), store.Counters{})
	ld := plog.NewLogs()
	for i := range 5 {
		addBucket(ld, chaosconv.ScopeGlobal, "", minute(i), time.Minute, uint64(20+10*i), uint64(2*i),
			[]float64{120, 180, float64(200 + 100*i)}, map[string]uint64{"/pay": uint64(10 + 5*i), "/cart": 6}, 9, uint64(i%2))
	}
	addBucket(ld, chaosconv.ScopeGlobal, "", t0, 5*time.Minute, 200, 20, []float64{120, 180, 200, 300, 400, 500, 600},
		map[string]uint64{"/pay": 85, "/cart": 30}, 45, 2)
	addBucket(ld, chaosconv.ScopeService, "checkout", minute(3), time.Minute, 12, 3, []float64{250}, map[string]uint64{"/pay": 12}, 0, 0)
	addBucket(ld, chaosconv.ScopeService, "checkout", minute(4), time.Minute, 15, 5, nil, map[string]uint64{"/pay": 15}, 0, 0)
	addBucket(ld, chaosconv.ScopeEndpoint, "/pay", minute(4), time.Minute, 15, 5, nil, nil, 0, 0)

	svc := chaosconv.ScopeRef{Kind: chaosconv.ScopeService, Key: "checkout"}
	glob := chaosconv.ScopeRef{Kind: chaosconv.ScopeGlobal}
	for _, a := range []chaosconv.Anomaly{
		{ID: "an-1", Type: chaosconv.AnomalyHighErrorRate, State: chaosconv.AnomalyUpdate, Scope: svc, Width: time.Minute,
			Metric: "fault_ratio", AtUnixNano: minute(4).UnixNano(), Start: minute(3).UnixNano(), Observed: 0.33,
			Expected: 0.05, Score: 6.2, Severity: chaosconv.SeverityCritical, Description: "fault ratio of checkout above its band"},
		{ID: "an-0", Type: chaosconv.AnomalyEventSpike, State: chaosconv.AnomalyClosed, Scope: glob, Width: time.Minute,
			Metric: "events", AtUnixNano: minute(3).UnixNano(), Start: minute(1).UnixNano(), End: minute(3).UnixNano(),
			Observed: 40, Expected: 22, Score: 4.1, Severity: chaosconv.SeverityWarning, Description: "event spike",
			CloseReason: chaosconv.CloseNormal},
	} {
		chaosconv.EncodeAnomaly(&a, newRecord(ld))
	}
	for _, h := range []chaosconv.Health{
		{Scope: glob, AtUnixNano: minute(4).UnixNano(), Width: time.Minute, Score: 82.5,
			Components: map[string]float64{"availability": 90, "latency": 75}, Factors: []string{"faults"}},
		{Scope: svc, AtUnixNano: minute(4).UnixNano(), Width: time.Minute, Score: 61,
			Components: map[string]float64{"availability": 67}, Factors: []string{"faults", "latency"}},
		// The global history, late as a replay may deliver it: the
		// latest above stays /health's, the lowest is minute 3's.
		{Scope: glob, AtUnixNano: minute(3).UnixNano(), Width: time.Minute, Score: 58.5,
			Components: map[string]float64{"availability": 55, "latency": 62}, Factors: []string{"availability", "latency"}},
		{Scope: glob, AtUnixNano: minute(2).UnixNano(), Width: time.Minute, Score: 88,
			Components: map[string]float64{"availability": 92, "latency": 83}, Factors: []string{}},
	} {
		chaosconv.EncodeHealth(&h, newRecord(ld))
	}
	tr := chaosconv.Trend{Scope: glob, Metric: "events", AtUnixNano: minute(4).UnixNano(), Width: time.Minute,
		Direction: chaosconv.TrendIncreasing, Slope: 10, Confidence: 0.97}
	chaosconv.EncodeTrend(&tr, newRecord(ld))
	fc := chaosconv.Forecast{Scope: glob, Metric: "events", AtUnixNano: minute(4).UnixNano(), Width: time.Minute,
		TargetUnixNano: minute(5).UnixNano(), Horizon: 1, Value: 70, Low: 55, High: 85, Confidence: 0.95}
	chaosconv.EncodeForecast(&fc, newRecord(ld))
	s.Ingest(ld, nil)

	labels := map[string]string{chaosconv.AlertLabelName: "CheckoutErrors", chaosconv.AlertLabelSeverity: "critical"}
	s.AddAlert(dashboard.AlertTransition{AtUnixNano: minute(3).UnixNano(), Fingerprint: "9f2c", Rule: "CheckoutErrors",
		Labels: labels, From: "", To: "pending", Value: 0.25}, nil)
	s.AddAlert(dashboard.AlertTransition{AtUnixNano: minute(4).UnixNano(), Fingerprint: "9f2c", Rule: "CheckoutErrors",
		Labels: labels, Annotations: map[string]string{"summary": "checkout fails"}, From: "pending", To: "firing", Value: 0.33}, nil)
	s.AddScenario(dashboard.ScenarioTransition{AtUnixNano: minute(2).UnixNano(), From: "steady", To: "payment_outage"}, nil)
	// As a replay may deliver them: the first transition late, the second
	// re-published (stored once).
	s.AddScenario(dashboard.ScenarioTransition{AtUnixNano: t0.UnixNano(), From: "", To: "steady"}, nil)
	s.AddScenario(dashboard.ScenarioTransition{AtUnixNano: minute(2).UnixNano(), From: "steady", To: "payment_outage"}, nil)
	return s
}

func fleetFixture() Fleet {
	hb := time.Date(2026, 11, 30, 10, 4, 55, 0, time.FixedZone("CET", 3600))
	return Fleet{Self: "collector-a", Leader: "collector-b", Term: 7, Members: []Member{
		{ID: "collector-a", Status: "active", LastHeartbeat: hb},
		{ID: "collector-b", Status: "degraded", LastHeartbeat: hb.Add(-10 * time.Second)},
	}}
}

// do serves one request.
func do(h http.Handler, method, target string) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(method, target, nil))
	return rec
}

// indent is body as the golden files hold it.
func indent(t testing.TB, body []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	require.NoError(t, json.Indent(&buf, bytes.TrimSpace(body), "", "  "))
	buf.WriteByte('\n')
	return buf.Bytes()
}

// golden compares got with testdata/name.json, or writes it under -update.
func golden(t testing.TB, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name+".json")
	if *update {
		require.NoError(t, os.MkdirAll("testdata", 0o755))
		require.NoError(t, os.WriteFile(path, got, 0o600))
		return
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run with -update to create it")
	require.Equal(t, string(want), string(got), "%s differs; run with -update and review the diff", path)
}
