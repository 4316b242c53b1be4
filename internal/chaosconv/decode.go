package chaosconv

import (
	"math"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
)

// IsEvent reports whether lr is a chaos.event record.
func IsEvent(lr plog.LogRecord) bool {
	return lr.EventName() == RecordEvent
}

// DecodeEvent reads a chaos.event record into e (reset first, slices
// reused), and validates it. It is what every consumer of events calls, for
// records from our receiver and from any OTLP sender alike; the error names
// the attribute at fault. Unknown attributes are ignored, so senders may add
// their own.
func DecodeEvent(lr plog.LogRecord, e *Event) error {
	return decodeEvent(lr, e, true)
}

// DecodeEventForAggregation is DecodeEvent without the free-form maps
// (metadata, protocol details), which no aggregate uses: it is the hot path
// of the analytics processor and allocates nothing.
func DecodeEventForAggregation(lr plog.LogRecord, e *Event) error {
	return decodeEvent(lr, e, false)
}

func decodeEvent(lr plog.LogRecord, e *Event, withMaps bool) error {
	e.Reset()
	if !IsEvent(lr) {
		return ErrNotEvent
	}
	e.TimeUnixNano = int64(lr.Timestamp())
	for k, v := range lr.Attributes().All() {
		if err := decodeAttr(e, k, v, withMaps); err != nil {
			return err
		}
	}
	return e.Validate()
}

func decodeAttr(e *Event, k string, v pcommon.Value, withMaps bool) error {
	switch k {
	case AttrEventKind:
		s, err := str(k, v)
		if err != nil {
			return err
		}
		if e.Kind = ParseKind(s); e.Kind == KindUnknown {
			return &FieldError{Key: k, Err: ErrUnknownKind, Msg: quote(s)}
		}
	case AttrSource:
		return setStr(&e.Source, k, v)
	case AttrEndpoint:
		return setStr(&e.Endpoint, k, v)
	case AttrLatencyDelayMs:
		e.Fields |= FieldDelayMs
		return setInt(&e.DelayMs, k, v)
	case AttrFaultType:
		e.Fields |= FieldFaultType
		return setStr(&e.FaultType, k, v)
	case AttrClientAddress:
		e.Fields |= FieldClientAddress
		return setStr(&e.ClientAddress, k, v)
	case AttrTrafficAction:
		e.Fields |= FieldTrafficAction
		return setStr(&e.TrafficAction, k, v)
	case AttrTrafficBytes:
		e.Fields |= FieldTrafficBytes
		return setInt(&e.TrafficBytes, k, v)
	case AttrProtocolName:
		e.Fields |= FieldProtocolName
		return setStr(&e.Protocol, k, v)
	case AttrProtocolEvent:
		e.Fields |= FieldProtocolEvent
		return setStr(&e.ProtocolEvent, k, v)
	case AttrProtocolDetails:
		if withMaps {
			return setMap(&e.ProtocolDetails, k, v)
		}
	case AttrScenarioName:
		return setStr(&e.Scenario, k, v)
	case AttrScenarioFrom:
		return setStr(&e.ScenarioFrom, k, v)
	case AttrScenarioTo:
		e.Fields |= FieldScenarioTo
		return setStr(&e.ScenarioTo, k, v)
	case AttrProbeName:
		return setStr(&e.ProbeName, k, v)
	case AttrProbeTarget:
		e.Fields |= FieldProbeTarget
		return setStr(&e.ProbeTarget, k, v)
	case AttrProbeSuccess:
		if v.Type() != pcommon.ValueTypeBool {
			return &FieldError{Key: k, Err: ErrInvalidField, Msg: "want bool, got " + v.Type().String()}
		}
		e.Fields |= FieldProbeSuccess
		e.ProbeSuccess = v.Bool()
	case AttrProbeLatencyMs:
		switch v.Type() {
		case pcommon.ValueTypeDouble:
			e.ProbeLatencyMs = v.Double()
		case pcommon.ValueTypeInt:
			e.ProbeLatencyMs = float64(v.Int())
		default:
			return &FieldError{Key: k, Err: ErrInvalidField, Msg: "want double, got " + v.Type().String()}
		}
		e.HasProbeLatency = true
	case AttrExperimentName:
		e.Fields |= FieldExperimentName
		return setStr(&e.Experiment, k, v)
	case AttrExperimentPhase:
		e.Fields |= FieldExperimentPhase
		return setStr(&e.ExperimentPhase, k, v)
	case AttrMetadata:
		if withMaps {
			return setMap(&e.Metadata, k, v)
		}
	}
	return nil
}

func str(k string, v pcommon.Value) (string, error) {
	if v.Type() != pcommon.ValueTypeStr {
		return "", &FieldError{Key: k, Err: ErrInvalidField, Msg: "want string, got " + v.Type().String()}
	}
	return v.Str(), nil
}

func setStr(dst *string, k string, v pcommon.Value) error {
	s, err := str(k, v)
	*dst = s
	return err
}

// setInt accepts an int, or a double with an integral value: some SDKs
// (JavaScript's among them) cannot tell the two apart.
func setInt(dst *int64, k string, v pcommon.Value) error {
	switch v.Type() {
	case pcommon.ValueTypeInt:
		*dst = v.Int()
		return nil
	case pcommon.ValueTypeDouble:
		d := v.Double()
		if d == math.Trunc(d) && math.Abs(d) < 1<<53 {
			*dst = int64(d)
			return nil
		}
	}
	return &FieldError{Key: k, Err: ErrInvalidField, Msg: "want int, got " + v.Type().String()}
}

func setMap(dst *[]KV, k string, v pcommon.Value) error {
	if v.Type() != pcommon.ValueTypeMap {
		return &FieldError{Key: k, Err: ErrInvalidField, Msg: "want map of strings, got " + v.Type().String()}
	}
	for mk, mv := range v.Map().All() {
		*dst = append(*dst, KV{Key: mk, Value: mv.AsString()})
	}
	return nil
}

func quote(s string) string {
	if len(s) > 64 {
		s = s[:64] + "…"
	}
	return `"` + s + `"`
}
