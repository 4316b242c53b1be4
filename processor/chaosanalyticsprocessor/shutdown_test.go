package chaosanalyticsprocessor

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/extension/xextension/storage"
)

var (
	errSetFailed   = errors.New("set failed")
	errCloseFailed = errors.New("close failed")
)

// failingClient fails to write and to close.
type failingClient struct{ storage.Client }

func (failingClient) Set(context.Context, string, []byte) error { return errSetFailed }
func (failingClient) Close(context.Context) error               { return errCloseFailed }

// Shutdown reports every failure of the final checkpoint, joined, as the
// anomaly processor does: a failed save must not hide a failed close.
func TestShutdownJoinsCheckpointErrors(t *testing.T) {
	p := newTestProcessor(t, consumertest.NewNop(), nil)
	p.store = failingClient{storage.NewNopClient()}
	err := p.Shutdown(context.Background())
	require.ErrorIs(t, err, errSetFailed)
	require.ErrorIs(t, err, errCloseFailed)
}
