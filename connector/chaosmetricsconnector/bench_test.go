package chaosmetricsconnector

import (
	"context"
	"math"
	"math/rand/v2"
	"path/filepath"
	"testing"
	"time"

	"github.com/open-telemetry/opentelemetry-collector-contrib/connector/signaltometricsconnector"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/confmap"
	"go.opentelemetry.io/collector/confmap/confmaptest"
	"go.opentelemetry.io/collector/connector"
	"go.opentelemetry.io/collector/connector/connectortest"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/pmetric"

	"github.com/otelcol-chaos/otelcol-chaos/internal/chaosconv"
)

// realisticBucket is one minute of chaosgen's baseline mix at n events:
// lognormal delays (median 40 ms), five fault types, three protocols, and
// probes (median 25 ms, 2 % failing).
func realisticBucket(r *rand.Rand, scope chaosconv.ScopeKind, key string, start int64, n int) *chaosconv.Bucket {
	b := chaosconv.NewBucket(scope, key, start, time.Minute)
	faults := []string{"http_500", "http_503", "timeout", "connection_reset", "http_502"}
	protocols := []string{"grpc", "websocket", "graphql"}
	endpoints := []string{"/api/orders", "/api/cart", "/api/users"}
	for i := range n {
		e := chaosconv.Event{TimeUnixNano: start + int64(i)*int64(time.Minute)/int64(n), Endpoint: endpoints[r.IntN(3)]}
		switch p := r.Float64(); {
		case p < 0.55:
			e.Kind, e.Fields = chaosconv.KindLatencyInjection, chaosconv.FieldDelayMs
			e.DelayMs = int64(math.Exp(math.Log(40) + 0.8*r.NormFloat64()))
		case p < 0.60:
			e.Kind, e.FaultType, e.Fields = chaosconv.KindFaultInjection, faults[r.IntN(5)], chaosconv.FieldFaultType
		case p < 0.65:
			e.Kind = chaosconv.KindRateLimitExceeded
		case p < 0.80:
			e.Kind, e.TrafficAction, e.TrafficBytes = chaosconv.KindTrafficShaping, "throttle", int64(r.IntN(65536))
		case p < 0.95:
			e.Kind, e.Protocol, e.ProtocolEvent = chaosconv.KindProtocolEvent, protocols[r.IntN(3)], "reset"
		default:
			e.Kind, e.ProbeTarget, e.ProbeSuccess = chaosconv.KindProbe, "http://checkout/health", r.Float64() > 0.02
			e.ProbeLatencyMs, e.HasProbeLatency = math.Exp(math.Log(25)+0.5*r.NormFloat64()), true
		}
		b.AddEvent(&e, testLimits)
	}
	return b
}

// benchBatch is the chaos.bucket records of one minute of a three-service
// system: the global scope (3,000 events), three services (1,000 each) and
// nine endpoints (330 each), as the analytics processor emits them.
func benchBatch() plog.Logs {
	r := rand.New(rand.NewPCG(1, 2))
	recs := newRecords()
	recs.bucket(realisticBucket(r, chaosconv.ScopeGlobal, "", minute(0), 3000))
	for _, svc := range []string{"checkout", "catalog", "payments"} {
		recs.bucket(realisticBucket(r, chaosconv.ScopeService, svc, minute(0), 1000))
	}
	for _, ep := range []string{"/api/orders", "/api/cart", "/api/users", "/api/search", "/api/products",
		"/api/recommendations", "/api/payments", "/api/refunds", "/health"} {
		recs.bucket(realisticBucket(r, chaosconv.ScopeEndpoint, ep, minute(0), 330))
	}
	return recs.ld
}

