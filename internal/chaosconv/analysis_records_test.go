package chaosconv

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/plog"
)

func TestAnalysisRecordsRoundTrip(t *testing.T) {
	scope := ScopeRef{Kind: ScopeEndpoint, Key: "/api/pay"}
	an := Anomaly{ID: "0123456789abcdef", Type: AnomalyHighErrorRate, State: AnomalyClosed, Scope: scope,
		Metric: "error_rate", AtUnixNano: 300, Width: time.Minute, Start: 100, End: 400, PeakTime: 200, PeakValue: 0.7,
		Observed: 0.05, Expected: 0.04, BandLow: 0, BandHigh: 0.1, Score: 9.5, Severity: SeverityCritical,
		Description: "error rate 70% vs 4% expected", Actions: []string{"check the fault injector", "roll back"},
		CloseReason: CloseInsufficientData}
	lr := plog.NewLogRecord()
	EncodeAnomaly(&an, lr)
	require.Equal(t, RecordAnomaly, lr.EventName())
	require.Equal(t, plog.SeverityNumberError, lr.SeverityNumber())
	require.Equal(t, "ERROR", lr.SeverityText())
	var gotA Anomaly
	require.NoError(t, DecodeAnomaly(lr, &gotA))
	require.Equal(t, an, gotA)

	open := an
	open.State, open.End, open.CloseReason = AnomalyOpen, 0, ""
	lr = plog.NewLogRecord()
	EncodeAnomaly(&open, lr)
	_, hasEnd := lr.Attributes().Get(AttrAnomalyEnd)
	require.False(t, hasEnd, "an open anomaly has no end")
	_, hasReason := lr.Attributes().Get(AttrAnomalyCloseReason)
	require.False(t, hasReason, "nor a close reason")

	tr := Trend{Scope: scope, Metric: "events", AtUnixNano: 5, Width: 5 * time.Minute, Direction: TrendIncreasing, Slope: 1.5, R2: 0.9,
		PValue: 0.001, Tau: 0.8, Confidence: 0.999, Window: 30}
	lr = plog.NewLogRecord()
	EncodeTrend(&tr, lr)
	var gotT Trend
	require.NoError(t, DecodeTrend(lr, &gotT))
	require.Equal(t, tr, gotT)

	fc := Forecast{Scope: scope, Metric: "events", AtUnixNano: 5, Width: time.Hour, TargetUnixNano: 305, Horizon: 5,
		Value: 42, Low: 30, High: 54, Confidence: 0.95}
	lr = plog.NewLogRecord()
	EncodeForecast(&fc, lr)
	var gotF Forecast
	require.NoError(t, DecodeForecast(lr, &gotF))
	require.Equal(t, fc, gotF)

	h := Health{Scope: ScopeRef{Kind: ScopeGlobal}, AtUnixNano: 7, Score: 63.5,
		Components: map[string]float64{"availability": 70, "latency": 57}, Factors: []string{"availability", "latency"}}
	lr = plog.NewLogRecord()
	EncodeHealth(&h, lr)
	status, _ := lr.Attributes().Get(AttrHealthStatus)
	require.Equal(t, string(HealthDegraded), status.Str())
	var gotH Health
	require.NoError(t, DecodeHealth(lr, &gotH))
	require.Equal(t, h, gotH)
	_, hasWidth := lr.Attributes().Get(AttrBucketWidth)
	require.False(t, hasWidth, "no width, no attribute")

	require.ErrorIs(t, DecodeTrend(plog.NewLogRecord(), &gotT), ErrWrongRecord)
	require.ErrorIs(t, DecodeAnomaly(plog.NewLogRecord(), &gotA), ErrWrongRecord)
}

func TestHealthStatusOf(t *testing.T) {
	require.Equal(t, HealthHealthy, HealthStatusOf(80))
	require.Equal(t, HealthDegraded, HealthStatusOf(79.9))
	require.Equal(t, HealthDegraded, HealthStatusOf(50))
	require.Equal(t, HealthCritical, HealthStatusOf(49.9))
}
