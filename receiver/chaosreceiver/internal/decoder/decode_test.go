package decoder

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/otelcol-chaos/otelcol-chaos/internal/chaosconv"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

const ts = "2025-10-07T14:03:21Z"

// tsNs is ts in Unix nanoseconds.
var tsNs = mustNs(ts)

func mustNs(s string) int64 {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return t.UnixNano()
}

// mf is a MockForge ChaosEvent at ts with the given members of event_type.
func mf(variant string) string {
	return `{"timestamp":"` + ts + `","event_type":{` + variant + `},"metadata":{}}`
}

// native is a native event at ts with the given members besides the time.
func native(members string) string {
	return `{"timestamp":"` + ts + `",` + members + `}`
}

// Minimal valid events of each MockForge variant.
var (
	latencyJSON  = mf(`"type":"LatencyInjection","delay_ms":500,"endpoint":"/api"`)
	faultJSON    = mf(`"type":"FaultInjection","fault_type":"http_500","endpoint":null`)
	rateJSON     = mf(`"type":"RateLimitExceeded","client_ip":"10.0.0.1","endpoint":"/login"`)
	trafficJSON  = mf(`"type":"TrafficShaping","action":"throttle","bytes":4096`)
	protocolJSON = mf(`"type":"ProtocolEvent","protocol":"grpc","event":"stream_reset","details":{"code":"14","method":"Get"}`)
	scenarioJSON = mf(`"type":"ScenarioTransition","from_scenario":"calm","to_scenario":"storm"`)
)

func mfEvent(k chaosconv.Kind, f func(e *chaosconv.Event)) chaosconv.Event {
	e := chaosconv.Event{TimeUnixNano: tsNs, Kind: k, Source: SourceMockForge}
	if f != nil {
		f(&e)
	}
	return e
}

var (
	latencyEvent = mfEvent(chaosconv.KindLatencyInjection, func(e *chaosconv.Event) {
		e.DelayMs, e.Endpoint, e.Fields = 500, "/api", chaosconv.FieldDelayMs
	})
	faultEvent = mfEvent(chaosconv.KindFaultInjection, func(e *chaosconv.Event) {
		e.FaultType, e.Fields = "http_500", chaosconv.FieldFaultType
	})
	rateEvent = mfEvent(chaosconv.KindRateLimitExceeded, func(e *chaosconv.Event) {
		e.ClientAddress, e.Endpoint = "10.0.0.1", "/login"
	})
	trafficEvent = mfEvent(chaosconv.KindTrafficShaping, func(e *chaosconv.Event) {
		e.TrafficAction, e.TrafficBytes = "throttle", 4096
		e.Fields = chaosconv.FieldTrafficAction | chaosconv.FieldTrafficBytes
	})
	protocolEvent = mfEvent(chaosconv.KindProtocolEvent, func(e *chaosconv.Event) {
		e.Protocol, e.ProtocolEvent = "grpc", "stream_reset"
		e.ProtocolDetails = []chaosconv.KV{{Key: "code", Value: "14"}, {Key: "method", Value: "Get"}}
		e.Fields = chaosconv.FieldProtocolName | chaosconv.FieldProtocolEvent
	})
	scenarioEvent = mfEvent(chaosconv.KindScenarioTransition, func(e *chaosconv.Event) {
		e.ScenarioFrom, e.ScenarioTo, e.Fields = "calm", "storm", chaosconv.FieldScenarioTo
	})
)

func withScenario(e chaosconv.Event, name string) chaosconv.Event {
	e.Scenario = name
	return e
}

// normalize makes empty slices nil so that expectations need not care
// whether a reused slice kept its capacity.
func normalize(events []chaosconv.Event) []chaosconv.Event {
	out := make([]chaosconv.Event, len(events))
	for i, e := range events {
		if len(e.Metadata) == 0 {
			e.Metadata = nil
		}
		if len(e.ProtocolDetails) == 0 {
			e.ProtocolDetails = nil
		}
		out[i] = e
	}
	return out
}

