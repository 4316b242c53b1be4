package decoder

import (
	"errors"
	"strconv"
	"strings"

	"github.com/otelcol-chaos/otelcol-chaos/internal/chaosconv"
)

// variantPrefix is the JSON path of MockForge's variant object.
const variantPrefix = "event_type."

// eventShape records which of the two accepted shapes an object used.
type eventShape uint8

const (
	shapeMockForge eventShape = 1 << iota // has "event_type"
	shapeNative                           // has "kind"
)

// jsonFieldOf names each kind-specific field as JSON spells it (the same
// name in MockForge's variant object and in the native shape).
var jsonFieldOf = map[chaosconv.FieldSet]string{
	chaosconv.FieldDelayMs:         "delay_ms",
	chaosconv.FieldFaultType:       "fault_type",
	chaosconv.FieldClientAddress:   "client_ip",
	chaosconv.FieldTrafficAction:   "action",
	chaosconv.FieldTrafficBytes:    "bytes",
	chaosconv.FieldProtocolName:    "protocol",
	chaosconv.FieldProtocolEvent:   "event",
	chaosconv.FieldScenarioTo:      "to_scenario",
	chaosconv.FieldProbeTarget:     "target",
	chaosconv.FieldProbeSuccess:    "success",
	chaosconv.FieldExperimentName:  "experiment",
	chaosconv.FieldExperimentPhase: "phase",
}

// event parses one event object into e. It returns only syntax errors;
// schema problems are recorded on d and parsing goes on, so that one reply
// can list every fault of the batch.
func (d *decoder) event(e *chaosconv.Event, service *string) error {
	sc := &d.sc
	e.Reset()
	*service = ""
	d.curBad = false
	if sc.peek() != '{' {
		return d.mismatch("", "expected an event object, found "+sc.valueType())
	}
	var shape eventShape
	hasTime := false
	if err := sc.beginObject(); err != nil {
		return err
	}
	for first := true; ; {
		key, ok, err := sc.nextKey(&first)
		if err != nil {
			return err
		}
		if !ok {
			break
		}
		switch key {
		case "timestamp", "time":
			hasTime = true
			err = d.timestamp(e, key)
		case "event_type":
			shape |= shapeMockForge
			err = d.variant(e)
		case "kind":
			shape |= shapeNative
			var s string
			if s, err = d.string(key); err == nil && !d.curBad {
				if e.Kind = chaosconv.ParseKind(s); e.Kind == chaosconv.KindUnknown {
					e.Kind = chaosconv.ParseMockForgeKind(s)
				}
				if e.Kind == chaosconv.KindUnknown {
					d.problem(key, "unknown kind "+strconv.Quote(clip(s))+"; want one of "+kindList())
				}
			}
		case "metadata":
			err = d.stringMap(&e.Metadata, key)
		case "source":
			err = d.optString(&e.Source, key)
		case "service":
			err = d.optString(service, key)
		case "scenario":
			err = d.optString(&e.Scenario, key)
		default:
			var handled bool
			if handled, err = d.field(e, key); !handled && err == nil {
				err = sc.skip(1)
			}
		}
		if err != nil {
			return err
		}
	}
	switch {
	case shape == 0:
		d.problem("", `missing "event_type" (MockForge ChaosEvent) or "kind" (native event)`)
	case shape == shapeMockForge|shapeNative:
		d.problem("", `has both "event_type" (MockForge) and "kind" (native); send one shape per event`)
	}
	if !hasTime {
		d.problem("timestamp", "required: the time the event happened, RFC 3339")
	}
	if d.curBad {
		return nil
	}
	prefix := ""
	if shape == shapeMockForge {
		prefix = variantPrefix
		if e.Source == "" {
			e.Source = SourceMockForge
		}
	}
	if missing := e.Kind.Required() &^ e.Fields; missing != 0 {
		f := missing & -missing
		d.problem(prefix+jsonFieldOf[f], "required for "+kindName(e.Kind, shape))
		return nil
	}
	if err := e.Validate(); err != nil {
		d.problem(validateField(err, prefix), err.Error())
	}
	return nil
}

// validateField names the JSON field at fault in a Validate error: the
// attribute key it names, spelled as JSON spells the field.
func validateField(err error, prefix string) string {
	var fe *chaosconv.FieldError
	if errors.As(err, &fe) {
		for f, name := range jsonFieldOf {
			if f.Key() == fe.Key {
				return prefix + name
			}
		}
	}
	return strings.TrimSuffix(prefix, ".")
}

// SourceMockForge is the chaos.source given to MockForge events that do
// not name their own.
const SourceMockForge = "mockforge"

