// Package checkpoint opens the storage-extension client a component keeps
// its state in across restarts, with errors that say what to fix.
package checkpoint // import "github.com/otelcol-chaos/otelcol-chaos/internal/checkpoint"

import (
	"context"
	"errors"
	"fmt"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/extension/xextension/storage"
)

// ErrNotStorage is returned when the configured extension is not a storage extension.
var ErrNotStorage = errors.New("is not a storage extension")

// Open returns the client of the storage extension storageID for the
// component self of the given kind.
func Open(ctx context.Context, host component.Host, storageID component.ID, kind component.Kind, self component.ID) (storage.Client, error) {
	ext, ok := host.GetExtensions()[storageID]
	if !ok {
		return nil, fmt.Errorf("storage %q: no such extension; add it under extensions and service::extensions", storageID)
	}
	se, ok := ext.(storage.Extension)
	if !ok {
		return nil, fmt.Errorf("storage %q %w", storageID, ErrNotStorage)
	}
	client, err := se.GetClient(ctx, kind, self, "")
	if err != nil {
		return nil, fmt.Errorf("storage %q: %w", storageID, err)
	}
	return client, nil
}
