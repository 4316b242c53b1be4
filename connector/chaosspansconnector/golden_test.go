package chaosspansconnector

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/golden"
	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/pdatatest/plogtest"
	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/pdatatest/ptracetest"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelcol-chaos/otelcol-chaos/internal/chaosconv"
)

// UPDATE_GOLDEN=1 go test ./connector/chaosspansconnector -run TestGolden
// rewrites testdata/golden from the spans below; review the diff.
var updateGolden = os.Getenv("UPDATE_GOLDEN") == "1"

// goldenScenarios are batches of spans, in order; the connector flushes
// after each batch, and each flush's records are a golden file.
func goldenScenarios() map[string][]ptrace.Traces {
	at := func(m int, sec float64) int64 { return minute(m) + int64(sec*1e9) }
	return map[string][]ptrace.Traces{
		// Adjusted counts: th:0 (probability 1), th:8 (1/2), th:c (1/4),
		// th:fd70a3d70a3d7 (≈ 1 %), no threshold (the default, 1), and a
		// malformed threshold (counted once, as unsampled).
		"sampled": {traces(
			span{service: "checkout", route: "/api/orders", durMs: 10, tracestate: "ot=th:0"},
			span{service: "checkout", route: "/api/orders", durMs: 20, tracestate: "ot=th:8", statusCode: 503},
			span{service: "checkout", route: "/api/orders", durMs: 30, tracestate: "vendor=x,ot=rv:abcdef01234567;th:c"},
			span{service: "checkout", route: "/api/orders", durMs: 40, tracestate: "ot=th:fd70a3d70a3d7"},
			span{service: "checkout", route: "/api/orders", durMs: 50},
			span{service: "checkout", route: "/api/orders", durMs: 60, tracestate: "ot=th:xyz", errStatus: true},
		)},
		// Several services and endpoints: http.route, else url.path, else
		// rpc.service/rpc.method; a span without any of them under its
		// service and global only; client and internal spans ignored.
		"routes": {traces(
			span{service: "checkout", route: "/api/orders", path: "/api/orders/42", durMs: 12},
			span{service: "checkout", path: "/api/cart", durMs: 8, statusCode: 500},
			span{service: "checkout", durMs: 100},
			span{service: "checkout", kind: ptrace.SpanKindClient, route: "/api/users", durMs: 5},
			span{service: "users", route: "/api/users", durMs: 4, statusCode: 404},
			span{service: "users", route: "/api/users", durMs: 6, errStatus: true},
			span{service: "users", kind: ptrace.SpanKindInternal, durMs: 1},
			span{service: "payments", rpcService: "payments.Payments", rpcMethod: "Charge", durMs: 25},
			span{service: "payments", rpcService: "payments.Payments", durMs: 25},
		)},
		// Malformed spans are skipped and counted; the valid one is kept.
		"malformed": {traces(
			span{service: "", route: "/api/users", durMs: 5},
			span{service: "users", route: "/api/users", start: at(0, 2), end: at(0, 1)},
			span{service: "users", route: "/api/users", noStart: true, end: at(0, 1)},
			span{service: "users", route: "/api/users", durMs: 7},
		)},
		// Two flushes: the second carries only what arrived since the
		// first, a new partial of minute 0 and the first of minute 1.
		"two_flushes": {
			traces(
				span{service: "users", route: "/api/users", start: at(0, 10), durMs: 10},
				span{service: "users", route: "/api/users", start: at(0, 20), durMs: 30, statusCode: 500},
			),
			traces(
				span{service: "users", route: "/api/users", start: at(0, 59.5), durMs: 20},
				span{service: "users", route: "/api/users", start: at(1, 0), durMs: 40},
				span{service: "catalog", route: "/api/items", start: at(1, 30), durMs: 5},
			),
		},
	}
}

// TestGolden feeds each scenario's batches (kept as input files), flushes
// after each (a batch whose spans reach a new bucket is emitted at once),
// and compares the records with the expected file.
func TestGolden(t *testing.T) {
	for name, batches := range goldenScenarios() {
		t.Run(name, func(t *testing.T) {
			dir := filepath.Join("testdata", "golden", name)
			sink := new(consumertest.LogsSink)
			c := newTestConnector(t, defaultConfig(), sink)
			for i, generated := range batches {
				inPath := filepath.Join(dir, fmt.Sprintf("input_%d.yaml", i))
				outPath := filepath.Join(dir, fmt.Sprintf("expected_%d.yaml", i))
				if updateGolden {
					require.NoError(t, os.MkdirAll(dir, 0o755))
					require.NoError(t, golden.WriteTracesToFile(inPath, generated))
				}
				in, err := golden.ReadTraces(inPath)
				require.NoError(t, err)
				require.NoError(t, ptracetest.CompareTraces(generated, in), "input %s is what the test builds today", inPath)

				require.NoError(t, c.ConsumeTraces(context.Background(), in))
				if name == "two_flushes" && i == 1 {
					// Its spans reach a new bucket: emitted at once, not
					// at the next tick.
					require.Len(t, sink.AllLogs(), i+1, "emitted when the spans reached a new bucket")
				} else {
					require.Len(t, sink.AllLogs(), i, "nothing is emitted before the flush")
				}
				c.flush(context.Background())
				all := sink.AllLogs()
				require.Len(t, all, i+1, "one batch of records per step")
				got := all[i]
				if updateGolden {
					require.NoError(t, golden.WriteLogsToFile(outPath, got))
				}
				want, err := golden.ReadLogs(outPath)
				require.NoError(t, err)
				require.NoError(t, plogtest.CompareLogs(want, got), "flush %d of %s", i, name)
			}
		})
	}
}