func TestDecodeContainers(t *testing.T) {
	recording := `{"scenario":{"name":"game-day","chaos_config":{"latency":{"fixed_delay_ms":5}},"tags":["a","b"]},` +
		`"events":[` + latencyJSON + `,` +
		`{"timestamp":"` + ts + `","scenario":"own","event_type":{"type":"FaultInjection","fault_type":"http_500"}},` +
		`{"timestamp":"` + ts + `","scenario":null,"event_type":{"type":"RateLimitExceeded","client_ip":"10.0.0.1","endpoint":"/login"}}` +
		`],"recording_started":"2025-10-07T14:00:00Z","recording_ended":null}`
	tests := []struct {
		name      string
		body      string
		container Container
		want      []chaosconv.Event
	}{
		{"object", latencyJSON, ContainerObject, []chaosconv.Event{latencyEvent}},
		{"object with surrounding white space", " \r\n\t" + latencyJSON + "\n\n", ContainerObject, []chaosconv.Event{latencyEvent}},
		{"array", "[" + latencyJSON + "," + faultJSON + "," + rateJSON + "," + trafficJSON + "," + protocolJSON + "," + scenarioJSON + "]",
			ContainerArray, []chaosconv.Event{latencyEvent, faultEvent, rateEvent, trafficEvent, protocolEvent, scenarioEvent}},
		{"array with white space", "[\n  " + latencyJSON + " ,\n  " + faultJSON + "\n]\n", ContainerArray, []chaosconv.Event{latencyEvent, faultEvent}},
		{"empty array", "[]", ContainerArray, nil},
		{"empty array with white space", " [ \n ] ", ContainerArray, nil},
		{"ndjson", latencyJSON + "\n" + faultJSON + "\n" + rateJSON + "\n", ContainerNDJSON, []chaosconv.Event{latencyEvent, faultEvent, rateEvent}},
		{"ndjson without final newline", latencyJSON + "\n" + faultJSON, ContainerNDJSON, []chaosconv.Event{latencyEvent, faultEvent}},
		{"ndjson with blank lines", "\n\n" + latencyJSON + "\n\n   \n" + faultJSON + "\n\t\n", ContainerNDJSON, []chaosconv.Event{latencyEvent, faultEvent}},
		{"ndjson with CRLF", latencyJSON + "\r\n" + faultJSON + "\r\n\r\n" + trafficJSON + "\r\n", ContainerNDJSON, []chaosconv.Event{latencyEvent, faultEvent, trafficEvent}},
		{"concatenated values", latencyJSON + faultJSON + " " + rateJSON, ContainerNDJSON, []chaosconv.Event{latencyEvent, faultEvent, rateEvent}},
		{"concatenated arrays", "[" + latencyJSON + "][" + faultJSON + "]\n[]", ContainerNDJSON, []chaosconv.Event{latencyEvent, faultEvent}},
		{"recording", recording, ContainerRecording, []chaosconv.Event{
			withScenario(latencyEvent, "game-day"), withScenario(faultEvent, "own"), withScenario(rateEvent, "game-day")}},
		{"recording with scenario after events", `{"events":[` + latencyJSON + `],"scenario":{"name":"late"}}`, ContainerRecording,
			[]chaosconv.Event{withScenario(latencyEvent, "late")}},
		{"recording with scenario as a string", `{"scenario":"plain","events":[` + latencyJSON + `]}`, ContainerRecording,
			[]chaosconv.Event{withScenario(latencyEvent, "plain")}},
		{"recording without scenario", `{"events":[` + latencyJSON + `]}`, ContainerRecording, []chaosconv.Event{latencyEvent}},
		{"recording with nameless scenario", `{"scenario":{"name":null,"x":1},"events":[` + latencyJSON + `]}`, ContainerRecording, []chaosconv.Event{latencyEvent}},
		{"recording with null scenario", `{"scenario":null,"events":[` + latencyJSON + `]}`, ContainerRecording, []chaosconv.Event{latencyEvent}},
		{"empty recording", `{"scenario":{"name":"s"},"events":[],"recording_started":"` + ts + `"}`, ContainerRecording, nil},
		{"recordings as ndjson", `{"scenario":{"name":"a"},"events":[` + latencyJSON + `]}` + "\n" +
			`{"scenario":{"name":"b"},"events":[` + faultJSON + `]}`, ContainerNDJSON,
			[]chaosconv.Event{withScenario(latencyEvent, "a"), withScenario(faultEvent, "b")}},
		{"serde externally tagged variant", `{"timestamp":"` + ts + `","event_type":{"LatencyInjection":{"delay_ms":1}},"metadata":{}}`, ContainerObject,
			[]chaosconv.Event{mfEvent(chaosconv.KindLatencyInjection, func(e *chaosconv.Event) { e.DelayMs, e.Fields = 1, chaosconv.FieldDelayMs })}},
		{"serde externally tagged variant with all fields", `{"timestamp":"` + ts + `","event_type":{"ProtocolEvent":{"protocol":"grpc","event":"stream_reset","details":{"code":"14","method":"Get"}}}}`, ContainerObject,
			[]chaosconv.Event{protocolEvent}},
		{"serde externally tagged unit-like fields", `{"timestamp":"` + ts + `","event_type":{"RateLimitExceeded":{"client_ip":"10.0.0.1","endpoint":"/login"}}}`, ContainerObject,
			[]chaosconv.Event{rateEvent}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b Batch
			require.NoError(t, Decode(tt.body, Options{}, &b))
			assert.Equal(t, tt.container, b.Container)
			assert.Equal(t, normalize(tt.want), normalize(b.Events))
			assert.Len(t, b.Services, len(b.Events))
			for i := range b.Events {
				assert.NoError(t, b.Events[i].Validate())
			}
		})
	}
}

