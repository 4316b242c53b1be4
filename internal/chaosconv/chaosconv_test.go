package chaosconv

import (
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// t0 is 2025-10-07T12:00:00.123456789Z.
const t0 int64 = 1759838400_123456789

// fullEvents holds, per kind, an event with every field its kind may carry,
// and Fields set exactly as DecodeEvent sets them (one bit per present
// kind-specific attribute).
func fullEvents() map[string]Event {
	return map[string]Event{
		"latency_injection": {
			TimeUnixNano: t0, Kind: KindLatencyInjection, Source: "mockforge", Endpoint: "/api/users",
			DelayMs: 500, Scenario: "peak-hour",
			Metadata: []KV{{"region", "eu-west-1"}, {"run", "42"}},
			Fields:   FieldDelayMs,
		},
		"fault_injection": {
			TimeUnixNano: t0, Kind: KindFaultInjection, Source: "mockforge", Endpoint: "/api/orders",
			FaultType: "http_500", Metadata: []KV{{"status", "500"}},
			Fields: FieldFaultType,
		},
		"rate_limit_exceeded": {
			TimeUnixNano: t0, Kind: KindRateLimitExceeded, Source: "mockforge", Endpoint: "/api/search",
			ClientAddress: "203.0.113.7",
			Fields:        FieldClientAddress,
		},
		"traffic_shaping": {
			TimeUnixNano: t0, Kind: KindTrafficShaping, Source: "toxiproxy",
			TrafficAction: "throttle", TrafficBytes: 1 << 40,
			Fields: FieldTrafficAction | FieldTrafficBytes,
		},
		"protocol_event": {
			TimeUnixNano: t0, Kind: KindProtocolEvent, Source: "mockforge", Endpoint: "/ws",
			Protocol: "websocket", ProtocolEvent: "connection_dropped",
			ProtocolDetails: []KV{{"close_code", "1006"}, {"reason", "abnormal closure"}},
			Fields:          FieldProtocolName | FieldProtocolEvent,
		},
		"scenario_transition": {
			TimeUnixNano: t0, Kind: KindScenarioTransition, Source: "mockforge",
			ScenarioFrom: "baseline", ScenarioTo: "network-partition", Scenario: "game-day",
			Fields: FieldScenarioTo,
		},
		"probe": {
			TimeUnixNano: t0, Kind: KindProbe, Source: "chaos_toolkit", Endpoint: "/healthz",
			ProbeName: "checkout-steady-state", ProbeTarget: "http://checkout/healthz",
			ProbeSuccess: true, ProbeLatencyMs: 12.5, HasProbeLatency: true,
			Fields: FieldProbeTarget | FieldProbeSuccess,
		},
		"experiment": {
			TimeUnixNano: t0, Kind: KindExperiment, Source: "chaos_mesh",
			Experiment: "pod-kill-payments", ExperimentPhase: PhaseCompleted,
			Metadata: []KV{{"namespace", "payments"}},
			Fields:   FieldExperimentName | FieldExperimentPhase,
		},
	}
}

// minimalEvents holds, per kind, an event with only the required fields.
func minimalEvents() map[string]Event {
	return map[string]Event{
		"latency_injection":   {TimeUnixNano: 1, Kind: KindLatencyInjection, Fields: FieldDelayMs},
		"fault_injection":     {TimeUnixNano: 1, Kind: KindFaultInjection, FaultType: "timeout", Fields: FieldFaultType},
		"rate_limit_exceeded": {TimeUnixNano: 1, Kind: KindRateLimitExceeded},
		"traffic_shaping":     {TimeUnixNano: 1, Kind: KindTrafficShaping, TrafficAction: "drop", Fields: FieldTrafficAction | FieldTrafficBytes},
		"protocol_event":      {TimeUnixNano: 1, Kind: KindProtocolEvent, Protocol: "grpc", ProtocolEvent: "stream_reset", Fields: FieldProtocolName | FieldProtocolEvent},
		"scenario_transition": {TimeUnixNano: 1, Kind: KindScenarioTransition, ScenarioTo: "recovery", Fields: FieldScenarioTo},
		"probe":               {TimeUnixNano: 1, Kind: KindProbe, ProbeTarget: "db", Fields: FieldProbeTarget | FieldProbeSuccess},
		"experiment":          {TimeUnixNano: 1, Kind: KindExperiment, Experiment: "x", ExperimentPhase: PhaseAborted, Fields: FieldExperimentName | FieldExperimentPhase},
	}
}

func encode(t *testing.T, e Event) plog.LogRecord {
	t.Helper()
	lr := plog.NewLogRecord()
	EncodeEvent(&e, lr)
	return lr
}

func TestRoundTrip(t *testing.T) {
	for _, set := range []struct {
		name   string
		events map[string]Event
	}{{"full", fullEvents()}, {"minimal", minimalEvents()}} {
		for _, k := range Kinds() {
			t.Run(set.name+"/"+k.String(), func(t *testing.T) {
				want, ok := set.events[k.String()]
				require.True(t, ok, "no sample event for kind %s", k)
				require.Equal(t, k, want.Kind)
				require.NoError(t, want.Validate())

				lr := encode(t, want)
				var got Event
				require.NoError(t, DecodeEvent(lr, &got))
				require.Equal(t, want, got)
			})
		}
	}
}

func TestRoundTripZeroValues(t *testing.T) {
	// A measured 0 ms probe and a 0 ms delay are values, not absences.
	for _, want := range []Event{
		{TimeUnixNano: t0, Kind: KindLatencyInjection, DelayMs: 0, Fields: FieldDelayMs},
		{TimeUnixNano: t0, Kind: KindTrafficShaping, TrafficAction: "drop", TrafficBytes: 0, Fields: FieldTrafficAction | FieldTrafficBytes},
		{TimeUnixNano: t0, Kind: KindProbe, ProbeTarget: "db", ProbeSuccess: false, ProbeLatencyMs: 0, HasProbeLatency: true, Fields: FieldProbeTarget | FieldProbeSuccess},
		{TimeUnixNano: math.MaxInt64, Kind: KindLatencyInjection, DelayMs: math.MaxInt64, Fields: FieldDelayMs},
	} {
		lr := encode(t, want)
		var got Event
		require.NoError(t, DecodeEvent(lr, &got))
		require.Equal(t, want, got)
	}
}

func TestEncodeRecordShape(t *testing.T) {
	e := fullEvents()["latency_injection"]
	lr := encode(t, e)
	assert.Equal(t, RecordEvent, lr.EventName())
	assert.True(t, IsEvent(lr))
	assert.Equal(t, pcommon.Timestamp(t0), lr.Timestamp())
	assert.Zero(t, lr.ObservedTimestamp(), "the observed time is the caller's")
	assert.Equal(t, pcommon.ValueTypeStr, lr.Body().Type())

	attrs := lr.Attributes()
	v, ok := attrs.Get(AttrLatencyDelayMs)
	require.True(t, ok)
	assert.Equal(t, pcommon.ValueTypeInt, v.Type())
	assert.Equal(t, int64(500), v.Int())
	v, ok = attrs.Get(AttrMetadata)
	require.True(t, ok)
	require.Equal(t, pcommon.ValueTypeMap, v.Type())
	assert.Equal(t, map[string]any{"region": "eu-west-1", "run": "42"}, v.Map().AsRaw())
	// Map order is the sender's order.
	var keys []string
	for k := range v.Map().All() {
		keys = append(keys, k)
	}
	assert.Equal(t, []string{"region", "run"}, keys)

	p := encode(t, fullEvents()["probe"])
	v, ok = p.Attributes().Get(AttrProbeSuccess)
	require.True(t, ok)
	assert.Equal(t, pcommon.ValueTypeBool, v.Type())
	v, ok = p.Attributes().Get(AttrProbeLatencyMs)
	require.True(t, ok)
	assert.Equal(t, pcommon.ValueTypeDouble, v.Type())
	assert.InDelta(t, 12.5, v.Double(), 0)
}

func attrKeys(lr plog.LogRecord) []string {
	var keys []string
	for k, v := range lr.Attributes().All() {
		keys = append(keys, k)
		if v.Type() == pcommon.ValueTypeStr && v.Str() == "" {
			keys = append(keys, "EMPTY:"+k)
		}
	}
	slices.Sort(keys)
	return keys
}

func sorted(keys ...string) []string {
	slices.Sort(keys)
	return keys
}

// TestPresence checks that absent optional fields produce no attribute at
// all: neither an empty string nor a zero number.
func TestPresence(t *testing.T) {
	minimal := minimalEvents()
	full := fullEvents()
	tests := []struct {
		kind      Kind
		minimal   []string
		fullExtra []string
	}{
		{KindLatencyInjection, []string{AttrEventKind, AttrLatencyDelayMs}, []string{AttrSource, AttrEndpoint, AttrScenarioName, AttrMetadata}},
		{KindFaultInjection, []string{AttrEventKind, AttrFaultType}, []string{AttrSource, AttrEndpoint, AttrMetadata}},
		{KindRateLimitExceeded, []string{AttrEventKind}, []string{AttrSource, AttrEndpoint, AttrClientAddress}},
		{KindTrafficShaping, []string{AttrEventKind, AttrTrafficAction, AttrTrafficBytes}, []string{AttrSource}},
		{KindProtocolEvent, []string{AttrEventKind, AttrProtocolName, AttrProtocolEvent}, []string{AttrSource, AttrEndpoint, AttrProtocolDetails}},
		{KindScenarioTransition, []string{AttrEventKind, AttrScenarioTo}, []string{AttrSource, AttrScenarioFrom, AttrScenarioName}},
		{KindProbe, []string{AttrEventKind, AttrProbeTarget, AttrProbeSuccess}, []string{AttrSource, AttrEndpoint, AttrProbeName, AttrProbeLatencyMs}},
		{KindExperiment, []string{AttrEventKind, AttrExperimentName, AttrExperimentPhase}, []string{AttrSource, AttrMetadata}},
	}
	require.Len(t, tests, len(Kinds()))
	for _, tt := range tests {
		t.Run(tt.kind.String(), func(t *testing.T) {
			e := minimal[tt.kind.String()]
			lr := encode(t, e)
			assert.Equal(t, sorted(tt.minimal...), attrKeys(lr))
			assert.Equal(t, lr.Attributes().Len(), attrCount(&e), "attrCount must size the map exactly")

			e = full[tt.kind.String()]
			lr = encode(t, e)
			assert.Equal(t, sorted(append(slices.Clone(tt.minimal), tt.fullExtra...)...), attrKeys(lr))
			assert.Equal(t, lr.Attributes().Len(), attrCount(&e), "attrCount must size the map exactly")
		})
	}

	t.Run("empty maps", func(t *testing.T) {
		e := Event{TimeUnixNano: 1, Kind: KindProtocolEvent, Protocol: "grpc", ProtocolEvent: "x",
			ProtocolDetails: []KV{}, Metadata: []KV{}, Fields: FieldProtocolName | FieldProtocolEvent}
		lr := encode(t, e)
		assert.Equal(t, sorted(AttrEventKind, AttrProtocolName, AttrProtocolEvent), attrKeys(lr))
	})
	t.Run("numbers without presence bit", func(t *testing.T) {
		// A non-zero number whose presence bit is clear is not encoded:
		// presence is the bit, not the value.
		e := Event{TimeUnixNano: 1, Kind: KindRateLimitExceeded, DelayMs: 5, TrafficBytes: 7}
		lr := encode(t, e)
		assert.Equal(t, []string{AttrEventKind}, attrKeys(lr))
	})
	t.Run("encode into a used record", func(t *testing.T) {
		lr := plog.NewLogRecord()
		full := fullEvents()["protocol_event"]
		EncodeEvent(&full, lr)
		lr.Attributes().Clear()
		e := minimal["fault_injection"]
		EncodeEvent(&e, lr)
		var got Event
		require.NoError(t, DecodeEvent(lr, &got))
		assert.Equal(t, e, got)
	})
}

func TestSeverityAndBody(t *testing.T) {
	tests := []struct {
		name    string
		mutate  func(e *Event)
		kind    Kind
		sev     plog.SeverityNumber
		sevText string
		body    string
	}{
		{"latency", nil, KindLatencyInjection, plog.SeverityNumberWarn, "WARN", "chaos: latency injected"},
		{"fault", nil, KindFaultInjection, plog.SeverityNumberError, "ERROR", "chaos: fault injected"},
		{"rate limit", nil, KindRateLimitExceeded, plog.SeverityNumberWarn, "WARN", "chaos: rate limit exceeded"},
		{"traffic", nil, KindTrafficShaping, plog.SeverityNumberInfo, "INFO", "chaos: traffic shaped"},
		{"protocol", nil, KindProtocolEvent, plog.SeverityNumberInfo, "INFO", "chaos: protocol event"},
		{"scenario", nil, KindScenarioTransition, plog.SeverityNumberInfo, "INFO", "chaos: scenario transition"},
		{"probe ok", func(e *Event) { e.ProbeSuccess = true }, KindProbe, plog.SeverityNumberInfo, "INFO", "chaos: probe succeeded"},
		{"probe failed", func(e *Event) { e.ProbeSuccess = false }, KindProbe, plog.SeverityNumberError, "ERROR", "chaos: probe failed"},
		{"experiment started", func(e *Event) { e.ExperimentPhase = PhaseStarted }, KindExperiment, plog.SeverityNumberInfo, "INFO", "chaos: experiment started"},
		{"experiment completed", func(e *Event) { e.ExperimentPhase = PhaseCompleted }, KindExperiment, plog.SeverityNumberInfo, "INFO", "chaos: experiment completed"},
		{"experiment aborted", func(e *Event) { e.ExperimentPhase = PhaseAborted }, KindExperiment, plog.SeverityNumberWarn, "WARN", "chaos: experiment aborted"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := fullEvents()[tt.kind.String()]
			if tt.mutate != nil {
				tt.mutate(&e)
			}
			lr := encode(t, e)
			assert.Equal(t, tt.sev, lr.SeverityNumber())
			assert.Equal(t, tt.sevText, lr.SeverityText())
			assert.Equal(t, pcommon.ValueTypeStr, lr.Body().Type())
			assert.Equal(t, tt.body, lr.Body().Str())
		})
	}
	// An event of no known kind still gets a body and a severity.
	sev, text := severityOf(&Event{})
	assert.Equal(t, plog.SeverityNumberInfo, sev)
	assert.Equal(t, "INFO", text)
	assert.Equal(t, "chaos: event", bodyOf(&Event{}))
}

