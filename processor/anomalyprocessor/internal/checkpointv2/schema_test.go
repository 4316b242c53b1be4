package checkpointv2

import (
	"encoding/json"
	"math"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/otelcol-chaos/otelcol-chaos/internal/checkpoint"
)

// TestFloatKeepsEveryValue: finite values come back bit for bit, and NaN
// and the infinities (which JSON numbers cannot hold) as themselves.
func TestFloatKeepsEveryValue(t *testing.T) {
	for _, v := range []float64{0, math.Copysign(0, -1), 1, -2.5, 0.1, 1.0 / 3, 1e-300, 5e-324, math.MaxFloat64,
		102.83194821002986, 1e21, math.NaN(), math.Inf(1), math.Inf(-1)} {
		b, err := json.Marshal(Float(v))
		require.NoError(t, err)
		var got Float
		require.NoError(t, json.Unmarshal(b, &got), "%s", b)
		if math.IsNaN(v) {
			require.True(t, math.IsNaN(float64(got)), "%s", b)
			continue
		}
		require.Equal(t, math.Float64bits(v), math.Float64bits(float64(got)), "%v → %s", v, b)
	}
	var f Float
	require.Error(t, json.Unmarshal([]byte(`"Infinity"`), &f))
	require.Error(t, json.Unmarshal([]byte(`true`), &f))
}

func TestUnmarshalChecksTheVersionFirst(t *testing.T) {
	_, err := Unmarshal([]byte(`{"version":3,"whatever":[]}`))
	var ve *checkpoint.VersionError
	require.ErrorAs(t, err, &ve)
	require.Equal(t, checkpoint.VersionError{Found: 3, Reads: 2}, *ve)
	_, err = Unmarshal([]byte(`{"version":2,"scopes":[],"extra":1}`))
	require.ErrorContains(t, err, `unknown field "extra"`)
	_, err = Unmarshal([]byte(`{"version":2} {}`))
	require.ErrorContains(t, err, "not a JSON checkpoint")
	cp, err := Unmarshal([]byte(`{"version":2,"width_ns":60000000000,"max_at":-9223372036854775808}`))
	require.NoError(t, err)
	require.Equal(t, int64(math.MinInt64), cp.MaxAt)
}
