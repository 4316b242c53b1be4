package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Clock is the time source of the run: the wall clock in production, a
// fake one in tests (so retries and replay pacing cost no real time).
type Clock interface {
	Now() time.Time
	// Sleep waits for d or until ctx is done (then it returns ctx's error).
	Sleep(ctx context.Context, d time.Duration) error
}

type wallClock struct{}

func (wallClock) Now() time.Time { return time.Now() }

func (wallClock) Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// Errors that end a run.
var (
	// ErrMaxRequests: the -max-requests budget is spent.
	ErrMaxRequests = errors.New("request budget (-max-requests) spent")
)

// Stats count what the sender did. Events are counted once per batch,
// whatever the number of attempts.
type Stats struct {
	Requests  int `json:"requests"`
	Retries   int `json:"retries"`
	Batches   int `json:"batches"`
	Sent      int `json:"sent"`
	Accepted  int `json:"accepted"`
	Rejected  int `json:"rejected"`
	Bytes     int `json:"bytes"`
	NetErrors int `json:"network_errors"`
	// Status counts the HTTP status codes of every response.
	Status map[string]int `json:"status_codes"`
	// WaitedSeconds is the time spent waiting before retries.
	WaitedSeconds float64 `json:"retry_wait_seconds"`
}

// Sender posts bodies to one endpoint, retrying what the server asks to be
// retried. It is not safe for concurrent use: the run sends serially.
type Sender struct {
	Endpoint string
	Header   http.Header
	Client   *http.Client
	Clock    Clock
	// MaxRetries is how many times a batch is retried after the first
	// attempt (on 429/502/503/504 and network errors).
	MaxRetries int
	// MaxRequests bounds the HTTP requests of the run, retries included
	// (0: no bound).
	MaxRequests int
	// MaxRetryWait caps a server's Retry-After and the backoff.
	MaxRetryWait time.Duration
	// PartialRejected, when set, reads a 2xx response body for records
	// the server rejected anyway (OTLP partial success).
	// It returns the count and the server's message.
	PartialRejected func(contentType string, body []byte) (int, string)
	// Log receives one line per failed batch (at most maxLogLines).
	Log io.Writer
	// Peer, when set, shares the MaxRequests budget: its requests count
	// against this sender's bound too (the events' and the spans' senders
	// of one run).
	Peer *Sender
	// Items names what a batch holds in log lines ("" is "events").
	Items string

	Stats  Stats
	logged int
}

const (
	maxLogLines      = 10
	maxResponseBody  = 64 << 10
	baseBackoff      = 250 * time.Millisecond
	userAgent        = "chaosgen/" + scopeVersion
	defaultRetryWait = 30 * time.Second
)

// NewSender returns a sender with its own transport (closed by Close).
func NewSender(endpoint string, timeout time.Duration) *Sender {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 4
	tr.ResponseHeaderTimeout = timeout
	tr.DialContext = (&net.Dialer{Timeout: min(timeout, 5*time.Second), KeepAlive: 30 * time.Second}).DialContext
	return &Sender{
		Endpoint:     endpoint,
		Header:       http.Header{},
		Client:       &http.Client{Transport: tr, Timeout: timeout},
		Clock:        wallClock{},
		MaxRetries:   5,
		MaxRetryWait: defaultRetryWait,
		Log:          io.Discard,
	}
}

// Close releases idle connections.
func (s *Sender) Close() { s.Client.CloseIdleConnections() }

// BatchError says why a batch was not accepted. The run goes on after
// one: only ErrMaxRequests and a done context end it.
type BatchError struct {
	Status int // 0 for a network error
	Msg    string
}

func (e *BatchError) Error() string {
	if e.Status == 0 {
		return e.Msg
	}
	return fmt.Sprintf("HTTP %d: %s", e.Status, e.Msg)
}

