package chaosmetricsconnector

import (
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/otelcol-chaos/otelcol-chaos/internal/chaosconv"
)

// t0 is the start of the first bucket of the test records.
var t0 = time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)

func minute(i int) int64 { return t0.Add(time.Duration(i) * time.Minute).UnixNano() }

// records builds one batch of log records, as the analytics and anomaly
// processors put them in one plog.Logs.
type records struct {
	ld plog.Logs
	sl plog.LogRecordSlice
}

func newRecords() *records {
	ld := plog.NewLogs()
	return &records{ld: ld, sl: ld.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty().LogRecords()}
}

func (r *records) bucket(b *chaosconv.Bucket) *records {
	cfg := chaosconv.DefaultImpactConfig()
	chaosconv.EncodeBucket(b, &cfg, r.sl.AppendEmpty())
	return r
}

func (r *records) anomaly(a chaosconv.Anomaly) *records {
	chaosconv.EncodeAnomaly(&a, r.sl.AppendEmpty())
	return r
}

func (r *records) health(h chaosconv.Health) *records {
	chaosconv.EncodeHealth(&h, r.sl.AppendEmpty())
	return r
}

func (r *records) trend(tr chaosconv.Trend) *records {
	chaosconv.EncodeTrend(&tr, r.sl.AppendEmpty())
	return r
}

func (r *records) forecast(f chaosconv.Forecast) *records {
	chaosconv.EncodeForecast(&f, r.sl.AppendEmpty())
	return r
}

func (r *records) event(e chaosconv.Event) *records {
	chaosconv.EncodeEvent(&e, r.sl.AppendEmpty())
	return r
}

// raw appends a record for the caller to fill.
func (r *records) raw() plog.LogRecord { return r.sl.AppendEmpty() }

var testLimits = &chaosconv.Limits{MapEntries: 100, ProbeLatencySLO: 500 * time.Millisecond}

// chaosBucket fills a bucket of scope/key with a realistic mix: delays,
// faults of several types, rate limits, traffic shaping, protocol events
// and probes (some failing, some slow). n scales it.
func chaosBucket(scope chaosconv.ScopeKind, key string, start int64, width time.Duration, n int) *chaosconv.Bucket {
	b := chaosconv.NewBucket(scope, key, start, width)
	faults := []string{"http_500", "http_503", "timeout"}
	protocols := []string{"grpc", "websocket"}
	endpoints := []string{"/api/users", "/api/orders"}
	for i := range n {
		e := chaosconv.Event{TimeUnixNano: start + int64(i)*int64(time.Millisecond), Endpoint: endpoints[i%2]}
		switch i % 10 {
		case 0, 1, 2, 3:
			e.Kind, e.DelayMs, e.Fields = chaosconv.KindLatencyInjection, int64(20*(i%7+1)), chaosconv.FieldDelayMs
		case 4, 5:
			e.Kind, e.FaultType, e.Fields = chaosconv.KindFaultInjection, faults[i%3], chaosconv.FieldFaultType
		case 6:
			e.Kind, e.ClientAddress = chaosconv.KindRateLimitExceeded, "10.0.0.1"
		case 7:
			e.Kind, e.TrafficAction, e.TrafficBytes = chaosconv.KindTrafficShaping, "throttle", 1024
		case 8:
			e.Kind, e.Protocol, e.ProtocolEvent = chaosconv.KindProtocolEvent, protocols[i%2], "reset"
		case 9:
			e.Kind, e.ProbeTarget, e.ProbeSuccess = chaosconv.KindProbe, "http://checkout/health", i%3 != 0
			e.ProbeLatencyMs, e.HasProbeLatency = float64(40+(i%5)*200), true
		}
		b.AddEvent(&e, testLimits)
	}
	return b
}

// setAttr overwrites one attribute of the last record.
func (r *records) setAttr(f func(a pcommon.Map)) *records {
	f(r.sl.At(r.sl.Len() - 1).Attributes())
	return r
}