func TestDecodeVariants(t *testing.T) {
	tests := []struct {
		name string
		body string
		want chaosconv.Event
	}{
		{"latency, endpoint null", mf(`"type":"LatencyInjection","delay_ms":0,"endpoint":null`),
			mfEvent(chaosconv.KindLatencyInjection, func(e *chaosconv.Event) { e.Fields = chaosconv.FieldDelayMs })},
		{"latency, endpoint absent, max delay", mf(`"type":"LatencyInjection","delay_ms":9223372036854775807`),
			mfEvent(chaosconv.KindLatencyInjection, func(e *chaosconv.Event) { e.DelayMs, e.Fields = 1<<63-1, chaosconv.FieldDelayMs })},
		{"fault", mf(`"type":"FaultInjection","fault_type":"connection_reset","endpoint":"/pay"`),
			mfEvent(chaosconv.KindFaultInjection, func(e *chaosconv.Event) {
				e.FaultType, e.Endpoint, e.Fields = "connection_reset", "/pay", chaosconv.FieldFaultType
			})},
		{"rate limit, all null", mf(`"type":"RateLimitExceeded","client_ip":null,"endpoint":null`),
			mfEvent(chaosconv.KindRateLimitExceeded, nil)},
		{"rate limit, all absent", mf(`"type":"RateLimitExceeded"`), mfEvent(chaosconv.KindRateLimitExceeded, nil)},
		{"traffic, zero bytes", mf(`"type":"TrafficShaping","action":"drop","bytes":0`),
			mfEvent(chaosconv.KindTrafficShaping, func(e *chaosconv.Event) {
				e.TrafficAction, e.Fields = "drop", chaosconv.FieldTrafficAction|chaosconv.FieldTrafficBytes
			})},
		{"protocol, details null", mf(`"type":"ProtocolEvent","protocol":"graphql","event":"query_rejected","details":null`),
			mfEvent(chaosconv.KindProtocolEvent, func(e *chaosconv.Event) {
				e.Protocol, e.ProtocolEvent, e.Fields = "graphql", "query_rejected", chaosconv.FieldProtocolName|chaosconv.FieldProtocolEvent
			})},
		{"protocol, details empty", mf(`"type":"ProtocolEvent","protocol":"graphql","event":"query_rejected","details":{}`),
			mfEvent(chaosconv.KindProtocolEvent, func(e *chaosconv.Event) {
				e.Protocol, e.ProtocolEvent, e.Fields = "graphql", "query_rejected", chaosconv.FieldProtocolName|chaosconv.FieldProtocolEvent
			})},
		{"scenario, from null", mf(`"type":"ScenarioTransition","from_scenario":null,"to_scenario":"storm"`),
			mfEvent(chaosconv.KindScenarioTransition, func(e *chaosconv.Event) { e.ScenarioTo, e.Fields = "storm", chaosconv.FieldScenarioTo })},
		{"type after the fields", mf(`"delay_ms":3,"type":"LatencyInjection"`),
			mfEvent(chaosconv.KindLatencyInjection, func(e *chaosconv.Event) { e.DelayMs, e.Fields = 3, chaosconv.FieldDelayMs })},
		{"metadata, source and service", `{"metadata":{"region":"eu","run":"7"},"source":"mockforge-ci","service":"cart","timestamp":"` + ts + `","event_type":{"type":"RateLimitExceeded"}}`,
			mfEvent(chaosconv.KindRateLimitExceeded, func(e *chaosconv.Event) {
				e.Source = "mockforge-ci"
				e.Metadata = []chaosconv.KV{{Key: "region", Value: "eu"}, {Key: "run", Value: "7"}}
			})},
		{"null metadata and source", `{"metadata":null,"source":null,"timestamp":"` + ts + `","event_type":{"type":"RateLimitExceeded"}}`,
			mfEvent(chaosconv.KindRateLimitExceeded, nil)},
		{"unknown fields ignored", `{"id":"e-1","timestamp":"` + ts + `","extra":{"deep":[1,2.5e-3,true,false,null,{"x":"y"}]},` +
			`"event_type":{"type":"LatencyInjection","delay_ms":5,"jitter_ms":3,"nested":{"a":[]}},"metadata":{},"trailer":null}`,
			mfEvent(chaosconv.KindLatencyInjection, func(e *chaosconv.Event) { e.DelayMs, e.Fields = 5, chaosconv.FieldDelayMs })},
		{"time alias and fractional seconds", `{"time":"2025-10-07T14:03:21.5+02:00","event_type":{"type":"RateLimitExceeded"}}`,
			chaosconv.Event{TimeUnixNano: mustNs("2025-10-07T12:03:21.5Z"), Kind: chaosconv.KindRateLimitExceeded, Source: SourceMockForge}},
		{"native probe", native(`"kind":"probe","target":"http://svc/healthz","success":true,"latency_ms":12.25,"probe_name":"hz","source":"litmus","endpoint":"/healthz"`),
			chaosconv.Event{TimeUnixNano: tsNs, Kind: chaosconv.KindProbe, Source: "litmus", Endpoint: "/healthz", ProbeName: "hz",
				ProbeTarget: "http://svc/healthz", ProbeSuccess: true, ProbeLatencyMs: 12.25, HasProbeLatency: true,
				Fields: chaosconv.FieldProbeTarget | chaosconv.FieldProbeSuccess}},
		{"native probe, latency null and zero success", native(`"kind":"probe","target":"db","success":false,"latency_ms":null,"probe_name":null`),
			chaosconv.Event{TimeUnixNano: tsNs, Kind: chaosconv.KindProbe, ProbeTarget: "db",
				Fields: chaosconv.FieldProbeTarget | chaosconv.FieldProbeSuccess}},
		{"native probe, integer latency", native(`"kind":"probe","target":"db","success":true,"latency_ms":0`),
			chaosconv.Event{TimeUnixNano: tsNs, Kind: chaosconv.KindProbe, ProbeTarget: "db", ProbeSuccess: true, HasProbeLatency: true,
				Fields: chaosconv.FieldProbeTarget | chaosconv.FieldProbeSuccess}},
		{"native experiment", native(`"kind":"experiment","experiment":"pod-kill","phase":"started","scenario":"s1"`),
			chaosconv.Event{TimeUnixNano: tsNs, Kind: chaosconv.KindExperiment, Experiment: "pod-kill", ExperimentPhase: "started", Scenario: "s1",
				Fields: chaosconv.FieldExperimentName | chaosconv.FieldExperimentPhase}},
		{"native MockForge kind, by value", native(`"kind":"latency_injection","delay_ms":9`),
			chaosconv.Event{TimeUnixNano: tsNs, Kind: chaosconv.KindLatencyInjection, DelayMs: 9, Fields: chaosconv.FieldDelayMs}},
		{"native MockForge kind, by tag", native(`"kind":"FaultInjection","fault_type":"abort"`),
			chaosconv.Event{TimeUnixNano: tsNs, Kind: chaosconv.KindFaultInjection, FaultType: "abort", Fields: chaosconv.FieldFaultType}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b Batch
			require.NoError(t, Decode(tt.body, Options{}, &b))
			require.Len(t, b.Events, 1)
			assert.Equal(t, normalize([]chaosconv.Event{tt.want}), normalize(b.Events))
		})
	}
}

func TestDecodeServices(t *testing.T) {
	body := "[" + native(`"kind":"probe","target":"db","success":true,"service":"cart"`) + "," +
		latencyJSON + "," + native(`"kind":"probe","target":"db","success":true,"service":null`) + "," +
		`{"service":"pay","timestamp":"` + ts + `","event_type":{"type":"RateLimitExceeded"}}]`
	var b Batch
	require.NoError(t, Decode(body, Options{}, &b))
	assert.Equal(t, []string{"cart", "", "", "pay"}, b.Services)
}

func TestDecodeStrings(t *testing.T) {
	tests := []struct {
		name string
		json string // the JSON string literal, quotes included
		want string
	}{
		{"plain", `"/api/users"`, "/api/users"},
		{"empty", `""`, ""},
		{"newline", `"a\nb"`, "a\nb"},
		{"all simple escapes", `"\"\\\/\b\f\n\r\t"`, "\"\\/\b\f\n\r\t"},
		{"latin", `"caf\u00e9"`, "café"},
		{"latin upper hex", `"caf\u00E9"`, "café"},
		{"raw UTF-8", `"café 😀 日本"`, "café 😀 日本"},
		{"surrogate pair", `"\ud83d\ude00"`, "😀"},
		{"surrogate pair upper hex", `"x\uD83D\uDE00y"`, "x😀y"},
		{"NUL escape", `"a\u0000b"`, "a\x00b"},
		{"lone high surrogate", `"\ud83d"`, "\uFFFD"},
		{"lone high surrogate then text", `"\ud83dabc"`, "\uFFFDabc"},
		{"high surrogate then non-surrogate escape", `"\ud83d\u0041"`, "\uFFFDA"},
		{"lone low surrogate", `"\ude00x"`, "\uFFFDx"},
		{"two high surrogates", `"\ud83d\ud83d\ude00"`, "\uFFFD😀"},
		{"escape after raw UTF-8", `"é\té"`, "é\té"},
		{"DEL is not a control character", "\"a\x7fb\"", "a\x7fb"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := `{"timestamp":"` + ts + `","event_type":{"type":"FaultInjection","fault_type":"f","endpoint":` + tt.json +
				`},"metadata":{` + tt.json + `:` + tt.json + `}}`
			var b Batch
			require.NoError(t, Decode(body, Options{}, &b))
			require.Len(t, b.Events, 1)
			e := b.Events[0]
			assert.Equal(t, tt.want, e.Endpoint)
			assert.Equal(t, []chaosconv.KV{{Key: tt.want, Value: tt.want}}, e.Metadata)
		})
	}
}

