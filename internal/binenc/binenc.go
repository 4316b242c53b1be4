// Package binenc reads the compact binary encodings of the project's
// streaming state (sketches, baselines, windows): minimal varints and raw
// float64s, with a sticky error so decoding code checks it once.
package binenc // import "github.com/otelcol-chaos/otelcol-chaos/internal/binenc"

import (
	"encoding/binary"
	"fmt"
	"math"
)

// Reader reads B from Off. After the first failure every read returns a
// zero value and Err holds the failure, wrapping Corrupt.
type Reader struct {
	B       []byte
	Off     int
	Err     error
	Corrupt error // the sentinel failures wrap
}

// Fail records a failure at the current offset (the first one wins).
func (r *Reader) Fail(format string, args ...any) {
	if r.Err == nil {
		r.Err = fmt.Errorf("%w: %s (at byte %d)", r.Corrupt, fmt.Sprintf(format, args...), r.Off)
	}
}

// Uvarint reads a minimal unsigned LEB128 varint.
func (r *Reader) Uvarint(what string) uint64 {
	if r.Err != nil {
		return 0
	}
	// Most values (bin counts, lengths) fit in one byte.
	if r.Off < len(r.B) && r.B[r.Off] < 0x80 {
		r.Off++
		return uint64(r.B[r.Off-1])
	}
	v, n := binary.Uvarint(r.B[r.Off:])
	switch {
	case n == 0:
		r.Fail("truncated %s", what)
		return 0
	case n < 0:
		r.Fail("%s overflows 64 bits", what)
		return 0
	case n > 1 && r.B[r.Off+n-1] == 0:
		r.Fail("non-minimal varint for %s", what)
		return 0
	}
	r.Off += n
	return v
}

// Varint reads a zigzag-encoded signed varint, as binary.Varint writes it.
func (r *Reader) Varint(what string) int64 {
	u := r.Uvarint(what)
	return int64(u>>1) ^ -int64(u&1)
}

// Float64 reads 8 little-endian bytes as a float64, whatever its value.
func (r *Reader) Float64(what string) float64 {
	if r.Err != nil {
		return 0
	}
	if len(r.B)-r.Off < 8 {
		r.Fail("truncated %s", what)
		return 0
	}
	v := math.Float64frombits(binary.LittleEndian.Uint64(r.B[r.Off:]))
	r.Off += 8
	return v
}
