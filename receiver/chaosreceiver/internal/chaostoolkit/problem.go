package chaostoolkit

import (
	"errors"
	"strconv"
	"strings"
)

// MaxProblems bounds how many problems one Decode reports, so a huge bad
// journal does not produce a huge answer.
const MaxProblems = 20

// Kinds of *JournalError; match them with errors.Is.
var (
	// ErrEmpty: the body holds nothing but white space.
	ErrEmpty = errors.New("request body holds no journal")
	// ErrSyntax: the body is not valid JSON.
	ErrSyntax = errors.New("malformed JSON")
	// ErrInvalid: valid JSON, but not a Chaos Toolkit journal we can read
	// (a required field missing or of the wrong type, a bad timestamp).
	ErrInvalid = errors.New("invalid Chaos Toolkit journal")
	// ErrTooManyEvents: the journal would make more events than allowed.
	ErrTooManyEvents = errors.New("journal holds too many activities")
)

// Problem is one fault found in a journal. Field is the JSON path of the
// value at fault (run[2].start, experiment.title); Index is the position of
// the activity run in its array when the fault is inside one, else -1.
// Offset is the byte offset of a syntax error (other problems have none:
// the JSON path names them better).
type Problem struct {
	Index   int    `json:"index"`
	Field   string `json:"field,omitempty"`
	Offset  int64  `json:"offset,omitempty"`
	Message string `json:"message"`
}

func (p Problem) String() string {
	if p.Field == "" {
		return p.Message
	}
	return p.Field + ": " + p.Message
}

// JournalError is why a journal was refused as a whole. Kind is one of the
// sentinel errors above.
type JournalError struct {
	Kind      error
	Problems  []Problem
	Truncated bool // more problems than MaxProblems were found
}

func (e *JournalError) Error() string {
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

func (e *JournalError) Unwrap() error { return e.Kind }

// problems collects problems up to MaxProblems and remembers whether more
// were dropped.
type problems struct {
	list      []Problem
	truncated bool
}

func (ps *problems) add(index int, field, msg string) {
	if len(ps.list) == MaxProblems {
		ps.truncated = true
		return
	}
	ps.list = append(ps.list, Problem{Index: index, Field: field, Message: msg})
}

// path joins a JSON path and an array index: path("run", 2) = "run[2]".
func indexPath(base string, i int) string {
	return base + "[" + strconv.Itoa(i) + "]"
}
