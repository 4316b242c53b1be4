package decoder

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// base is 2025-10-07T14:03:21Z in Unix seconds.
const base = 1759845801

func TestParseTimestampFraction(t *testing.T) {
	tests := []struct {
		in   string
		want int64
	}{
		{"2025-10-07T14:03:21Z", base * 1e9},
		{"2025-10-07T14:03:21.1Z", base*1e9 + 100_000_000},
		{"2025-10-07T14:03:21.12Z", base*1e9 + 120_000_000},
		{"2025-10-07T14:03:21.123Z", base*1e9 + 123_000_000},
		{"2025-10-07T14:03:21.1234Z", base*1e9 + 123_400_000},
		{"2025-10-07T14:03:21.12345Z", base*1e9 + 123_450_000},
		{"2025-10-07T14:03:21.123456Z", base*1e9 + 123_456_000},
		{"2025-10-07T14:03:21.1234567Z", base*1e9 + 123_456_700},
		{"2025-10-07T14:03:21.12345678Z", base*1e9 + 123_456_780},
		{"2025-10-07T14:03:21.123456789Z", base*1e9 + 123_456_789},
		{"2025-10-07T14:03:21.000000001Z", base*1e9 + 1},
		{"2025-10-07T14:03:21.999999999Z", base*1e9 + 999_999_999},
		{"2025-10-07T14:03:21.0Z", base * 1e9},
		{"2025-10-07T14:03:21.000000000Z", base * 1e9},
		{"2025-10-07T14:03:21.05Z", base*1e9 + 50_000_000},
		{"2025-10-07T14:03:21.007Z", base*1e9 + 7_000_000},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := parseTimestamp(tt.in)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
			assert.Equal(t, mustNs(tt.in), got, "agrees with time.Parse")
		})
	}
}

