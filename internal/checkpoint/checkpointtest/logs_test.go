package checkpointtest

import (
	"errors"
	"testing"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/otelcol-chaos/otelcol-chaos/internal/checkpoint"
)

// RequireRefused reads the line checkpoint.Refused writes.
func TestRequireRefused(t *testing.T) {
	core, logs := observer.New(zapcore.InfoLevel)
	checkpoint.Refused(zap.New(core), "sample", 2, &checkpoint.VersionError{Found: 3, Reads: 2})
	RequireRefused(t, logs, "sample", "it is format version 3, this collector reads version 2")

	core, logs = observer.New(zapcore.InfoLevel)
	checkpoint.Refused(zap.New(core), "sample", 2, errors.New("bad JSON"))
	RequireRefused(t, logs, "sample", "it cannot be read as format version 2")
}

func TestRequireRestored(t *testing.T) {
	core, logs := observer.New(zapcore.InfoLevel)
	logger := zap.New(core)
	logger.Debug("unrelated")
	logger.Info("sample: state restored from checkpoint", zap.Int("scopes", 2))
	RequireRestored(t, logs, "sample: state restored from checkpoint", map[string]any{"scopes": int64(2)})
}
