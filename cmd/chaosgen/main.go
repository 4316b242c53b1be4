// Command chaosgen sends realistic chaos-engineering traffic (MockForge
// ChaosEvent JSON, NDJSON, or OTLP logs that follow the project's semantic
// conventions) to the chaos receiver or to an OTLP/HTTP endpoint, scenario
// by scenario, in real time or as a fast replay. See README.md.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net/url"
	"os"
	"os/signal"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/otelcol-chaos/otelcol-chaos/internal/chaosconv"
)

// Output formats (flag -format).
const (
	formatMockForge = "mockforge"
	formatNDJSON    = "ndjson"
	formatOTLP      = "otlp"
)

// Default endpoints.
const (
	defaultChaosEndpoint = "http://127.0.0.1:4320/v1/chaos/events"
	defaultOTLPEndpoint  = "http://127.0.0.1:4318/v1/logs"
)

// SeqKey is the metadata key carrying each event's sequence number in the
// run (1, 2, …), so a receiving end can check that nothing was lost or
// duplicated.
const SeqKey = "chaosgen.seq"

// Why a run stopped (summary field "stopped").
const (
	stopCompleted   = "completed"
	stopMaxRequests = "max-requests"
	stopInterrupted = "interrupted"
	stopDeadline    = "deadline"
	stopFailing     = "failing"
	stopEncodeError = "encode-error"
)

const (
	// flushInterval bounds how long replay mode holds events back to fill
	// a batch.
	flushInterval = time.Second
	// finalFlushTimeout bounds the last request after an interruption.
	finalFlushTimeout = 2 * time.Second
	// drainGrace is the time replay mode allows, beyond the scenarios'
	// duration and the request timeout, to deliver what is left.
	drainGrace = 5 * time.Second
)

var errDeadline = errors.New("run deadline reached")

type config struct {
	endpoint      string
	format        string
	otlpJSON      bool
	strict        bool
	rate          float64
	duration      time.Duration
	batch         int
	seed          uint64
	service       string
	source        string
	fast          bool
	maxRequests   int
	headers       headerFlag
	timeout       time.Duration
	retries       int
	maxRetryWait  time.Duration
	maxFailures   int
	probeInterval time.Duration
	scenarios     []string
	segments      []Segment // scenarios with their lengths (gameday expanded)
	jsonSummary   bool

	// -spans: OTLP server spans of the services under test (spans.go).
	spans         bool
	spansEndpoint string
	spanRate      float64
	spanSampler   *SpanSampler // -span-sampling (nil: none)
}

// headerFlag is a repeatable -header k=v.
type headerFlag [][2]string

func (h *headerFlag) String() string {
	parts := make([]string, len(*h))
	for i, kv := range *h {
		parts[i] = kv[0] + "=" + kv[1]
	}
	return strings.Join(parts, ",")
}

func (h *headerFlag) Set(v string) error {
	k, val, ok := strings.Cut(v, "=")
	k = strings.TrimSpace(k)
	if !ok || k == "" {
		return fmt.Errorf("want key=value, got %q", v)
	}
	*h = append(*h, [2]string{k, val})
	return nil
}