// record builds a chaos.event record with the given attributes.
func record(ts int64, attrs map[string]any) plog.LogRecord {
	lr := plog.NewLogRecord()
	lr.SetEventName(RecordEvent)
	lr.SetTimestamp(pcommon.Timestamp(ts))
	if err := lr.Attributes().FromRaw(attrs); err != nil {
		panic(err)
	}
	return lr
}

func TestDecodeEventErrors(t *testing.T) {
	valid := func(kind string, extra map[string]any) map[string]any {
		m := map[string]any{AttrEventKind: kind}
		for k, v := range extra {
			m[k] = v
		}
		return m
	}
	tests := []struct {
		name    string
		lr      func() plog.LogRecord
		wantErr error
		wantKey string // FieldError key, "" when the error is not a *FieldError
	}{
		{"no event name", func() plog.LogRecord {
			lr := record(t0, valid("rate_limit_exceeded", nil))
			lr.SetEventName("")
			return lr
		}, ErrNotEvent, ""},
		{"other record kind", func() plog.LogRecord {
			lr := record(t0, valid("rate_limit_exceeded", nil))
			lr.SetEventName(RecordBucket)
			return lr
		}, ErrNotEvent, ""},
		{"unknown kind", func() plog.LogRecord { return record(t0, valid("meteor_strike", nil)) }, ErrUnknownKind, AttrEventKind},
		{"MockForge name is not a kind value", func() plog.LogRecord {
			return record(t0, valid("LatencyInjection", map[string]any{AttrLatencyDelayMs: 1}))
		}, ErrUnknownKind, AttrEventKind},
		{"empty kind", func() plog.LogRecord { return record(t0, valid("", nil)) }, ErrUnknownKind, AttrEventKind},
		{"no kind attribute", func() plog.LogRecord { return record(t0, map[string]any{AttrFaultType: "x"}) }, ErrUnknownKind, AttrEventKind},
		{"no timestamp", func() plog.LogRecord { return record(0, valid("rate_limit_exceeded", nil)) }, ErrTimestampMissing, ""},

		// Missing required field, per kind.
		{"latency without delay", func() plog.LogRecord { return record(t0, valid("latency_injection", nil)) }, ErrMissingField, AttrLatencyDelayMs},
		{"fault without type", func() plog.LogRecord { return record(t0, valid("fault_injection", nil)) }, ErrMissingField, AttrFaultType},
		{"traffic without action", func() plog.LogRecord {
			return record(t0, valid("traffic_shaping", map[string]any{AttrTrafficBytes: 10}))
		}, ErrMissingField, AttrTrafficAction},
		{"traffic without bytes", func() plog.LogRecord {
			return record(t0, valid("traffic_shaping", map[string]any{AttrTrafficAction: "drop"}))
		}, ErrMissingField, AttrTrafficBytes},
		{"traffic without either names action first", func() plog.LogRecord { return record(t0, valid("traffic_shaping", nil)) }, ErrMissingField, AttrTrafficAction},
		{"protocol without name", func() plog.LogRecord {
			return record(t0, valid("protocol_event", map[string]any{AttrProtocolEvent: "reset"}))
		}, ErrMissingField, AttrProtocolName},
		{"protocol without event", func() plog.LogRecord {
			return record(t0, valid("protocol_event", map[string]any{AttrProtocolName: "grpc"}))
		}, ErrMissingField, AttrProtocolEvent},
		{"transition without target", func() plog.LogRecord {
			return record(t0, valid("scenario_transition", map[string]any{AttrScenarioFrom: "a"}))
		}, ErrMissingField, AttrScenarioTo},
		{"probe without target", func() plog.LogRecord {
			return record(t0, valid("probe", map[string]any{AttrProbeSuccess: true}))
		}, ErrMissingField, AttrProbeTarget},
		{"probe without success", func() plog.LogRecord {
			return record(t0, valid("probe", map[string]any{AttrProbeTarget: "db"}))
		}, ErrMissingField, AttrProbeSuccess},
		{"experiment without name", func() plog.LogRecord {
			return record(t0, valid("experiment", map[string]any{AttrExperimentPhase: "started"}))
		}, ErrMissingField, AttrExperimentName},
		{"experiment without phase", func() plog.LogRecord {
			return record(t0, valid("experiment", map[string]any{AttrExperimentName: "x"}))
		}, ErrMissingField, AttrExperimentPhase},
		// A required string that is present but empty is as good as absent:
		// EncodeEvent would drop it, so accepting it would make an event whose
		// own encoding no longer decodes.
		{"fault type empty", func() plog.LogRecord {
			return record(t0, valid("fault_injection", map[string]any{AttrFaultType: ""}))
		}, ErrMissingField, AttrFaultType},
		{"scenario target empty", func() plog.LogRecord {
			return record(t0, valid("scenario_transition", map[string]any{AttrScenarioTo: ""}))
		}, ErrMissingField, AttrScenarioTo},
		{"probe target empty", func() plog.LogRecord {
			return record(t0, valid("probe", map[string]any{AttrProbeTarget: "", AttrProbeSuccess: true}))
		}, ErrMissingField, AttrProbeTarget},

		// Wrong attribute types.
		{"kind not a string", func() plog.LogRecord { return record(t0, map[string]any{AttrEventKind: 3}) }, ErrInvalidField, AttrEventKind},
		{"source not a string", func() plog.LogRecord { return record(t0, valid("rate_limit_exceeded", map[string]any{AttrSource: 1})) }, ErrInvalidField, AttrSource},
		{"endpoint not a string", func() plog.LogRecord {
			return record(t0, valid("rate_limit_exceeded", map[string]any{AttrEndpoint: []any{"/a"}}))
		}, ErrInvalidField, AttrEndpoint},
		{"delay as string", func() plog.LogRecord {
			return record(t0, valid("latency_injection", map[string]any{AttrLatencyDelayMs: "500"}))
		}, ErrInvalidField, AttrLatencyDelayMs},
		{"delay as fractional double", func() plog.LogRecord {
			return record(t0, valid("latency_injection", map[string]any{AttrLatencyDelayMs: 1.5}))
		}, ErrInvalidField, AttrLatencyDelayMs},
		{"delay as huge double", func() plog.LogRecord {
			return record(t0, valid("latency_injection", map[string]any{AttrLatencyDelayMs: 1e19}))
		}, ErrInvalidField, AttrLatencyDelayMs},
		{"delay as NaN", func() plog.LogRecord {
			return record(t0, valid("latency_injection", map[string]any{AttrLatencyDelayMs: math.NaN()}))
		}, ErrInvalidField, AttrLatencyDelayMs},
		{"delay as +Inf", func() plog.LogRecord {
			return record(t0, valid("latency_injection", map[string]any{AttrLatencyDelayMs: math.Inf(1)}))
		}, ErrInvalidField, AttrLatencyDelayMs},
		{"delay negative", func() plog.LogRecord {
			return record(t0, valid("latency_injection", map[string]any{AttrLatencyDelayMs: -1}))
		}, ErrInvalidField, AttrLatencyDelayMs},
		{"bytes as bool", func() plog.LogRecord {
			return record(t0, valid("traffic_shaping", map[string]any{AttrTrafficAction: "drop", AttrTrafficBytes: true}))
		}, ErrInvalidField, AttrTrafficBytes},
		{"bytes negative", func() plog.LogRecord {
			return record(t0, valid("traffic_shaping", map[string]any{AttrTrafficAction: "drop", AttrTrafficBytes: -5}))
		}, ErrInvalidField, AttrTrafficBytes},
		{"fault type as int", func() plog.LogRecord {
			return record(t0, valid("fault_injection", map[string]any{AttrFaultType: 500}))
		}, ErrInvalidField, AttrFaultType},
		{"client address as int", func() plog.LogRecord {
			return record(t0, valid("rate_limit_exceeded", map[string]any{AttrClientAddress: 1}))
		}, ErrInvalidField, AttrClientAddress},
		{"protocol details as string", func() plog.LogRecord {
			return record(t0, valid("protocol_event", map[string]any{AttrProtocolName: "grpc", AttrProtocolEvent: "x", AttrProtocolDetails: "a=b"}))
		}, ErrInvalidField, AttrProtocolDetails},
		{"metadata as slice", func() plog.LogRecord {
			return record(t0, valid("rate_limit_exceeded", map[string]any{AttrMetadata: []any{"a"}}))
		}, ErrInvalidField, AttrMetadata},
		{"probe success as string", func() plog.LogRecord {
			return record(t0, valid("probe", map[string]any{AttrProbeTarget: "db", AttrProbeSuccess: "true"}))
		}, ErrInvalidField, AttrProbeSuccess},
		{"probe success as int", func() plog.LogRecord {
			return record(t0, valid("probe", map[string]any{AttrProbeTarget: "db", AttrProbeSuccess: 1}))
		}, ErrInvalidField, AttrProbeSuccess},
		{"probe latency as string", func() plog.LogRecord {
			return record(t0, valid("probe", map[string]any{AttrProbeTarget: "db", AttrProbeSuccess: true, AttrProbeLatencyMs: "12"}))
		}, ErrInvalidField, AttrProbeLatencyMs},
		{"probe latency negative", func() plog.LogRecord {
			return record(t0, valid("probe", map[string]any{AttrProbeTarget: "db", AttrProbeSuccess: true, AttrProbeLatencyMs: -0.5}))
		}, ErrInvalidField, AttrProbeLatencyMs},
		{"probe latency NaN", func() plog.LogRecord {
			return record(t0, valid("probe", map[string]any{AttrProbeTarget: "db", AttrProbeSuccess: true, AttrProbeLatencyMs: math.NaN()}))
		}, ErrInvalidField, AttrProbeLatencyMs},
		{"scenario name as bool", func() plog.LogRecord {
			return record(t0, valid("rate_limit_exceeded", map[string]any{AttrScenarioName: false}))
		}, ErrInvalidField, AttrScenarioName},
		{"experiment phase unknown", func() plog.LogRecord {
			return record(t0, valid("experiment", map[string]any{AttrExperimentName: "x", AttrExperimentPhase: "paused"}))
		}, ErrInvalidField, AttrExperimentPhase},
		{"experiment phase as int", func() plog.LogRecord {
			return record(t0, valid("experiment", map[string]any{AttrExperimentName: "x", AttrExperimentPhase: 1}))
		}, ErrInvalidField, AttrExperimentPhase},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var e Event
			err := DecodeEvent(tt.lr(), &e)
			require.Error(t, err)
			require.ErrorIs(t, err, tt.wantErr)
			for _, other := range []error{ErrNotEvent, ErrUnknownKind, ErrMissingField, ErrInvalidField, ErrTimestampMissing} {
				if other != tt.wantErr {
					assert.NotErrorIs(t, err, other)
				}
			}
			var fe *FieldError
			if tt.wantKey == "" {
				assert.False(t, errors.As(err, &fe), "want a bare sentinel, got %v", err)
				return
			}
			require.ErrorAs(t, err, &fe)
			assert.Equal(t, tt.wantKey, fe.Key)
			assert.Contains(t, err.Error(), tt.wantKey, "the message names the attribute")
		})
	}
}

