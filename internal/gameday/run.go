package gameday

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"time"
)

// Options are what Run needs.
type Options struct {
	// Collector and Chaosgen are the built binaries.
	Collector, Chaosgen string
	// Config is the collector's configuration (the default one for `make
	// demo`), whose endpoints the URLs below must match.
	Config string
	// Log receives the collector's output (the debug exporter's records).
	Log *os.File
	// Events is the chaos receiver's events URL, Health its health URL.
	Events, Health string
	APIs           APIs
	// Settle bounds the wait for the collector to conclude the replay.
	Settle time.Duration
}

// ErrCollectorExited is returned when the collector stops before the end.
var ErrCollectorExited = errors.New("the collector exited")

// Run starts the collector, replays the game day into it in simulated
// time, waits until it has concluded the replay, reads the summary, and
// stops the collector.
func Run(ctx context.Context, o Options) (*Summary, error) {
	col := exec.CommandContext(ctx, o.Collector, "--config", o.Config)
	col.Stdout, col.Stderr = o.Log, o.Log
	col.Cancel = func() error { return col.Process.Signal(os.Interrupt) }
	col.WaitDelay = 15 * time.Second
	if err := col.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", o.Collector, err)
	}
	exited := make(chan error, 1)
	go func() { exited <- col.Wait() }()
	stop := func() error {
		_ = col.Process.Signal(os.Interrupt)
		select {
		case err := <-exited:
			return err
		case <-time.After(15 * time.Second):
			_ = col.Process.Kill()
			return <-exited
		}
	}
	s, err := drive(ctx, o, exited)
	if serr := stop(); err == nil && serr != nil {
		err = fmt.Errorf("stopping the collector: %w", serr)
	}
	return s, err
}

func drive(ctx context.Context, o Options, exited <-chan error) (*Summary, error) {
	if err := waitUp(ctx, o.APIs.Client, o.Health, exited); err != nil {
		return nil, err
	}
	from, to, err := replay(ctx, o)
	if err != nil {
		return nil, err
	}
	if err := settle(ctx, &o.APIs, to, o.Settle, exited); err != nil {
		return nil, err
	}
	s, err := Summarize(ctx, &o.APIs, from, to)
	if err != nil {
		return nil, err
	}
	s.Next = []Pointer{
		{"the dashboard (live page)", o.APIs.Dashboard + "/"},
		{"alerts and their history", o.APIs.Alerts + "/v1/alerts, /v1/alerts/history"},
		{"chaos metrics for Prometheus", "http://localhost:8889/metrics"},
		{"the collector's own telemetry", "http://localhost:8888/metrics"},
		{"every record this run printed", o.Log.Name()},
	}
	return s, nil
}

// waitUp waits for the chaos receiver to answer.
func waitUp(ctx context.Context, c *http.Client, health string, exited <-chan error) error {
	deadline := time.Now().Add(30 * time.Second)
	for {
		select {
		case err := <-exited:
			return fmt.Errorf("%w before it was up (%v): see the log", ErrCollectorExited, err)
		default:
		}
		if resp, err := c.Get(health); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("the collector did not answer %s within 30s", health)
		}
		if err := sleep(ctx, 100*time.Millisecond); err != nil {
			return err
		}
	}
}

// replay runs chaosgen's game day in simulated time and returns the event
// time it covered.
func replay(ctx context.Context, o Options) (from, to time.Time, err error) {
	cmd := exec.CommandContext(ctx, o.Chaosgen, "-fast", "-scenario", "gameday", "-json-summary", "-endpoint", o.Events)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return from, to, fmt.Errorf("chaosgen: %w: %s", err, stderr.String())
	}
	var sum struct {
		Stopped        string `json:"stopped"`
		EventTimeStart string `json:"event_time_start"`
		EventTimeEnd   string `json:"event_time_end"`
		Generated      int    `json:"generated"`
		Accepted       int    `json:"accepted"`
	}
	if err := json.Unmarshal(stdout.Bytes(), &sum); err != nil {
		return from, to, fmt.Errorf("chaosgen's summary: %w: %s", err, stdout.String())
	}
	if sum.Stopped != "completed" || sum.Accepted != sum.Generated {
		return from, to, fmt.Errorf("chaosgen stopped %s with %d of %d events accepted: %s", sum.Stopped, sum.Accepted,
			sum.Generated, stderr.String())
	}
	if from, err = time.Parse(time.RFC3339Nano, sum.EventTimeStart); err == nil {
		to, err = time.Parse(time.RFC3339Nano, sum.EventTimeEnd)
	}
	return from, to, err
}

// settle waits until the dashboard holds the replay's buckets up to its
// end (its last minute closes when the analytics processor's idle_flush
// has passed: 30 s in the default configuration) and the anomalies and
// alerts have stopped changing: the collector has concluded the replay.
func settle(ctx context.Context, a *APIs, to time.Time, bound time.Duration, exited <-chan error) error {
	deadline := time.Now().Add(bound)
	want := to
	last, stable := "", 0
	for {
		select {
		case err := <-exited:
			return fmt.Errorf("%w during the replay (%v): see the log", ErrCollectorExited, err)
		default:
		}
		asOf, err := a.asOf(ctx)
		if err == nil && !asOf.Before(want) {
			state, serr := a.state(ctx)
			if serr == nil && state == last {
				if stable++; stable >= 2 {
					return nil
				}
			} else {
				last, stable = state, 0
			}
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("the collector had not concluded the replay after %s (buckets up to %s, want %s)",
				bound, asOf.UTC().Format(time.RFC3339), want.UTC().Format(time.RFC3339))
		}
		if err := sleep(ctx, 500*time.Millisecond); err != nil {
			return err
		}
	}
}

// state is a fingerprint of the anomalies and alert transitions held.
func (a *APIs) state(ctx context.Context) (string, error) {
	var an, h json.RawMessage
	if err := a.get(ctx, a.Dashboard, "/api/v1/anomalies", map[string][]string{"state": {"all"}}, &an); err != nil {
		return "", err
	}
	if err := a.get(ctx, a.Alerts, "/v1/alerts/history", map[string][]string{"limit": {"0"}}, &h); err != nil {
		return "", err
	}
	return string(an) + string(h), nil
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