func parseFlags(args []string, stderr io.Writer) (*config, error) {
	c := &config{}
	fs := flag.NewFlagSet("chaosgen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: chaosgen [flags]\n\nSends chaos scenarios (%s) to the chaos receiver or an OTLP/HTTP endpoint.\n\nFlags:\n", strings.Join(Scenarios, ", "))
		fs.PrintDefaults()
	}
	fs.StringVar(&c.endpoint, "endpoint", "", "URL to POST to (default "+defaultChaosEndpoint+", or "+defaultOTLPEndpoint+" with -format otlp)")
	fs.StringVar(&c.format, "format", formatMockForge, "body format: mockforge (JSON array), ndjson, or otlp")
	fs.BoolVar(&c.otlpJSON, "otlp-json", false, "send OTLP as JSON instead of protobuf (implies -format otlp)")
	fs.BoolVar(&c.strict, "mockforge-strict", false, "MockForge objects carry only timestamp, event_type and metadata (service, scenario and source go into metadata)")
	fs.Float64Var(&c.rate, "rate", 50, "base rate of chaos events per second (scenarios scale it; probes come on top)")
	fs.DurationVar(&c.duration, "duration", 30*time.Second, "duration of each scenario (gameday's phases have their own)")
	fs.IntVar(&c.batch, "batch", 100, "events per request")
	fs.Uint64Var(&c.seed, "seed", 1, "random seed: the same seed generates the same events")
	fs.StringVar(&c.service, "service", "chaosgen", "service.name of events that concern no service (experiment and transition events); the others carry their own")
	fs.StringVar(&c.source, "source", "chaosgen", "chaos.source of every event (empty: none)")
	replay := fs.Bool("replay", true, "event time = wall clock: send each event when it happens")
	fs.BoolVar(&c.fast, "fast", false, "simulated time: events from now minus the total duration up to now, sent as fast as the server allows")
	fs.IntVar(&c.maxRequests, "max-requests", 0, "stop after this many HTTP requests, retries included (0: no bound)")
	fs.Var(&c.headers, "header", "extra request header key=value (repeatable)")
	fs.DurationVar(&c.timeout, "timeout", 10*time.Second, "timeout of one HTTP request")
	fs.IntVar(&c.retries, "retries", 5, "retries of a batch on 429/502/503/504 or a network error")
	fs.DurationVar(&c.maxRetryWait, "max-retry-wait", defaultRetryWait, "longest wait before a retry, whatever Retry-After says")
	fs.IntVar(&c.maxFailures, "max-failures", 5, "stop after this many consecutive batches were not accepted (0: never)")
	fs.DurationVar(&c.probeInterval, "probe-interval", DefaultProbeInterval, "period of each service's steady-state probe (negative: no probes)")
	scen := fs.String("scenario", "all", "scenario, comma list run in sequence, all, or gameday (a calm baseline, a storm, recovery: "+
		"about an hour of event time, for -fast): "+strings.Join(Scenarios, ", "))
	fs.BoolVar(&c.jsonSummary, "json-summary", false, "print a JSON summary on stdout at the end")
	fs.BoolVar(&c.spans, "spans", false, "also send OTLP server spans of the services under test, whose latency and errors follow the injections (README, Spans)")
	fs.StringVar(&c.spansEndpoint, "spans-endpoint", DefaultSpansEndpoint, "OTLP/HTTP traces URL of -spans (protobuf)")
	fs.Float64Var(&c.spanRate, "span-rate", DefaultSpanRate, "requests (spans) per second of -spans, all endpoints together")
	fs.Func("span-sampling", "sample -spans with this probability in [2^-56, 1] (consistent probability sampling: kept spans carry tracestate ot=th:<hex>; only they are sent; default: no sampling, no tracestate)",
		func(v string) (err error) {
			c.spanSampler, err = ParseSpanSampler(v)
			return err
		})
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })

	var err error
	if c.scenarios, err = ParseScenarios(*scen); err != nil {
		return nil, err
	}
	if set["duration"] && slices.Contains(c.scenarios, ScenarioGameday) {
		return nil, errors.New("-duration does not apply to gameday, whose phases have lengths of their own (see README, Scenarios)")
	}
	c.segments = segments(c.scenarios, c.duration)
	if c.otlpJSON {
		if set["format"] && c.format != formatOTLP {
			return nil, fmt.Errorf("-otlp-json needs -format otlp, got -format %s", c.format)
		}
		c.format = formatOTLP
	}
	switch c.format {
	case formatMockForge, formatNDJSON, formatOTLP:
	default:
		return nil, fmt.Errorf("unknown -format %q: want mockforge, ndjson or otlp", c.format)
	}
	if c.fast && set["replay"] && *replay {
		return nil, errors.New("-fast and -replay exclude each other")
	}
	if !*replay && !c.fast {
		c.fast = true // -replay=false means simulated time
	}
	if c.endpoint == "" {
		c.endpoint = defaultChaosEndpoint
		if c.format == formatOTLP {
			c.endpoint = defaultOTLPEndpoint
		}
	}
	if u, perr := url.Parse(c.endpoint); perr != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("-endpoint must be an http(s) URL, got %q", c.endpoint)
	}
	switch {
	case c.rate < 0 || math.IsNaN(c.rate) || math.IsInf(c.rate, 0):
		return nil, fmt.Errorf("-rate must be a non-negative number, got %v", c.rate)
	case c.duration <= 0:
		return nil, fmt.Errorf("-duration must be positive, got %s", c.duration)
	case c.batch < 1:
		return nil, fmt.Errorf("-batch must be at least 1, got %d", c.batch)
	case c.timeout <= 0:
		return nil, fmt.Errorf("-timeout must be positive, got %s", c.timeout)
	case c.retries < 0:
		return nil, fmt.Errorf("-retries must not be negative, got %d", c.retries)
	case c.maxRequests < 0:
		return nil, fmt.Errorf("-max-requests must not be negative, got %d", c.maxRequests)
	case c.maxFailures < 0:
		return nil, fmt.Errorf("-max-failures must not be negative, got %d", c.maxFailures)
	case c.maxRetryWait <= 0:
		return nil, fmt.Errorf("-max-retry-wait must be positive, got %s", c.maxRetryWait)
	}
	if c.probeInterval == 0 {
		return nil, errors.New("-probe-interval must not be 0 (negative disables probes)")
	}
	if err := checkSpanFlags(c, set); err != nil {
		return nil, err
	}
	return c, nil
}

