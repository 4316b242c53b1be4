package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
)

// Error codes of PROTOCOL.md.
const (
	CodeBadParameter     = "bad_parameter"
	CodeNotFound         = "not_found"
	CodeMethodNotAllowed = "method_not_allowed"
)

// ErrBadParameter is what every parameter error wraps.
var ErrBadParameter = errors.New("bad parameter")

// paramError is a 400 naming its parameter.
type paramError struct {
	param string
	msg   string
}

func (e *paramError) Error() string { return fmt.Sprintf("%v %s: %s", ErrBadParameter, e.param, e.msg) }
func (e *paramError) Unwrap() error { return ErrBadParameter }

func badParam(param, format string, args ...any) error {
	return &paramError{param: param, msg: fmt.Sprintf(format, args...)}
}

// errorBody is PROTOCOL.md's error object.
type errorBody struct {
	Error     string `json:"error"`
	Message   string `json:"message"`
	Parameter string `json:"parameter,omitempty"`
}

func writeError(w http.ResponseWriter, status int, body errorBody) {
	writeJSON(w, status, body)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	b, err := json.Marshal(v)
	if err != nil {
		// Cannot happen with the store's types (no NaN, no channel):
		// still, answer rather than send half a body.
		status, b = http.StatusInternalServerError, []byte(`{"error":"internal","message":"response not encodable"}`)
	}
	w.WriteHeader(status)
	_, _ = w.Write(append(b, '\n'))
}
