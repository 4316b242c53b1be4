package decoder

import (
	"encoding/json"
	"errors"
	"io"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/otelcol-chaos/otelcol-chaos/internal/chaosconv"
)

// fuzzMaxEvents keeps one fuzz input cheap and exercises the limit.
const fuzzMaxEvents = 64

// seedBodies are the fixtures plus hand-written bodies covering every
// container and a few faults, so the fuzzer starts from every shape.
func seedBodies(tb testing.TB) []string {
	tb.Helper()
	var seeds []string
	for _, dir := range []string{"mockforge", "native"} {
		files, err := filepath.Glob(filepath.Join("testdata", dir, "*.json"))
		require.NoError(tb, err)
		require.NotEmpty(tb, files)
		for _, f := range files {
			b, err := os.ReadFile(f)
			require.NoError(tb, err)
			seeds = append(seeds, string(b))
		}
	}
	return append(seeds,
		"["+latencyJSON+","+faultJSON+","+rateJSON+","+trafficJSON+","+protocolJSON+","+scenarioJSON+"]",
		latencyJSON+"\r\n\r\n"+faultJSON+"\n",
		`[]`,
		``,
		`{"timestamp":"`+ts+`","event_type":{"LatencyInjection":{"delay_ms":1}}}`,
		`{"time":"2025-10-07T14:03:21.123456789-08:00","kind":"probe","target":"db","success":true,"latency_ms":1.5e2}`,
		`{"timestamp":"`+ts+`","kind":"experiment","experiment":"x","phase":"paused"}`,
		mf(`"type":"FaultInjection","fault_type":"","endpoint":"\ud83d\ude00\u00e9\n"`),
		mf(`"type":"LatencyInjection","delay_ms":9223372036854775808`),
		`{"scenario":{"name":"s"},"events":[{"event_type":{"type":"X"}},1,`+latencyJSON+`]}`,
		`[`+latencyJSON+`,]`,
		strings.Replace(latencyJSON, `"metadata":{}`, `"metadata":{"a":"1","a":"2","b":3}`, 1),
	)
}

// normalizeKV returns kvs as a record map holds them: one entry per key at
// the position of its first occurrence with the value of its last (what
// pcommon.Map.PutStr does with duplicate keys, and serde_json too); nil
// when empty.
func normalizeKV(kvs []chaosconv.KV) []chaosconv.KV {
	if len(kvs) == 0 {
		return nil
	}
	var out []chaosconv.KV
	at := map[string]int{}
	for _, kv := range kvs {
		if i, ok := at[kv.Key]; ok {
			out[i].Value = kv.Value
			continue
		}
		at[kv.Key] = len(out)
		out = append(out, kv)
	}
	return out
}

// roundTripView is what must survive EncodeEvent then DecodeEvent exactly.
// Fields is reduced to the kind's required bits: the JSON decoder also
// notes optional fields it saw (an empty optional string among them), which
// the record does not carry.
func roundTripView(e chaosconv.Event) chaosconv.Event {
	e.Fields &= e.Kind.Required()
	e.Metadata = normalizeKV(e.Metadata)
	e.ProtocolDetails = normalizeKV(e.ProtocolDetails)
	return e
}

func FuzzDecode(f *testing.F) {
	for _, s := range seedBodies(f) {
		f.Add(s)
	}
	dirty := seedBodies(f)[0]
	f.Fuzz(func(t *testing.T, body string) {
		var b Batch
		err := Decode(body, Options{MaxEvents: fuzzMaxEvents}, &b)

		// A reused batch, full of a previous decode, gives the same result.
		var reused Batch
		require.NoError(t, Decode(dirty, Options{}, &reused))
		err2 := Decode(body, Options{MaxEvents: fuzzMaxEvents}, &reused)
		require.Equal(t, err, err2)

		if err != nil {
			var be *BatchError
			require.ErrorAs(t, err, &be)
			require.NotEmpty(t, be.Problems)
			require.LessOrEqual(t, len(be.Problems), MaxProblems+1) // + the syntax error that stopped the parse
			if !errors.Is(err, ErrSyntax) && !errors.Is(err, ErrInvalidEvent) &&
				!errors.Is(err, ErrEmpty) && !errors.Is(err, ErrTooManyEvents) {
				t.Fatalf("error of no known kind: %v", err)
			}
			for _, p := range be.Problems {
				require.GreaterOrEqual(t, p.Index, -1)
				require.Less(t, p.Index, fuzzMaxEvents)
				require.GreaterOrEqual(t, p.Offset, 0)
				require.LessOrEqual(t, p.Offset, len(body))
				require.NotEmpty(t, p.Message)
				// A field path never ends in a dot, except after a map of
				// ours whose offending key is "" (metadata."").
				if strings.HasSuffix(p.Field, ".") {
					require.Regexp(t, `(^|\.)(metadata|details)\.$`, p.Field)
				}
			}
			require.NotEmpty(t, be.Error())
			return
		}

		require.LessOrEqual(t, len(b.Events), fuzzMaxEvents)
		require.Len(t, b.Services, len(b.Events))
		require.Equal(t, normalize(b.Events), normalize(reused.Events))
		require.Equal(t, append([]string{}, b.Services...), append([]string{}, reused.Services...))
		require.Equal(t, b.Container, reused.Container)
		require.NotEmpty(t, b.Container)

		// What decodes is JSON (a stream of JSON values) to encoding/json too.
		dec := json.NewDecoder(strings.NewReader(body))
		for {
			var v json.RawMessage
			if err := dec.Decode(&v); err == io.EOF {
				break
			} else if err != nil {
				t.Fatalf("accepted a body encoding/json rejects: %v", err)
			}
		}

		lr := plog.NewLogRecord()
		var got chaosconv.Event
		for i := range b.Events {
			e := b.Events[i]
			require.NoError(t, e.Validate(), "event %d", i)
			require.True(t, utf8.ValidString(e.Endpoint) && utf8.ValidString(e.Source) && utf8.ValidString(e.Scenario))

			lr.Attributes().Clear()
			chaosconv.EncodeEvent(&e, lr)
			require.NoError(t, chaosconv.DecodeEvent(lr, &got), "event %d: %+v", i, e)
			require.Equal(t, roundTripView(e), roundTripView(got), "event %d", i)
			if e.Kind.MockForgeName() != "" && e.Source == "" {
				t.Fatalf("event %d: a MockForge event always has a source", i)
			}
		}
	})
}

