package detect

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/otelcol-chaos/otelcol-chaos/internal/chaosconv"
)

// TestSnapshotResumesExactly: an engine restored from a snapshot taken
// mid-way produces exactly the output of one that never stopped, across
// scopes, open anomalies and trend windows.
func TestSnapshotResumesExactly(t *testing.T) {
	buckets := benchBuckets(240)
	lim := &chaosconv.Limits{}
	// A spike at 100 (open across the snapshot at 101) and silence at 150.
	for k := range 2000 {
		e := chaosconv.Event{TimeUnixNano: buckets[100].StartUnixNano + int64(k), Kind: chaosconv.KindRateLimitExceeded}
		buckets[100].AddEvent(&e, lim)
	}
	buckets = append(buckets[:150], buckets[156:]...)

	whole, first := New(DefaultConfig(), time.Minute), New(DefaultConfig(), time.Minute)
	var want, got []Output
	for _, b := range buckets[:101] {
		whole.Observe(b)
		whole.Settle()
		want = append(want, whole.Drain())
		first.Observe(b)
		first.Settle()
		got = append(got, first.Drain())
	}
	require.Equal(t, 1, first.OpenAnomalies(), "an anomaly is open across the snapshot")
	data, err := first.MarshalBinary()
	require.NoError(t, err)
	second := New(DefaultConfig(), time.Minute)
	require.NoError(t, second.UnmarshalBinary(data))
	require.Equal(t, 1, second.OpenAnomalies())
	for _, b := range buckets[101:] {
		whole.Observe(b)
		whole.Settle()
		want = append(want, whole.Drain())
		second.Observe(b)
		second.Settle()
		got = append(got, second.Drain())
	}
	require.Equal(t, want, got)
	var anomalies int
	for _, o := range got {
		anomalies += len(o.Anomalies)
	}
	require.GreaterOrEqual(t, anomalies, 3, "the spike's open and close, and the silence")
}

func TestSnapshotRefusesAnotherWidthOrGarbage(t *testing.T) {
	e := New(DefaultConfig(), time.Minute)
	for _, b := range benchBuckets(30) {
		e.Observe(b)
	}
	data, err := e.MarshalBinary()
	require.NoError(t, err)
	require.ErrorIs(t, New(DefaultConfig(), 5*time.Minute).UnmarshalBinary(data), ErrSnapshot)
	require.ErrorIs(t, New(DefaultConfig(), time.Minute).UnmarshalBinary([]byte("not a snapshot")), ErrSnapshot)
	data[len(data)/2] ^= 0xff
	_ = New(DefaultConfig(), time.Minute).UnmarshalBinary(data) // corrupt: an error or a usable engine, never a panic
}
