package chaosconv

import (
	"errors"
	"fmt"
)

// KV is one entry of a string map (metadata, protocol details). A slice of
// KV keeps the sender's order and costs no map allocation on the hot path.
type KV struct {
	Key   string
	Value string
}

// Event is one chaos event, the in-memory form of a chaos.event record.
// Empty strings mean "absent"; which fields a kind requires is in
// requiredFields, and Fields records which ones a decoder actually saw.
type Event struct {
	// TimeUnixNano is the event time (record Timestamp).
	TimeUnixNano int64
	Kind         Kind
	Source       string
	Endpoint     string

	DelayMs       int64
	FaultType     string
	ClientAddress string
	TrafficAction string
	TrafficBytes  int64

	Protocol        string
	ProtocolEvent   string
	ProtocolDetails []KV

	Scenario     string
	ScenarioFrom string
	ScenarioTo   string

	ProbeName      string
	ProbeTarget    string
	ProbeSuccess   bool
	ProbeLatencyMs float64
	// HasProbeLatency tells a measured 0 ms from no measurement.
	HasProbeLatency bool

	Experiment      string
	ExperimentPhase Phase

	Metadata []KV

	// Fields is the set of kind-specific fields present.
	Fields FieldSet
}

// Reset clears e for reuse and keeps the capacity of its slices.
func (e *Event) Reset() {
	details, meta := e.ProtocolDetails[:0], e.Metadata[:0]
	*e = Event{ProtocolDetails: details, Metadata: meta}
}

// FieldSet is a set of kind-specific fields, one bit each.
type FieldSet uint32

// Kind-specific fields whose presence is checked (numbers and booleans have
// no "empty" value, so presence is tracked explicitly).
const (
	FieldDelayMs FieldSet = 1 << iota
	FieldFaultType
	FieldClientAddress
	FieldTrafficAction
	FieldTrafficBytes
	FieldProtocolName
	FieldProtocolEvent
	FieldScenarioTo
	FieldProbeTarget
	FieldProbeSuccess
	FieldExperimentName
	FieldExperimentPhase
)

// fieldKeys names each field by its attribute key, in bit order.
var fieldKeys = []struct {
	f   FieldSet
	key string
}{
	{FieldDelayMs, AttrLatencyDelayMs},
	{FieldFaultType, AttrFaultType},
	{FieldClientAddress, AttrClientAddress},
	{FieldTrafficAction, AttrTrafficAction},
	{FieldTrafficBytes, AttrTrafficBytes},
	{FieldProtocolName, AttrProtocolName},
	{FieldProtocolEvent, AttrProtocolEvent},
	{FieldScenarioTo, AttrScenarioTo},
	{FieldProbeTarget, AttrProbeTarget},
	{FieldProbeSuccess, AttrProbeSuccess},
	{FieldExperimentName, AttrExperimentName},
	{FieldExperimentPhase, AttrExperimentPhase},
}

// requiredFields is what each kind cannot do without. MockForge's own
// required (non-Option) fields are required here too; its Option fields are not.
var requiredFields = [kindCount]FieldSet{
	KindLatencyInjection:   FieldDelayMs,
	KindFaultInjection:     FieldFaultType,
	KindRateLimitExceeded:  0,
	KindTrafficShaping:     FieldTrafficAction | FieldTrafficBytes,
	KindProtocolEvent:      FieldProtocolName | FieldProtocolEvent,
	KindScenarioTransition: FieldScenarioTo,
	KindProbe:              FieldProbeTarget | FieldProbeSuccess,
	KindExperiment:         FieldExperimentName | FieldExperimentPhase,
}

// Required returns the fields kind k requires.
func (k Kind) Required() FieldSet {
	if k >= kindCount {
		return 0
	}
	return requiredFields[k]
}

// Key returns the attribute key of a single field.
func (f FieldSet) Key() string {
	for _, fk := range fieldKeys {
		if fk.f == f {
			return fk.key
		}
	}
	return ""
}

// Errors returned by Validate and DecodeEvent; match them with errors.Is.
var (
	ErrNotEvent         = errors.New("record is not a chaos.event")
	ErrUnknownKind      = errors.New("unknown chaos event kind")
	ErrMissingField     = errors.New("required field missing")
	ErrInvalidField     = errors.New("invalid field value")
	ErrTimestampMissing = errors.New("event timestamp missing")
)

// FieldError names the attribute at fault.
type FieldError struct {
	Key string
	Err error
	Msg string
}

func (e *FieldError) Error() string {
	if e.Msg == "" {
		return fmt.Sprintf("%s: %v", e.Key, e.Err)
	}
	return fmt.Sprintf("%s: %v: %s", e.Key, e.Err, e.Msg)
}

func (e *FieldError) Unwrap() error { return e.Err }

// emptyStrings is the set of string fields whose value is empty. Empty
// means absent (EncodeEvent writes no attribute for it), so a required
// string that is empty is missing even when its presence bit is set.
func (e *Event) emptyStrings(among FieldSet) FieldSet {
	var f FieldSet
	for among != 0 {
		bit := among & -among
		among &^= bit
		if v, isString := e.stringField(bit); isString && v == "" {
			f |= bit
		}
	}
	return f
}

// stringField returns the value of a string field (isString false for the
// numeric and boolean ones).
func (e *Event) stringField(f FieldSet) (v string, isString bool) {
	switch f {
	case FieldFaultType:
		return e.FaultType, true
	case FieldClientAddress:
		return e.ClientAddress, true
	case FieldTrafficAction:
		return e.TrafficAction, true
	case FieldProtocolName:
		return e.Protocol, true
	case FieldProtocolEvent:
		return e.ProtocolEvent, true
	case FieldScenarioTo:
		return e.ScenarioTo, true
	case FieldProbeTarget:
		return e.ProbeTarget, true
	case FieldExperimentName:
		return e.Experiment, true
	case FieldExperimentPhase:
		return e.ExperimentPhase, true
	}
	return "", false
}

// Validate checks that e has a known kind, a time, the fields its kind
// requires, and values within their domain. Decoders call it last, so every
// path into the pipeline enforces the same rules.
func (e *Event) Validate() error {
	if e.Kind == KindUnknown || e.Kind >= kindCount {
		return &FieldError{Key: AttrEventKind, Err: ErrUnknownKind}
	}
	if e.TimeUnixNano <= 0 {
		return ErrTimestampMissing
	}
	required := e.Kind.Required()
	if missing := required &^ (e.Fields &^ e.emptyStrings(required)); missing != 0 {
		return &FieldError{Key: (missing & -missing).Key(), Err: ErrMissingField, Msg: "required for kind " + e.Kind.String()}
	}
	if e.DelayMs < 0 {
		return &FieldError{Key: AttrLatencyDelayMs, Err: ErrInvalidField, Msg: "must not be negative"}
	}
	if e.TrafficBytes < 0 {
		return &FieldError{Key: AttrTrafficBytes, Err: ErrInvalidField, Msg: "must not be negative"}
	}
	if e.HasProbeLatency && !(e.ProbeLatencyMs >= 0) {
		return &FieldError{Key: AttrProbeLatencyMs, Err: ErrInvalidField, Msg: "must be a non-negative number"}
	}
	if e.Kind == KindExperiment && !ValidPhase(e.ExperimentPhase) {
		return &FieldError{Key: AttrExperimentPhase, Err: ErrInvalidField, Msg: "must be started, completed or aborted"}
	}
	return nil
}