// checkSpanFlags checks the flags of -spans.
func checkSpanFlags(c *config, set map[string]bool) error {
	if !c.spans {
		if set["spans-endpoint"] || set["span-rate"] || set["span-sampling"] {
			return errSpanFlags
		}
		return nil
	}
	if u, err := url.Parse(c.spansEndpoint); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("-spans-endpoint must be an http(s) URL, got %q", c.spansEndpoint)
	}
	if c.spanRate < 0 || math.IsNaN(c.spanRate) || math.IsInf(c.spanRate, 0) {
		return fmt.Errorf("-span-rate must be a non-negative number, got %v", c.spanRate)
	}
	return nil
}

// encoder turns a batch into a request body.
type encoder interface {
	Encode(evs []GenEvent, now time.Time) ([]byte, error)
	ContentType() string
}

func newEncoder(c *config) encoder {
	switch c.format {
	case formatOTLP:
		return OTLPEncoder{JSON: c.otlpJSON, DefaultService: c.service}
	case formatNDJSON:
		return MockForgeEncoder{NDJSON: true, Strict: c.strict, DefaultService: c.service}
	}
	return MockForgeEncoder{Strict: c.strict, DefaultService: c.service}
}

func newSender(c *config, log io.Writer) *Sender {
	s := NewSender(c.endpoint, c.timeout)
	s.MaxRetries = c.retries
	s.MaxRequests = c.maxRequests
	s.MaxRetryWait = c.maxRetryWait
	s.Log = log
	for _, kv := range c.headers {
		s.Header.Add(kv[0], kv[1])
	}
	if c.format == formatOTLP {
		s.PartialRejected = OTLPEncoder{}.PartialRejected
	}
	return s
}

// newSpanSender is the sender of -spans: the same headers, timeout and
// retries as the events' sender, its own endpoint.
func newSpanSender(c *config, log io.Writer) *Sender {
	s := NewSender(c.spansEndpoint, c.timeout)
	s.MaxRetries = c.retries
	s.MaxRequests = c.maxRequests
	s.MaxRetryWait = c.maxRetryWait
	s.Log = log
	for _, kv := range c.headers {
		s.Header.Add(kv[0], kv[1])
	}
	s.PartialRejected = tracesPartialRejected
	s.Items = "spans"
	return s
}

// SpanSummary is what -spans did (Summary.Spans).
type SpanSummary struct {
	Endpoint string  `json:"endpoint"`
	Rate     float64 `json:"rate"`
	// Sampling is -span-sampling's probability, when given.
	Sampling float64 `json:"sampling,omitempty"`
	// Generated spans, then those kept by -span-sampling (all of them
	// without it), and the kept ones that were not sent.
	Generated int `json:"generated"`
	Sampled   int `json:"sampled"`
	Unsent    int `json:"unsent"`
	Stats
}

