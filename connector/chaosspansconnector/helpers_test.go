package chaosspansconnector

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/connector/connectortest"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	"github.com/otelcol-chaos/otelcol-chaos/connector/chaosspansconnector/internal/metadata"
	"github.com/otelcol-chaos/otelcol-chaos/internal/chaosconv"
)

// base is the start of minute 0 of the tests (2026-11-23T10:00:00Z).
var base = time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)

// minute is the Unix time (ns) of minute m after base.
func minute(m int) int64 { return base.Add(time.Duration(m) * time.Minute).UnixNano() }

// span describes one span of a test batch; the zero kind is a server span.
type span struct {
	service    string // resource service.name ("" for none)
	kind       ptrace.SpanKind
	start      int64 // Unix ns; 0 → minute(0)+1s
	end        int64 // Unix ns, overrides durMs
	durMs      float64
	noStart    bool
	route      string
	path       string
	rpcService string
	rpcMethod  string
	statusCode int64 // http.response.status_code, 0 for none
	errStatus  bool
	tracestate string
}

// traces builds a batch, one resource per run of spans of one service.
func traces(spans ...span) ptrace.Traces {
	td := ptrace.NewTraces()
	var ss ptrace.SpanSlice
	prev := "\x00"
	for i, s := range spans {
		if s.service != prev {
			rs := td.ResourceSpans().AppendEmpty()
			if s.service != "" {
				rs.Resource().Attributes().PutStr(chaosconv.AttrServiceName, s.service)
			}
			sc := rs.ScopeSpans().AppendEmpty()
			sc.Scope().SetName("test")
			ss = sc.Spans()
			prev = s.service
		}
		sp := ss.AppendEmpty()
		sp.SetName("span")
		sp.SetTraceID(pcommon.TraceID{1, byte(i >> 8), byte(i)})
		sp.SetSpanID(pcommon.SpanID{2, byte(i >> 8), byte(i)})
		kind := s.kind
		if kind == ptrace.SpanKindUnspecified {
			kind = ptrace.SpanKindServer
		}
		sp.SetKind(kind)
		start := s.start
		if start == 0 {
			start = minute(0) + int64(time.Second)
		}
		end := s.end
		if end == 0 {
			end = start + int64(s.durMs*1e6)
		}
		if s.noStart {
			start = 0
		}
		sp.SetStartTimestamp(pcommon.Timestamp(start))
		sp.SetEndTimestamp(pcommon.Timestamp(end))
		a := sp.Attributes()
		if s.route != "" {
			a.PutStr(attrHTTPRoute, s.route)
		}
		if s.path != "" {
			a.PutStr(attrURLPath, s.path)
		}
		if s.rpcService != "" {
			a.PutStr(attrRPCService, s.rpcService)
		}
		if s.rpcMethod != "" {
			a.PutStr(attrRPCMethod, s.rpcMethod)
		}
		if s.statusCode != 0 {
			a.PutInt(attrHTTPStatusCode, s.statusCode)
		}
		if s.errStatus {
			sp.Status().SetCode(ptrace.StatusCodeError)
		}
		if s.tracestate != "" {
			sp.TraceState().FromRaw(s.tracestate)
		}
	}
	return td
}

// testConnector is a connector whose own telemetry the test reads.
type testConnector struct {
	*spansConnector
	tel *componenttest.Telemetry
}

func defaultConfig() *Config { return createDefaultConfig().(*Config) }

func newTestConnector(t testing.TB, cfg *Config, next consumer.Logs) *testConnector {
	t.Helper()
	tel := componenttest.NewTelemetry()
	set := connectortest.NewNopSettings(metadata.Type)
	set.TelemetrySettings = tel.NewTelemetrySettings()
	set.BuildInfo.Version = "test"
	if cfg.ProducerID == "" {
		cfg.ProducerID = "collector-a"
	}
	c, err := newConnector(cfg, set, next, nil)
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

func (c *testConnector) spans(t testing.TB, outcome string) int64 {
	return c.sum(t, "otelcol_connector_chaos_spans_spans", attribute.String("outcome", outcome))
}

func (c *testConnector) malformedSpans(t testing.TB, reason string) int64 {
	return c.sum(t, "otelcol_connector_chaos_spans_malformed_spans", attribute.String("reason", reason))
}

// observed decodes every chaos.observed record of lds, summing the
// partials of one scope, key and bucket.
func observed(t testing.TB, lds ...plog.Logs) map[string]*chaosconv.Observed {
	t.Helper()
	out := map[string]*chaosconv.Observed{}
	for _, ld := range lds {
		for _, rl := range ld.ResourceLogs().All() {
			for _, sl := range rl.ScopeLogs().All() {
				for _, lr := range sl.LogRecords().All() {
					var o chaosconv.Observed
					require.NoError(t, chaosconv.DecodeObserved(lr, &o))
					k := o.Scope.String() + "|" + o.Key + "|" + time.Unix(0, o.StartUnixNano).UTC().Format("15:04")
					if prev, ok := out[k]; ok {
						prev.Merge(&o)
					} else {
						out[k] = &o
					}
				}
			}
		}
	}
	return out
}
