package chaosreceiver // import "github.com/otelcol-chaos/otelcol-chaos/receiver/chaosreceiver"

import (
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"unsafe"

	"go.opentelemetry.io/collector/consumer/consumererror"

	"github.com/otelcol-chaos/otelcol-chaos/receiver/chaosreceiver/internal/decoder"
)

// acceptedMediaTypes are the Content-Types the events path takes; a
// request without a Content-Type is taken as JSON, since many scripts send
// none. Anything else (form data, protobuf) gets 415.
var acceptedMediaTypes = []string{
	"application/json",
	"application/x-ndjson",
	"application/ndjson",
	"application/jsonl",
	"application/x-jsonlines",
}

func (r *chaosReceiver) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc(r.cfg.EventsPath, r.handleEvents)
	mux.HandleFunc(r.cfg.HealthPath, r.handleHealth)
	mux.HandleFunc(r.cfg.ChaosToolkitPath, r.handleChaosToolkit)
	mux.HandleFunc("/", func(w http.ResponseWriter, req *http.Request) {
		r.reject(w, req, http.StatusNotFound, reasonNotFound,
			"no such path; POST events to "+r.cfg.EventsPath+", Chaos Toolkit journals to "+r.cfg.ChaosToolkitPath, nil, false)
	})
	return mux
}

func (r *chaosReceiver) handleHealth(w http.ResponseWriter, req *http.Request) {
	if req.Method != http.MethodGet && req.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		r.reject(w, req, http.StatusMethodNotAllowed, reasonMethodNotAllowed, "use GET", nil, false)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

// handleEvents is the events path: read, decode (all-or-nothing), convert,
// hand to the pipeline, answer.
func (r *chaosReceiver) handleEvents(w http.ResponseWriter, req *http.Request) {
	if req.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		r.reject(w, req, http.StatusMethodNotAllowed, reasonMethodNotAllowed,
			req.Method+" is not allowed; POST events to "+r.cfg.EventsPath, nil, false)
		return
	}
	if !acceptedMediaType(req.Header.Get("Content-Type")) {
		r.reject(w, req, http.StatusUnsupportedMediaType, reasonUnsupportedMediaType,
			"unsupported Content-Type "+strconv.Quote(req.Header.Get("Content-Type"))+"; send one of "+strings.Join(acceptedMediaTypes, ", "), nil, false)
		return
	}

	body, release, ok := r.readBodyOrReject(w, req, "split the batch")
	defer release()
	if !ok {
		return
	}

	batch := r.getBatch()
	defer r.putBatch(batch)
	if err := decoder.Decode(body, decoder.Options{MaxEvents: r.cfg.MaxEventsPerRequest}, batch); err != nil {
		r.rejectDecode(w, req, err)
		return
	}

	n := len(batch.Events)
	ctx := r.obsrep.StartLogsOp(req.Context())
	var err error
	if n > 0 {
		err = r.next.ConsumeLogs(ctx, r.toLogs(req, batch))
	}
	r.obsrep.EndLogsOp(ctx, string(batch.Container), n, err)
	if err != nil {
		r.rejectPipeline(w, req, err)
		return
	}
	r.telemetry.ReceiverChaosRequestEvents.Record(req.Context(), int64(n))
	writeAccepted(w, n)
}

// readBodyOrReject reads the body, or answers why it could not (413 over
// max_request_body_size, with what to do about it; 400 otherwise) and
// returns ok false. release must be called either way.
func (r *chaosReceiver) readBodyOrReject(w http.ResponseWriter, req *http.Request, fix string) (body string, release func(), ok bool) {
	body, release, err := r.readBody(req)
	if err == nil {
		return body, release, true
	}
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		r.reject(w, req, http.StatusRequestEntityTooLarge, reasonTooLarge,
			"request body (decompressed) exceeds max_request_body_size of "+strconv.FormatInt(tooLarge.Limit, 10)+" bytes; "+fix, nil, false)
		return "", release, false
	}
	r.reject(w, req, http.StatusBadRequest, reasonBadBody,
		"could not read the request body: "+err.Error()+" (is Content-Encoding right?)", nil, false)
	return "", release, false
}