func TestDecodeEventNumericLeniency(t *testing.T) {
	t.Run("integral double accepted as int", func(t *testing.T) {
		lr := record(t0, map[string]any{
			AttrEventKind: "traffic_shaping", AttrTrafficAction: "throttle", AttrTrafficBytes: 4096.0,
			AttrLatencyDelayMs: 250.0,
		})
		var e Event
		require.NoError(t, DecodeEvent(lr, &e))
		assert.Equal(t, int64(4096), e.TrafficBytes)
		assert.Equal(t, int64(250), e.DelayMs)
		assert.Equal(t, FieldTrafficAction|FieldTrafficBytes|FieldDelayMs, e.Fields)
	})
	t.Run("largest exact double", func(t *testing.T) {
		lr := record(t0, map[string]any{AttrEventKind: "latency_injection", AttrLatencyDelayMs: float64(1<<53 - 1)})
		var e Event
		require.NoError(t, DecodeEvent(lr, &e))
		assert.Equal(t, int64(1<<53-1), e.DelayMs)
	})
	t.Run("2^53 refused", func(t *testing.T) {
		lr := record(t0, map[string]any{AttrEventKind: "latency_injection", AttrLatencyDelayMs: float64(1 << 53)})
		var e Event
		require.ErrorIs(t, DecodeEvent(lr, &e), ErrInvalidField)
	})
	t.Run("int accepted as double", func(t *testing.T) {
		lr := record(t0, map[string]any{AttrEventKind: "probe", AttrProbeTarget: "db", AttrProbeSuccess: false, AttrProbeLatencyMs: 42})
		var e Event
		require.NoError(t, DecodeEvent(lr, &e))
		assert.True(t, e.HasProbeLatency)
		assert.InDelta(t, 42.0, e.ProbeLatencyMs, 0)
	})
	t.Run("non-string map values become strings", func(t *testing.T) {
		lr := record(t0, map[string]any{AttrEventKind: "rate_limit_exceeded",
			AttrMetadata: map[string]any{"attempt": 3, "retry": true, "who": "me"}})
		var e Event
		require.NoError(t, DecodeEvent(lr, &e))
		assert.ElementsMatch(t, []KV{{"attempt", "3"}, {"retry", "true"}, {"who", "me"}}, e.Metadata)
	})
}

