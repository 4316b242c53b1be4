package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/otelcol-chaos/otelcol-chaos/internal/chaosconv"
)

// recorder is a test server that keeps every request and answers with
// the next scripted response (200 once the script is exhausted).
type recorder struct {
	mu     sync.Mutex
	bodies [][]byte
	reqs   []*http.Request
	script []func(w http.ResponseWriter)
	onReq  func(n int)
}

func (rec *recorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	rec.mu.Lock()
	rec.bodies = append(rec.bodies, body)
	rec.reqs = append(rec.reqs, r)
	n := len(rec.bodies)
	var respond func(http.ResponseWriter)
	if n <= len(rec.script) {
		respond = rec.script[n-1]
	}
	onReq := rec.onReq
	rec.mu.Unlock()
	if onReq != nil {
		onReq(n)
	}
	if respond != nil {
		respond(w)
		return
	}
	w.WriteHeader(http.StatusOK)
}

func (rec *recorder) snapshot() ([][]byte, []*http.Request) {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return append([][]byte(nil), rec.bodies...), append([]*http.Request(nil), rec.reqs...)
}

func status(code int, retryAfter string) func(http.ResponseWriter) {
	return func(w http.ResponseWriter) {
		if retryAfter != "" {
			w.Header().Set("Retry-After", retryAfter)
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(code)
		fmt.Fprintf(w, `{"error":"status %d"}`, code)
	}
}

// testConfig is a 5 s baseline at 40 events/s in fast mode (replay with
// "-replay" among extra), in batches of 50.
func testConfig(endpoint string, extra ...string) *config {
	mode := "-fast"
	if slices.Contains(extra, "-replay") {
		mode = "-replay"
	}
	args := append([]string{"-endpoint", endpoint, mode, "-scenario", "baseline", "-duration", "5s",
		"-rate", "40", "-batch", "50", "-seed", "7"}, extra...)
	c, err := parseFlags(args, io.Discard)
	if err != nil {
		panic(err)
	}
	return c
}

func runWith(t *testing.T, ctx context.Context, c *config, clk Clock) (Summary, *Sender) {
	t.Helper()
	s := newSender(c, io.Discard)
	s.Clock = clk
	t.Cleanup(s.Close)
	return run(ctx, c, newEncoder(c), s, clk, io.Discard), s
}

// mockForgeSeqs decodes a JSON array body and returns its events'
// chaosgen.seq numbers and timestamps.
func mockForgeSeqs(t *testing.T, body []byte) (seqs []int, times []time.Time) {
	t.Helper()
	var objs []struct {
		Timestamp string            `json:"timestamp"`
		Metadata  map[string]string `json:"metadata"`
	}
	if err := json.Unmarshal(body, &objs); err != nil {
		t.Fatalf("body is not a JSON array: %v", err)
	}
	for _, o := range objs {
		n, err := strconv.Atoi(o.Metadata[SeqKey])
		if err != nil {
			t.Fatalf("event without %s: %+v", SeqKey, o)
		}
		ts, err := time.Parse(time.RFC3339Nano, o.Timestamp)
		if err != nil {
			t.Fatal(err)
		}
		seqs = append(seqs, n)
		times = append(times, ts)
	}
	return seqs, times
}

// TestSendRetriesAfter503 is the end-to-end check: the first request gets
// 503 with Retry-After: 1, the rest 200; the batch is resent after a 1 s
// wait and every event arrives exactly once.
func TestSendRetriesAfter503(t *testing.T) {
	rec := &recorder{script: []func(http.ResponseWriter){status(http.StatusServiceUnavailable, "1")}}
	srv := httptest.NewServer(rec)
	defer srv.Close()

	clk := newFakeClock()
	c := testConfig(srv.URL, "-header", "X-Chaos-Test=yes")
	sum, _ := runWith(t, context.Background(), c, clk)

	bodies, reqs := rec.snapshot()
	if sum.Stopped != stopCompleted || sum.Retries != 1 || sum.Requests != len(bodies) || sum.Requests != sum.Batches+1 {
		t.Fatalf("summary %+v, server saw %d requests", sum, len(bodies))
	}
	if sleeps := clk.Sleeps(); len(sleeps) != 1 || sleeps[0] != time.Second {
		t.Errorf("waits %v, want one of 1s (Retry-After)", sleeps)
	}
	if !bytes.Equal(bodies[0], bodies[1]) {
		t.Error("the retry did not resend the refused batch")
	}
	for _, r := range reqs {
		if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/json" ||
			r.Header.Get("X-Chaos-Test") != "yes" || !strings.HasPrefix(r.Header.Get("User-Agent"), "chaosgen/") {
			t.Fatalf("request %s %v", r.Method, r.Header)
		}
	}
	seen := map[int]int{}
	var lo, hi time.Time
	for i, b := range bodies[1:] { // bodies[0] was refused
		seqs, times := mockForgeSeqs(t, b)
		if i < len(bodies)-2 && len(seqs) != c.batch {
			t.Errorf("request %d has %d events, want a full batch of %d", i+1, len(seqs), c.batch)
		}
		for j, s := range seqs {
			seen[s]++
			if lo.IsZero() || times[j].Before(lo) {
				lo = times[j]
			}
			if times[j].After(hi) {
				hi = times[j]
			}
		}
	}
	if len(seen) != sum.Generated || sum.Accepted != sum.Generated || sum.Rejected != 0 || sum.Unsent != 0 {
		t.Fatalf("%d distinct events arrived; summary %+v", len(seen), sum)
	}
	for s := 1; s <= sum.Generated; s++ {
		if seen[s] != 1 {
			t.Fatalf("event %d arrived %d times", s, seen[s])
		}
	}
	// Fast mode: simulated time ends at the (fake) now.
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	if !lo.Equal(now.Add(-5*time.Second)) || !hi.Equal(now) {
		t.Errorf("event times %s..%s, want %s..%s", lo, hi, now.Add(-5*time.Second), now)
	}
}

// TestSendGivesUp: a server that always answers 429 gets the batch
// MaxRetries+1 times, each retry after its Retry-After, then the batch
// counts as rejected.
func TestSendGivesUp(t *testing.T) {
	rec := &recorder{}
	for range 10 {
		rec.script = append(rec.script, status(http.StatusTooManyRequests, "2"))
	}
	srv := httptest.NewServer(rec)
	defer srv.Close()
	clk := newFakeClock()
	s := NewSender(srv.URL, time.Second)
	defer s.Close()
	s.Clock, s.MaxRetries = clk, 3
	err := s.Send(context.Background(), []byte(`[]`), contentTypeJSON, 10, -1)
	var be *BatchError
	if !errors.As(err, &be) || be.Status != http.StatusTooManyRequests {
		t.Fatalf("err %v", err)
	}
	if s.Stats.Requests != 4 || s.Stats.Retries != 3 || s.Stats.Sent != 10 || s.Stats.Rejected != 10 ||
		s.Stats.Accepted != 0 || s.Stats.Status["429"] != 4 {
		t.Errorf("stats %+v", s.Stats)
	}
	if sl := clk.Sleeps(); len(sl) != 3 || sl[0] != 2*time.Second || sl[2] != 2*time.Second {
		t.Errorf("waits %v", sl)
	}
}

func TestSendNoRetry(t *testing.T) {
	for _, code := range []int{http.StatusBadRequest, http.StatusRequestEntityTooLarge, http.StatusUnsupportedMediaType, http.StatusNotFound} {
		rec := &recorder{script: []func(http.ResponseWriter){status(code, "1")}}
		srv := httptest.NewServer(rec)
		clk := newFakeClock()
		s := NewSender(srv.URL, time.Second)
		s.Clock = clk
		err := s.Send(context.Background(), []byte(`[]`), contentTypeJSON, 3, -1)
		var be *BatchError
		if !errors.As(err, &be) || be.Status != code || s.Stats.Requests != 1 || s.Stats.Rejected != 3 ||
			!strings.Contains(be.Error(), "status") || len(clk.Sleeps()) != 0 {
			t.Errorf("%d: err %v stats %+v", code, err, s.Stats)
		}
		s.Close()
		srv.Close()
	}
}

// TestSendBackoff: 502/504 and network errors are retried after an
// exponential backoff; a 503 without Retry-After too.
func TestSendBackoff(t *testing.T) {
	rec := &recorder{script: []func(http.ResponseWriter){
		status(http.StatusBadGateway, ""), status(http.StatusServiceUnavailable, "soon"), status(http.StatusGatewayTimeout, ""),
	}}
	srv := httptest.NewServer(rec)
	defer srv.Close()
	clk := newFakeClock()
	s := NewSender(srv.URL, time.Second)
	defer s.Close()
	s.Clock = clk
	if err := s.Send(context.Background(), []byte(`[]`), contentTypeJSON, 1, -1); err != nil {
		t.Fatal(err)
	}
	want := []time.Duration{250 * time.Millisecond, 500 * time.Millisecond, time.Second}
	if sl := clk.Sleeps(); fmt.Sprint(sl) != fmt.Sprint(want) || s.Stats.Accepted != 1 {
		t.Errorf("waits %v, want %v; stats %+v", sl, want, s.Stats)
	}

	// Nothing listens any more: network errors, retried, then given up.
	srv.Close()
	s2 := NewSender(srv.URL, time.Second)
	defer s2.Close()
	clk2 := newFakeClock()
	s2.Clock, s2.MaxRetries = clk2, 2
	err := s2.Send(context.Background(), []byte(`[]`), contentTypeJSON, 4, -1)
	var be *BatchError
	if !errors.As(err, &be) || be.Status != 0 || s2.Stats.NetErrors != 3 || s2.Stats.Rejected != 4 || len(clk2.Sleeps()) != 2 {
		t.Errorf("err %v stats %+v", err, s2.Stats)
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	for in, want := range map[string]time.Duration{
		"":                              -1,
		"1":                             time.Second,
		" 120 ":                         2 * time.Minute,
		"-3":                            -1,
		"soon":                          -1,
		"Mon, 23 Nov 2026 12:00:05 GMT": 5 * time.Second,
		"Mon, 23 Nov 2026 11:00:00 GMT": 0,
	} {
		if got := parseRetryAfter(in, now); got != want {
			t.Errorf("parseRetryAfter(%q) = %v, want %v", in, got, want)
		}
	}
	// A huge Retry-After is capped.
	rec := &recorder{script: []func(http.ResponseWriter){status(http.StatusServiceUnavailable, "86400")}}
	srv := httptest.NewServer(rec)
	defer srv.Close()
	clk := newFakeClock()
	s := NewSender(srv.URL, time.Second)
	defer s.Close()
	s.Clock, s.MaxRetryWait = clk, 3*time.Second
	if err := s.Send(context.Background(), []byte(`[]`), contentTypeJSON, 1, -1); err != nil {
		t.Fatal(err)
	}
	if sl := clk.Sleeps(); len(sl) != 1 || sl[0] != 3*time.Second {
		t.Errorf("waits %v, want [3s]", sl)
	}
}

func TestRunMaxRequests(t *testing.T) {
	rec := &recorder{}
	srv := httptest.NewServer(rec)
	defer srv.Close()
	c := testConfig(srv.URL, "-max-requests", "2", "-batch", "10")
	sum, _ := runWith(t, context.Background(), c, newFakeClock())
	bodies, _ := rec.snapshot()
	if sum.Stopped != stopMaxRequests || len(bodies) != 2 || sum.Requests != 2 || sum.Accepted != 20 ||
		sum.Unsent != sum.Generated-20 || !sum.OK() {
		t.Errorf("summary %+v, %d requests", sum, len(bodies))
	}
}

func TestRunStopsWhenFailing(t *testing.T) {
	rec := &recorder{}
	for range 100 {
		rec.script = append(rec.script, status(http.StatusBadRequest, ""))
	}
	srv := httptest.NewServer(rec)
	defer srv.Close()
	c := testConfig(srv.URL, "-max-failures", "3", "-batch", "10")
	sum, _ := runWith(t, context.Background(), c, newFakeClock())
	if sum.Stopped != stopFailing || sum.Requests != 3 || sum.Rejected != 30 || sum.OK() {
		t.Errorf("summary %+v", sum)
	}
}

// TestRunInterrupted: on cancellation the run stops, and its last request
// carries the current experiment's "aborted" event; nothing is sent twice.
func TestRunInterrupted(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	rec := &recorder{onReq: func(n int) {
		if n == 2 {
			cancel()
		}
	}}
	srv := httptest.NewServer(rec)
	defer srv.Close()
	c := testConfig(srv.URL, "-batch", "20")
	sum, _ := runWith(t, ctx, c, newFakeClock())
	if sum.Stopped != stopInterrupted {
		t.Fatalf("summary %+v", sum)
	}
	bodies, _ := rec.snapshot()
	seen := map[int]bool{}
	for _, b := range bodies {
		seqs, _ := mockForgeSeqs(t, b)
		for _, s := range seqs {
			if seen[s] {
				t.Fatalf("event %d sent twice", s)
			}
			seen[s] = true
		}
	}
	var last []map[string]any
	if err := json.Unmarshal(bodies[len(bodies)-1], &last); err != nil {
		t.Fatal(err)
	}
	ab := last[len(last)-1]
	if ab["kind"] != chaosconv.KindExperiment.String() || ab["phase"] != chaosconv.PhaseAborted || ab["experiment"] != "baseline" {
		t.Errorf("last event %v, want the experiment aborted", ab)
	}
}

// TestRunReplay paces the events on the (fake) wall clock: no event is
// sent before its time, and a partial batch waits at most a second.
func TestRunReplay(t *testing.T) {
	clk := newFakeClock()
	began := clk.Now()
	var mu sync.Mutex
	var sentAt []time.Time
	rec := &recorder{onReq: func(int) {
		mu.Lock()
		defer mu.Unlock()
		sentAt = append(sentAt, clk.Now())
	}}
	srv := httptest.NewServer(rec)
	defer srv.Close()
	c := testConfig(srv.URL, "-replay", "-duration", "3s", "-rate", "10")
	sum, _ := runWith(t, context.Background(), c, clk)
	if sum.Stopped != stopCompleted || sum.Mode != "replay" || sum.Accepted != sum.Generated || sum.Requests < 3 {
		t.Errorf("summary %+v", sum)
	}
	bodies, _ := rec.snapshot()
	mu.Lock()
	defer mu.Unlock()
	for i, b := range bodies {
		_, times := mockForgeSeqs(t, b)
		for _, ts := range times {
			if ts.After(sentAt[i]) {
				t.Fatalf("request %d: event at %s sent early, at %s", i, ts, sentAt[i])
			}
			if sentAt[i].Sub(ts) > flushInterval+DefaultTick {
				t.Fatalf("request %d: event at %s held back too long (sent at %s)", i, ts, sentAt[i])
			}
		}
	}
	if end := clk.Now(); end.Sub(began) != 3*time.Second {
		t.Errorf("replay took %s of clock time, want 3s", end.Sub(began))
	}
	if sum.EventTimeStart != FormatTimestamp(began.UnixNano()) {
		t.Errorf("event time starts %s, want %s", sum.EventTimeStart, FormatTimestamp(began.UnixNano()))
	}
}

func TestRunNDJSON(t *testing.T) {
	rec := &recorder{}
	srv := httptest.NewServer(rec)
	defer srv.Close()
	c := testConfig(srv.URL, "-format", "ndjson")
	sum, _ := runWith(t, context.Background(), c, newFakeClock())
	bodies, reqs := rec.snapshot()
	n := 0
	for i, b := range bodies {
		if ct := reqs[i].Header.Get("Content-Type"); ct != "application/x-ndjson" {
			t.Fatalf("Content-Type %q", ct)
		}
		for _, line := range strings.Split(strings.TrimSuffix(string(b), "\n"), "\n") {
			var m map[string]any
			if err := json.Unmarshal([]byte(line), &m); err != nil {
				t.Fatalf("line %q: %v", line, err)
			}
			n++
		}
	}
	if n != sum.Generated || sum.Accepted != n {
		t.Errorf("%d events received; summary %+v", n, sum)
	}
}
