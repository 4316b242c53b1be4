package chaosmetricsconnector

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/golden"
	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/pdatatest/plogtest"
	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/pdatatest/pmetrictest"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/connector/connectortest"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	"github.com/otelcol-chaos/otelcol-chaos/connector/chaosmetricsconnector/internal/metadata"
	"github.com/otelcol-chaos/otelcol-chaos/internal/chaosconv"
)

// UPDATE_GOLDEN=1 go test ./connector/chaosmetricsconnector -run TestGolden
// rewrites testdata/golden from the records below; review the diff.
var updateGolden = os.Getenv("UPDATE_GOLDEN") == "1"

// goldenScenarios are batches of records, in order, as a pipeline would
// hand them to the connector.
func goldenScenarios() map[string][]plog.Logs {
	checkout := chaosconv.ScopeRef{Kind: chaosconv.ScopeService, Key: "checkout"}
	users := chaosconv.ScopeRef{Kind: chaosconv.ScopeEndpoint, Key: "/api/users"}
	global := chaosconv.ScopeRef{Kind: chaosconv.ScopeGlobal}
	return map[string][]plog.Logs{
		// Two minutes of buckets in three scopes, a 5-minute bucket (another
		// width: skipped), and a scope that skips a minute: counters are
		// cumulative across the gap.
		"buckets": {
			newRecords().
				bucket(chaosBucket(chaosconv.ScopeGlobal, "", minute(0), time.Minute, 40)).
				bucket(chaosBucket(chaosconv.ScopeService, "checkout", minute(0), time.Minute, 20)).
				bucket(chaosBucket(chaosconv.ScopeEndpoint, "/api/users", minute(0), time.Minute, 10)).ld,
			newRecords().
				bucket(chaosBucket(chaosconv.ScopeGlobal, "", minute(1), time.Minute, 60)).
				bucket(chaosBucket(chaosconv.ScopeEndpoint, chaosconv.OverflowKey, minute(1), time.Minute, 3)).
				bucket(chaosBucket(chaosconv.ScopeGlobal, "", minute(0), 5*time.Minute, 100)).ld,
			newRecords().
				bucket(chaosBucket(chaosconv.ScopeService, "checkout", minute(2), time.Minute, 10)).ld,
		},
		// The anomaly processor's records: an anomaly opened, updated and
		// closed, another left open, health, trends and forecasts.
		"analysis": {
			newRecords().
				anomaly(chaosconv.Anomaly{ID: "a1", Type: chaosconv.AnomalyHighErrorRate, State: chaosconv.AnomalyOpen,
					Scope: users, Metric: "error_rate", AtUnixNano: minute(20), Width: time.Minute, Start: minute(19),
					Severity: chaosconv.SeverityWarning, Description: "error rate up"}).
				health(chaosconv.Health{Scope: global, AtUnixNano: minute(20), Width: time.Minute, Score: 71.5,
					Components: map[string]float64{"availability": 62, "latency": 90, "capacity": 100, "stability": 75, "steady_state": 50},
					Factors:    []string{"availability", "stability", "steady_state"}}).
				health(chaosconv.Health{Scope: checkout, AtUnixNano: minute(20), Width: time.Minute, Score: 95,
					Components: map[string]float64{"availability": 95}}).
				trend(chaosconv.Trend{Scope: global, Metric: "latency_p95_ms", AtUnixNano: minute(20), Width: time.Minute,
					Direction: chaosconv.TrendIncreasing, Slope: 3.25, R2: 0.8, PValue: 0.01, Confidence: 0.99, Window: 30}).
				forecast(chaosconv.Forecast{Scope: global, Metric: "latency_p95_ms", AtUnixNano: minute(20), Width: time.Minute,
					TargetUnixNano: minute(25), Horizon: 5, Value: 180, Low: 150, High: 210, Confidence: 0.95}).ld,
			newRecords().
				anomaly(chaosconv.Anomaly{ID: "a1", Type: chaosconv.AnomalyHighErrorRate, State: chaosconv.AnomalyUpdate,
					Scope: users, Metric: "error_rate", AtUnixNano: minute(21), Width: time.Minute, Start: minute(19),
					Severity: chaosconv.SeverityCritical}).
				anomaly(chaosconv.Anomaly{ID: "q1", Type: chaosconv.AnomalyUnexpectedQuiet, State: chaosconv.AnomalyOpen,
					Scope: global, Metric: "events", AtUnixNano: minute(21), Width: time.Minute, Start: minute(21),
					Severity: chaosconv.SeverityCritical}).ld,
			newRecords().
				anomaly(chaosconv.Anomaly{ID: "a1", Type: chaosconv.AnomalyHighErrorRate, State: chaosconv.AnomalyClosed,
					Scope: users, Metric: "error_rate", AtUnixNano: minute(23), Width: time.Minute, Start: minute(19),
					End: minute(22), Severity: chaosconv.SeverityCritical}).
				health(chaosconv.Health{Scope: global, AtUnixNano: minute(23), Width: time.Minute, Score: 88,
					Components: map[string]float64{"availability": 88}}).ld,
		},
		// Scenario transitions and experiment phases; other events are not
		// the connector's (the buckets count them).
		"events": {
			newRecords().
				event(chaosconv.Event{Kind: chaosconv.KindExperiment, TimeUnixNano: minute(0), Experiment: "gameday",
					ExperimentPhase: chaosconv.PhaseStarted, Fields: chaosconv.FieldExperimentName | chaosconv.FieldExperimentPhase}).
				event(chaosconv.Event{Kind: chaosconv.KindScenarioTransition, TimeUnixNano: minute(0) + 1, ScenarioTo: "baseline",
					Fields: chaosconv.FieldScenarioTo}).
				event(chaosconv.Event{Kind: chaosconv.KindLatencyInjection, TimeUnixNano: minute(1), DelayMs: 100,
					Fields: chaosconv.FieldDelayMs}).
				event(chaosconv.Event{Kind: chaosconv.KindScenarioTransition, TimeUnixNano: minute(10), ScenarioFrom: "baseline",
					ScenarioTo: "fault-storm", Fields: chaosconv.FieldScenarioTo}).ld,
			newRecords().
				event(chaosconv.Event{Kind: chaosconv.KindScenarioTransition, TimeUnixNano: minute(20), ScenarioFrom: "baseline",
					ScenarioTo: "fault-storm", Fields: chaosconv.FieldScenarioTo}).
				event(chaosconv.Event{Kind: chaosconv.KindExperiment, TimeUnixNano: minute(30), Experiment: "gameday",
					ExperimentPhase: chaosconv.PhaseAborted, Fields: chaosconv.FieldExperimentName | chaosconv.FieldExperimentPhase}).ld,
		},
	}
}