func TestDecodeEventIgnoresUnknownAttributes(t *testing.T) {
	lr := record(t0, map[string]any{
		AttrEventKind: "fault_injection", AttrFaultType: "timeout",
		"my.own.attribute": 12, "chaos.future.field": map[string]any{"x": 1},
	})
	var e Event
	require.NoError(t, DecodeEvent(lr, &e))
	assert.Equal(t, Event{TimeUnixNano: t0, Kind: KindFaultInjection, FaultType: "timeout", Fields: FieldFaultType}, e)
}

func TestDecodeEventResetsAndReuses(t *testing.T) {
	var e Event
	full := fullEvents()["protocol_event"]
	require.NoError(t, DecodeEvent(encode(t, full), &e))
	require.Len(t, e.ProtocolDetails, 2)

	minimal := minimalEvents()["protocol_event"]
	require.NoError(t, DecodeEvent(encode(t, minimal), &e))
	assert.Empty(t, e.ProtocolDetails)
	assert.Empty(t, e.Metadata)
	assert.Empty(t, e.Source)
	assert.Equal(t, 2, cap(e.ProtocolDetails), "slice capacity is reused")
	e.ProtocolDetails = nil
	minimal.ProtocolDetails = nil
	assert.Equal(t, minimal, e)

	// A failed decode leaves no stale field from a previous event behind.
	require.Error(t, DecodeEvent(record(t0, map[string]any{AttrEventKind: "nope"}), &e))
	assert.Empty(t, e.Protocol)
	assert.Zero(t, e.Fields)
}