func TestParseTimestampOffsets(t *testing.T) {
	tests := []struct {
		in   string
		want int64
	}{
		{"2025-10-07T14:03:21+00:00", base * 1e9},
		{"2025-10-07T14:03:21-00:00", base * 1e9},
		{"2025-10-07T19:33:21+05:30", base * 1e9},
		{"2025-10-07T06:03:21-08:00", base * 1e9},
		{"2025-10-07T06:03:21.25-08:00", base*1e9 + 250_000_000},
		{"2025-10-08T03:48:21+13:45", base * 1e9}, // Chatham Islands daylight time
		{"2025-10-07T02:03:21-12:00", base * 1e9}, // Baker Island
		{"2025-10-08T13:42:21+23:39", base * 1e9}, // largest offset
		{"2025-10-06T14:24:21-23:39", base * 1e9}, // smallest offset
		{"2025-10-07T14:03:21z", base * 1e9},      // RFC 3339 allows a lower-case z
		{"2025-10-07t14:03:21Z", base * 1e9},      // and t
		{"2025-10-07 14:03:21Z", base * 1e9},      // and a space (RFC 3339 §5.6 note)
		{"1970-01-01T00:00:00.000000001Z", 1},     // first representable instant
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := parseTimestamp(tt.in)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
	// The epoch itself is "unset" in OTLP, whatever the offset says.
	for _, in := range []string{"1970-01-01T00:00:00Z", "1970-01-01T01:00:00+01:00", "1969-12-31T16:00:00-08:00"} {
		_, err := parseTimestamp(in)
		assert.ErrorIs(t, err, errTimestampRange, in)
	}
}

func TestParseTimestampRange(t *testing.T) {
	ok := []string{
		"2262-04-11T23:47:16.854775807Z",
		"2262-04-12T01:47:16.854775807+02:00",
		"2262-04-11T15:47:16.854775807-08:00",
		"1970-01-01T00:00:00.000000001Z",
		"1970-01-01T05:30:00.5+05:30",
	}
	for _, in := range ok {
		got, err := parseTimestamp(in)
		require.NoError(t, err, in)
		assert.Equal(t, mustNs(in), got, in)
	}
	got, _ := parseTimestamp(ok[0])
	assert.Equal(t, int64(math.MaxInt64), got)

	bad := []string{
		"2262-04-11T23:47:16.854775808Z",
		"2262-04-11T23:47:17Z",
		"2262-04-11T15:47:17-08:00",
		"2263-01-01T00:00:00Z",
		"9999-12-31T23:59:59.999999999Z",
		"1969-12-31T23:59:59.999999999Z",
		"1970-01-01T00:00:00Z",
		"1970-01-01T00:00:00.5+01:00",
		"0000-01-01T00:00:00Z",
		"0000-02-29T00:00:00Z",
		"1600-02-29T00:00:00Z",
	}
	for _, in := range bad {
		_, err := parseTimestamp(in)
		assert.ErrorIs(t, err, errTimestampRange, in)
	}
}

func TestParseTimestampLeapYears(t *testing.T) {
	for _, y := range []int{1972, 1996, 2000, 2004, 2024, 2028, 2096, 2104, 2256} {
		in := fmt.Sprintf("%04d-02-29T12:00:00Z", y)
		got, err := parseTimestamp(in)
		require.NoError(t, err, in)
		assert.Equal(t, mustNs(in), got, in)
		// The day after is 1 March.
		next, err := parseTimestamp(fmt.Sprintf("%04d-03-01T12:00:00Z", y))
		require.NoError(t, err)
		assert.Equal(t, int64(86400e9), next-got)
	}
	for _, y := range []int{1970, 2023, 2025, 2100, 2200, 2261} {
		in := fmt.Sprintf("%04d-02-29T12:00:00Z", y)
		_, err := parseTimestamp(in)
		assert.ErrorIs(t, err, errTimestampField, in)
		_, err = time.Parse(time.RFC3339Nano, in)
		assert.Error(t, err, "time.Parse agrees")
	}
	// Day counts across the leap-year cycle match time.Parse at each year start.
	for y := 1970; y <= 2262; y++ {
		in := fmt.Sprintf("%04d-01-01T00:00:00.5Z", y)
		got, err := parseTimestamp(in)
		require.NoError(t, err, in)
		require.Equal(t, mustNs(in), got, in)
		in = fmt.Sprintf("%04d-12-31T23:59:59.5Z", min(y, 2261))
		got, err = parseTimestamp(in)
		require.NoError(t, err, in)
		require.Equal(t, mustNs(in), got, in)
	}
}

func TestParseTimestampDays(t *testing.T) {
	daysIn := map[int]int{1: 31, 2: 28, 3: 31, 4: 30, 5: 31, 6: 30, 7: 31, 8: 31, 9: 30, 10: 31, 11: 30, 12: 31}
	for m := 1; m <= 12; m++ {
		last := fmt.Sprintf("2025-%02d-%02dT00:00:00Z", m, daysIn[m])
		got, err := parseTimestamp(last)
		require.NoError(t, err, last)
		assert.Equal(t, mustNs(last), got)
		past := fmt.Sprintf("2025-%02d-%02dT00:00:00Z", m, daysIn[m]+1)
		_, err = parseTimestamp(past)
		assert.ErrorIs(t, err, errTimestampField, past)
	}
}

func TestParseTimestampInvalid(t *testing.T) {
	format := []string{
		"",
		"2025",
		"2025-10-07",
		"2025-10-07T14:03:21",             // no zone
		"2025-10-07T14:03:21.123",         // no zone after a fraction
		"2025-10-07T14:03:21.",            // no fraction digit
		"2025-10-07T14:03:21.Z",           // no fraction digit
		"2025-10-07T14:03:21.1234567890Z", // 10 digits
		"2025-10-07T14:03:21.12345678901234567890Z",
		"2025-10-07T14:03:21,5Z",   // comma separator
		"2025-10-07T14:03:21+0530", // offset without colon
		"2025-10-07T14:03:21+05",   // short offset
		"2025-10-07T14:03:21+05:30:00",
		"2025-10-07T14:03:21+24:00", // offset hour out of range
		"2025-10-07T14:03:21+05:60", // offset minute out of range
		"2025-10-07T14:03:21+a5:30",
		"2025-10-07T14:03:21 Z",
		"2025-10-07T14:03:21ZZ",
		"2025-10-07T14:03:21Z ",
		" 2025-10-07T14:03:21Z",
		"2025-10-07T14:03:21UTC",
		"2025/10/07T14:03:21Z",
		"2025-10-07X14:03:21Z",
		"2025-10-07T14-03-21Z",
		"2025-1-07T14:03:21Z",
		"2025-10-07T4:03:21Z",
		"+2025-10-07T14:03:21Z",
		"20251007T140321Z",
		"2025-10-07T14:03:2aZ",
		"2025-1O-07T14:03:21Z",
		"-025-10-07T14:03:21Z",
		"2025-10-07T14:03:21.12a4Z",
	}
	for _, in := range format {
		_, err := parseTimestamp(in)
		assert.ErrorIs(t, err, errTimestampFormat, "%q", in)
	}
	field := []string{
		"2025-00-07T14:03:21Z",
		"2025-13-07T14:03:21Z",
		"2025-10-00T14:03:21Z",
		"2025-10-32T14:03:21Z",
		"2025-04-31T14:03:21Z",
		"2024-02-30T14:03:21Z",
		"2023-02-29T14:03:21Z",
		"2025-10-07T24:00:00Z",
		"2025-10-07T14:60:21Z",
		"2025-10-07T14:03:60Z",
		"2025-10-07T99:99:99Z",
	}
	for _, in := range field {
		_, err := parseTimestamp(in)
		assert.ErrorIs(t, err, errTimestampField, "%q", in)
	}
}

// randomTimestamp formats a random instant between 1970 and 2262 in RFC
// 3339 with 0 to 9 fractional digits and a random zone.
func randomTimestamp(rng *rand.Rand) (string, int64) {
	for {
		ns := 1 + rng.Int64N(math.MaxInt64-1)
		if rng.IntN(4) == 0 { // also dense coverage of recent years
			ns = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC).UnixNano() + rng.Int64N(60*365*86400e9)
		}
		digits := rng.IntN(10)
		// Drop the digits that will not be written, so the string is exact.
		div := int64(math.Pow10(9 - digits))
		ns -= ns % div
		if ns <= 0 {
			continue
		}
		var loc *time.Location
		switch rng.IntN(4) {
		case 0:
			loc = time.UTC
		default:
			off := (rng.IntN(2*24*60-1) - (24*60 - 1)) * 60 // -23:59 .. +23:59
			loc = time.FixedZone("", off)
		}
		t := time.Unix(0, ns).In(loc)
		layout := "2006-01-02T15:04:05"
		if digits > 0 {
			layout += "." + strings.Repeat("0", digits)
		}
		layout += "Z07:00"
		return t.Format(layout), ns
	}
}

func TestParseTimestampMatchesTimeParse(t *testing.T) {
	rng := rand.New(rand.NewPCG(20251007, 1))
	for range 1000 {
		s, want := randomTimestamp(rng)
		ref, err := time.Parse(time.RFC3339Nano, s)
		require.NoError(t, err, s)
		require.Equal(t, want, ref.UnixNano(), s)
		got, err := parseTimestamp(s)
		require.NoError(t, err, s)
		require.Equal(t, want, got, s)
	}
}

func TestParseTimestampAllocs(t *testing.T) {
	allocs := testing.AllocsPerRun(100, func() {
		_, _ = parseTimestamp("2025-10-07T14:03:21.123456789+05:30")
	})
	assert.Zero(t, allocs)
}