// strictRFC3339 is RFC 3339's date-time with an upper-case T and Z, which
// is the subset time.Parse(time.RFC3339Nano) and parseTimestamp agree on.
var strictRFC3339 = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-](\d{2}):(\d{2}))$`)

func FuzzParseTimestamp(f *testing.F) {
	for _, s := range []string{
		"2025-10-07T14:03:21Z",
		"2025-10-07T14:03:21.123456789Z",
		"2025-10-07T14:03:21.5+05:30",
		"2025-10-07T06:03:21-08:00",
		"1970-01-01T00:00:00.000000001Z",
		"2262-04-11T23:47:16.854775807Z",
		"2262-04-11T23:47:16.854775808Z",
		"1969-12-31T23:59:59Z",
		"2024-02-29T00:00:00Z",
		"2023-02-29T00:00:00Z",
		"2025-10-07T14:03:21.1234567891Z",
		"2025-10-07T14:03:21",
		"2025-10-07t14:03:21z",
		"2025-10-07 14:03:21+24:00",
		"2025-10-07T14:03:21,5Z",
		"0000-01-01T00:00:00Z",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := parseTimestamp(s)
		if err == nil {
			require.GreaterOrEqual(t, got, int64(1))
		} else if !errors.Is(err, errTimestampFormat) && !errors.Is(err, errTimestampField) && !errors.Is(err, errTimestampRange) {
			t.Fatalf("unexpected error %v", err)
		}

		m := strictRFC3339.FindStringSubmatch(s)
		if m == nil {
			// Beyond the strict form only t, z and a space separator are
			// accepted; anything else accepted is a bug.
			if err == nil {
				canon := []byte(s)
				if len(canon) > 10 && (canon[10] == 't' || canon[10] == ' ') {
					canon[10] = 'T'
				}
				if n := len(canon); n > 0 && canon[n-1] == 'z' {
					canon[n-1] = 'Z'
				}
				require.Regexp(t, strictRFC3339, string(canon), "parseTimestamp accepted %q", s)
				again, err := parseTimestamp(string(canon))
				require.NoError(t, err)
				require.Equal(t, got, again)
			}
			return
		}
		ref, refErr := time.Parse(time.RFC3339Nano, s)
		if m[3] != "" {
			oh, _ := strconv.Atoi(m[3])
			om, _ := strconv.Atoi(m[4])
			if oh > 23 || om > 59 {
				require.Error(t, err, "offset out of range accepted: %q", s)
				return
			}
		}
		if refErr != nil {
			require.Error(t, err, "time.Parse rejects %q: %v", s, refErr)
			return
		}
		// time.Parse accepts it: so must we, unless it is out of range.
		const maxSecs, maxNanos = math.MaxInt64 / 1_000_000_000, math.MaxInt64 % 1_000_000_000
		secs, nanos := ref.Unix(), int64(ref.Nanosecond())
		if secs < 0 || (secs == 0 && nanos == 0) || secs > maxSecs || (secs == maxSecs && nanos > maxNanos) {
			require.ErrorIs(t, err, errTimestampRange, "%q", s)
			return
		}
		require.NoError(t, err, "%q", s)
		require.Equal(t, ref.UnixNano(), got, "%q", s)
	})
}

// FuzzScanString compares the scanner's strings with encoding/json's.
func FuzzScanString(f *testing.F) {
	for _, s := range []string{`a`, `\n\t\"\\\/`, `\u00e9`, `\ud83d\ude00`, `\ud83d`, `\ud83d\u0041`, `\ude00\ud83d`, `é`, "\xff", `\u12`, "\x01"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		in := `"` + s + `"`
		sc := scanner{s: in}
		got, err := sc.str()
		if err == nil {
			// A '"' inside s may end the string early: compare what was read.
			var want string
			require.NoError(t, json.Unmarshal([]byte(in[:sc.p]), &want), "accepted %q", in[:sc.p])
			require.Equal(t, want, got, "%q", in[:sc.p])
			require.True(t, utf8.ValidString(got))
			return
		}
		var se *syntaxError
		require.ErrorAs(t, err, &se)
		require.GreaterOrEqual(t, se.off, 0)
		require.LessOrEqual(t, se.off, len(in))
		var want string
		if json.Unmarshal([]byte(in), &want) == nil {
			// encoding/json replaces invalid UTF-8; we refuse it.
			require.False(t, utf8.ValidString(in), "refused %q, which encoding/json accepts: %v", in, err)
		}
	})
}
