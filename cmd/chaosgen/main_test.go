package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// fakeClock advances only when slept on: retries and replay pacing cost
// no real time and every time value of a run is deterministic.
type fakeClock struct {
	mu     sync.Mutex
	now    time.Time
	sleeps []time.Duration
}

func newFakeClock() *fakeClock {
	return &fakeClock{now: time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)}
}

func (f *fakeClock) Now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.now
}

func (f *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.sleeps = append(f.sleeps, d)
	f.now = f.now.Add(max(d, 0))
	return nil
}

func (f *fakeClock) Sleeps() []time.Duration {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]time.Duration(nil), f.sleeps...)
}

func mustParse(t *testing.T, args ...string) *config {
	t.Helper()
	c, err := parseFlags(args, io.Discard)
	if err != nil {
		t.Fatalf("parseFlags(%q): %v", args, err)
	}
	return c
}

func TestParseFlagsDefaults(t *testing.T) {
	c := mustParse(t)
	if c.endpoint != defaultChaosEndpoint || c.format != formatMockForge || c.rate != 50 ||
		c.duration != 30*time.Second || c.batch != 100 || c.fast || c.service != "chaosgen" ||
		c.timeout != 10*time.Second || c.maxRequests != 0 {
		t.Errorf("defaults: %+v", c)
	}
	if strings.Join(c.scenarios, ",") != strings.Join(Scenarios, ",") {
		t.Errorf("default scenarios = %v, want all", c.scenarios)
	}
}

func TestParseFlags(t *testing.T) {
	c := mustParse(t, "-format", "otlp")
	if c.endpoint != defaultOTLPEndpoint || c.otlpJSON {
		t.Errorf("-format otlp: endpoint %q json %v", c.endpoint, c.otlpJSON)
	}
	c = mustParse(t, "-otlp-json")
	if c.format != formatOTLP || !c.otlpJSON || c.endpoint != defaultOTLPEndpoint {
		t.Errorf("-otlp-json: %+v", c)
	}
	c = mustParse(t, "-fast", "-scenario", "spike, silence", "-header", "X-A=1", "-header", "Authorization=Bearer x=y",
		"-endpoint", "http://localhost:9/x", "-seed", "42", "-max-requests", "3")
	if !c.fast || strings.Join(c.scenarios, ",") != "spike,silence" || c.seed != 42 || c.maxRequests != 3 ||
		c.endpoint != "http://localhost:9/x" {
		t.Errorf("flags: %+v", c)
	}
	if got := c.headers.String(); got != "X-A=1,Authorization=Bearer x=y" {
		t.Errorf("headers = %q", got)
	}
	if c = mustParse(t, "-replay=false"); !c.fast {
		t.Error("-replay=false should select simulated time")
	}

	for _, bad := range [][]string{
		{"-format", "xml"},
		{"-format", "ndjson", "-otlp-json"},
		{"-fast", "-replay"},
		{"-scenario", "chaos-monkey"},
		{"-scenario", ","},
		{"-rate", "-1"},
		{"-duration", "0s"},
		{"-batch", "0"},
		{"-timeout", "0s"},
		{"-header", "novalue"},
		{"-endpoint", "ftp://x/y"},
		{"-endpoint", "127.0.0.1:4320"},
		{"-probe-interval", "0s"},
		{"extra"},
	} {
		if _, err := parseFlags(bad, io.Discard); err == nil {
			t.Errorf("parseFlags(%q): want an error", bad)
		}
	}
	if _, err := parseFlags([]string{"-h"}, io.Discard); !errors.Is(err, flag.ErrHelp) {
		t.Errorf("-h: %v", err)
	}
}

// TestRealMain runs the command end to end (wall clock, fast mode) and
// reads its JSON summary.
func TestRealMain(t *testing.T) {
	var mu sync.Mutex
	events := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var batch []json.RawMessage
		if err := json.NewDecoder(r.Body).Decode(&batch); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		mu.Lock()
		events += len(batch)
		mu.Unlock()
	}))
	defer srv.Close()

	var stdout, stderr bytes.Buffer
	code := realMain(context.Background(), []string{"-endpoint", srv.URL, "-fast", "-scenario", "baseline,spike",
		"-duration", "3s", "-rate", "20", "-json-summary"}, &stdout, &stderr)
	if code != 0 {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr.String())
	}
	var sum Summary
	if err := json.Unmarshal(stdout.Bytes(), &sum); err != nil {
		t.Fatalf("summary %q: %v", stdout.String(), err)
	}
	mu.Lock()
	defer mu.Unlock()
	if sum.Stopped != stopCompleted || sum.Accepted != events || sum.Generated != events || sum.Rejected != 0 {
		t.Errorf("summary %+v, server saw %d events", sum, events)
	}
	if !strings.Contains(stderr.String(), "chaosgen: stopped=completed mode=fast") {
		t.Errorf("no summary line in stderr:\n%s", stderr.String())
	}

	if code := realMain(context.Background(), []string{"-format", "bogus"}, &stdout, io.Discard); code != 2 {
		t.Errorf("bad flag: exit %d, want 2", code)
	}
}
