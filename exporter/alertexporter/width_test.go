package alertexporter

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/otelcol-chaos/otelcol-chaos/exporter/alertexporter/internal/dispatch"
	"github.com/otelcol-chaos/otelcol-chaos/exporter/alertexporter/internal/rules"
	"github.com/otelcol-chaos/otelcol-chaos/internal/chaosconv"
)

// widthLogs is one global bucket of the given width per element, starting
// at start, with events and faults as given.
func widthLogs(start time.Time, width time.Duration, perBucket [][2]uint64) plog.Logs {
	ld := plog.NewLogs()
	sl := ld.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty()
	cfg := chaosconv.DefaultImpactConfig()
	for i, ef := range perBucket {
		b := chaosconv.NewBucket(chaosconv.ScopeGlobal, "", start.Add(time.Duration(i)*width).UnixNano(), width)
		b.Events, b.Faults = ef[0], ef[1]
		chaosconv.EncodeBucket(b, &cfg, sl.LogRecords().AppendEmpty())
	}
	return ld
}

// The analytics processor configured with widths [30s, 10m]: by default the
// exporter reads what the records carry, so a fault storm in 30-second
// buckets fires; a 10-minute bucket that arrived first is dropped when the
// finer width shows up (the same events must not count twice).
func TestExporterReadsTheFinestWidthTheRecordsCarry(t *testing.T) {
	require.Zero(t, createDefaultConfig().(*Config).BucketWidth, "no width is copied from the analytics processor")
	e, clock, _ := newTestEngine(t, []rules.Config{{Name: "Storm", Preset: "fault_rate", Threshold: f64(0.3),
		Window: time.Minute, For: 30 * time.Second}},
		dispatch.Config{GroupBy: []string{"alertname"}, GroupWait: time.Second, GroupInterval: 2 * time.Second,
			RepeatInterval: time.Hour})
	t0 := clock.t.Add(-10 * time.Minute)

	e.ingest(widthLogs(t0.Add(-10*time.Minute), 10*time.Minute, [][2]uint64{{1000, 900}}))
	require.Equal(t, 10*time.Minute, e.width)
	require.Equal(t, 1, e.store.Series())

	e.ingest(widthLogs(t0, 30*time.Second, [][2]uint64{{50, 1}, {50, 1}, {50, 40}, {50, 40}, {50, 40}}))
	require.Equal(t, 30*time.Second, e.width)
	snap := e.store.Snapshot()
	require.Len(t, snap.Series, 1)
	for _, p := range snap.Series[0].Points {
		require.Equal(t, int64(30*time.Second), p.EndUnixNano-p.StartUnixNano, "the 10-minute bucket is gone")
	}
	al, _ := e.alerts(0)
	require.Len(t, al, 1)
	require.Equal(t, "firing", string(al[0].State))

	// A coarser bucket later is not read.
	e.ingest(widthLogs(t0, 10*time.Minute, [][2]uint64{{1000, 0}}))
	require.Equal(t, 30*time.Second, e.width)
}

// An explicit bucket_width reads that width only, whatever else arrives;
// any whole number of seconds is accepted, not only the processor's defaults.
func TestExplicitBucketWidth(t *testing.T) {
	e, clock, _ := newTestEngine(t, []rules.Config{{Name: "Storm", Preset: "fault_rate", Threshold: f64(0.3),
		Window: time.Minute, For: 30 * time.Second}}, dispatch.Config{GroupBy: []string{"alertname"},
		GroupWait: time.Second, GroupInterval: 2 * time.Second, RepeatInterval: time.Hour})
	e.cfg.BucketWidth = 2 * time.Minute
	require.NoError(t, e.cfg.Validate())
	t0 := clock.t.Add(-10 * time.Minute)
	e.ingest(widthLogs(t0, 30*time.Second, [][2]uint64{{50, 40}, {50, 40}}))
	require.Zero(t, e.store.Series(), "30-second buckets are not the width read")
	e.ingest(widthLogs(t0, 2*time.Minute, [][2]uint64{{50, 40}, {50, 40}}))
	require.Equal(t, 1, e.store.Series())
	al, _ := e.alerts(0)
	require.Len(t, al, 1)
}