// Summary is the result of a run (-json-summary prints it).
type Summary struct {
	Stopped        string   `json:"stopped"`
	Mode           string   `json:"mode"`
	Format         string   `json:"format"`
	Endpoint       string   `json:"endpoint"`
	Scenarios      []string `json:"scenarios"`
	Seed           uint64   `json:"seed"`
	EventTimeStart string   `json:"event_time_start"`
	EventTimeEnd   string   `json:"event_time_end"`
	Generated      int      `json:"generated"`
	Unsent         int      `json:"unsent"`
	Stats
	ElapsedSeconds  float64 `json:"elapsed_seconds"`
	EventsPerSecond float64 `json:"accepted_per_second"`
	// Spans is present with -spans.
	Spans *SpanSummary `json:"spans,omitempty"`
}

// Line is the one-line human summary.
func (s *Summary) Line() string {
	line := fmt.Sprintf("chaosgen: stopped=%s mode=%s format=%s scenarios=%s generated=%d sent=%d accepted=%d rejected=%d unsent=%d requests=%d retries=%d elapsed=%.3fs rate=%.1f/s",
		s.Stopped, s.Mode, s.Format, strings.Join(s.Scenarios, ","), s.Generated, s.Sent, s.Accepted,
		s.Rejected, s.Unsent, s.Requests, s.Retries, s.ElapsedSeconds, s.EventsPerSecond)
	if sp := s.Spans; sp != nil {
		line += fmt.Sprintf(" spans: generated=%d sampled=%d sent=%d accepted=%d rejected=%d unsent=%d requests=%d retries=%d",
			sp.Generated, sp.Sampled, sp.Sent, sp.Accepted, sp.Rejected, sp.Unsent, sp.Requests, sp.Retries)
	}
	return line
}

// OK reports whether the run should exit 0: nothing rejected and a
// normal stop (the end, the request budget, or an interruption).
func (s *Summary) OK() bool {
	switch s.Stopped {
	case stopCompleted, stopMaxRequests, stopInterrupted:
		return s.Rejected == 0 && (s.Spans == nil || s.Spans.Rejected == 0)
	}
	return false
}