// readBody reads the whole body as one string: every string field of every
// event is a substring of it, so decoding allocates no strings. A body of
// known length (uncompressed: confighttp's decompressor sets -1) is read
// straight into a buffer of that size that becomes the string without a
// copy; it is never written again and lives as long as the records that
// point into it. Other bodies go through a pooled buffer and one copy.
func (r *chaosReceiver) readBody(req *http.Request) (body string, release func(), err error) {
	if n := req.ContentLength; n > 0 && n <= r.cfg.ServerConfig.MaxRequestBodySize {
		b := make([]byte, n)
		if _, err := io.ReadFull(req.Body, b); err != nil {
			return "", func() {}, err
		}
		return unsafe.String(&b[0], len(b)), func() {}, nil
	}
	buf := r.getBuffer()
	release = func() { r.putBuffer(buf) }
	if _, err := buf.ReadFrom(req.Body); err != nil {
		return "", release, err
	}
	return buf.String(), release, nil
}

func (r *chaosReceiver) rejectDecode(w http.ResponseWriter, req *http.Request, err error) {
	var be *decoder.BatchError
	if !errors.As(err, &be) {
		r.reject(w, req, http.StatusBadRequest, reasonInvalidEvent, err.Error(), nil, false)
		return
	}
	status, reason := http.StatusBadRequest, reasonInvalidEvent
	switch {
	case errors.Is(be, decoder.ErrSyntax):
		reason = reasonMalformedJSON
	case errors.Is(be, decoder.ErrEmpty):
		reason = reasonEmptyBody
	case errors.Is(be, decoder.ErrTooManyEvents):
		status, reason = http.StatusRequestEntityTooLarge, reasonTooManyEvents
	}
	r.reject(w, req, status, reason,
		be.Kind.Error()+": nothing in this request was accepted; fix the problems listed and resend the whole batch",
		be.Problems, be.Truncated)
}

// rejectPipeline answers a refusal by the pipeline. A permanent error means
// the data can never be accepted (400); anything else is back-pressure
// (memory_limiter, a full queue) and gets 503 with Retry-After, which
// senders must honour.
func (r *chaosReceiver) rejectPipeline(w http.ResponseWriter, req *http.Request, err error) {
	if consumererror.IsPermanent(err) {
		r.reject(w, req, http.StatusBadRequest, reasonPipelineRejected,
			"the pipeline rejected the events permanently: "+err.Error(), nil, false)
		return
	}
	w.Header().Set("Retry-After", strconv.Itoa(int(r.cfg.RetryAfter.Seconds())))
	r.reject(w, req, http.StatusServiceUnavailable, reasonPipelineRefused,
		"the pipeline refused the events (back-pressure); nothing was accepted, retry after the Retry-After delay: "+err.Error(), nil, false)
}

// transportError answers the errors confighttp raises before our handler
// runs (decompression, auth) in the same JSON shape as ours.
func (r *chaosReceiver) transportError(w http.ResponseWriter, req *http.Request, msg string, status int) {
	reason := reasonBadBody
	switch {
	case strings.HasPrefix(msg, "unsupported Content-Encoding"):
		status, reason = http.StatusUnsupportedMediaType, reasonUnsupportedEncoding
		msg += "; supported: " + strings.Join(r.compressionAlgorithms(), ", ")
	case status == http.StatusUnauthorized || status == http.StatusForbidden:
		reason = "unauthorized"
	case status == http.StatusBadRequest:
		msg = "could not decompress the request body: " + msg
	}
	r.reject(w, req, status, reason, msg, nil, false)
}

func (r *chaosReceiver) compressionAlgorithms() []string {
	out := make([]string, 0, len(r.cfg.ServerConfig.CompressionAlgorithms))
	for _, a := range r.cfg.ServerConfig.CompressionAlgorithms {
		if a == "" {
			a = "identity (none)"
		}
		out = append(out, a)
	}
	return out
}

// acceptedMediaType checks the media type, ignoring parameters and case.
func acceptedMediaType(ct string) bool {
	if i := strings.IndexByte(ct, ';'); i >= 0 {
		ct = ct[:i]
	}
	ct = strings.TrimSpace(ct)
	if ct == "" {
		return true
	}
	for _, t := range acceptedMediaTypes {
		if strings.EqualFold(ct, t) {
			return true
		}
	}
	return false
}
