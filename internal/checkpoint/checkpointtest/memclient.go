// Package checkpointtest is an in-memory storage client for the tests of
// components that keep a checkpoint through a storage extension. Only
// tests import it.
package checkpointtest // import "github.com/otelcol-chaos/otelcol-chaos/internal/checkpoint/checkpointtest"

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"sync"

	"go.opentelemetry.io/collector/extension/xextension/storage"
)

// ErrClosed is returned by every call after Close.
var ErrClosed = errors.New("checkpointtest: client closed")

// MemClient is a storage.Client on a map, safe for concurrent use. Get
// returns nil for a key it does not hold, as a storage extension does;
// values are copied in and out.
type MemClient struct {
	mu     sync.Mutex
	m      map[string][]byte
	closed bool
}

var _ storage.Client = (*MemClient)(nil)

// NewMemClient returns a client holding entries (a copy); a nil value is
// no entry, so NewMemClient(map[string][]byte{key: body}) with a nil body
// is an empty storage.
func NewMemClient(entries map[string][]byte) *MemClient {
	c := &MemClient{m: map[string][]byte{}}
	for k, v := range entries {
		if v != nil {
			c.m[k] = clone(v)
		}
	}
	return c
}

// Get returns the value of key, nil if there is none.
func (c *MemClient) Get(_ context.Context, key string) ([]byte, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return nil, ErrClosed
	}
	return clone(c.m[key]), nil
}

// Set stores value under key.
func (c *MemClient) Set(_ context.Context, key string, value []byte) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return ErrClosed
	}
	c.m[key] = clone(value)
	return nil
}

// Delete removes key.
func (c *MemClient) Delete(_ context.Context, key string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return ErrClosed
	}
	delete(c.m, key)
	return nil
}

// Batch applies ops in order, as one step (none when one is of an unknown
// type); a Get's result is put in its operation's Value.
func (c *MemClient) Batch(_ context.Context, ops ...*storage.Operation) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return ErrClosed
	}
	for _, op := range ops {
		if op.Type != storage.Get && op.Type != storage.Set && op.Type != storage.Delete {
			return fmt.Errorf("checkpointtest: unknown operation type %d", op.Type)
		}
	}
	for _, op := range ops {
		switch op.Type {
		case storage.Get:
			op.Value = clone(c.m[op.Key])
		case storage.Set:
			c.m[op.Key] = clone(op.Value)
		case storage.Delete:
			delete(c.m, op.Key)
		}
	}
	return nil
}

// Close ends the client: every later call returns ErrClosed. What it
// holds stays readable through Entries.
func (c *MemClient) Close(context.Context) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.closed = true
	return nil
}

// Closed tells whether Close was called.
func (c *MemClient) Closed() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.closed
}

// Entries returns a copy of what the client holds, closed or not.
func (c *MemClient) Entries() map[string][]byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := maps.Clone(c.m)
	for k, v := range out {
		out[k] = clone(v)
	}
	return out
}

func clone(b []byte) []byte {
	if b == nil {
		return nil
	}
	return append([]byte{}, b...)
}