// Send posts one batch of n events. It retries 429 and 503 after the
// server's Retry-After (seconds or HTTP date, capped by MaxRetryWait),
// 502, 504 and network errors after an exponential backoff, up to
// maxRetries times (negative: s.MaxRetries). It returns nil when the
// batch was accepted, ErrMaxRequests when the budget was spent before
// the first attempt (the batch is then not counted as sent), the
// context's error when the run is stopped, and a *BatchError otherwise.
func (s *Sender) Send(ctx context.Context, body []byte, contentType string, n, maxRetries int) error {
	if maxRetries < 0 {
		maxRetries = s.MaxRetries
	}
	if s.budgetSpent() {
		return ErrMaxRequests
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	s.Stats.Batches++
	s.Stats.Sent += n
	for attempt := 0; ; attempt++ {
		if attempt > 0 {
			if s.budgetSpent() {
				s.reject(n, "giving up: "+ErrMaxRequests.Error())
				return ErrMaxRequests
			}
			s.Stats.Retries++
		}
		s.Stats.Requests++
		s.Stats.Bytes += len(body)
		status, respCT, respBody, retryAfter, err := s.post(ctx, body, contentType)
		var wait time.Duration
		var berr *BatchError
		switch {
		case err != nil:
			if ctx.Err() != nil {
				s.reject(n, "stopped: "+err.Error())
				return ctx.Err()
			}
			s.Stats.NetErrors++
			berr = &BatchError{Msg: err.Error()}
			wait = s.backoff(attempt)
		case status >= 200 && status < 300:
			rejected, msg := 0, ""
			if s.PartialRejected != nil {
				rejected, msg = s.PartialRejected(respCT, respBody)
				rejected = min(max(rejected, 0), n)
			}
			s.Stats.Accepted += n - rejected
			if rejected > 0 {
				s.Stats.Rejected += rejected
				s.logf("partial success: %s rejected %d of %d %s: %s", s.Endpoint, rejected, n, s.items(), msg)
			}
			return nil
		case status == http.StatusTooManyRequests || status == http.StatusServiceUnavailable:
			berr = &BatchError{Status: status, Msg: snippet(respBody)}
			wait = retryAfter
			if wait < 0 {
				wait = s.backoff(attempt)
			}
			wait = min(wait, s.maxWait())
		case status == http.StatusBadGateway || status == http.StatusGatewayTimeout:
			berr = &BatchError{Status: status, Msg: snippet(respBody)}
			wait = s.backoff(attempt)
		default:
			berr = &BatchError{Status: status, Msg: snippet(respBody)}
			s.reject(n, berr.Error())
			return berr
		}
		if attempt >= maxRetries {
			s.reject(n, fmt.Sprintf("giving up after %d attempts: %v", attempt+1, berr))
			return berr
		}
		s.Stats.WaitedSeconds += wait.Seconds()
		if err := s.Clock.Sleep(ctx, wait); err != nil {
			s.reject(n, "stopped while waiting to retry: "+berr.Error())
			return err
		}
	}
}

func (s *Sender) items() string {
	if s.Items == "" {
		return "events"
	}
	return s.Items
}

func (s *Sender) budgetSpent() bool {
	if s.MaxRequests <= 0 {
		return false
	}
	n := s.Stats.Requests
	if s.Peer != nil {
		n += s.Peer.Stats.Requests
	}
	return n >= s.MaxRequests
}

func (s *Sender) reject(n int, msg string) {
	s.Stats.Rejected += n
	s.logf("batch of %d %s not accepted: %s", n, s.items(), msg)
}

func (s *Sender) logf(format string, args ...any) {
	if s.Log == nil {
		return
	}
	s.logged++
	switch {
	case s.logged <= maxLogLines:
		fmt.Fprintf(s.Log, "chaosgen: "+format+"\n", args...)
	case s.logged == maxLogLines+1:
		fmt.Fprintln(s.Log, "chaosgen: further errors not shown (see the summary)")
	}
}

func (s *Sender) maxWait() time.Duration {
	if s.MaxRetryWait > 0 {
		return s.MaxRetryWait
	}
	return defaultRetryWait
}

// backoff is 250 ms · 2^attempt, capped.
func (s *Sender) backoff(attempt int) time.Duration {
	d := baseBackoff << min(attempt, 16)
	return min(d, s.maxWait())
}

// post makes one request. retryAfter is negative when the response has
// no usable Retry-After.
func (s *Sender) post(ctx context.Context, body []byte, contentType string) (status int, respCT string, respBody []byte, retryAfter time.Duration, err error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.Endpoint, bytes.NewReader(body))
	if err != nil {
		return 0, "", nil, -1, err
	}
	for k, vs := range s.Header {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	req.Header.Set("Content-Type", contentType)
	if req.Header.Get("User-Agent") == "" {
		req.Header.Set("User-Agent", userAgent)
	}
	resp, err := s.Client.Do(req)
	if err != nil {
		return 0, "", nil, -1, err
	}
	defer resp.Body.Close()
	respBody, _ = io.ReadAll(io.LimitReader(resp.Body, maxResponseBody))
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxResponseBody)) // let the connection be reused
	if s.Stats.Status == nil {
		s.Stats.Status = map[string]int{}
	}
	s.Stats.Status[strconv.Itoa(resp.StatusCode)]++
	return resp.StatusCode, resp.Header.Get("Content-Type"), respBody,
		parseRetryAfter(resp.Header.Get("Retry-After"), s.Clock.Now()), nil
}

// parseRetryAfter reads delay-seconds or an HTTP date; -1 when absent or
// malformed.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return -1
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs < 0 {
			return -1
		}
		return time.Duration(min(secs, 1<<30)) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0)
	}
	return -1
}

func snippet(b []byte) string {
	s := strings.TrimSpace(string(b))
	if len(s) > 300 {
		s = s[:300] + "…"
	}
	if s == "" {
		return "(empty body)"
	}
	return s
}

func isJSONContentType(ct string) bool {
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return false
	}
	return mt == "application/json" || strings.HasSuffix(mt, "+json")
}
