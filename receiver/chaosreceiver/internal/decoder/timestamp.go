package decoder

import "errors"

// Timestamps are RFC 3339 date-times as chrono and most tools write them:
// YYYY-MM-DDTHH:MM:SS, then 0 to 9 fractional digits, then Z or ±HH:MM.
// A hand-written parser is ~10× cheaper than time.Parse and rejects what
// time.Parse would silently accept (a missing zone, a 10th digit).

var (
	errTimestampFormat = errors.New("not an RFC 3339 timestamp (want YYYY-MM-DDTHH:MM:SS[.fffffffff](Z|±HH:MM))")
	errTimestampField  = errors.New("date or time field out of range")
	errTimestampRange  = errors.New("timestamp out of range (must lie between 1970-01-01T00:00:00Z and 2262-04-11T23:47:16Z)")
)

const (
	minUnixNano = 1 // 0 is reserved for "unset" in OTLP
	maxUnixNano = 1<<63 - 1
)

// parseTimestamp returns the Unix time in nanoseconds of an RFC 3339 string.
func parseTimestamp(s string) (int64, error) {
	if len(s) < len("2006-01-02T15:04:05Z") {
		return 0, errTimestampFormat
	}
	year, ok1 := digits(s, 0, 4)
	month, ok2 := digits(s, 5, 2)
	day, ok3 := digits(s, 8, 2)
	hour, ok4 := digits(s, 11, 2)
	minute, ok5 := digits(s, 14, 2)
	sec, ok6 := digits(s, 17, 2)
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6) || s[4] != '-' || s[7] != '-' ||
		(s[10] != 'T' && s[10] != 't' && s[10] != ' ') || s[13] != ':' || s[16] != ':' {
		return 0, errTimestampFormat
	}
	i := 19
	var nanos int64
	if s[i] == '.' {
		i++
		start := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			if i-start == 9 {
				return 0, errTimestampFormat
			}
			nanos = nanos*10 + int64(s[i]-'0')
			i++
		}
		n := i - start
		if n == 0 {
			return 0, errTimestampFormat
		}
		for ; n < 9; n++ {
			nanos *= 10
		}
	}
	if i >= len(s) {
		return 0, errTimestampFormat
	}
	var offset int64
	switch s[i] {
	case 'Z', 'z':
		i++
	case '+', '-':
		if len(s)-i != 6 || s[i+3] != ':' {
			return 0, errTimestampFormat
		}
		oh, okh := digits(s, i+1, 2)
		om, okm := digits(s, i+4, 2)
		if !okh || !okm || oh > 23 || om > 59 {
			return 0, errTimestampFormat
		}
		offset = int64(oh*3600 + om*60)
		if s[i] == '-' {
			offset = -offset
		}
		i += 6
	default:
		return 0, errTimestampFormat
	}
	if i != len(s) {
		return 0, errTimestampFormat
	}
	if month < 1 || month > 12 || day < 1 || day > daysIn(year, month) || hour > 23 || minute > 59 || sec > 59 {
		return 0, errTimestampField
	}
	secs := daysFromCivil(year, month, day)*86400 + int64(hour*3600+minute*60+sec) - offset
	// Range check in seconds first so the multiplication cannot overflow.
	const maxSecs, maxNanos = maxUnixNano / 1_000_000_000, maxUnixNano % 1_000_000_000
	if secs < 0 || secs > maxSecs || (secs == maxSecs && nanos > maxNanos) {
		return 0, errTimestampRange
	}
	ns := secs*1_000_000_000 + nanos
	if ns < minUnixNano {
		return 0, errTimestampRange
	}
	return ns, nil
}

func digits(s string, at, n int) (int, bool) {
	v := 0
	for i := at; i < at+n; i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + int(c-'0')
	}
	return v, true
}

func daysIn(year, month int) int {
	switch month {
	case 2:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// daysFromCivil is the number of days from 1970-01-01 to the given date in
// the proleptic Gregorian calendar (Howard Hinnant's algorithm).
func daysFromCivil(y, m, d int) int64 {
	if m <= 2 {
		y--
	}
	era := y / 400
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return int64(era)*146097 + int64(doe) - 719468
}
