package binenc

import (
	"encoding/binary"
	"errors"
	"math"
	"testing"

	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

var errTest = errors.New("corrupt")

func TestReader(t *testing.T) {
	b := binary.AppendUvarint(nil, 300)
	b = binary.AppendVarint(b, -7)
	b = binary.LittleEndian.AppendUint64(b, math.Float64bits(2.5))
	r := Reader{B: b, Corrupt: errTest}
	require.Equal(t, uint64(300), r.Uvarint("a"))
	require.Equal(t, int64(-7), r.Varint("b"))
	require.Equal(t, 2.5, r.Float64("c"))
	require.NoError(t, r.Err)
	require.Equal(t, len(b), r.Off)

	r.Uvarint("d")
	require.ErrorIs(t, r.Err, errTest)
	require.ErrorContains(t, r.Err, "truncated d")
	require.Zero(t, r.Float64("e"), "sticky: reads after a failure return zero")

	nonMinimal := Reader{B: []byte{0x80, 0x00}, Corrupt: errTest}
	nonMinimal.Uvarint("x")
	require.ErrorContains(t, nonMinimal.Err, "non-minimal")
	overflow := Reader{B: []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01}, Corrupt: errTest}
	overflow.Uvarint("y")
	require.ErrorContains(t, overflow.Err, "overflows")
}
