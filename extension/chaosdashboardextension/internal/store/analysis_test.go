package store

import (
	"encoding/json"
	"math"
	"testing"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/otelcol-chaos/otelcol-chaos/extension/chaosdashboardextension/internal/stream"
	"github.com/otelcol-chaos/otelcol-chaos/internal/chaosconv"
)

func healthLogs(hs ...chaosconv.Health) plog.Logs {
	ld := plog.NewLogs()
	for i := range hs {
		chaosconv.EncodeHealth(&hs[i], newRecord(ld))
	}
	return ld
}

func TestHealthLatestPerScope(t *testing.T) {
	s, c := newStore(t, Config{})
	out := newSink(t, true)
	svc := chaosconv.ScopeRef{Kind: chaosconv.ScopeService, Key: "checkout"}
	s.Ingest(healthLogs(
		chaosconv.Health{Scope: svc, AtUnixNano: minute(1).UnixNano(), Score: 70, Factors: []string{"faults"},
			Components: map[string]float64{"availability": 60}},
		chaosconv.Health{Scope: global(), AtUnixNano: minute(1).UnixNano(), Score: 90},
		chaosconv.Health{Scope: global(), AtUnixNano: minute(2).UnixNano(), Score: 85},
		// Late (a replay): kept in the history, neither the latest nor
		// streamed.
		chaosconv.Health{Scope: global(), AtUnixNano: minute(0).UnixNano(), Score: 10},
	), out)
	require.Equal(t, []string{stream.TypeHealth, stream.TypeHealth, stream.TypeHealth}, types(out.take()))
	require.Empty(t, c.refused)
	require.Equal(t, int64(4), c.stored[KindHealth])

	got := s.Health()
	require.Equal(t, []Health{
		{Scope: "global", Score: 85, At: minute(2), Components: map[string]Float{}, Factors: []string{}},
		{Scope: "service", Key: "checkout", Score: 70, At: minute(1), Components: map[string]Float{"availability": 60},
			Factors: []string{"faults"}},
	}, got)
	require.Equal(t, &HealthSummary{Score: 85, At: minute(2)}, s.Stats().Health)
}

// TestNoNaNInJSON: a producer's NaN or infinity is written as null, never
// failing the encoding of a response or message.
func TestNoNaNInJSON(t *testing.T) {
	s, _ := newStore(t, Config{})
	out := newSink(t, true) // the sink encodes every message
	s.Ingest(healthLogs(chaosconv.Health{Scope: global(), AtUnixNano: t0.UnixNano(), Score: math.NaN(),
		Components: map[string]float64{"latency": math.Inf(1)}}), out)
	b, err := json.Marshal(s.Health())
	require.NoError(t, err)
	require.JSONEq(t, `[{"scope":"global","key":"","score":null,"at":"2026-11-30T10:00:00Z",
		"components":{"latency":null},"factors":[]}]`, string(b))
	_, err = json.Marshal(s.Stats())
	require.NoError(t, err)
}

func TestTrendsAndForecastsLatest(t *testing.T) {
	s, c := newStore(t, Config{})
	out := newSink(t, true)
	ld := plog.NewLogs()
	for _, tr := range []chaosconv.Trend{
		{Scope: global(), Metric: "events", AtUnixNano: minute(2).UnixNano(), Direction: chaosconv.TrendIncreasing, Slope: 1.5, Confidence: 0.9},
		{Scope: global(), Metric: "events", AtUnixNano: minute(1).UnixNano(), Direction: chaosconv.TrendStable},
		{Scope: global(), Metric: "faults", AtUnixNano: minute(1).UnixNano(), Direction: chaosconv.TrendStable},
	} {
		chaosconv.EncodeTrend(&tr, newRecord(ld))
	}
	for _, f := range []chaosconv.Forecast{
		{Scope: global(), Metric: "events", AtUnixNano: minute(1).UnixNano(), TargetUnixNano: minute(2).UnixNano(), Value: 1},
		{Scope: global(), Metric: "events", AtUnixNano: minute(2).UnixNano(), TargetUnixNano: minute(3).UnixNano(),
			Value: 12, Low: 8, High: 16},
	} {
		chaosconv.EncodeForecast(&f, newRecord(ld))
	}
	s.Ingest(ld, out)
	require.Empty(t, out.take(), "trends and forecasts are not streamed")
	require.Equal(t, int64(1), c.refused[ReasonTooOld])
	require.Equal(t, int64(2), c.stored[KindTrend])
	require.Equal(t, int64(2), c.stored[KindForecast])

	trends, forecasts := s.Trends()
	require.Equal(t, []Trend{
		{Scope: "global", Metric: "events", Direction: "increasing", Slope: 1.5, Confidence: 0.9, At: minute(2)},
		{Scope: "global", Metric: "faults", Direction: "stable", At: minute(1)},
	}, trends)
	require.Equal(t, []Forecast{{Scope: "global", Metric: "events", Target: minute(3), Value: 12, Lower: 8,
		Upper: 16, At: minute(2)}}, forecasts)

	empty, _ := newStore(t, Config{})
	tr, fc := empty.Trends()
	require.NotNil(t, tr)
	require.NotNil(t, fc)
	require.NotNil(t, empty.Health())
}