func newSignalToMetrics(tb testing.TB, next consumer.Metrics) connector.Logs {
	tb.Helper()
	f := signaltometricsconnector.NewFactory()
	cfg := f.CreateDefaultConfig()
	cm, err := confmaptest.LoadConf(filepath.Join("testdata", "signaltometrics.yaml"))
	require.NoError(tb, err)
	sub, err := cm.Sub("signal_to_metrics")
	require.NoError(tb, err)
	require.NoError(tb, sub.Unmarshal(cfg))
	require.NoError(tb, confmap.Validate(cfg))
	c, err := f.CreateLogsToMetrics(context.Background(), connectortest.NewNopSettings(f.Type()), cfg, next)
	require.NoError(tb, err)
	return c
}

// pointCounter counts the data points it is handed.
type pointCounter struct{ points int }

func (p *pointCounter) Capabilities() consumer.Capabilities { return consumer.Capabilities{} }
func (p *pointCounter) ConsumeMetrics(_ context.Context, md pmetric.Metrics) error {
	p.points += md.DataPointCount()
	return nil
}

// BenchmarkConnectors runs the chaos_metrics connector and contrib's
// signaltometrics connector (testdata/signaltometrics.yaml, the nearest
// equivalent work) on the same batch of chaos.bucket records, side by side.
//
//	go test -run='^$' -bench=Connectors -benchmem -count=8 ./connector/chaosmetricsconnector/
func BenchmarkConnectors(b *testing.B) {
	ld := benchBatch()
	records := ld.LogRecordCount()
	for _, tc := range []struct {
		name string
		make func(b *testing.B, next consumer.Metrics) connector.Logs
	}{
		{"connector=chaos_metrics", func(b *testing.B, next consumer.Metrics) connector.Logs {
			return newTestConnector(b, defaultConfig(), next)
		}},
		{"connector=signaltometrics", func(b *testing.B, next consumer.Metrics) connector.Logs {
			return newSignalToMetrics(b, next)
		}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			sink := &pointCounter{}
			c := tc.make(b, sink)
			ctx := context.Background()
			require.NoError(b, c.ConsumeLogs(ctx, ld)) // series exist: the steady state
			sink.points = 0
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				if err := c.ConsumeLogs(ctx, ld); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			n := float64(b.N)
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/n/float64(records), "ns/record")
			b.ReportMetric(float64(sink.points)/n/float64(records), "points/record")
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(sink.points), "ns/point")
		})
	}
}

// TestBenchmarkWorkIsEqual: both connectors read every record of the
// benchmark batch and emit points for each.
func TestBenchmarkWorkIsEqual(t *testing.T) {
	ld := benchBatch()
	ours, theirs := new(consumertest.MetricsSink), new(consumertest.MetricsSink)
	require.NoError(t, newTestConnector(t, defaultConfig(), ours).ConsumeLogs(context.Background(), ld))
	c := newSignalToMetrics(t, theirs)
	require.NoError(t, c.ConsumeLogs(context.Background(), ld))
	require.NoError(t, c.Shutdown(context.Background()))
	// signaltometrics: 16 metrics, one point per record each (two
	// histograms need a latency); chaos_metrics: more, split by label.
	require.GreaterOrEqual(t, theirs.DataPointCount(), 14*ld.LogRecordCount())
	require.Greater(t, ours.DataPointCount(), theirs.DataPointCount())
	t.Logf("points per batch of %d records: chaos_metrics %d, signaltometrics %d",
		ld.LogRecordCount(), ours.DataPointCount(), theirs.DataPointCount())
}

// BenchmarkPdataFloor builds, with the same pdata calls, the output the
// connector makes of the benchmark batch: what pdata alone costs, the
// floor under BenchmarkConnectors/connector=chaos_metrics.
func BenchmarkPdataFloor(b *testing.B) {
	ld := benchBatch()
	sink := new(consumertest.MetricsSink)
	c := newTestConnector(b, defaultConfig(), sink)
	require.NoError(b, c.ConsumeLogs(context.Background(), ld))
	require.NoError(b, c.ConsumeLogs(context.Background(), ld))
	out := sink.AllMetrics()[1]
	b.ReportAllocs()
	for b.Loop() {
		rebuild(out)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(ld.LogRecordCount()), "ns/record")
}
