package checkpointtest

import (
	"testing"

	"github.com/stretchr/testify/require"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"
)

// RequireRestored asserts that logs hold one line msg, the one a
// component logs when it has restored its checkpoint, with these fields.
func RequireRestored(t testing.TB, logs *observer.ObservedLogs, msg string, fields map[string]any) {
	t.Helper()
	restored := logs.FilterMessage(msg).All()
	require.Len(t, restored, 1, "%v", logs.All())
	require.Equal(t, fields, restored[0].ContextMap())
}

// RequireRefused asserts that logs hold one line, checkpoint.Refused's
// warning for component, and that it says says (what the checkpoint is:
// "it is format version 3, this collector reads version 2", ...).
func RequireRefused(t testing.TB, logs *observer.ObservedLogs, component, says string) {
	t.Helper()
	require.Equal(t, 1, logs.Len(), "one log line: %v", logs.All())
	entry := logs.All()[0]
	require.Equal(t, zapcore.WarnLevel, entry.Level)
	require.Contains(t, entry.Message, component+": checkpoint not restored, starting fresh: ")
	require.Contains(t, entry.Message, says)
}
