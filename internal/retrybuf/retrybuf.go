// Package retrybuf keeps the records a component produced itself (and so
// cannot push back upstream) when the next consumer refuses them, for a
// retry later, up to a bound in records.
package retrybuf // import "github.com/otelcol-chaos/otelcol-chaos/internal/retrybuf"

import (
	"sync"

	"go.opentelemetry.io/collector/pdata/plog"
)

// Buffer is safe for concurrent use.
type Buffer struct {
	mu   sync.Mutex
	max  int
	logs []plog.Logs
	n    int
}

// New returns a buffer holding at most max log records.
func New(max int) *Buffer { return &Buffer{max: max} }

// Add keeps ld for a retry; false when it would exceed the bound (the
// caller drops and counts it).
func (b *Buffer) Add(ld plog.Logs) bool {
	n := ld.LogRecordCount()
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.n+n > b.max {
		return false
	}
	b.logs = append(b.logs, ld)
	b.n += n
	return true
}

// Take returns everything kept, oldest first, and empties the buffer.
func (b *Buffer) Take() []plog.Logs {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := b.logs
	b.logs, b.n = nil, 0
	return out
}
