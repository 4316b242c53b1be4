package chaostoolkit

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNullNonFinite(t *testing.T) {
	for in, want := range map[string]string{
		`{"a": NaN}`:                      `{"a": null}`,
		`[Infinity,-Infinity, NaN]`:       `[null    ,null     , null]`,
		`{"s": "NaN Infinity", "n": NaN}`: `{"s": "NaN Infinity", "n": null}`,
		`{"s": "say \"NaN\"", "n": 1}`:    `{"s": "say \"NaN\"", "n": 1}`,
		`{"NaN": 1}`:                      `{"NaN": 1}`,
		`{"a": NaNa}`:                     `{"a": NaNa}`,
		`{"a": 1}`:                        `{"a": 1}`,
		"{\"a\":\n  NaN\n}":               "{\"a\":\n  null\n}",
		`{"e": "\\", "n": Infinity}`:      `{"e": "\\", "n": null    }`,
	} {
		got, _ := nullNonFinite([]byte(in))
		assert.Equal(t, want, string(got), in)
	}
}

// TestNonFiniteOutput: a journal whose probe output holds NaN, as Python's
// json module writes it, is accepted; a NaN duration is no duration.
func TestNonFiniteOutput(t *testing.T) {
	body := strings.Replace(string(fixture(t, "completed")), `"output": null,`, `"output": {"ratio": NaN, "max": Infinity},`, 1)
	body = strings.Replace(body, `"duration": 0.042455`, `"duration": NaN`, 1)
	require.False(t, json.Valid([]byte(body)))
	res, err := Decode([]byte(body), Options{})
	require.NoError(t, err)
	require.Len(t, res.Events, 6)
	assert.False(t, res.Events[1].HasProbeLatency)
}

func TestSyntaxOffsetAfterNaN(t *testing.T) {
	// The error is at the same place with and without the NaN before it.
	_, err := Decode([]byte(`{"a": NaN, "b": x}`), Options{})
	var je *JournalError
	require.True(t, errors.As(err, &je))
	assert.Equal(t, int64(17), je.Problems[0].Offset)
}
