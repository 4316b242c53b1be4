package anomalyprocessor

import (
	"context"
	"errors"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/processor/processortest"

	"github.com/otelcol-chaos/otelcol-chaos/internal/chaosconv"
	"github.com/otelcol-chaos/otelcol-chaos/processor/anomalyprocessor/internal/metadata"
)

var t0 = time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)

// bucketLogs is one global 1-minute chaos.bucket summary with n events.
func bucketLogs(i, n int) plog.Logs {
	return widthBucket(t0.Add(time.Duration(i)*time.Minute), time.Minute, n)
}

func anomalies(t *testing.T, sink *consumertest.LogsSink) []chaosconv.Anomaly {
	var out []chaosconv.Anomaly
	for _, ld := range sink.AllLogs() {
		for _, rl := range ld.ResourceLogs().All() {
			for _, sl := range rl.ScopeLogs().All() {
				for _, lr := range sl.LogRecords().All() {
					if lr.EventName() == chaosconv.RecordAnomaly {
						var a chaosconv.Anomaly
						require.NoError(t, chaosconv.DecodeAnomaly(lr, &a))
						out = append(out, a)
					}
				}
			}
		}
	}
	return out
}

func count(sink *consumertest.LogsSink, kind string) int {
	n := 0
	for _, ld := range sink.AllLogs() {
		for _, rl := range ld.ResourceLogs().All() {
			for _, sl := range rl.ScopeLogs().All() {
				for _, lr := range sl.LogRecords().All() {
					if lr.EventName() == kind {
						n++
					}
				}
			}
		}
	}
	return n
}

func newTestProcessor(t *testing.T, next consumer.Logs) (*anomalyProcessor, *time.Time) {
	t.Helper()
	p, err := newProcessor(createDefaultConfig().(*Config), processortest.NewNopSettings(metadata.Type), next)
	require.NoError(t, err)
	now := t0
	p.now = func() time.Time { return now }
	return p, &now
}

func TestSpikeOpensAndClosesAndEverythingPassesThrough(t *testing.T) {
	sink := new(consumertest.LogsSink)
	p, _ := newTestProcessor(t, sink)
	ctx := context.Background()
	r := rand.New(rand.NewPCG(1, 1))
	for i := range 30 {
		require.NoError(t, p.ConsumeLogs(ctx, bucketLogs(i, 95+r.IntN(10))))
	}
	require.Empty(t, anomalies(t, sink), "a calm series opens nothing")
	require.NoError(t, p.ConsumeLogs(ctx, bucketLogs(30, 1000)))
	for i := 31; i < 36; i++ {
		require.NoError(t, p.ConsumeLogs(ctx, bucketLogs(i, 100)))
	}
	got := anomalies(t, sink)
	require.Len(t, got, 2, "one open, one close: no duplicate per bucket")
	require.Equal(t, chaosconv.AnomalyEventSpike, got[0].Type)
	require.Equal(t, chaosconv.AnomalyOpen, got[0].State)
	require.Equal(t, t0.Add(30*time.Minute).UnixNano(), got[0].Start)
	require.Equal(t, 1000.0, got[0].Observed)
	require.InDelta(t, 100, got[0].Expected, 10)
	require.Equal(t, chaosconv.AnomalyClosed, got[1].State)
	require.Equal(t, got[0].ID, got[1].ID)
	require.Equal(t, t0.Add(31*time.Minute).UnixNano(), got[1].End)
	require.NotEmpty(t, got[0].Actions)
	require.Equal(t, 36, count(sink, chaosconv.RecordBucket), "summaries pass through")
	require.Equal(t, 36, count(sink, chaosconv.RecordHealth), "one health record per scope and bucket")
	for _, a := range got {
		require.Equal(t, time.Minute, a.Width, "every derived record says which width it is about")
	}
	require.Equal(t, []time.Duration{time.Minute}, widthsOf(t, sink, chaosconv.RecordHealth, chaosconv.RecordTrend, chaosconv.RecordForecast))
}

// widthsOf returns the distinct widths the records of the given kinds carry.
func widthsOf(t *testing.T, sink *consumertest.LogsSink, kinds ...string) []time.Duration {
	seen := map[time.Duration]bool{}
	var out []time.Duration
	for _, ld := range sink.AllLogs() {
		for _, rl := range ld.ResourceLogs().All() {
			for _, sl := range rl.ScopeLogs().All() {
				for _, lr := range sl.LogRecords().All() {
					if !slices.Contains(kinds, lr.EventName()) {
						continue
					}
					v, ok := lr.Attributes().Get(chaosconv.AttrBucketWidth)
					require.True(t, ok, "%s without %s", lr.EventName(), chaosconv.AttrBucketWidth)
					if w := time.Duration(v.Int()) * time.Second; !seen[w] {
						seen[w] = true
						out = append(out, w)
					}
				}
			}
		}
	}
	return out
}

func TestRefusedBatchIsAnalysedOnce(t *testing.T) {
	refuse := false
	sink := new(consumertest.LogsSink)
	next, err := consumer.NewLogs(func(ctx context.Context, ld plog.Logs) error {
		if refuse {
			return errors.New("queue full")
		}
		return sink.ConsumeLogs(ctx, ld)
	})
	require.NoError(t, err)
	p, _ := newTestProcessor(t, next)
	ctx := context.Background()
	for i := range 20 {
		require.NoError(t, p.ConsumeLogs(ctx, bucketLogs(i, 100)))
	}
	refuse = true
	require.Error(t, p.ConsumeLogs(ctx, bucketLogs(20, 1000)))
	refuse = false
	require.NoError(t, p.ConsumeLogs(ctx, bucketLogs(20, 1000)))
	got := anomalies(t, sink)
	require.Len(t, got, 1)
	require.Equal(t, chaosconv.AnomalyOpen, got[0].State)
}

func TestSilenceIsSeenByTheWallClock(t *testing.T) {
	sink := new(consumertest.LogsSink)
	p, now := newTestProcessor(t, sink)
	ctx := context.Background()
	for i := range 20 {
		*now = t0.Add(time.Duration(i+1)*time.Minute + 30*time.Second) // summaries arrive after their bucket
		require.NoError(t, p.ConsumeLogs(ctx, bucketLogs(i, 100)))
	}
	// No bucket after 10:19: minutes pass on the wall clock.
	for s := 0; s <= 4*60; s += 10 {
		*now = t0.Add(20*time.Minute + 30*time.Second + time.Duration(s)*time.Second)
		p.tick(ctx)
	}
	got := anomalies(t, sink)
	require.NotEmpty(t, got)
	require.Equal(t, chaosconv.AnomalyUnexpectedQuiet, got[0].Type)
	require.Equal(t, 0.0, got[0].Observed)
	require.Equal(t, chaosconv.SeverityCritical, got[0].Severity)
}

func TestReplayedHistoryIsNotSilence(t *testing.T) {
	sink := new(consumertest.LogsSink)
	p, now := newTestProcessor(t, sink)
	*now = t0.Add(30 * 24 * time.Hour) // the buckets are a month old: a replay
	ctx := context.Background()
	for i := range 20 {
		require.NoError(t, p.ConsumeLogs(ctx, bucketLogs(i, 100)))
	}
	p.tick(ctx)
	require.Empty(t, anomalies(t, sink), "old buckets arriving now are not followed by silence")
}

func TestStartShutdown(t *testing.T) {
	p, _ := newTestProcessor(t, consumertest.NewNop())
	require.NoError(t, p.Start(context.Background(), componenttest.NewNopHost()))
	require.NoError(t, p.Shutdown(context.Background()))
}
