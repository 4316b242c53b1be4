package chaostoolkit

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
)

// The journal is read from json.RawMessage values, one field at a time, so
// that each fault names its own JSON path and says what was expected —
// encoding/json's type errors name Go types, and stop at the first fault.

// absent reports a missing field or a JSON null: Python writes None as null
// and CTK leaves many fields None (steady_states.after of a run that
// stopped early, a background activity's start…).
func absent(raw json.RawMessage) bool {
	return len(raw) == 0 || bytes.Equal(raw, []byte("null"))
}

// describe names the JSON type of raw for error messages.
func describe(raw json.RawMessage) string {
	if absent(raw) {
		return "null"
	}
	switch raw[0] {
	case '"':
		return "a string"
	case '{':
		return "an object"
	case '[':
		return "an array"
	case 't', 'f':
		return "a boolean"
	}
	return "a number"
}

// fieldError is a fault at one JSON path, before it becomes a Problem.
type fieldError struct {
	field string
	msg   string
}

func errAt(field, format string, args ...any) *fieldError {
	return &fieldError{field: field, msg: fmt.Sprintf(format, args...)}
}

func expected(field, what string, raw json.RawMessage) *fieldError {
	if absent(raw) {
		return errAt(field, "required: expected %s, got %s", what, describe(raw))
	}
	return errAt(field, "expected %s, got %s", what, describe(raw))
}

// str reads a string field; ok is false when it is absent (null or missing).
func str(raw json.RawMessage, field string) (v string, ok bool, err *fieldError) {
	if absent(raw) {
		return "", false, nil
	}
	if raw[0] != '"' {
		return "", false, expected(field, "a string", raw)
	}
	if json.Unmarshal(raw, &v) != nil {
		return "", false, expected(field, "a string", raw)
	}
	return v, true, nil
}

// requiredStr reads a string field that must be present and non-empty.
func requiredStr(raw json.RawMessage, field string) (string, *fieldError) {
	v, ok, err := str(raw, field)
	if err != nil {
		return "", err
	}
	if !ok || v == "" {
		return "", expected(field, "a non-empty string", raw)
	}
	return v, nil
}

// boolean reads a boolean field; ok is false when it is absent.
func boolean(raw json.RawMessage, field string) (v, ok bool, err *fieldError) {
	if absent(raw) {
		return false, false, nil
	}
	if json.Unmarshal(raw, &v) != nil {
		return false, false, expected(field, "true or false", raw)
	}
	return v, true, nil
}

// seconds reads a duration in seconds (CTK writes Python's
// timedelta.total_seconds()); ok is false when it is absent.
func seconds(raw json.RawMessage, field string) (v float64, ok bool, err *fieldError) {
	if absent(raw) {
		return 0, false, nil
	}
	if raw[0] != '-' && (raw[0] < '0' || raw[0] > '9') {
		return 0, false, expected(field, "a number of seconds", raw)
	}
	if json.Unmarshal(raw, &v) != nil || math.IsInf(v, 0) || math.IsNaN(v) {
		return 0, false, errAt(field, "expected a number of seconds, got %s", raw)
	}
	if v < 0 {
		return 0, false, errAt(field, "a duration must not be negative, got %s", raw)
	}
	return v, true, nil
}

// object decodes an object field into v (a struct of json.RawMessage
// fields); ok is false when it is absent.
func object(raw json.RawMessage, field string, v any) (ok bool, err *fieldError) {
	if absent(raw) {
		return false, nil
	}
	if raw[0] != '{' || json.Unmarshal(raw, v) != nil {
		return false, expected(field, "an object", raw)
	}
	return true, nil
}

// array splits an array field into its elements; ok is false when it is
// absent.
func array(raw json.RawMessage, field string) (elems []json.RawMessage, ok bool, err *fieldError) {
	if absent(raw) {
		return nil, false, nil
	}
	if raw[0] != '[' || json.Unmarshal(raw, &elems) != nil {
		return nil, false, expected(field, "an array", raw)
	}
	return elems, true, nil
}