func kindName(k chaosconv.Kind, shape eventShape) string {
	if shape == shapeMockForge {
		return k.MockForgeName()
	}
	return "kind " + k.String()
}

func kindList() string {
	out := ""
	for i, k := range chaosconv.Kinds() {
		if i > 0 {
			out += ", "
		}
		out += k.String()
	}
	return out
}

func mockForgeList() string {
	out := ""
	for _, k := range chaosconv.Kinds() {
		if n := k.MockForgeName(); n != "" {
			if out != "" {
				out += ", "
			}
			out += n
		}
	}
	return out
}

// variant parses MockForge's ChaosEventType object. MockForge's recorder
// tags it internally ({"type":"LatencyInjection","delay_ms":…}); serde's
// default external tagging ({"LatencyInjection":{"delay_ms":…}}) is accepted
// too, so either serialisation of the enum decodes.
func (d *decoder) variant(e *chaosconv.Event) error {
	sc := &d.sc
	if sc.peek() != '{' {
		return d.mismatch("event_type", "expected an object, found "+sc.valueType())
	}
	if err := sc.beginObject(); err != nil {
		return err
	}
	// Problems inside the variant are reported under "event_type.".
	d.prefix = variantPrefix
	defer func() { d.prefix = "" }()
	tagged := false
	for first := true; ; {
		key, ok, err := sc.nextKey(&first)
		if err != nil {
			return err
		}
		if !ok {
			break
		}
		if key == "type" {
			tagged = true
			var s string
			if s, err = d.string(key); err == nil && !d.curBad {
				if e.Kind = chaosconv.ParseMockForgeKind(s); e.Kind == chaosconv.KindUnknown {
					d.problem(key, "unknown variant "+strconv.Quote(clip(s))+"; want one of "+mockForgeList())
				}
			}
		} else if k := chaosconv.ParseMockForgeKind(key); k != chaosconv.KindUnknown && sc.peek() == '{' {
			tagged = true
			e.Kind = k
			d.prefix = variantPrefix + key + "."
			err = d.fields(e)
			d.prefix = variantPrefix
		} else {
			var handled bool
			if handled, err = d.field(e, key); !handled && err == nil {
				err = sc.skip(1)
			}
		}
		if err != nil {
			return err
		}
	}
	if !tagged {
		d.problem("type", "required: the variant, one of "+mockForgeList())
	}
	return nil
}

// fields parses an object whose members are all kind-specific fields.
func (d *decoder) fields(e *chaosconv.Event) error {
	sc := &d.sc
	if err := sc.beginObject(); err != nil {
		return err
	}
	for first := true; ; {
		key, ok, err := sc.nextKey(&first)
		if err != nil || !ok {
			return err
		}
		var handled bool
		if handled, err = d.field(e, key); !handled && err == nil {
			err = sc.skip(1)
		}
		if err != nil {
			return err
		}
	}
}

// field parses one kind-specific member; handled is false for a key it
// does not know (the caller skips the value: unknown fields are ignored, as
// serde does, so newer senders keep working).
func (d *decoder) field(e *chaosconv.Event, path string) (handled bool, err error) {
	switch path {
	case "delay_ms":
		err = d.uint(&e.DelayMs, &e.Fields, chaosconv.FieldDelayMs, path)
	case "endpoint":
		err = d.optString(&e.Endpoint, path)
	case "fault_type":
		err = d.reqString(&e.FaultType, &e.Fields, chaosconv.FieldFaultType, path)
	case "client_ip":
		err = d.optString(&e.ClientAddress, path)
	case "action":
		err = d.reqString(&e.TrafficAction, &e.Fields, chaosconv.FieldTrafficAction, path)
	case "bytes":
		err = d.uint(&e.TrafficBytes, &e.Fields, chaosconv.FieldTrafficBytes, path)
	case "protocol":
		err = d.reqString(&e.Protocol, &e.Fields, chaosconv.FieldProtocolName, path)
	case "event":
		err = d.reqString(&e.ProtocolEvent, &e.Fields, chaosconv.FieldProtocolEvent, path)
	case "details":
		err = d.stringMap(&e.ProtocolDetails, path)
	case "from_scenario":
		err = d.optString(&e.ScenarioFrom, path)
	case "to_scenario":
		err = d.reqString(&e.ScenarioTo, &e.Fields, chaosconv.FieldScenarioTo, path)
	case "probe_name":
		err = d.optString(&e.ProbeName, path)
	case "target":
		err = d.reqString(&e.ProbeTarget, &e.Fields, chaosconv.FieldProbeTarget, path)
	case "success":
		err = d.bool(&e.ProbeSuccess, &e.Fields, chaosconv.FieldProbeSuccess, path)
	case "latency_ms":
		err = d.float(&e.ProbeLatencyMs, &e.HasProbeLatency, path)
	case "experiment":
		err = d.reqString(&e.Experiment, &e.Fields, chaosconv.FieldExperimentName, path)
	case "phase":
		err = d.reqString(&e.ExperimentPhase, &e.Fields, chaosconv.FieldExperimentPhase, path)
	default:
		return false, nil
	}
	return true, err
}