func TestDecodeMaps(t *testing.T) {
	body := mf(`"type":"ProtocolEvent","protocol":"websocket","event":"close","details":{"b":"2","a":"1","":"empty key","dup":"x","dup":"y"}`)
	body = strings.Replace(body, `"metadata":{}`, `"metadata":{"k":"v","k2":"","esc\"aped":"v\u00e9"}`, 1)
	var b Batch
	require.NoError(t, Decode(body, Options{}, &b))
	e := b.Events[0]
	// Sender order is kept; duplicate keys are kept as sent (the encoder's
	// map keeps the last value, as serde_json does).
	assert.Equal(t, []chaosconv.KV{{Key: "b", Value: "2"}, {Key: "a", Value: "1"}, {Key: "", Value: "empty key"}, {Key: "dup", Value: "x"}, {Key: "dup", Value: "y"}}, e.ProtocolDetails)
	assert.Equal(t, []chaosconv.KV{{Key: "k", Value: "v"}, {Key: "k2", Value: ""}, {Key: `esc"aped`, Value: "vé"}}, e.Metadata)
}

func TestDecodeReusesBatch(t *testing.T) {
	var b Batch
	require.NoError(t, Decode("["+protocolJSON+","+native(`"kind":"probe","target":"db","success":true,"service":"cart","metadata":{"a":"b"}`)+","+latencyJSON+"]", Options{}, &b))
	require.Len(t, b.Events, 3)
	assert.Equal(t, ContainerArray, b.Container)

	require.NoError(t, Decode(rateJSON, Options{}, &b))
	assert.Equal(t, ContainerObject, b.Container)
	assert.Equal(t, []string{""}, b.Services)
	assert.Equal(t, normalize([]chaosconv.Event{rateEvent}), normalize(b.Events))

	require.NoError(t, Decode("["+latencyJSON+","+latencyJSON+"]", Options{}, &b))
	assert.Equal(t, []string{"", ""}, b.Services)
	assert.Equal(t, normalize([]chaosconv.Event{latencyEvent, latencyEvent}), normalize(b.Events), "no stale field of a previous decode")

	require.NoError(t, Decode("[]", Options{}, &b))
	assert.Empty(t, b.Events)
	assert.Empty(t, b.Services)
}

func TestDecodeMaxEvents(t *testing.T) {
	body := "[" + latencyJSON + "," + faultJSON + "," + rateJSON + "]"
	var b Batch
	require.NoError(t, Decode(body, Options{MaxEvents: 3}, &b), "exactly the limit is fine")
	require.Len(t, b.Events, 3)
	require.NoError(t, Decode(body, Options{MaxEvents: 0}, &b), "0 means no limit")
	err := Decode(body, Options{MaxEvents: 2}, &b)
	requireProblems(t, err, ErrTooManyEvents, false, problemAt{-1, ""})
	assert.Contains(t, err.Error(), "more than 2 events")
}

// problemAt is what a test asserts of a Problem: the index and field.
type problemAt struct {
	Index int
	Field string
}

func requireProblems(t *testing.T, err error, kind error, truncated bool, want ...problemAt) *BatchError {
	t.Helper()
	require.Error(t, err)
	require.ErrorIs(t, err, kind)
	for _, other := range []error{ErrSyntax, ErrInvalidEvent, ErrEmpty, ErrTooManyEvents} {
		if other != kind {
			require.NotErrorIs(t, err, other)
		}
	}
	var be *BatchError
	require.ErrorAs(t, err, &be)
	got := make([]problemAt, len(be.Problems))
	for i, p := range be.Problems {
		got[i] = problemAt{p.Index, p.Field}
		assert.NotEmpty(t, p.Message)
		assert.GreaterOrEqual(t, p.Offset, 0)
	}
	require.Equal(t, want, got, "problems: %v", err)
	assert.Equal(t, truncated, be.Truncated)
	return be
}

