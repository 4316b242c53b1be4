package notify

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/otelcol-chaos/otelcol-chaos/exporter/alertexporter/config"
)

func TestLogHandler(t *testing.T) {
	core, logs := observer.New(zapcore.DebugLevel)
	cfg := config.NewDefaultLogConfig()
	h, err := NewLogHandler("log", &cfg, zap.New(core))
	require.NoError(t, err)
	require.Equal(t, "log", h.Name())

	require.NoError(t, h.Notify(context.Background(), mixedNotification("log")))

	entries := logs.AllUntimed()
	require.Len(t, entries, 2, "one line per alert")
	first := entries[0]
	require.Equal(t, zapcore.InfoLevel, first.Level)
	require.Equal(t, "alert notification", first.Message)
	f := first.ContextMap()
	require.Equal(t, "resolved", f["status"])
	require.Equal(t, "HighLatency", f["alertname"])
	require.Equal(t, "critical", f["severity"])
	require.Equal(t, "a1b2c3d4e5f60718", f["fingerprint"])
	require.Equal(t, uint64(7), f["term"])
	require.Equal(t, map[string]any{"alertname": "HighLatency", "severity": "critical", "service": "checkout", "endpoint": "/pay"}, f["labels"])
	require.Equal(t, map[string]any{"summary": "p99 latency 2.4s on /pay", "description": "p99 above 1s for 5m"}, f["annotations"])
	require.Equal(t, "firing", entries[1].ContextMap()["status"])
}

func TestLogHandlerLevel(t *testing.T) {
	core, logs := observer.New(zapcore.InfoLevel)
	cfg := LogConfig{Level: "debug"}
	h, err := NewLogHandler("log", &cfg, zap.New(core))
	require.NoError(t, err)
	require.NoError(t, h.Notify(context.Background(), firingNotification("log")))
	require.Zero(t, logs.Len(), "debug lines are filtered by an info logger")

	cfg = LogConfig{Level: "warn"}
	h, err = NewLogHandler("log", &cfg, zap.New(core))
	require.NoError(t, err)
	require.NoError(t, h.Notify(context.Background(), firingNotification("log")))
	require.Equal(t, 2, logs.FilterLevelExact(zapcore.WarnLevel).Len())
}
