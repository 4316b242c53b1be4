package chaosreceiver // import "github.com/otelcol-chaos/otelcol-chaos/receiver/chaosreceiver"

import (
	"bytes"
	"sync"

	"github.com/otelcol-chaos/otelcol-chaos/receiver/chaosreceiver/internal/decoder"
)

// maxPooledBuffer keeps one huge request from pinning its buffer forever.
const maxPooledBuffer = 4 << 20

// pools recycles the per-request read buffer and decoded batch: at a few
// hundred thousand events a second they are the receiver's largest
// allocations after the records themselves.
type pools struct {
	buffers sync.Pool // *bytes.Buffer
	batches sync.Pool // *decoder.Batch
}

func (p *pools) getBuffer() *bytes.Buffer {
	if b, ok := p.buffers.Get().(*bytes.Buffer); ok {
		return b
	}
	return new(bytes.Buffer)
}

func (p *pools) putBuffer(b *bytes.Buffer) {
	if b.Cap() > maxPooledBuffer {
		return
	}
	b.Reset()
	p.buffers.Put(b)
}

func (p *pools) getBatch() *decoder.Batch {
	if b, ok := p.batches.Get().(*decoder.Batch); ok {
		return b
	}
	return new(decoder.Batch)
}

// putBatch drops the batch's references to the body (events hold
// substrings of it) before pooling, so a pooled batch pins no body.
func (p *pools) putBatch(b *decoder.Batch) {
	if cap(b.Events) > 100_000 {
		return
	}
	for i := range b.Events {
		b.Events[i].Reset()
	}
	clear(b.Services)
	p.batches.Put(b)
}