// The golden files' content, checked against numbers computed by hand.

func TestSampledAdjustedCounts(t *testing.T) {
	sink := new(consumertest.LogsSink)
	c := newTestConnector(t, defaultConfig(), sink)
	require.NoError(t, c.ConsumeTraces(context.Background(), goldenScenarios()["sampled"][0]))
	c.flush(context.Background())
	got := observed(t, sink.AllLogs()...)
	require.Len(t, got, 3)

	// th:fd70a3d70a3d7: T = 0xfd70a3d70a3d70, p = (2^56 − T)/2^56.
	pct := float64(uint64(1)<<56) / float64(uint64(1)<<56-0xfd70a3d70a3d70)
	require.InDelta(t, 100, pct, 0.01)
	want := 1 + 2 + 4 + pct + 1 + 1
	for _, k := range []string{"global||10:00", "service|checkout|10:00", "endpoint|/api/orders|10:00"} {
		o := got[k]
		require.NotNil(t, o, k)
		require.Equal(t, uint64(6), o.Spans, k)
		require.InDelta(t, want, o.Requests, 1e-9, k)
		require.InDelta(t, 2+1, o.Errors, 1e-9, "the 503 (adjusted 2) and the error status (malformed th: 1)")
		require.Equal(t, uint64(1+2+4+100+1+1), o.Latency.Count, "weights rounded")
		require.Equal(t, "collector-a", o.Producer)
		require.Equal(t, time.Minute, o.Width)
		require.Equal(t, minute(0), o.StartUnixNano)
	}
	require.EqualValues(t, 6, c.spans(t, "counted"))
	require.EqualValues(t, 1, c.sum(t, "otelcol_connector_chaos_spans_malformed_thresholds"))
}

func TestDefaultSamplingRate(t *testing.T) {
	sink := new(consumertest.LogsSink)
	cfg := defaultConfig()
	cfg.DefaultSamplingRate = 0.1
	c := newTestConnector(t, cfg, sink)
	require.NoError(t, c.ConsumeTraces(context.Background(), traces(
		span{service: "a", durMs: 1},
		span{service: "a", durMs: 1, tracestate: "ot=th:8"},
		span{service: "a", durMs: 1, tracestate: "ot=th:"},
	)))
	c.flush(context.Background())
	o := observed(t, sink.AllLogs()...)["service|a|10:00"]
	require.InDelta(t, 10+2+1, o.Requests, 1e-9, "the default, the threshold, a malformed threshold")
}

func TestRoutes(t *testing.T) {
	sink := new(consumertest.LogsSink)
	c := newTestConnector(t, defaultConfig(), sink)
	require.NoError(t, c.ConsumeTraces(context.Background(), goldenScenarios()["routes"][0]))
	c.flush(context.Background())
	got := observed(t, sink.AllLogs()...)
	keys := map[string]uint64{}
	for k, o := range got {
		keys[k] = o.Spans
	}
	require.Equal(t, map[string]uint64{
		"global||10:00":                           7,
		"service|checkout|10:00":                  3,
		"service|users|10:00":                     2,
		"service|payments|10:00":                  2,
		"endpoint|/api/orders|10:00":              1, // http.route wins over url.path
		"endpoint|/api/cart|10:00":                1, // url.path
		"endpoint|/api/users|10:00":               2, // the client span is not counted
		"endpoint|payments.Payments/Charge|10:00": 1, // rpc.service/rpc.method
	}, keys, "the span without a route, and the rpc span without a method, under service and global only")
	require.InDelta(t, 1, got["endpoint|/api/cart|10:00"].Errors, 0, "status code 500")
	require.InDelta(t, 1, got["service|users|10:00"].Errors, 0, "404 is not a failure, the error status is")
	require.InDelta(t, 2, got["global||10:00"].Errors, 0)
	require.EqualValues(t, 2, c.spans(t, "not_server"))
}