func TestValidate(t *testing.T) {
	for name, e := range fullEvents() {
		assert.NoError(t, e.Validate(), name)
	}
	tests := []struct {
		name    string
		e       Event
		wantErr error
		wantKey string
	}{
		{"zero event", Event{}, ErrUnknownKind, AttrEventKind},
		{"kind out of range", Event{TimeUnixNano: 1, Kind: kindCount}, ErrUnknownKind, AttrEventKind},
		{"negative time", Event{TimeUnixNano: -1, Kind: KindRateLimitExceeded}, ErrTimestampMissing, ""},
		{"negative delay", Event{TimeUnixNano: 1, Kind: KindLatencyInjection, DelayMs: -1, Fields: FieldDelayMs}, ErrInvalidField, AttrLatencyDelayMs},
		{"negative bytes", Event{TimeUnixNano: 1, Kind: KindTrafficShaping, TrafficAction: "a", TrafficBytes: -1, Fields: FieldTrafficAction | FieldTrafficBytes}, ErrInvalidField, AttrTrafficBytes},
		{"NaN latency", Event{TimeUnixNano: 1, Kind: KindProbe, ProbeTarget: "t", HasProbeLatency: true, ProbeLatencyMs: math.NaN(), Fields: FieldProbeTarget | FieldProbeSuccess}, ErrInvalidField, AttrProbeLatencyMs},
		{"bad phase", Event{TimeUnixNano: 1, Kind: KindExperiment, Experiment: "x", ExperimentPhase: "Started", Fields: FieldExperimentName | FieldExperimentPhase}, ErrInvalidField, AttrExperimentPhase},
		{"required bit set but string empty", Event{TimeUnixNano: 1, Kind: KindFaultInjection, Fields: FieldFaultType}, ErrMissingField, AttrFaultType},
		{"second required string empty", Event{TimeUnixNano: 1, Kind: KindProtocolEvent, Protocol: "grpc", Fields: FieldProtocolName | FieldProtocolEvent}, ErrMissingField, AttrProtocolEvent},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.e.Validate()
			require.ErrorIs(t, err, tt.wantErr)
			var fe *FieldError
			if tt.wantKey == "" {
				assert.False(t, errors.As(err, &fe))
				return
			}
			require.ErrorAs(t, err, &fe)
			assert.Equal(t, tt.wantKey, fe.Key)
		})
	}
	// A rate-limit event requires nothing kind-specific.
	assert.NoError(t, (&Event{TimeUnixNano: 1, Kind: KindRateLimitExceeded}).Validate())
}

