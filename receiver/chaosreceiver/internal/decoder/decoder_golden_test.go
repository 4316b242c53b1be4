package decoder

import (
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/golden"
	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/pdatatest/plogtest"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/otelcol-chaos/otelcol-chaos/internal/chaosconv"
)

// Regenerate with: go test ./receiver/chaosreceiver/internal/decoder/ -run TestGolden -update
// (the run that writes the files fails on purpose, as golden.WriteLogs does;
// run again without -update to check them).
var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// goldenObserved is the arrival time every golden record carries, so that
// the files do not change from run to run.
var goldenObserved = pcommon.NewTimestampFromTime(time.Date(2025, 10, 7, 14, 30, 0, 0, time.UTC))

// encodeBatch turns a decoded batch into logs the way the receiver does:
// one resource per named service (service.name), one record per event in
// batch order, the observed time fixed.
func encodeBatch(b *Batch, logs plog.Logs, observed pcommon.Timestamp) {
	scopes := map[string]plog.ScopeLogs{}
	for i := range b.Events {
		svc := b.Services[i]
		sl, ok := scopes[svc]
		if !ok {
			rl := logs.ResourceLogs().AppendEmpty()
			if svc != "" {
				rl.Resource().Attributes().PutStr(chaosconv.AttrServiceName, svc)
			}
			sl = rl.ScopeLogs().AppendEmpty()
			scopes[svc] = sl
		}
		lr := sl.LogRecords().AppendEmpty()
		chaosconv.EncodeEvent(&b.Events[i], lr)
		lr.SetObservedTimestamp(observed)
	}
}

func TestGolden(t *testing.T) {
	tests := []struct {
		fixture   string
		container Container
		events    int
	}{
		{"mockforge/latency_injection.json", ContainerObject, 1},
		{"mockforge/fault_injection.json", ContainerObject, 1},
		{"mockforge/rate_limit_exceeded.json", ContainerObject, 1},
		{"mockforge/traffic_shaping.json", ContainerObject, 1},
		{"mockforge/protocol_event.json", ContainerObject, 1},
		{"mockforge/scenario_transition.json", ContainerObject, 1},
		{"mockforge/recording.json", ContainerRecording, 7},
		{"native/probe.json", ContainerObject, 1},
		{"native/experiment.json", ContainerObject, 1},
	}
	for _, tt := range tests {
		name := filepath.Base(tt.fixture)
		name = name[:len(name)-len(filepath.Ext(name))]
		t.Run(name, func(t *testing.T) {
			body, err := os.ReadFile(filepath.Join("testdata", tt.fixture))
			require.NoError(t, err)
			var b Batch
			require.NoError(t, Decode(string(body), Options{}, &b))
			require.Equal(t, tt.container, b.Container)
			require.Len(t, b.Events, tt.events)

			got := plog.NewLogs()
			encodeBatch(&b, got, goldenObserved)

			path := filepath.Join("testdata", "golden", name+".yaml")
			if *update {
				require.NoError(t, golden.WriteLogs(t, path, got))
			}
			want, err := golden.ReadLogs(path)
			require.NoError(t, err)
			require.NoError(t, plogtest.CompareLogs(want, got))
			requireSameEventNames(t, want, got)

			// Each golden record is itself a valid chaos.event for every
			// consumer that decodes it.
			forEachRecord(want, func(lr plog.LogRecord) {
				var e chaosconv.Event
				require.NoError(t, chaosconv.DecodeEvent(lr, &e))
			})
		})
	}
}

// requireSameEventNames checks what plogtest.CompareLogs does not: the
// EventName of each record (our record kind).
func requireSameEventNames(t *testing.T, want, got plog.Logs) {
	t.Helper()
	var wantNames, gotNames []string
	forEachRecord(want, func(lr plog.LogRecord) { wantNames = append(wantNames, lr.EventName()) })
	forEachRecord(got, func(lr plog.LogRecord) { gotNames = append(gotNames, lr.EventName()) })
	require.Equal(t, wantNames, gotNames)
}

func forEachRecord(logs plog.Logs, f func(plog.LogRecord)) {
	for _, rl := range logs.ResourceLogs().All() {
		for _, sl := range rl.ScopeLogs().All() {
			for _, lr := range sl.LogRecords().All() {
				f(lr)
			}
		}
	}
}