func (d *decoder) timestamp(e *chaosconv.Event, path string) error {
	s, err := d.string(path)
	if err != nil || d.curBad {
		return err
	}
	ns, perr := parseTimestamp(s)
	if perr != nil {
		d.problem(path, perr.Error()+", got "+strconv.Quote(clip(s)))
		return nil
	}
	e.TimeUnixNano = ns
	return nil
}

// string reads a required string value; a value of another type is a
// problem (recorded), not a syntax error.
func (d *decoder) string(path string) (string, error) {
	if t := d.sc.valueType(); t != "string" {
		return "", d.mismatch(path, "expected a string, got "+t)
	}
	return d.sc.str()
}

// optString reads a string or null (null leaves dst empty: absent).
func (d *decoder) optString(dst *string, path string) error {
	if isNull, err := d.sc.null(); isNull || err != nil {
		return err
	}
	s, err := d.string(path)
	*dst = s
	return err
}

func (d *decoder) reqString(dst *string, fields *chaosconv.FieldSet, f chaosconv.FieldSet, path string) error {
	if isNull, err := d.sc.null(); isNull || err != nil {
		return err // absent: the required-field check reports it
	}
	s, err := d.string(path)
	*dst = s
	*fields |= f
	return err
}

func (d *decoder) uint(dst *int64, fields *chaosconv.FieldSet, f chaosconv.FieldSet, path string) error {
	if isNull, err := d.sc.null(); isNull || err != nil {
		return err
	}
	if t := d.sc.valueType(); t != "number" {
		return d.mismatch(path, "expected a non-negative integer, got "+t)
	}
	raw, plain, err := d.sc.number()
	if err != nil {
		return err
	}
	v, perr := strconv.ParseInt(raw, 10, 64)
	if !plain || perr != nil {
		d.problem(path, "expected a non-negative integer below 2^63, got "+clip(raw))
		return nil
	}
	*dst = v
	*fields |= f
	return nil
}

func (d *decoder) float(dst *float64, has *bool, path string) error {
	if isNull, err := d.sc.null(); isNull || err != nil {
		return err
	}
	if t := d.sc.valueType(); t != "number" {
		return d.mismatch(path, "expected a number, got "+t)
	}
	raw, _, err := d.sc.number()
	if err != nil {
		return err
	}
	v, perr := strconv.ParseFloat(raw, 64)
	if perr != nil || v < 0 {
		d.problem(path, "expected a finite non-negative number, got "+clip(raw))
		return nil
	}
	*dst, *has = v, true
	return nil
}

func (d *decoder) bool(dst *bool, fields *chaosconv.FieldSet, f chaosconv.FieldSet, path string) error {
	if isNull, err := d.sc.null(); isNull || err != nil {
		return err
	}
	if t := d.sc.valueType(); t != "boolean" {
		return d.mismatch(path, "expected true or false, got "+t)
	}
	v, err := d.sc.boolean()
	*dst = v
	*fields |= f
	return err
}

// stringMap reads an object of string values (null: absent).
func (d *decoder) stringMap(dst *[]chaosconv.KV, path string) error {
	sc := &d.sc
	if isNull, err := sc.null(); isNull || err != nil {
		return err
	}
	if t := sc.valueType(); t != "object" {
		return d.mismatch(path, "expected an object of strings, got "+t)
	}
	if err := sc.beginObject(); err != nil {
		return err
	}
	for first := true; ; {
		key, ok, err := sc.nextKey(&first)
		if err != nil || !ok {
			return err
		}
		if t := sc.valueType(); t != "string" {
			if err = d.mismatch(path+"."+clip(key), "expected a string value, got "+t); err != nil {
				return err
			}
			continue
		}
		v, err := sc.str()
		if err != nil {
			return err
		}
		*dst = append(*dst, chaosconv.KV{Key: key, Value: v})
	}
}

// mismatch records a value of the wrong type and skips it. What is not a
// JSON value at all is a syntax error instead, reported by skip alone.
func (d *decoder) mismatch(path, msg string) error {
	if d.sc.valueType() != "invalid value" {
		d.problem(path, msg)
	}
	return d.sc.skip(1)
}

func clip(s string) string {
	if len(s) > 64 {
		return s[:64] + "…"
	}
	return s
}