func TestMalformedSpans(t *testing.T) {
	sink := new(consumertest.LogsSink)
	c := newTestConnector(t, defaultConfig(), sink)
	require.NoError(t, c.ConsumeTraces(context.Background(), goldenScenarios()["malformed"][0]))
	c.flush(context.Background())
	got := observed(t, sink.AllLogs()...)
	require.Len(t, got, 3)
	require.Equal(t, uint64(1), got["global||10:00"].Spans)
	require.EqualValues(t, 1, c.spans(t, "counted"))
	require.EqualValues(t, 3, c.spans(t, "malformed"))
	require.EqualValues(t, 1, c.malformedSpans(t, "no_service"))
	require.EqualValues(t, 1, c.malformedSpans(t, "end_before_start"))
	require.EqualValues(t, 1, c.malformedSpans(t, "no_time"))
}

// Partials are additive: the two flushes of a bucket sum to what one flush
// of every span gives.
func TestTwoFlushesSumToOne(t *testing.T) {
	batches := goldenScenarios()["two_flushes"]
	split := new(consumertest.LogsSink)
	c := newTestConnector(t, defaultConfig(), split)
	for _, td := range batches {
		require.NoError(t, c.ConsumeTraces(context.Background(), td))
		c.flush(context.Background())
	}
	require.Len(t, split.AllLogs(), 2)
	whole := new(consumertest.LogsSink)
	c2 := newTestConnector(t, defaultConfig(), whole)
	for _, td := range batches {
		require.NoError(t, c2.ConsumeTraces(context.Background(), td))
	}
	c2.flush(context.Background())
	a, b := observed(t, split.AllLogs()...), observed(t, whole.AllLogs()...)
	require.Equal(t, len(b), len(a))
	for k, o := range b {
		require.Equal(t, o.Spans, a[k].Spans, k)
		require.Equal(t, o.Requests, a[k].Requests, k)
		require.Equal(t, o.Errors, a[k].Errors, k)
		require.Equal(t, o.Latency.Count, a[k].Latency.Count, k)
		require.Equal(t, o.Latency.SumMicros, a[k].Latency.SumMicros, k)
		p95a, _ := a[k].Latency.Quantile(0.95)
		p95b, _ := o.Latency.Quantile(0.95)
		require.Equal(t, p95b, p95a, k)
	}
	require.Equal(t, uint64(3), a["endpoint|/api/users|10:00"].Spans)
	require.Equal(t, uint64(1), a["endpoint|/api/users|10:01"].Spans)
	require.Equal(t, uint64(1), a["service|catalog|10:01"].Spans)
	// Nothing is pending after a flush: a third flush emits nothing.
	c.flush(context.Background())
	require.Len(t, split.AllLogs(), 2)
}

func TestEndpointAndServiceLimits(t *testing.T) {
	sink := new(consumertest.LogsSink)
	cfg := defaultConfig()
	cfg.Limits.MaxServices = 1
	cfg.Limits.MaxEndpoints = 2
	c := newTestConnector(t, cfg, sink)
	require.NoError(t, c.ConsumeTraces(context.Background(), traces(
		span{service: "a", route: "/1", durMs: 1},
		span{service: "a", route: "/2", durMs: 1},
		span{service: "a", route: "/3", durMs: 1},
		span{service: "a", route: "/4", durMs: 1},
		span{service: "b", route: "/1", durMs: 1},
		span{service: "b", route: "/1", durMs: 1},
	)))
	c.flush(context.Background())
	got := observed(t, sink.AllLogs()...)
	require.Equal(t, uint64(2), got["endpoint|"+chaosconv.OverflowKey+"|10:00"].Spans)
	require.Equal(t, uint64(3), got["endpoint|/1|10:00"].Spans)
	require.Equal(t, uint64(2), got["service|"+chaosconv.OverflowKey+"|10:00"].Spans)
	require.Equal(t, uint64(4), got["service|a|10:00"].Spans)
	require.EqualValues(t, 2, c.sum(t, "otelcol_connector_chaos_spans_scope_overflows", attributeScope("endpoint")))
	require.EqualValues(t, 2, c.sum(t, "otelcol_connector_chaos_spans_scope_overflows", attributeScope("service")))
}

// Reaching limits.max_pending flushes early; the sums are unchanged.
func TestMaxPendingFlushesEarly(t *testing.T) {
	sink := new(consumertest.LogsSink)
	cfg := defaultConfig()
	cfg.Limits.MaxPending = 3
	c := newTestConnector(t, cfg, sink)
	var spans []span
	for m := range 4 {
		spans = append(spans, span{service: "a", route: "/1", start: minute(m), durMs: 1})
	}
	require.NoError(t, c.ConsumeTraces(context.Background(), traces(spans...)))
	require.Len(t, sink.AllLogs(), 1, "flushed early, within ConsumeTraces")
	c.flush(context.Background())
	got := observed(t, sink.AllLogs()...)
	require.Len(t, got, 12)
	require.Equal(t, 12, sink.LogRecordCount())
}
