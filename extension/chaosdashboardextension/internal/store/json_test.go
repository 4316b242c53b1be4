package store

import (
	"encoding/json"
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestFormatWidth(t *testing.T) {
	for d, want := range map[time.Duration]string{
		time.Minute:                    "1m",
		5 * time.Minute:                "5m",
		time.Hour:                      "1h",
		24 * time.Hour:                 "24h",
		30 * time.Second:               "30s",
		90 * time.Second:               "1m30s",
		90 * time.Minute:               "1h30m",
		time.Hour + 30*time.Second:     "1h0m30s",
		1500 * time.Millisecond:        "1.5s",
		10*time.Minute + 0*time.Second: "10m",
	} {
		require.Equal(t, want, FormatWidth(d), d.String())
		back, err := time.ParseDuration(want)
		require.NoError(t, err)
		require.Equal(t, d, back, "FormatWidth must stay a Go duration")
	}
}

func TestWidthJSON(t *testing.T) {
	b, err := json.Marshal([]Width{Width(time.Minute), Width(24 * time.Hour), 0})
	require.NoError(t, err)
	require.JSONEq(t, `["1m","24h",null]`, string(b))
}

// TestFloatJSON: finite values are spelled as encoding/json spells a
// float64; NaN and infinities, which encoding/json refuses, are null.
func TestFloatJSON(t *testing.T) {
	for _, v := range []float64{0, 1, -1, 0.5, 12.25, 1e-7, 1.5e-9, 123456789, 1e21, 2.5e300, -3e-8, math.SmallestNonzeroFloat64} {
		want, err := json.Marshal(v)
		require.NoError(t, err)
		got, err := json.Marshal(Float(v))
		require.NoError(t, err)
		require.Equal(t, string(want), string(got), v)
	}
	for _, v := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
		got, err := json.Marshal(Float(v))
		require.NoError(t, err)
		require.Equal(t, "null", string(got))
	}
}
