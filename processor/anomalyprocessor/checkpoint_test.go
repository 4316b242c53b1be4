package anomalyprocessor

import (
	"context"
	"testing"
	"time"

	"github.com/open-telemetry/opentelemetry-collector-contrib/extension/storage/filestorage"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/extension"
	"go.opentelemetry.io/collector/extension/extensiontest"
	"go.opentelemetry.io/collector/processor/processortest"

	"github.com/otelcol-chaos/otelcol-chaos/internal/chaosconv"
	"github.com/otelcol-chaos/otelcol-chaos/processor/anomalyprocessor/internal/metadata"
)

type hostWith map[component.ID]component.Component

func (h hostWith) GetExtensions() map[component.ID]component.Component { return h }

// TestCheckpointKeepsOpenAnomaliesAcrossRestart: an anomaly opened before
// a restart is closed after it, under the same id, and the baseline is
// not warming up again (no new anomaly on normal traffic).
func TestCheckpointKeepsOpenAnomaliesAcrossRestart(t *testing.T) {
	dir := t.TempDir()
	storageID := component.MustNewID("file_storage")
	start := func(t *testing.T, sink *consumertest.LogsSink) (*anomalyProcessor, extension.Extension) {
		f := filestorage.NewFactory()
		fcfg := f.CreateDefaultConfig().(*filestorage.Config)
		fcfg.Directory = dir
		ext, err := f.Create(context.Background(), extensiontest.NewNopSettings(f.Type()), fcfg)
		require.NoError(t, err)
		require.NoError(t, ext.Start(context.Background(), componenttest.NewNopHost()))
		cfg := createDefaultConfig().(*Config)
		cfg.Storage = &storageID
		p, err := newProcessor(cfg, processortest.NewNopSettings(metadata.Type), sink)
		require.NoError(t, err)
		p.now = func() time.Time { return t0 }
		require.NoError(t, p.Start(context.Background(), hostWith{storageID: ext}))
		return p, ext
	}
	ctx := context.Background()
	sink := new(consumertest.LogsSink)
	p1, ext1 := start(t, sink)
	for i := range 30 {
		require.NoError(t, p1.ConsumeLogs(ctx, bucketLogs(i, 100)))
	}
	require.NoError(t, p1.ConsumeLogs(ctx, bucketLogs(30, 2000)))
	require.NoError(t, p1.Shutdown(ctx))
	require.NoError(t, ext1.Shutdown(ctx))
	opened := anomalies(t, sink)
	require.Len(t, opened, 1)
	require.Equal(t, chaosconv.AnomalyOpen, opened[0].State)

	sink.Reset()
	p2, ext2 := start(t, sink)
	for i := 31; i < 40; i++ {
		require.NoError(t, p2.ConsumeLogs(ctx, bucketLogs(i, 100)))
	}
	require.NoError(t, p2.Shutdown(ctx))
	require.NoError(t, ext2.Shutdown(ctx))
	after := anomalies(t, sink)
	require.Len(t, after, 1, "only the close: no re-warm-up, no duplicate open")
	require.Equal(t, chaosconv.AnomalyClosed, after[0].State)
	require.Equal(t, opened[0].ID, after[0].ID)
}
