package chaosreceiver // import "github.com/otelcol-chaos/otelcol-chaos/receiver/chaosreceiver"

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/otelcol-chaos/otelcol-chaos/receiver/chaosreceiver/internal/chaostoolkit"
	"github.com/otelcol-chaos/otelcol-chaos/receiver/chaosreceiver/internal/decoder"
)

// formatChaosToolkit is the obsreport format label of journal requests.
const formatChaosToolkit = "chaostoolkit_journal"

// journalErrorBody is the error answer of the journal path: the events
// path's shape (error, message, problems), each problem naming the
// journal's JSON path at fault.
type journalErrorBody struct {
	Error     string                 `json:"error"`
	Message   string                 `json:"message"`
	Problems  []chaostoolkit.Problem `json:"problems,omitempty"`
	Truncated bool                   `json:"truncated,omitempty"`
}

// journalAcceptedBody answers an accepted journal: the events it made and
// the activity runs it had to skip, each named by its JSON path.
type journalAcceptedBody struct {
	Accepted         int                    `json:"accepted"`
	Skipped          []chaostoolkit.Problem `json:"skipped,omitempty"`
	SkippedTruncated bool                   `json:"skipped_truncated,omitempty"`
}

// handleChaosToolkit is the journal path: read, decode the journal, hand
// its events to the pipeline like the events path does, answer.
func (r *chaosReceiver) handleChaosToolkit(w http.ResponseWriter, req *http.Request) {
	if req.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		r.reject(w, req, http.StatusMethodNotAllowed, reasonMethodNotAllowed,
			req.Method+" is not allowed; POST the Chaos Toolkit journal to "+r.cfg.ChaosToolkitPath, nil, false)
		return
	}
	if ct := req.Header.Get("Content-Type"); !jsonMediaType(ct) {
		r.reject(w, req, http.StatusUnsupportedMediaType, reasonUnsupportedMediaType,
			"unsupported Content-Type "+strconv.Quote(ct)+"; a journal is sent as application/json", nil, false)
		return
	}
	body, release, ok := r.readBodyOrReject(w, req, "raise max_request_body_size to take a journal this large")
	defer release()
	if !ok {
		return
	}

	res, err := chaostoolkit.Decode([]byte(body), chaostoolkit.Options{MaxEvents: r.cfg.MaxEventsPerRequest})
	if err != nil {
		r.rejectJournal(w, req, err)
		return
	}

	// The events take the events path's road from here: same resource
	// attributes, same consumer, same back-pressure answer.
	n := len(res.Events)
	batch := decoder.Batch{Events: res.Events, Services: make([]string, n), Container: formatChaosToolkit}
	ctx := r.obsrep.StartLogsOp(req.Context())
	err = r.next.ConsumeLogs(ctx, r.toLogs(req, &batch))
	r.obsrep.EndLogsOp(ctx, formatChaosToolkit, n, err)
	if err != nil {
		r.rejectPipeline(w, req, err)
		return
	}
	r.telemetry.ReceiverChaosRequestEvents.Record(req.Context(), int64(n))
	// Skipped runs are counted only once the journal is taken: a journal
	// refused by the pipeline is resent, and would count them twice.
	if res.SkippedCount > 0 {
		r.telemetry.ReceiverChaosSkippedActivities.Add(req.Context(), int64(res.SkippedCount))
	}
	writeJSON(w, http.StatusOK, journalAcceptedBody{
		Accepted:         n,
		Skipped:          res.Skipped,
		SkippedTruncated: res.SkippedCount > len(res.Skipped),
	})
}

// rejectJournal answers a journal refused as a whole.
func (r *chaosReceiver) rejectJournal(w http.ResponseWriter, req *http.Request, err error) {
	status, reason := http.StatusBadRequest, reasonInvalidJournal
	switch {
	case errors.Is(err, chaostoolkit.ErrSyntax):
		reason = reasonMalformedJSON
	case errors.Is(err, chaostoolkit.ErrEmpty):
		reason = reasonEmptyBody
	case errors.Is(err, chaostoolkit.ErrTooManyEvents):
		status, reason = http.StatusRequestEntityTooLarge, reasonTooManyEvents
	}
	out := journalErrorBody{Error: reason, Message: err.Error()}
	var je *chaostoolkit.JournalError
	if errors.As(err, &je) {
		out.Message = je.Kind.Error() + ": nothing of this journal was accepted; fix the problems listed and resend it"
		out.Problems, out.Truncated = je.Problems, je.Truncated
	}
	r.countRejected(req, reason)
	writeJSON(w, status, out)
}

// jsonMediaType accepts application/json (any parameters, any case) or no
// Content-Type at all (many scripts send none). Anything else — curl -d
// without -H sends a form type — gets 415 saying what to send, rather than
// being guessed at.
func jsonMediaType(ct string) bool {
	if i := strings.IndexByte(ct, ';'); i >= 0 {
		ct = ct[:i]
	}
	ct = strings.TrimSpace(ct)
	return ct == "" || strings.EqualFold(ct, "application/json")
}
