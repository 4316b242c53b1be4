package anomalyprocessor

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/processor/processortest"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	"github.com/otelcol-chaos/otelcol-chaos/processor/anomalyprocessor/internal/metadata"
)

// spikedProcessor is a processor (the default config) recording on a
// test Telemetry, fed a steady series for 20 minutes, a spike at minute
// 20 (an anomaly opens, records are emitted) and minute 20 again (a
// duplicate: ignored).
func spikedProcessor(t *testing.T) (*anomalyProcessor, *componenttest.Telemetry) {
	t.Helper()
	tel := componenttest.NewTelemetry()
	t.Cleanup(func() { require.NoError(t, tel.Shutdown(context.Background())) })
	set := processortest.NewNopSettings(metadata.Type)
	set.TelemetrySettings = tel.NewTelemetrySettings()
	p, err := newProcessor(createDefaultConfig().(*Config), set, consumertest.NewNop())
	require.NoError(t, err)
	ctx := context.Background()
	for i := range 20 {
		require.NoError(t, p.ConsumeLogs(ctx, bucketLogs(i, 100)))
	}
	require.NoError(t, p.ConsumeLogs(ctx, bucketLogs(20, 5000)))
	require.NoError(t, p.ConsumeLogs(ctx, bucketLogs(20, 100))) // duplicate bucket time: ignored
	return p, tel
}

func TestTelemetry(t *testing.T) {
	p, tel := spikedProcessor(t)
	ctx := context.Background()

	m, err := tel.GetMetric("otelcol_processor_anomaly_open")
	require.NoError(t, err)
	require.Equal(t, int64(1), m.Data.(metricdata.Gauge[int64]).DataPoints[0].Value)
	m, err = tel.GetMetric("otelcol_processor_anomaly_summaries")
	require.NoError(t, err)
	byOutcome := map[string]int64{}
	for _, dp := range m.Data.(metricdata.Sum[int64]).DataPoints {
		v, _ := dp.Attributes.Value("outcome")
		byOutcome[v.AsString()] = dp.Value
	}
	require.Equal(t, map[string]int64{"analysed": 21, "ignored": 1}, byOutcome)
	m, err = tel.GetMetric("otelcol_processor_anomaly_records")
	require.NoError(t, err)
	require.Positive(t, m.Data.(metricdata.Sum[int64]).DataPoints[0].Value)
	require.NoError(t, p.Shutdown(ctx))
}
