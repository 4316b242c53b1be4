package decoder

import (
	"errors"
	"strconv"
	"strings"
)

// MaxProblems bounds how many problems one Decode reports, so a huge bad
// batch does not produce a huge error body.
const MaxProblems = 20

// ErrTooManyEvents is wrapped by a *BatchError when the batch holds more
// events than the configured limit (the receiver answers 413).
var ErrTooManyEvents = errors.New("too many events in one request")

// ErrEmpty is wrapped by a *BatchError when the body holds no event at all.
var ErrEmpty = errors.New("request body holds no event")

// ErrSyntax is wrapped by a *BatchError when the body is not valid JSON.
var ErrSyntax = errors.New("malformed JSON")

// ErrInvalidEvent is wrapped by a *BatchError when JSON is well-formed but
// an event breaks the schema (wrong type, unknown variant, missing field…).
var ErrInvalidEvent = errors.New("invalid event")

// Problem is one fault in a batch. Index is the event's position in the
// batch (0-based; -1 when the fault is not inside an event), Field the JSON
// path within the event, Offset the byte offset in the (decompressed) body.
type Problem struct {
	Index   int    `json:"index"`
	Field   string `json:"field,omitempty"`
	Offset  int    `json:"offset"`
	Message string `json:"message"`
}

func (p Problem) String() string {
	var b strings.Builder
	if p.Index >= 0 {
		b.WriteString("event ")
		b.WriteString(strconv.Itoa(p.Index))
	} else {
		b.WriteString("body")
	}
	if p.Field != "" {
		b.WriteString(" field ")
		b.WriteString(p.Field)
	}
	b.WriteString(" (offset ")
	b.WriteString(strconv.Itoa(p.Offset))
	b.WriteString("): ")
	b.WriteString(p.Message)
	return b.String()
}

// BatchError is every problem Decode found in one body. Kind is one of the
// sentinel errors above (errors.Is works on it).
type BatchError struct {
	Kind      error
	Problems  []Problem
	Truncated bool // more problems than MaxProblems were found
}

func (e *BatchError) Error() string {
	var b strings.Builder
	b.WriteString(e.Kind.Error())
	for i, p := range e.Problems {
		if i == 0 {
			b.WriteString(": ")
		} else {
			b.WriteString("; ")
		}
		b.WriteString(p.String())
	}
	if e.Truncated {
		b.WriteString("; …")
	}
	return b.String()
}

func (e *BatchError) Unwrap() error { return e.Kind }