func TestDecodeErrors(t *testing.T) {
	deep := strings.Repeat("[", 70) + strings.Repeat("]", 70)
	okDeep := strings.Repeat("[", 63) + strings.Repeat("]", 63)
	var manyBad strings.Builder
	manyBad.WriteString("[")
	for i := range 25 {
		if i > 0 {
			manyBad.WriteString(",")
		}
		manyBad.WriteString(mf(`"type":"LatencyInjection","delay_ms":-1`))
	}
	manyBad.WriteString("]")

	tests := []struct {
		name      string
		body      string
		opts      Options
		kind      error
		truncated bool
		want      []problemAt
		msg       string // a substring of the first problem's message
	}{
		// Empty bodies.
		{name: "empty body", body: "", kind: ErrEmpty, want: []problemAt{{-1, ""}}},
		{name: "white space only", body: " \r\n\t\n", kind: ErrEmpty, want: []problemAt{{-1, ""}}},

		// Malformed JSON.
		{name: "truncated object", body: `{"timestamp":`, kind: ErrSyntax, want: []problemAt{{0, ""}}, msg: "end of input"},
		{name: "not a value where a string is expected", body: `{"timestamp":x}`, kind: ErrSyntax, want: []problemAt{{0, ""}}},
		{name: "not a value where a number is expected", body: mf(`"type":"LatencyInjection","delay_ms":+1`), kind: ErrSyntax, want: []problemAt{{0, ""}}},
		{name: "truncated object after a member", body: `{"timestamp":"` + ts + `"`, kind: ErrSyntax, want: []problemAt{{0, ""}}, msg: "end of input"},
		{name: "truncated string", body: `{"timestamp":"2025`, kind: ErrSyntax, want: []problemAt{{0, ""}}, msg: "unterminated string"},
		{name: "unclosed array", body: "[" + latencyJSON, kind: ErrSyntax, want: []problemAt{{-1, ""}}},
		{name: "trailing comma in array", body: "[" + latencyJSON + "," + faultJSON + ",]", kind: ErrSyntax, want: []problemAt{{-1, ""}}, msg: "trailing comma"},
		{name: "trailing comma in event", body: strings.TrimSuffix(latencyJSON, "}") + ",}", kind: ErrSyntax, want: []problemAt{{0, ""}}},
		{name: "trailing comma in variant", body: mf(`"type":"RateLimitExceeded",`), kind: ErrSyntax, want: []problemAt{{0, ""}}},
		{name: "missing comma between array elements", body: "[" + latencyJSON + " " + faultJSON + "]", kind: ErrSyntax, want: []problemAt{{-1, ""}}},
		{name: "missing colon", body: `{"timestamp" "x"}`, kind: ErrSyntax, want: []problemAt{{0, ""}}},
		{name: "unquoted member name", body: `{timestamp:"x"}`, kind: ErrSyntax, want: []problemAt{{0, ""}}},
		{name: "single quotes", body: `{'timestamp':'x'}`, kind: ErrSyntax, want: []problemAt{{0, ""}}},
		{name: "top-level number", body: `42`, kind: ErrSyntax, want: []problemAt{{-1, ""}}},
		{name: "top-level string", body: `"event"`, kind: ErrSyntax, want: []problemAt{{-1, ""}}},
		{name: "garbage after an event", body: latencyJSON + " x", kind: ErrSyntax, want: []problemAt{{-1, ""}}},
		// A NUL byte is not the end of the body: what follows it must not be
		// dropped silently (it was, before the fix in decode.go top()).
		{name: "NUL after an array", body: "[]\x00", kind: ErrSyntax, want: []problemAt{{-1, ""}}, msg: "byte 0x0"},
		{name: "NUL between NDJSON lines", body: latencyJSON + "\n\x00\n" + faultJSON, kind: ErrSyntax, want: []problemAt{{-1, ""}}},
		{name: "NUL only", body: "\x00", kind: ErrSyntax, want: []problemAt{{-1, ""}}},
		{name: "NUL between array elements", body: "[" + latencyJSON + "\x00]", kind: ErrSyntax, want: []problemAt{{-1, ""}}},
		{name: "garbage after an array", body: "[" + latencyJSON + "]]", kind: ErrSyntax, want: []problemAt{{-1, ""}}},
		{name: "bad literal", body: mf(`"type":"RateLimitExceeded","endpoint":nul`), kind: ErrSyntax, want: []problemAt{{0, ""}}, msg: "invalid literal"},
		{name: "bad literal in skipped value", body: `{"x":tru,"timestamp":"` + ts + `"}`, kind: ErrSyntax, want: []problemAt{{0, ""}}},
		{name: "leading zero", body: mf(`"type":"LatencyInjection","delay_ms":0123`), kind: ErrSyntax, want: []problemAt{{0, ""}}},
		{name: "bare minus", body: mf(`"type":"LatencyInjection","delay_ms":-`), kind: ErrSyntax, want: []problemAt{{0, ""}}},
		{name: "no digit after point", body: mf(`"type":"LatencyInjection","delay_ms":1.`), kind: ErrSyntax, want: []problemAt{{0, ""}}},
		{name: "no digit in exponent", body: mf(`"type":"LatencyInjection","delay_ms":1e+`), kind: ErrSyntax, want: []problemAt{{0, ""}}},
		{name: "invalid escape", body: mf(`"type":"RateLimitExceeded","endpoint":"\x41"`), kind: ErrSyntax, want: []problemAt{{0, ""}}, msg: "invalid escape"},
		{name: "short unicode escape", body: mf(`"type":"RateLimitExceeded","endpoint":"\u12"`), kind: ErrSyntax, want: []problemAt{{0, ""}}, msg: "\\u escape"},
		{name: "non-hex unicode escape", body: mf(`"type":"RateLimitExceeded","endpoint":"\u12g4"`), kind: ErrSyntax, want: []problemAt{{0, ""}}},
		{name: "invalid UTF-8", body: mf("\"type\":\"RateLimitExceeded\",\"endpoint\":\"/a\xff\""), kind: ErrSyntax, want: []problemAt{{0, ""}}, msg: "UTF-8"},
		{name: "invalid UTF-8 in escaped string", body: mf("\"type\":\"RateLimitExceeded\",\"endpoint\":\"\\n\xc3\""), kind: ErrSyntax, want: []problemAt{{0, ""}}, msg: "UTF-8"},
		{name: "invalid UTF-8 in metadata key", body: strings.Replace(latencyJSON, `"metadata":{}`, "\"metadata\":{\"\xed\xa0\x80\":\"v\"}", 1), kind: ErrSyntax, want: []problemAt{{0, ""}}},
		{name: "control character in string", body: mf("\"type\":\"RateLimitExceeded\",\"endpoint\":\"a\tb\""), kind: ErrSyntax, want: []problemAt{{0, ""}}, msg: "control character"},
		{name: "raw newline in escaped string", body: mf("\"type\":\"RateLimitExceeded\",\"endpoint\":\"\\ta\nb\""), kind: ErrSyntax, want: []problemAt{{0, ""}}, msg: "control character"},
		{name: "nesting deeper than 64", body: strings.Replace(latencyJSON, `"metadata":{}`, `"x":`+deep, 1), kind: ErrSyntax, want: []problemAt{{0, ""}}, msg: "nesting"},
		{name: "nesting deeper than 64 in a recording", body: `{"events":[],"x":` + deep + `}`, kind: ErrSyntax, want: []problemAt{{-1, ""}}, msg: "nesting"},
		{name: "syntax error after a schema problem", body: "[" + mf(`"type":"Bogus"`) + "," + latencyJSON + "x]", kind: ErrSyntax,
			want: []problemAt{{0, "event_type.type"}, {-1, ""}}},

		// Wrong types.
		{name: "event not an object", body: `[1]`, kind: ErrInvalidEvent, want: []problemAt{{0, ""}}},
		{name: "events not objects", body: `[null,"x",` + latencyJSON + `,[]]`, kind: ErrInvalidEvent, want: []problemAt{{0, ""}, {1, ""}, {3, ""}}},
		{name: "timestamp as number", body: `{"timestamp":1759845801,"event_type":{"type":"RateLimitExceeded"}}`, kind: ErrInvalidEvent, want: []problemAt{{0, "timestamp"}}},
		{name: "timestamp null", body: `{"timestamp":null,"event_type":{"type":"RateLimitExceeded"}}`, kind: ErrInvalidEvent, want: []problemAt{{0, "timestamp"}}},
		{name: "event_type as string", body: `{"timestamp":"` + ts + `","event_type":"LatencyInjection"}`, kind: ErrInvalidEvent, want: []problemAt{{0, "event_type"}}},
		{name: "type as number", body: mf(`"type":3`), kind: ErrInvalidEvent, want: []problemAt{{0, "event_type.type"}}},
		{name: "kind as bool", body: native(`"kind":true`), kind: ErrInvalidEvent, want: []problemAt{{0, "kind"}}},
		{name: "delay_ms as string", body: mf(`"type":"LatencyInjection","delay_ms":"500"`), kind: ErrInvalidEvent, want: []problemAt{{0, "event_type.delay_ms"}}},
		{name: "endpoint as number", body: mf(`"type":"LatencyInjection","delay_ms":5,"endpoint":404`), kind: ErrInvalidEvent, want: []problemAt{{0, "event_type.endpoint"}}},
		{name: "fault_type as object", body: mf(`"type":"FaultInjection","fault_type":{"code":500}`), kind: ErrInvalidEvent, want: []problemAt{{0, "event_type.fault_type"}}},
		{name: "bytes as bool", body: mf(`"type":"TrafficShaping","action":"drop","bytes":true`), kind: ErrInvalidEvent, want: []problemAt{{0, "event_type.bytes"}}},
		{name: "success as string", body: native(`"kind":"probe","target":"db","success":"yes"`), kind: ErrInvalidEvent, want: []problemAt{{0, "success"}}},
		{name: "latency_ms as string", body: native(`"kind":"probe","target":"db","success":true,"latency_ms":"12"`), kind: ErrInvalidEvent, want: []problemAt{{0, "latency_ms"}}},
		{name: "latency_ms negative", body: native(`"kind":"probe","target":"db","success":true,"latency_ms":-0.5`), kind: ErrInvalidEvent, want: []problemAt{{0, "latency_ms"}}},
		{name: "latency_ms overflowing", body: native(`"kind":"probe","target":"db","success":true,"latency_ms":1e999`), kind: ErrInvalidEvent, want: []problemAt{{0, "latency_ms"}}},
		{name: "metadata as array", body: strings.Replace(latencyJSON, `"metadata":{}`, `"metadata":["k","v"]`, 1), kind: ErrInvalidEvent, want: []problemAt{{0, "metadata"}}},
		{name: "metadata with a non-string value", body: strings.Replace(latencyJSON, `"metadata":{}`, `"metadata":{"ok":"v","k":1}`, 1), kind: ErrInvalidEvent, want: []problemAt{{0, "metadata.k"}}},
		{name: "metadata with several bad values", body: strings.Replace(latencyJSON, `"metadata":{}`, `"metadata":{"a":null,"b":{"c":"d"}}`, 1), kind: ErrInvalidEvent, want: []problemAt{{0, "metadata.a"}, {0, "metadata.b"}}},
		{name: "details with a non-string value", body: mf(`"type":"ProtocolEvent","protocol":"grpc","event":"x","details":{"code":14}`), kind: ErrInvalidEvent, want: []problemAt{{0, "event_type.details.code"}}},
		{name: "details in external tagging", body: `{"timestamp":"` + ts + `","event_type":{"ProtocolEvent":{"protocol":"grpc","event":"x","details":{"code":14}}}}`, kind: ErrInvalidEvent, want: []problemAt{{0, "event_type.ProtocolEvent.details.code"}}},
		{name: "source as number", body: native(`"kind":"probe","target":"db","success":true,"source":1`), kind: ErrInvalidEvent, want: []problemAt{{0, "source"}}},
		{name: "service as array", body: native(`"kind":"probe","target":"db","success":true,"service":["a"]`), kind: ErrInvalidEvent, want: []problemAt{{0, "service"}}},
		{name: "recording events not an array", body: `{"scenario":{"name":"s"},"events":{"a":1}}`, kind: ErrInvalidEvent, want: []problemAt{{-1, "events"}}},

		// Schema: kinds and variants.
		{name: "unknown variant", body: mf(`"type":"MeteorStrike"`), kind: ErrInvalidEvent, want: []problemAt{{0, "event_type.type"}}, msg: "LatencyInjection"},
		{name: "variant in the wrong case", body: mf(`"type":"latencyinjection","delay_ms":1`), kind: ErrInvalidEvent, want: []problemAt{{0, "event_type.type"}}},
		{name: "native kind as variant", body: mf(`"type":"probe"`), kind: ErrInvalidEvent, want: []problemAt{{0, "event_type.type"}}},
		{name: "unknown native kind", body: native(`"kind":"meteor_strike"`), kind: ErrInvalidEvent, want: []problemAt{{0, "kind"}}, msg: "probe"},
		{name: "variant missing", body: mf(`"delay_ms":1`), kind: ErrInvalidEvent, want: []problemAt{{0, "event_type.type"}}},
		{name: "external tag with a non-object", body: `{"timestamp":"` + ts + `","event_type":{"LatencyInjection":5}}`, kind: ErrInvalidEvent, want: []problemAt{{0, "event_type.type"}}},
		{name: "both event_type and kind", body: `{"timestamp":"` + ts + `","kind":"probe","target":"db","success":true,"event_type":{"type":"RateLimitExceeded"}}`, kind: ErrInvalidEvent, want: []problemAt{{0, ""}}, msg: "both"},
		{name: "neither event_type nor kind", body: `{"timestamp":"` + ts + `","metadata":{}}`, kind: ErrInvalidEvent, want: []problemAt{{0, ""}}},
		{name: "empty object", body: `{}`, kind: ErrInvalidEvent, want: []problemAt{{0, ""}, {0, "timestamp"}}},

		// Timestamps.
		{name: "missing timestamp", body: `{"event_type":{"type":"RateLimitExceeded"}}`, kind: ErrInvalidEvent, want: []problemAt{{0, "timestamp"}}},
		{name: "timestamp in 1969", body: `{"timestamp":"1969-12-31T23:59:59Z","event_type":{"type":"RateLimitExceeded"}}`, kind: ErrInvalidEvent, want: []problemAt{{0, "timestamp"}}, msg: "out of range"},
		{name: "timestamp at the epoch", body: `{"timestamp":"1970-01-01T00:00:00Z","event_type":{"type":"RateLimitExceeded"}}`, kind: ErrInvalidEvent, want: []problemAt{{0, "timestamp"}}, msg: "out of range"},
		{name: "timestamp in 2263", body: `{"timestamp":"2263-01-01T00:00:00Z","event_type":{"type":"RateLimitExceeded"}}`, kind: ErrInvalidEvent, want: []problemAt{{0, "timestamp"}}, msg: "out of range"},
		{name: "timestamp just past int64", body: `{"time":"2262-04-11T23:47:16.854775808Z","event_type":{"type":"RateLimitExceeded"}}`, kind: ErrInvalidEvent, want: []problemAt{{0, "time"}}, msg: "out of range"},
		{name: "February 30", body: `{"timestamp":"2024-02-30T00:00:00Z","event_type":{"type":"RateLimitExceeded"}}`, kind: ErrInvalidEvent, want: []problemAt{{0, "timestamp"}}, msg: "out of range"},
		{name: "February 29 of a common year", body: `{"timestamp":"2023-02-29T12:00:00Z","event_type":{"type":"RateLimitExceeded"}}`, kind: ErrInvalidEvent, want: []problemAt{{0, "timestamp"}}},
		{name: "month 13", body: `{"timestamp":"2023-13-01T12:00:00Z","event_type":{"type":"RateLimitExceeded"}}`, kind: ErrInvalidEvent, want: []problemAt{{0, "timestamp"}}},
		{name: "hour 24", body: `{"timestamp":"2023-01-01T24:00:00Z","event_type":{"type":"RateLimitExceeded"}}`, kind: ErrInvalidEvent, want: []problemAt{{0, "timestamp"}}},
		{name: "leap second", body: `{"timestamp":"2016-12-31T23:59:60Z","event_type":{"type":"RateLimitExceeded"}}`, kind: ErrInvalidEvent, want: []problemAt{{0, "timestamp"}}},
		{name: "10 fractional digits", body: `{"timestamp":"2025-10-07T14:03:21.1234567891Z","event_type":{"type":"RateLimitExceeded"}}`, kind: ErrInvalidEvent, want: []problemAt{{0, "timestamp"}}, msg: "RFC 3339"},
		{name: "missing zone", body: `{"timestamp":"2025-10-07T14:03:21.5","event_type":{"type":"RateLimitExceeded"}}`, kind: ErrInvalidEvent, want: []problemAt{{0, "timestamp"}}},
		{name: "date only", body: `{"timestamp":"2025-10-07","event_type":{"type":"RateLimitExceeded"}}`, kind: ErrInvalidEvent, want: []problemAt{{0, "timestamp"}}},
		{name: "Unix seconds as a string", body: `{"timestamp":"1759845801","event_type":{"type":"RateLimitExceeded"}}`, kind: ErrInvalidEvent, want: []problemAt{{0, "timestamp"}}},

		// Numbers.
		{name: "negative delay_ms", body: mf(`"type":"LatencyInjection","delay_ms":-1`), kind: ErrInvalidEvent, want: []problemAt{{0, "event_type.delay_ms"}}},
		{name: "negative zero delay_ms", body: mf(`"type":"LatencyInjection","delay_ms":-0`), kind: ErrInvalidEvent, want: []problemAt{{0, "event_type.delay_ms"}}},
		{name: "float delay_ms", body: mf(`"type":"LatencyInjection","delay_ms":1.5`), kind: ErrInvalidEvent, want: []problemAt{{0, "event_type.delay_ms"}}},
		{name: "integral float delay_ms", body: mf(`"type":"LatencyInjection","delay_ms":500.0`), kind: ErrInvalidEvent, want: []problemAt{{0, "event_type.delay_ms"}}},
		{name: "exponent delay_ms", body: mf(`"type":"LatencyInjection","delay_ms":5e2`), kind: ErrInvalidEvent, want: []problemAt{{0, "event_type.delay_ms"}}},
		{name: "delay_ms of 2^63", body: mf(`"type":"LatencyInjection","delay_ms":9223372036854775808`), kind: ErrInvalidEvent, want: []problemAt{{0, "event_type.delay_ms"}}, msg: "2^63"},
		{name: "delay_ms of u64 max", body: mf(`"type":"LatencyInjection","delay_ms":18446744073709551615`), kind: ErrInvalidEvent, want: []problemAt{{0, "event_type.delay_ms"}}},
		{name: "bytes above 2^63", body: mf(`"type":"TrafficShaping","action":"drop","bytes":99999999999999999999999`), kind: ErrInvalidEvent, want: []problemAt{{0, "event_type.bytes"}}},

		// Missing required fields, per variant and native kind.
		{name: "LatencyInjection without delay_ms", body: mf(`"type":"LatencyInjection","endpoint":"/a"`), kind: ErrInvalidEvent, want: []problemAt{{0, "event_type.delay_ms"}}, msg: "LatencyInjection"},
		{name: "LatencyInjection with null delay_ms", body: mf(`"type":"LatencyInjection","delay_ms":null`), kind: ErrInvalidEvent, want: []problemAt{{0, "event_type.delay_ms"}}},
		{name: "FaultInjection without fault_type", body: mf(`"type":"FaultInjection","endpoint":"/a"`), kind: ErrInvalidEvent, want: []problemAt{{0, "event_type.fault_type"}}},
		{name: "FaultInjection with empty fault_type", body: mf(`"type":"FaultInjection","fault_type":""`), kind: ErrInvalidEvent, want: []problemAt{{0, "event_type.fault_type"}}},
		{name: "TrafficShaping without action", body: mf(`"type":"TrafficShaping","bytes":1`), kind: ErrInvalidEvent, want: []problemAt{{0, "event_type.action"}}},
		{name: "TrafficShaping without bytes", body: mf(`"type":"TrafficShaping","action":"drop"`), kind: ErrInvalidEvent, want: []problemAt{{0, "event_type.bytes"}}},
		{name: "ProtocolEvent without protocol", body: mf(`"type":"ProtocolEvent","event":"x","details":{}`), kind: ErrInvalidEvent, want: []problemAt{{0, "event_type.protocol"}}},
		{name: "ProtocolEvent without event", body: mf(`"type":"ProtocolEvent","protocol":"grpc","details":{}`), kind: ErrInvalidEvent, want: []problemAt{{0, "event_type.event"}}},
		{name: "ScenarioTransition without to_scenario", body: mf(`"type":"ScenarioTransition","from_scenario":"a"`), kind: ErrInvalidEvent, want: []problemAt{{0, "event_type.to_scenario"}}},
		{name: "ScenarioTransition with null to_scenario", body: mf(`"type":"ScenarioTransition","to_scenario":null`), kind: ErrInvalidEvent, want: []problemAt{{0, "event_type.to_scenario"}}},
		{name: "probe without target", body: native(`"kind":"probe","success":true`), kind: ErrInvalidEvent, want: []problemAt{{0, "target"}}, msg: "kind probe"},
		{name: "probe without success", body: native(`"kind":"probe","target":"db"`), kind: ErrInvalidEvent, want: []problemAt{{0, "success"}}},
		{name: "probe with empty target", body: native(`"kind":"probe","target":"","success":true`), kind: ErrInvalidEvent, want: []problemAt{{0, "target"}}},
		{name: "experiment without name", body: native(`"kind":"experiment","phase":"started"`), kind: ErrInvalidEvent, want: []problemAt{{0, "experiment"}}},
		{name: "experiment without phase", body: native(`"kind":"experiment","experiment":"x"`), kind: ErrInvalidEvent, want: []problemAt{{0, "phase"}}},
		{name: "experiment with unknown phase", body: native(`"kind":"experiment","experiment":"x","phase":"paused"`), kind: ErrInvalidEvent, want: []problemAt{{0, "phase"}}, msg: "started, completed or aborted"},
		{name: "native latency without delay_ms", body: native(`"kind":"latency_injection"`), kind: ErrInvalidEvent, want: []problemAt{{0, "delay_ms"}}},
		{name: "externally tagged without delay_ms", body: `{"timestamp":"` + ts + `","event_type":{"LatencyInjection":{}}}`, kind: ErrInvalidEvent, want: []problemAt{{0, "event_type.delay_ms"}}},

		// Several problems.
		{name: "problems in several events", body: "[" + latencyJSON + "," + mf(`"type":"FaultInjection"`) + "," + faultJSON + "," +
			`{"event_type":{"type":"Nope"}}` + "," + native(`"kind":"probe","target":"db","success":1`) + "]",
			kind: ErrInvalidEvent, want: []problemAt{{1, "event_type.fault_type"}, {3, "event_type.type"}, {3, "timestamp"}, {4, "success"}}},
		{name: "problems in several NDJSON lines", body: latencyJSON + "\n" + mf(`"type":"LatencyInjection","delay_ms":1.5`) + "\n\n" + mf(`"type":"X"`) + "\n",
			kind: ErrInvalidEvent, want: []problemAt{{1, "event_type.delay_ms"}, {2, "event_type.type"}}},
		{name: "problems in a recording", body: `{"scenario":{"name":"s"},"events":[` + latencyJSON + `,` + mf(`"type":"TrafficShaping"`) + `],"recording_started":"` + ts + `"}`,
			kind: ErrInvalidEvent, want: []problemAt{{1, "event_type.action"}}},
		{name: "MaxProblems truncation", body: manyBad.String(), kind: ErrInvalidEvent, truncated: true, want: func() []problemAt {
			out := make([]problemAt, MaxProblems)
			for i := range out {
				out[i] = problemAt{i, "event_type.delay_ms"}
			}
			return out
		}()},
		{name: "MaxEvents exceeded", body: "[" + latencyJSON + "," + latencyJSON + "," + latencyJSON + "]", opts: Options{MaxEvents: 2}, kind: ErrTooManyEvents, want: []problemAt{{-1, ""}}},
		{name: "MaxEvents exceeded by NDJSON", body: latencyJSON + "\n" + latencyJSON + "\n", opts: Options{MaxEvents: 1}, kind: ErrTooManyEvents, want: []problemAt{{-1, ""}}},
		{name: "MaxEvents exceeded in a recording", body: `{"events":[` + latencyJSON + "," + latencyJSON + `]}`, opts: Options{MaxEvents: 1}, kind: ErrTooManyEvents, want: []problemAt{{-1, ""}}},
		{name: "MaxEvents wins over schema problems", body: "[" + mf(`"type":"X"`) + "," + latencyJSON + "]", opts: Options{MaxEvents: 1}, kind: ErrTooManyEvents, want: []problemAt{{-1, ""}}},
	}
	require.GreaterOrEqual(t, len(tests), 25)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b Batch
			err := Decode(tt.body, tt.opts, &b)
			be := requireProblems(t, err, tt.kind, tt.truncated, tt.want...)
			if tt.msg != "" {
				assert.Contains(t, be.Problems[0].Message, tt.msg)
			}
			for _, p := range be.Problems {
				assert.LessOrEqual(t, p.Offset, len(tt.body))
			}
		})
	}

	t.Run("63 levels of nesting are fine", func(t *testing.T) {
		var b Batch
		require.NoError(t, Decode(strings.Replace(latencyJSON, `"metadata":{}`, `"x":`+okDeep, 1), Options{}, &b))
	})
	t.Run("a million brackets", func(t *testing.T) {
		var b Batch
		body := `{"x":` + strings.Repeat("[", 1_000_000)
		requireProblems(t, Decode(body, Options{}, &b), ErrSyntax, false, problemAt{0, ""})
	})
}

