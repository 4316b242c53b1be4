package decoder

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/otelcol-chaos/otelcol-chaos/internal/chaosconv"
)

const benchEvents = 100

// benchBody is a realistic MockForge batch: a JSON array of 100 events
// cycling through the six variants, with endpoints, microsecond timestamps
// as chrono writes them, and a metadata map of two entries each.
func benchBody() string {
	endpoints := []string{"/api/v1/orders", "/api/v1/payments/charge", "/api/v1/search", "/api/v1/users/{id}", "/ws/notifications"}
	start := time.Date(2025, 10, 7, 14, 0, 0, 0, time.UTC)
	var sb strings.Builder
	sb.WriteString("[\n")
	for i := range benchEvents {
		if i > 0 {
			sb.WriteString(",\n")
		}
		at := start.Add(time.Duration(i) * 137 * time.Millisecond).Add(time.Duration(i*7919) * time.Microsecond)
		ep := endpoints[i%len(endpoints)]
		var variant string
		switch i % 6 {
		case 0:
			variant = fmt.Sprintf(`{"type":"LatencyInjection","delay_ms":%d,"endpoint":"%s"}`, 100+i*13, ep)
		case 1:
			variant = fmt.Sprintf(`{"type":"FaultInjection","fault_type":"http_%d","endpoint":"%s"}`, 500+i%4, ep)
		case 2:
			variant = fmt.Sprintf(`{"type":"RateLimitExceeded","client_ip":"10.0.%d.%d","endpoint":"%s"}`, i/256, i%256, ep)
		case 3:
			variant = fmt.Sprintf(`{"type":"TrafficShaping","action":"throttle","bytes":%d}`, 1024*(i+1))
		case 4:
			variant = `{"type":"ProtocolEvent","protocol":"grpc","event":"stream_reset","details":{"code":"14","method":"Reserve"}}`
		case 5:
			variant = fmt.Sprintf(`{"type":"ScenarioTransition","from_scenario":null,"to_scenario":"phase-%d"}`, i)
		}
		fmt.Fprintf(&sb, `{"timestamp":"%s","event_type":%s,"metadata":{"run_id":"run-%04d","injector":"mockforge-chaos"}}`,
			at.Format("2006-01-02T15:04:05.000000Z07:00"), variant, i)
	}
	sb.WriteString("\n]\n")
	return sb.String()
}

func BenchmarkDecode(b *testing.B) {
	body := benchBody()
	var batch Batch
	require.NoError(b, Decode(body, Options{}, &batch))
	require.Len(b, batch.Events, benchEvents)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		if err := Decode(body, Options{}, &batch); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*benchEvents), "ns/event")
}

func BenchmarkDecodeAndEncode(b *testing.B) {
	body := benchBody()
	var batch Batch
	logs := plog.NewLogs()
	observed := pcommon.NewTimestampFromTime(time.Now())
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		if err := Decode(body, Options{}, &batch); err != nil {
			b.Fatal(err)
		}
		logs.ResourceLogs().RemoveIf(func(plog.ResourceLogs) bool { return true })
		records := logs.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty().LogRecords()
		records.EnsureCapacity(len(batch.Events))
		for i := range batch.Events {
			lr := records.AppendEmpty()
			chaosconv.EncodeEvent(&batch.Events[i], lr)
			lr.SetObservedTimestamp(observed)
		}
	}
	if logs.LogRecordCount() != benchEvents {
		b.Fatalf("encoded %d records", logs.LogRecordCount())
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*benchEvents), "ns/event")
}

func BenchmarkParseTimestamp(b *testing.B) {
	const s = "2025-10-07T14:03:21.123456789+05:30"
	b.Run("parseTimestamp", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := parseTimestamp(s); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("time.Parse", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := time.Parse(time.RFC3339Nano, s); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// TestBenchBodyIsValid keeps the benchmark honest: its body decodes to
// the mix it claims.
func TestBenchBodyIsValid(t *testing.T) {
	var batch Batch
	require.NoError(t, Decode(benchBody(), Options{}, &batch))
	require.Len(t, batch.Events, benchEvents)
	perKind := map[chaosconv.Kind]int{}
	for _, e := range batch.Events {
		perKind[e.Kind]++
		require.Len(t, e.Metadata, 2)
	}
	require.Len(t, perKind, 6)
}
