package decoder

import (
	"strconv"

	"github.com/otelcol-chaos/otelcol-chaos/internal/chaosconv"
)

// Container says how the events of a body were packaged.
type Container string

// Containers, reported as the obsreport "format".
const (
	ContainerObject    Container = "json"       // one event object
	ContainerArray     Container = "json_array" // a JSON array of events
	ContainerNDJSON    Container = "ndjson"     // several top-level values
	ContainerRecording Container = "recording"  // a MockForge RecordedScenario
)

// Batch is the decoded content of one body. Services[i] is the service
// named by event i ("" when it names none). Reuse a Batch across calls: its
// slices keep their capacity.
type Batch struct {
	Events    []chaosconv.Event
	Services  []string
	Container Container
}

func (b *Batch) reset() {
	b.Events = b.Events[:0]
	b.Services = b.Services[:0]
	b.Container = ""
}

// Options bound what one body may hold.
type Options struct {
	// MaxEvents is the most events one body may hold (0: no limit).
	MaxEvents int
}

// Decode parses body into b. On any problem it returns a *BatchError and
// b must not be forwarded: a batch is all-or-nothing, so a sender that
// fixes and resends its batch never duplicates the events that were valid.
func Decode(body string, opts Options, b *Batch) error {
	d := decoder{sc: scanner{s: body}, opts: opts, batch: b, cur: -1}
	b.reset()
	if err := d.top(); err != nil {
		return d.fatal(err)
	}
	if len(d.problems) > 0 {
		return &BatchError{Kind: ErrInvalidEvent, Problems: d.problems, Truncated: d.truncated}
	}
	return nil
}

type decoder struct {
	sc    scanner
	opts  Options
	batch *Batch

	prefix string // JSON path of the object being parsed, prepended to problem fields
	cur    int    // index of the event being parsed, -1 outside events
	curBad bool

	problems  []Problem
	truncated bool
}

// problem records a schema fault of the current event.
func (d *decoder) problem(field, msg string) {
	d.curBad = true
	if len(d.problems) >= MaxProblems {
		d.truncated = true
		return
	}
	if d.prefix != "" {
		field = d.prefix + field // built only on the error path
	}
	d.problems = append(d.problems, Problem{Index: d.cur, Field: field, Offset: d.sc.p, Message: msg})
}

// fatal turns an error that stopped parsing into the BatchError to return.
func (d *decoder) fatal(err error) error {
	switch e := err.(type) {
	case *syntaxError:
		p := Problem{Index: d.cur, Offset: e.off, Message: e.msg}
		return &BatchError{Kind: ErrSyntax, Problems: append(d.problems, p), Truncated: d.truncated}
	case *limitError:
		return &BatchError{Kind: e.kind, Problems: []Problem{{Index: -1, Offset: d.sc.p, Message: e.msg}}}
	}
	return err
}

type limitError struct {
	kind error
	msg  string
}

func (e *limitError) Error() string { return e.msg }

// top parses the whole body: one value, or several (NDJSON, or JSON values
// merely separated by white space).
func (d *decoder) top() error {
	sc := &d.sc
	if !sc.more() {
		return &limitError{kind: ErrEmpty, msg: "empty body: send a ChaosEvent object, an array of them, NDJSON, or a scenario recording"}
	}
	values := 0
	for sc.more() {
		values++
		var err error
		switch sc.peek() {
		case '[':
			d.batch.Container = ContainerArray
			err = d.array()
		case '{':
			if d.isRecording() {
				d.batch.Container = ContainerRecording
				err = d.recording()
			} else {
				d.batch.Container = ContainerObject
				err = d.appendEvent()
			}
		default:
			d.cur = -1
			return sc.fail("expected an event object, an array of events, or a scenario recording, found " + sc.found())
		}
		if err != nil {
			return err
		}
	}
	if values > 1 {
		d.batch.Container = ContainerNDJSON
	}
	d.cur = -1
	return nil
}

// more reports whether anything but white space is left. peek's 0 cannot
// tell the end of the body from a NUL byte, which is a syntax error, not
// the end of the batch.
func (sc *scanner) more() bool {
	sc.ws()
	return sc.p < len(sc.s)
}

func (d *decoder) array() error {
	sc := &d.sc
	if err := sc.beginArray(); err != nil {
		return err
	}
	for first := true; ; {
		ok, err := sc.nextElem(&first)
		if err != nil || !ok {
			return err
		}
		if err = d.appendEvent(); err != nil {
			return err
		}
	}
}

// appendEvent parses one event onto the batch, enforcing MaxEvents.
func (d *decoder) appendEvent() error {
	b := d.batch
	n := len(b.Events)
	if d.opts.MaxEvents > 0 && n >= d.opts.MaxEvents {
		return &limitError{kind: ErrTooManyEvents, msg: "more than " + strconv.Itoa(d.opts.MaxEvents) +
			" events in one request (max_events_per_request); split the batch"}
	}
	if n < cap(b.Events) {
		b.Events = b.Events[:n+1]
	} else {
		b.Events = append(b.Events, chaosconv.Event{})
	}
	b.Services = append(b.Services, "")
	d.cur = n
	e := &b.Events[n]
	if err := d.event(e, &b.Services[n]); err != nil {
		return err
	}
	d.cur = -1 // what follows the event (a separator…) is outside it
	return nil
}

// isRecording looks ahead, without consuming, for a top-level "events"
// member: that is what tells a RecordedScenario from a single event.
func (d *decoder) isRecording() bool {
	ahead := d.sc
	if ahead.beginObject() != nil {
		return false
	}
	for first := true; ; {
		key, ok, err := ahead.nextKey(&first)
		if err != nil || !ok {
			return false
		}
		if key == "events" {
			return true
		}
		if ahead.skip(1) != nil {
			return false
		}
	}
}

// recording parses a MockForge RecordedScenario: its events are replayed,
// each tagged with the scenario's name unless it names its own.
func (d *decoder) recording() error {
	sc := &d.sc
	if err := sc.beginObject(); err != nil {
		return err
	}
	first := len(d.batch.Events)
	name := ""
	for firstKey := true; ; {
		key, ok, err := sc.nextKey(&firstKey)
		if err != nil {
			return err
		}
		if !ok {
			break
		}
		switch key {
		case "scenario":
			name, err = d.scenarioName()
		case "events":
			if sc.peek() != '[' {
				d.cur = -1
				err = d.mismatch("events", "expected an array of ChaosEvent, got "+sc.valueType())
				break
			}
			err = d.array()
			d.cur = -1
		default:
			err = sc.skip(1)
		}
		if err != nil {
			return err
		}
	}
	for i := first; i < len(d.batch.Events); i++ {
		if d.batch.Events[i].Scenario == "" {
			d.batch.Events[i].Scenario = name
		}
	}
	return nil
}

// scenarioName reads the "name" of a ChaosScenario object (a bare string
// is taken as the name too) and skips the rest of it.
func (d *decoder) scenarioName() (string, error) {
	sc := &d.sc
	switch sc.peek() {
	case '"':
		return sc.str()
	case '{':
	default:
		return "", sc.skip(1)
	}
	_ = sc.beginObject()
	name := ""
	for first := true; ; {
		key, ok, err := sc.nextKey(&first)
		if err != nil || !ok {
			return name, err
		}
		if key == "name" && sc.peek() == '"' {
			if name, err = sc.str(); err != nil {
				return "", err
			}
			continue
		}
		if err = sc.skip(1); err != nil {
			return "", err
		}
	}
}