// testConnector is a connector whose own telemetry the test reads.
type testConnector struct {
	*metricsConnector
	tel *componenttest.Telemetry
}

func newTestConnector(t testing.TB, cfg *Config, next consumer.Metrics) *testConnector {
	t.Helper()
	tel := componenttest.NewTelemetry()
	set := connectortest.NewNopSettings(metadata.Type)
	set.TelemetrySettings = tel.NewTelemetrySettings()
	c, err := newConnector(cfg, set, next)
	require.NoError(t, err)
	t.Cleanup(func() {
		require.NoError(t, c.Shutdown(context.Background()))
		require.NoError(t, tel.Shutdown(context.Background()))
	})
	return &testConnector{c, tel}
}

// sum returns the value of the counter name whose attributes are attrs
// (0 when it has no such point).
func (c *testConnector) sum(t testing.TB, name string, attrs ...attribute.KeyValue) int64 {
	t.Helper()
	m, err := c.tel.GetMetric(name)
	if err != nil {
		return 0
	}
	want := attribute.NewSet(attrs...)
	for _, dp := range m.Data.(metricdata.Sum[int64]).DataPoints {
		if dp.Attributes.Equals(&want) {
			return dp.Value
		}
	}
	return 0
}

// records returns how many records of kind r had outcome oc.
func (c *testConnector) records(t testing.TB, r recordKind, oc outcome) int64 {
	return c.sum(t, "otelcol_connector_chaos_metrics_records",
		attribute.String("record", recordNames[r]), attribute.String("outcome", outcomeNames[oc]))
}

func defaultConfig() *Config { return createDefaultConfig().(*Config) }

// TestGolden feeds each scenario's batches (the records kept as input
// files) and compares every metrics batch with its expected file.
func TestGolden(t *testing.T) {
	for name, batches := range goldenScenarios() {
		t.Run(name, func(t *testing.T) {
			dir := filepath.Join("testdata", "golden", name)
			sink := new(consumertest.MetricsSink)
			c := newTestConnector(t, defaultConfig(), sink)
			for i, generated := range batches {
				inPath := filepath.Join(dir, fmt.Sprintf("input_%d.yaml", i))
				outPath := filepath.Join(dir, fmt.Sprintf("expected_%d.yaml", i))
				if updateGolden {
					require.NoError(t, os.MkdirAll(dir, 0o755))
					require.NoError(t, golden.WriteLogsToFile(inPath, generated))
				}
				in, err := golden.ReadLogs(inPath)
				require.NoError(t, err)
				require.NoError(t, plogtest.CompareLogs(generated, in), "input %s is what the encoders write today", inPath)

				require.NoError(t, c.ConsumeLogs(context.Background(), in))
				all := sink.AllMetrics()
				require.Len(t, all, i+1, "one metrics batch per logs batch")
				got := all[i]
				if updateGolden {
					b, err := golden.MarshalMetricsYAML(got)
					require.NoError(t, err)
					require.NoError(t, os.WriteFile(outPath, b, 0o600))
				}
				want, err := golden.ReadMetrics(outPath)
				require.NoError(t, err)
				require.NoError(t, pmetrictest.CompareMetrics(want, got), "batch %d of %s", i, name)
			}
		})
	}
}