func TestKinds(t *testing.T) {
	kinds := Kinds()
	require.Len(t, kinds, 8)
	assert.Equal(t, KindLatencyInjection, kinds[0])
	assert.Equal(t, KindExperiment, kinds[len(kinds)-1])
	assert.NotContains(t, kinds, KindUnknown)

	mockForge := map[Kind]string{
		KindLatencyInjection:   "LatencyInjection",
		KindFaultInjection:     "FaultInjection",
		KindRateLimitExceeded:  "RateLimitExceeded",
		KindTrafficShaping:     "TrafficShaping",
		KindProtocolEvent:      "ProtocolEvent",
		KindScenarioTransition: "ScenarioTransition",
	}
	seen := map[string]bool{}
	for _, k := range kinds {
		s := k.String()
		require.NotEmpty(t, s)
		assert.False(t, seen[s], "duplicate kind name %q", s)
		seen[s] = true
		assert.Equal(t, k, ParseKind(s))
		assert.Equal(t, mockForge[k], k.MockForgeName())
		if n := k.MockForgeName(); n != "" {
			assert.Equal(t, k, ParseMockForgeKind(n))
			assert.Equal(t, KindUnknown, ParseKind(n), "MockForge tags are not chaos.event.kind values")
		}
		assert.Equal(t, KindUnknown, ParseMockForgeKind(s), "kind values are not MockForge tags")
	}
	assert.Equal(t, "", KindUnknown.String())
	assert.Equal(t, "", Kind(200).String())
	assert.Equal(t, "", Kind(200).MockForgeName())
	assert.Equal(t, FieldSet(0), Kind(200).Required())
	assert.Equal(t, KindUnknown, ParseKind(""))
	assert.Equal(t, KindUnknown, ParseKind("Latency_Injection"))
	assert.Equal(t, KindUnknown, ParseMockForgeKind(""))
	assert.Equal(t, KindUnknown, ParseMockForgeKind("probe"))
	assert.Equal(t, KindUnknown, ParseMockForgeKind("latencyinjection"))

	assert.Equal(t, FieldDelayMs, KindLatencyInjection.Required())
	assert.Equal(t, FieldSet(0), KindRateLimitExceeded.Required())
	assert.Equal(t, FieldProbeTarget|FieldProbeSuccess, KindProbe.Required())

	assert.True(t, ValidPhase(PhaseStarted))
	assert.True(t, ValidPhase(PhaseCompleted))
	assert.True(t, ValidPhase(PhaseAborted))
	assert.False(t, ValidPhase(""))
	assert.False(t, ValidPhase("STARTED"))
}

