package retrybuf

import (
	"testing"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func logs(n int) plog.Logs {
	ld := plog.NewLogs()
	recs := ld.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty().LogRecords()
	for range n {
		recs.AppendEmpty()
	}
	return ld
}

func TestBoundInRecords(t *testing.T) {
	b := New(5)
	require.True(t, b.Add(logs(3)))
	require.True(t, b.Add(logs(2)))
	require.False(t, b.Add(logs(1)), "over the bound")
	got := b.Take()
	require.Len(t, got, 2)
	require.Equal(t, 3, got[0].LogRecordCount(), "oldest first")
	require.Empty(t, b.Take())
	require.True(t, b.Add(logs(5)), "room again after Take")
}
