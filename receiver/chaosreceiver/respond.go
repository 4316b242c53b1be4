package chaosreceiver // import "github.com/otelcol-chaos/otelcol-chaos/receiver/chaosreceiver"

import (
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/otelcol-chaos/otelcol-chaos/internal/telemetryattr"
	"github.com/otelcol-chaos/otelcol-chaos/receiver/chaosreceiver/internal/decoder"
)

// Rejection reasons: the `reason` of otelcol_receiver_chaos_rejected_requests
// and the `error` of the JSON error body.
const (
	reasonMalformedJSON        = "malformed_json"
	reasonInvalidEvent         = "invalid_event"
	reasonInvalidJournal       = "invalid_journal"
	reasonEmptyBody            = "empty_body"
	reasonTooLarge             = "too_large"
	reasonTooManyEvents        = "too_many_events"
	reasonUnsupportedMediaType = "unsupported_media_type"
	reasonUnsupportedEncoding  = "unsupported_encoding"
	reasonBadBody              = "bad_body"
	reasonMethodNotAllowed     = "method_not_allowed"
	reasonNotFound             = "not_found"
	reasonPipelineRefused      = "pipeline_refused"
	reasonPipelineRejected     = "pipeline_rejected"
)

// errorBody is the JSON every error answer carries. Problems name the event
// index and field at fault, so a sender can fix its batch in one go.
type errorBody struct {
	Error     string            `json:"error"`
	Message   string            `json:"message"`
	Problems  []decoder.Problem `json:"problems,omitempty"`
	Truncated bool              `json:"truncated,omitempty"`
}

// acceptedBody is the answer to an accepted request.
type acceptedBody struct {
	Accepted int `json:"accepted"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil { // cannot happen for our types; answer something valid anyway
		body = []byte(`{"error":"internal","message":"could not encode response"}`)
		status = http.StatusInternalServerError
	}
	writeBody(w, status, body)
}

// writeAccepted answers an accepted request with {"accepted":n}, the
// acceptedBody encoding, built without reflection: it is the answer to every
// request at full load.
func writeAccepted(w http.ResponseWriter, n int) {
	var buf [32]byte
	body := append(strconv.AppendInt(append(buf[:0], `{"accepted":`...), int64(n), 10), '}')
	writeBody(w, http.StatusOK, body)
}

func writeBody(w http.ResponseWriter, status int, body []byte) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// reject answers an error and counts it by reason.
func (r *chaosReceiver) reject(w http.ResponseWriter, req *http.Request, status int, reason, msg string, problems []decoder.Problem, truncated bool) {
	r.countRejected(req, reason)
	writeJSON(w, status, errorBody{Error: reason, Message: msg, Problems: problems, Truncated: truncated})
}

// countRejected counts a request answered with an error, by reason.
func (r *chaosReceiver) countRejected(req *http.Request, reason string) {
	r.telemetry.ReceiverChaosRejectedRequests.Add(req.Context(), 1, telemetryattr.Option("reason", reason))
}