func TestFieldSetKeys(t *testing.T) {
	seen := map[string]bool{}
	for f := FieldDelayMs; f <= FieldExperimentPhase; f <<= 1 {
		k := f.Key()
		require.NotEmpty(t, k, "field bit %b has no key", f)
		assert.Contains(t, EventKeys, k)
		assert.False(t, seen[k])
		seen[k] = true
	}
	assert.Empty(t, (FieldDelayMs | FieldFaultType).Key(), "Key is for single fields")
	assert.Empty(t, FieldSet(0).Key())
}

func TestKeysAndRecords(t *testing.T) {
	seen := map[string]bool{}
	for _, k := range EventKeys {
		assert.False(t, seen[k], "duplicate key %q", k)
		seen[k] = true
	}
	assert.Len(t, EventKeys, 21)
	assert.NotContains(t, EventKeys, AttrServiceName, "service.name is a resource attribute")

	for _, r := range RecordKinds {
		assert.True(t, IsRecordKind(r), r)
	}
	assert.Len(t, RecordKinds, 7)
	assert.False(t, IsRecordKind(""))
	assert.False(t, IsRecordKind("chaos.events"))
	assert.False(t, IsRecordKind("Chaos.Event"))
}

func TestFieldErrorMessage(t *testing.T) {
	assert.Equal(t, "chaos.fault.type: required field missing",
		(&FieldError{Key: AttrFaultType, Err: ErrMissingField}).Error())
	assert.Equal(t, "chaos.latency.delay_ms: invalid field value: must not be negative",
		(&FieldError{Key: AttrLatencyDelayMs, Err: ErrInvalidField, Msg: "must not be negative"}).Error())
	var e Event
	err := DecodeEvent(record(t0, map[string]any{AttrEventKind: "x" + string(make([]byte, 100))}), &e)
	require.ErrorIs(t, err, ErrUnknownKind)
	assert.Contains(t, err.Error(), "…", "a long value is clipped in the message")
	assert.Less(t, len(err.Error()), 130)
}

