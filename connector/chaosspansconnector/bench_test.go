package chaosspansconnector

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/open-telemetry/opentelemetry-collector-contrib/connector/spanmetricsconnector"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/confmap"
	"go.opentelemetry.io/collector/connector"
	"go.opentelemetry.io/collector/connector/connectortest"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelcol-chaos/otelcol-chaos/connector/chaosspansconnector/internal/metadata"
	"github.com/otelcol-chaos/otelcol-chaos/internal/chaosconv"
)

// Benchmark batch: benchServices services × benchEndpoints endpoints each,
// benchSpans server spans in one minute, round-robin over the endpoints,
// with the attributes of an HTTP server span (method, route, path, status
// code, scheme, server address, client address), durations 1–300 ms, 1 %
// failed (status 503 and span status Error), tracestate ot=th:c (sampled at
// 1/4).
const (
	benchServices  = 10
	benchEndpoints = 10
	benchSpans     = 1000
)

func benchTraces() ptrace.Traces {
	td := ptrace.NewTraces()
	start := minute(0) + int64(time.Second)
	perService := benchSpans / benchServices
	for s := range benchServices {
		rs := td.ResourceSpans().AppendEmpty()
		ra := rs.Resource().Attributes()
		ra.PutStr(chaosconv.AttrServiceName, fmt.Sprintf("service-%d", s))
		ra.PutStr("service.instance.id", fmt.Sprintf("service-%d-0", s))
		ra.PutStr("telemetry.sdk.language", "go")
		ss := rs.ScopeSpans().AppendEmpty()
		ss.Scope().SetName("go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp")
		spans := ss.Spans()
		spans.EnsureCapacity(perService)
		for i := range perService {
			n := s*perService + i
			route := fmt.Sprintf("/api/s%d/e%d", s, i%benchEndpoints)
			sp := spans.AppendEmpty()
			sp.SetName("GET " + route)
			sp.SetKind(ptrace.SpanKindServer)
			sp.SetTraceID(pcommon.TraceID{byte(n >> 8), byte(n), 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, byte(n)})
			sp.SetSpanID(pcommon.SpanID{byte(n >> 8), byte(n), 1, 2, 3, 4, 5, 6})
			sp.TraceState().FromRaw("ot=th:c")
			d := int64(1+(n*37)%300) * int64(time.Millisecond)
			sp.SetStartTimestamp(pcommon.Timestamp(start + int64(n)*int64(time.Millisecond)))
			sp.SetEndTimestamp(pcommon.Timestamp(start + int64(n)*int64(time.Millisecond) + d))
			a := sp.Attributes()
			a.PutStr("http.request.method", "GET")
			a.PutStr(attrHTTPRoute, route)
			a.PutStr(attrURLPath, fmt.Sprintf("%s/%d", route, n))
			a.PutStr("url.scheme", "http")
			a.PutStr("server.address", "localhost")
			a.PutStr("client.address", "10.0.0.1")
			status := int64(200)
			if n%100 == 0 {
				status = 503
				sp.Status().SetCode(ptrace.StatusCodeError)
			}
			a.PutInt(attrHTTPStatusCode, status)
		}
	}
	return td
}

// BenchmarkConsume: one op is one batch of benchSpans spans; ns/span is the
// cost per span. The connectors are the chaos_spans connector (consume
// only; consume plus a flush every 100 batches, i.e. every 100 000 spans)
// and contrib's spanmetrics on its default configuration (explicit
// histogram, default buckets; dimensions service.name, span.name,
// span.kind, status.code) and with an exponential histogram (160 buckets,
// the closest to a mergeable sketch). The batch is built once and read by
// every iteration.
func BenchmarkConsume(b *testing.B) {
	td := benchTraces()
	ctx := context.Background()
	perSpan := func(b *testing.B) {
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*benchSpans), "ns/span")
	}

	for _, flushEvery := range []int{0, 100} {
		name := "chaos_spans"
		if flushEvery > 0 {
			name = fmt.Sprintf("chaos_spans+flush_every_%d", flushEvery)
		}
		b.Run(name, func(b *testing.B) {
			c, err := newConnector(defaultConfig(), connectortest.NewNopSettings(metadata.Type), consumertest.NewNop(), nil)
			require.NoError(b, err)
			require.NoError(b, c.ConsumeTraces(ctx, td)) // warm: scopes and sketches exist
			c.flush(ctx)
			b.ReportAllocs()
			b.ResetTimer()
			for i := range b.N {
				if err := c.ConsumeTraces(ctx, td); err != nil {
					b.Fatal(err)
				}
				if flushEvery > 0 && (i+1)%flushEvery == 0 {
					c.flush(ctx)
				}
			}
			b.StopTimer()
			perSpan(b)
			require.NoError(b, c.Shutdown(ctx))
		})
	}

	f := spanmetricsconnector.NewFactory()
	for _, exponential := range []bool{false, true} {
		name := "spanmetrics"
		if exponential {
			name = "spanmetrics_exponential"
		}
		b.Run(name, func(b *testing.B) {
			cfg := f.CreateDefaultConfig()
			if exponential {
				setExponential(b, cfg)
			}
			c, err := f.CreateTracesToMetrics(ctx, connectortest.NewNopSettings(f.Type()), cfg, consumertest.NewNop())
			require.NoError(b, err)
			require.NoError(b, c.Start(ctx, componenttest.NewNopHost()))
			require.NoError(b, c.ConsumeTraces(ctx, td))
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				if err := c.ConsumeTraces(ctx, td); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			perSpan(b)
			require.NoError(b, c.Shutdown(ctx))
		})
	}
}

var _ connector.Traces = (*spansConnector)(nil)

// TestNoAllocationPerSpan: in steady state (scopes and buckets exist) a
// batch allocates nothing.
func TestNoAllocationPerSpan(t *testing.T) {
	if testing.Short() {
		t.Skip()
	}
	td := benchTraces()
	ctx := context.Background()
	c, err := newConnector(defaultConfig(), connectortest.NewNopSettings(metadata.Type), consumertest.NewNop(), nil)
	require.NoError(t, err)
	require.NoError(t, c.ConsumeTraces(ctx, td))
	allocs := testing.AllocsPerRun(20, func() { _ = c.ConsumeTraces(ctx, td) })
	require.Zero(t, allocs, "allocations per batch of %d spans", benchSpans)
	require.NoError(t, c.Shutdown(ctx))
}

// setExponential switches spanmetrics to an exponential histogram of 160
// buckets, as its configuration would.
func setExponential(b *testing.B, cfg component.Config) {
	conf := confmap.NewFromStringMap(map[string]any{
		"histogram": map[string]any{"exponential": map[string]any{"max_size": 160}},
	})
	require.NoError(b, conf.Unmarshal(cfg))
	require.NoError(b, confmap.Validate(cfg))
}
