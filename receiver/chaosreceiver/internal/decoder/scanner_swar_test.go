package decoder

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// TestHasSpecial8 checks the word-at-a-time test against the byte table
// for every byte value in every lane, on a background of plain ASCII.
func TestHasSpecial8(t *testing.T) {
	for lane := 0; lane < 8; lane++ {
		for c := 0; c < 256; c++ {
			b := []byte("abcdefgh")
			b[lane] = byte(c)
			s := string(b)
			require.Equal(t, strSpecial[c], hasSpecial8(load8(s, 0)), "byte 0x%02x in lane %d", c, lane)
		}
	}
	// Two special bytes, and specials next to high bytes.
	for _, s := range []string{"\x00\x00\x00\x00\x00\x00\x00\x00", "\"\\\"\\\"\\\"\\", "\xff\x1f aaaaa", "aaaaaaa\x7f"} {
		want := false
		for i := 0; i < 8; i++ {
			want = want || strSpecial[s[i]]
		}
		require.Equal(t, want, hasSpecial8(load8(s, 0)), "%q", s)
	}
}