func TestEventReset(t *testing.T) {
	e := fullEvents()["protocol_event"]
	e.Metadata = []KV{{"a", "b"}}
	e.Reset()
	assert.Empty(t, e.ProtocolDetails)
	assert.Empty(t, e.Metadata)
	assert.Equal(t, 2, cap(e.ProtocolDetails))
	assert.Equal(t, 1, cap(e.Metadata))
	e.ProtocolDetails, e.Metadata = nil, nil
	assert.Equal(t, Event{}, e)

	var zero Event
	zero.Reset() // nil slices
	assert.Equal(t, Event{}, zero)
}

// roundTripFields is the FieldSet DecodeEvent reports for the encoding of
// e: numeric and boolean fields keep their presence bit, string fields are
// present exactly when non-empty.
func roundTripFields(e *Event) FieldSet {
	const stringFields = FieldFaultType | FieldClientAddress | FieldTrafficAction | FieldProtocolName | FieldProtocolEvent |
		FieldScenarioTo | FieldProbeTarget | FieldExperimentName | FieldExperimentPhase
	return (e.Fields & (FieldDelayMs | FieldTrafficBytes | FieldProbeSuccess)) | stringFields&^e.emptyStrings(stringFields)
}

// TestValidEventsEncodeToValidRecords is a property over random events:
// whatever Validate accepts, EncodeEvent turns into a record that
// DecodeEvent accepts and maps back to the same event.
func TestValidEventsEncodeToValidRecords(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	str := func() string {
		return [...]string{"", "", "a", "/api/x", "é😀", "started", "completed", "aborted"}[rng.IntN(8)]
	}
	kvs := func() []KV {
		n := rng.IntN(3)
		if n == 0 {
			return nil
		}
		out := make([]KV, n)
		for i := range out {
			out[i] = KV{Key: string(rune('a' + i)), Value: str()}
		}
		return out
	}
	accepted := 0
	for range 20000 {
		e := Event{
			TimeUnixNano: rng.Int64N(3) - 1 + rng.Int64N(2)*rng.Int64(),
			Kind:         Kind(rng.IntN(int(kindCount) + 1)),
			Source:       str(), Endpoint: str(),
			DelayMs: rng.Int64N(3) - 1, FaultType: str(), ClientAddress: str(),
			TrafficAction: str(), TrafficBytes: rng.Int64N(3) - 1,
			Protocol: str(), ProtocolEvent: str(), ProtocolDetails: kvs(),
			Scenario: str(), ScenarioFrom: str(), ScenarioTo: str(),
			ProbeName: str(), ProbeTarget: str(), ProbeSuccess: rng.IntN(2) == 0,
			ProbeLatencyMs: float64(rng.IntN(3)) - 0.5, HasProbeLatency: rng.IntN(2) == 0,
			Experiment: str(), ExperimentPhase: str(), Metadata: kvs(),
			Fields: FieldSet(rng.Uint32()) & (FieldExperimentPhase<<1 - 1),
		}
		if e.Validate() != nil {
			continue
		}
		accepted++
		lr := encode(t, e)
		var got Event
		require.NoError(t, DecodeEvent(lr, &got), "%+v", e)
		want := e
		want.Fields = roundTripFields(&e)
		if !want.HasProbeLatency {
			want.ProbeLatencyMs = 0
		}
		if want.Fields&FieldDelayMs == 0 {
			want.DelayMs = 0
		}
		if want.Fields&FieldTrafficBytes == 0 {
			want.TrafficBytes = 0
		}
		if want.Fields&FieldProbeSuccess == 0 {
			want.ProbeSuccess = false
		}
		require.Equal(t, want, got)
	}
	assert.Greater(t, accepted, 500, "the generator must produce valid events")
}