// run generates the scenarios in sequence and sends them. It stops at the
// end of the last scenario, when the request budget is spent, when too many
// batches in a row failed, or when ctx is done; in replay mode it also stops
// at a wall-clock deadline (the scenarios' duration plus a grace period).
// On an interruption it sends what is pending and the current experiment's
// "aborted" event in one last short request.
//
// With -spans it also sends the spans of the span model (spans.go) to
// their own endpoint: each span once it has ended (in event time), in
// batches of -batch, through a second sender that shares -max-requests.
func run(ctx context.Context, c *config, enc encoder, s *Sender, clk Clock, logw io.Writer) Summary {
	began := clk.Now()
	total := total(c.segments)
	start := began
	mode := "replay"
	if c.fast {
		start = began.Add(-total)
		mode = "fast"
	}
	sum := Summary{
		Mode: mode, Format: c.format, Endpoint: c.endpoint, Scenarios: c.scenarios, Seed: c.seed,
		EventTimeStart: FormatTimestamp(start.UnixNano()), EventTimeEnd: FormatTimestamp(start.Add(total).UnixNano()),
	}
	if c.format == formatOTLP && c.otlpJSON {
		sum.Format = "otlp-json"
	}

	// The span model, its sampler and sender (nil without -spans).
	var (
		sm         *SpanModel
		sampler    *SpanSampler
		ss         *Sender
		traceState string
	)
	if c.spans {
		sm = NewSpanModel(c.spanRate, rand.New(rand.NewPCG(c.seed, spanStream)))
		sum.Spans = &SpanSummary{Endpoint: c.spansEndpoint, Rate: c.spanRate}
		if sampler = c.spanSampler; sampler != nil {
			traceState = sampler.TraceState
			sum.Spans.Sampling = sampler.P
		}
		ss = newSpanSender(c, logw)
		ss.Clock = s.Clock
		ss.Peer, s.Peer = s, ss // one -max-requests budget for both
		defer ss.Close()
	}

	// The replay deadline is on the real wall clock, whatever clk is: it
	// bounds the process, not the simulated run.
	runCtx := ctx
	if !c.fast {
		var cancel context.CancelFunc
		runCtx, cancel = context.WithDeadlineCause(ctx, time.Now().Add(total+c.timeout+drainGrace), errDeadline)
		defer cancel()
	}
	stopReason := func() string {
		if ctx.Err() != nil {
			return stopInterrupted
		}
		return stopDeadline
	}

	var (
		pending       []GenEvent
		seq           int
		failures      int
		spanFailures  int
		lastFlush     = clk.Now()
		lastSpanFlush = lastFlush
		stop          string
		cur           *Generator
		curDone       bool
		lastEnd       = start
		inflight      []GenSpan // sampled spans not yet ended
		spanPending   []GenSpan // ended spans not yet sent
	)
	tag := func(evs []GenEvent) {
		for i := range evs {
			seq++
			evs[i].Metadata = append(evs[i].Metadata, chaosconv.KV{Key: SeqKey, Value: strconv.Itoa(seq)})
		}
		sum.Generated += len(evs)
	}
	// post sends one body of n items through snd; consumed says whether
	// it was sent (accepted or not), so that it is not sent twice. fails
	// counts the sender's consecutive unaccepted batches.
	post := func(ctx context.Context, snd *Sender, fails *int, body []byte, contentType string, n, retries int) (reason string, consumed bool) {
		sentBefore := snd.Stats.Sent
		err := snd.Send(ctx, body, contentType, n, retries)
		consumed = snd.Stats.Sent != sentBefore
		var be *BatchError
		switch {
		case err == nil:
			*fails = 0
			return "", consumed
		case errors.Is(err, ErrMaxRequests):
			return stopMaxRequests, consumed
		case errors.As(err, &be):
			*fails++
			if c.maxFailures > 0 && *fails >= c.maxFailures {
				fmt.Fprintf(logw, "chaosgen: %d batches in a row not accepted by %s, stopping\n", *fails, snd.Endpoint)
				return stopFailing, consumed
			}
			return "", consumed
		}
		return stopReason(), consumed
	}
	send := func(ctx context.Context, batch []GenEvent, retries int) (reason string, consumed bool) {
		body, err := enc.Encode(batch, clk.Now())
		if err != nil {
			fmt.Fprintf(logw, "chaosgen: encode: %v\n", err)
			return stopEncodeError, false
		}
		reason, consumed = post(ctx, s, &failures, body, enc.ContentType(), len(batch), retries)
		lastFlush = clk.Now()
		return reason, consumed
	}
	sendSpans := func(ctx context.Context, batch []GenSpan, retries int) (reason string, consumed bool) {
		body, err := EncodeTraces(batch, traceState)
		if err != nil {
			fmt.Fprintf(logw, "chaosgen: encode spans: %v\n", err)
			return stopEncodeError, false
		}
		reason, consumed = post(ctx, ss, &spanFailures, body, contentTypeProtobuf, len(batch), retries)
		lastSpanFlush = clk.Now()
		return reason, consumed
	}
	// spans runs the span model over a tick and sends what is due.
	spans := func(t Tick) string {
		sm.Observe(t.Events)
		first := len(inflight)
		inflight = sm.Spans(inflight, t.Start, t.End)
		sum.Spans.Generated += len(inflight) - first
		if sampler != nil {
			kept := inflight[:first]
			for _, sp := range inflight[first:] {
				if sampler.Keep(&sp) {
					kept = append(kept, sp)
				}
			}
			inflight = kept
		}
		sum.Spans.Sampled += len(inflight) - first
		spanPending, inflight = releaseEnded(spanPending, inflight, t.End.UnixNano())
		for len(spanPending) >= c.batch {
			reason, consumed := sendSpans(runCtx, spanPending[:c.batch], -1)
			if consumed {
				spanPending = spanPending[c.batch:]
			}
			if reason != "" {
				return reason
			}
		}
		if !c.fast && len(spanPending) > 0 && clk.Now().Sub(lastSpanFlush) >= flushInterval {
			reason, consumed := sendSpans(runCtx, spanPending, -1)
			if consumed {
				spanPending = nil
			}
			return reason
		}
		return ""
	}

	segStart := start
outer:
	for i, seg := range c.segments {
		name := seg.Scenario
		prev := ""
		if i > 0 {
			prev = c.segments[i-1].Scenario
			segStart = segStart.Add(c.segments[i-1].Duration)
		}
		g, err := NewGenerator(GenOptions{
			Scenario: name, Start: segStart, Duration: seg.Duration,
			Rate: c.rate, ProbeInterval: c.probeInterval, Previous: prev, Source: c.source,
		}, rand.New(rand.NewPCG(c.seed, uint64(i))))
		if err != nil {
			fmt.Fprintf(logw, "chaosgen: %v\n", err)
			stop = stopEncodeError
			break
		}
		cur, curDone = g, false
		fmt.Fprintf(logw, "chaosgen: scenario %s (%d/%d), event time %s to %s\n", name, i+1, len(c.segments),
			FormatTimestamp(segStart.UnixNano()), FormatTimestamp(g.End().UnixNano()))
		for t, ok := g.Next(); ok; t, ok = g.Next() {
			if !c.fast {
				if err := clk.Sleep(runCtx, t.End.Sub(clk.Now())); err != nil {
					stop = stopReason()
					break outer
				}
			}
			if runCtx.Err() != nil {
				stop = stopReason()
				break outer
			}
			lastEnd = t.End
			tag(t.Events)
			pending = append(pending, t.Events...)
			curDone = t.Index == g.Ticks()-1
			for len(pending) >= c.batch {
				reason, consumed := send(runCtx, pending[:c.batch], -1)
				if consumed {
					pending = pending[c.batch:]
				}
				if reason != "" {
					stop = reason
					break outer
				}
			}
			if !c.fast && len(pending) > 0 && clk.Now().Sub(lastFlush) >= flushInterval {
				reason, consumed := send(runCtx, pending, -1)
				if consumed {
					pending = nil
				}
				if reason != "" {
					stop = reason
					break outer
				}
			}
			if sm != nil {
				if reason := spans(t); reason != "" {
					stop = reason
					break outer
				}
			}
		}
	}
	if stop == "" && len(pending) > 0 {
		reason, consumed := send(runCtx, pending, -1)
		if consumed {
			pending = nil
		}
		stop = reason
	}
	if stop == "" && sm != nil {
		// The end: the spans still running are sent too.
		spanPending, inflight = releaseEnded(spanPending, inflight, math.MaxInt64)
		for stop == "" && len(spanPending) > 0 {
			n := min(len(spanPending), c.batch)
			reason, consumed := sendSpans(runCtx, spanPending[:n], -1)
			if consumed {
				spanPending = spanPending[n:]
			}
			stop = reason
		}
	}
	if stop == "" {
		stop = stopCompleted
	}
	if stop == stopInterrupted && (len(pending) > 0 || (cur != nil && !curDone) || len(spanPending) > 0) {
		if cur != nil && !curDone {
			at := lastEnd
			if !c.fast {
				at = clk.Now()
			}
			ab := []GenEvent{cur.Abort(at)}
			tag(ab)
			pending = append(pending, ab...)
		}
		fctx, cancel := context.WithTimeout(context.Background(), finalFlushTimeout)
		if len(pending) > 0 {
			if _, consumed := send(fctx, pending, 0); consumed {
				pending = nil
			}
		}
		if len(spanPending) > 0 {
			if _, consumed := sendSpans(fctx, spanPending, 0); consumed {
				spanPending = nil
			}
		}
		cancel()
	}
	sum.Stopped = stop
	sum.Stats = s.Stats
	sum.Unsent = sum.Generated - sum.Sent
	sum.ElapsedSeconds = clk.Now().Sub(began).Seconds()
	if sum.ElapsedSeconds > 0 {
		sum.EventsPerSecond = math.Round(float64(sum.Accepted)/sum.ElapsedSeconds*10) / 10
	}
	if ss != nil {
		sum.Spans.Stats = ss.Stats
		sum.Spans.Unsent = sum.Spans.Sampled - ss.Stats.Sent
	}
	return sum
}

func realMain(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	c, err := parseFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "chaosgen: %v\n", err)
		return 2
	}
	s := newSender(c, stderr)
	defer s.Close()
	sum := run(ctx, c, newEncoder(c), s, wallClock{}, stderr)
	fmt.Fprintln(stderr, sum.Line())
	if c.jsonSummary {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		_ = enc.Encode(&sum)
	}
	if !sum.OK() {
		return 1
	}
	return 0
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := realMain(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