func TestProblemOffsets(t *testing.T) {
	var b Batch
	body := mf(`"type":"RateLimitExceeded","endpoint":"a` + "\x01" + `"`)
	be := requireProblems(t, Decode(body, Options{}, &b), ErrSyntax, false, problemAt{0, ""})
	assert.Equal(t, strings.IndexByte(body, 1), be.Problems[0].Offset, "the offset points at the control character")

	body = "[" + latencyJSON + ",]"
	be = requireProblems(t, Decode(body, Options{}, &b), ErrSyntax, false, problemAt{-1, ""})
	assert.Equal(t, len(body)-1, be.Problems[0].Offset)

	body = latencyJSON + "\n" + "x"
	be = requireProblems(t, Decode(body, Options{}, &b), ErrSyntax, false, problemAt{-1, ""})
	assert.Equal(t, len(body)-1, be.Problems[0].Offset)
}

func TestBatchErrorMessages(t *testing.T) {
	p := Problem{Index: 3, Field: "event_type.delay_ms", Offset: 120, Message: "expected a non-negative integer"}
	assert.Equal(t, "event 3 field event_type.delay_ms (offset 120): expected a non-negative integer", p.String())
	p = Problem{Index: -1, Offset: 0, Message: "empty body"}
	assert.Equal(t, "body (offset 0): empty body", p.String())

	be := &BatchError{Kind: ErrInvalidEvent, Problems: []Problem{
		{Index: 0, Field: "timestamp", Offset: 5, Message: "a"},
		{Index: 2, Offset: 9, Message: "b"},
	}, Truncated: true}
	assert.Equal(t, "invalid event: event 0 field timestamp (offset 5): a; event 2 (offset 9): b; …", be.Error())
	assert.True(t, errors.Is(be, ErrInvalidEvent))
	assert.Equal(t, "malformed JSON", (&BatchError{Kind: ErrSyntax}).Error())

	var b Batch
	err := Decode(mf(`"type":"LatencyInjection","delay_ms":-1`), Options{}, &b)
	require.Error(t, err)
	assert.True(t, strings.HasPrefix(err.Error(), "invalid event: event 0 field event_type.delay_ms (offset "), err.Error())
}
