package toxiproxyreceiver // import "github.com/otelcol-chaos/otelcol-chaos/receiver/toxiproxyreceiver"

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/receiver"
	"go.opentelemetry.io/collector/receiver/receiverhelper"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	"go.uber.org/zap"

	"github.com/otelcol-chaos/otelcol-chaos/internal/chaosconv"
	"github.com/otelcol-chaos/otelcol-chaos/internal/periodic"
	"github.com/otelcol-chaos/otelcol-chaos/receiver/toxiproxyreceiver/internal/metadata"
)

const (
	// transport is the obsreport transport label.
	transport = "http"
	// format is the obsreport format label.
	format = "toxiproxy"
	// proxiesPath is toxiproxy's route listing every proxy with its toxics.
	proxiesPath = "/proxies"
	// userAgent names the receiver; toxiproxy refuses browsers' agents.
	userAgent = "otelcol-chaos"
	// maxBody bounds the GET /proxies answer read.
	maxBody = 64 << 20
)

// Values of the telemetry attributes (metadata.yaml's enums).
const (
	outcomeOK              = "ok"
	outcomeUnreachable     = "unreachable"
	outcomeBadStatus       = "bad_status"
	outcomeBadResponse     = "bad_response"
	outcomePipelineRefused = "pipeline_refused"

	reasonUnknownType = "unknown_type"
	reasonInvalid     = "invalid"
)

// Telemetry attribute keys (metadata.yaml's attributes).
const (
	attrOutcome = "outcome"
	attrChange  = "change"
	attrReason  = "reason"
)

// Poll errors, by outcome.
var (
	errUnreachable = errors.New("toxiproxy API unreachable")
	errBadStatus   = errors.New("toxiproxy API answered an error status")
	errBadResponse = errors.New("toxiproxy API answer is not a proxy list")
)

// toxiproxyReceiver polls a toxiproxy server's GET /proxies and turns
// every toxic added, changed or removed since the previous successful poll
// into chaos.event records.
type toxiproxyReceiver struct {
	cfg       *Config
	settings  receiver.Settings
	next      consumer.Logs
	obsrep    *receiverhelper.ObsReport
	telemetry *metadata.TelemetryBuilder
	now       func() time.Time // injected in tests: the events' time
	url       string

	client *http.Client // nil until Start

	// Touched only by the polling goroutine (tests call poll directly).
	prev        snapshot
	warnedTypes map[string]bool
	failing     bool

	cancel   context.CancelFunc
	stop     chan struct{}
	stopOnce sync.Once
	wg       sync.WaitGroup
}

func newReceiver(cfg *Config, set receiver.Settings, next consumer.Logs) (*toxiproxyReceiver, error) {
	obsrep, err := receiverhelper.NewObsReport(receiverhelper.ObsReportSettings{
		ReceiverID:             set.ID,
		Transport:              transport,
		ReceiverCreateSettings: set,
	})
	if err != nil {
		return nil, err
	}
	tb, err := metadata.NewTelemetryBuilder(set.TelemetrySettings)
	if err != nil {
		return nil, err
	}
	return &toxiproxyReceiver{
		cfg:         cfg,
		settings:    set,
		next:        next,
		obsrep:      obsrep,
		telemetry:   tb,
		now:         time.Now,
		url:         strings.TrimRight(strings.TrimSpace(cfg.ClientConfig.Endpoint), "/") + proxiesPath,
		prev:        snapshot{},
		warnedTypes: map[string]bool{},
		stop:        make(chan struct{}),
	}, nil
}

// Start builds the HTTP client and polls at once, then every
// poll_interval, in one goroutine.
func (r *toxiproxyReceiver) Start(ctx context.Context, host component.Host) error {
	client, err := r.cfg.ClientConfig.ToClient(ctx, host.GetExtensions(), r.settings.TelemetrySettings)
	if err != nil {
		return err
	}
	r.client = client
	pollCtx, cancel := context.WithCancel(context.Background())
	r.cancel = cancel
	r.settings.Logger.Info("toxiproxy receiver polling",
		zap.String("url", r.url), zap.Duration("poll_interval", r.cfg.PollInterval))
	r.wg.Add(1)
	go func() {
		defer r.wg.Done()
		r.poll(pollCtx)
		periodic.Start(&r.wg, r.stop, r.cfg.PollInterval, func(context.Context) { r.poll(pollCtx) }, 0, nil, nil)
	}()
	return nil
}

// Shutdown cancels a poll in flight and waits for the polling goroutine.
func (r *toxiproxyReceiver) Shutdown(context.Context) error {
	if r.cancel != nil {
		r.cancel()
	}
	r.stopOnce.Do(func() { close(r.stop) })
	r.wg.Wait()
	if r.client != nil {
		r.client.CloseIdleConnections()
	}
	r.telemetry.Shutdown()
	return nil
}

// poll fetches the proxies, and turns what changed since the previous
// successful poll into records. The snapshot is kept only once the
// records are consumed: after a failure (server or pipeline) the next
// poll compares with the same previous state, so nothing is invented and
// nothing is lost.
func (r *toxiproxyReceiver) poll(ctx context.Context) {
	at := r.now()
	cur, err := r.fetch(ctx)
	if err != nil {
		if ctx.Err() != nil {
			return // shutting down
		}
		r.countPoll(ctx, outcomeOf(err))
		r.logFailure(err)
		return
	}
	if r.failing {
		r.failing = false
		r.settings.Logger.Info("toxiproxy API reachable again", zap.String("url", r.url))
	}
	logs, counts := r.build(diff(r.prev, cur), at)
	if n := logs.LogRecordCount(); n > 0 {
		opCtx := r.obsrep.StartLogsOp(ctx)
		err = r.next.ConsumeLogs(opCtx, logs)
		r.obsrep.EndLogsOp(opCtx, format, n, err)
		if err != nil {
			r.countPoll(ctx, outcomePipelineRefused)
			r.settings.Logger.Warn("the pipeline refused the toxiproxy events; the next poll retries them",
				zap.Int("records", n), zap.Error(err))
			return
		}
	}
	r.prev = cur
	r.countPoll(ctx, outcomeOK)
	for change, n := range counts.changes {
		r.telemetry.ReceiverToxiproxyToxicChanges.Add(ctx, n, metric.WithAttributes(attribute.String(attrChange, change)))
	}
	for reason, n := range counts.skipped {
		r.telemetry.ReceiverToxiproxySkippedToxics.Add(ctx, n, metric.WithAttributes(attribute.String(attrReason, reason)))
	}
}

func (r *toxiproxyReceiver) countPoll(ctx context.Context, outcome string) {
	r.telemetry.ReceiverToxiproxyPolls.Add(ctx, 1, metric.WithAttributes(attribute.String(attrOutcome, outcome)))
}

// logFailure warns at the first failed poll of a run of them, and says the
// rest only at debug level.
func (r *toxiproxyReceiver) logFailure(err error) {
	if r.failing {
		r.settings.Logger.Debug("toxiproxy poll failed; retrying next interval", zap.Error(err))
		return
	}
	r.failing = true
	r.settings.Logger.Warn("toxiproxy poll failed; retrying every poll_interval (further failures are logged at debug level)",
		zap.String("url", r.url), zap.Duration("poll_interval", r.cfg.PollInterval), zap.Error(err))
}

func outcomeOf(err error) string {
	switch {
	case errors.Is(err, errBadStatus):
		return outcomeBadStatus
	case errors.Is(err, errBadResponse):
		return outcomeBadResponse
	}
	return outcomeUnreachable
}

// fetch is one GET /proxies.
func (r *toxiproxyReceiver) fetch(ctx context.Context) (snapshot, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, r.url, nil)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", errUnreachable, err)
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", userAgent)
	resp, err := r.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", errUnreachable, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return nil, fmt.Errorf("%w: reading the answer: %w", errUnreachable, err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%w: GET %s: %s", errBadStatus, r.url, resp.Status)
	}
	snap, err := parseProxies(body)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", errBadResponse, err)
	}
	return snap, nil
}

// counts are what one poll adds to the toxic counters, once its records
// are consumed.
type counts struct {
	changes map[string]int64
	skipped map[string]int64
}

// build turns changes into records, one resource per service, dated at.
func (r *toxiproxyReceiver) build(changes []change, at time.Time) (plog.Logs, counts) {
	logs := plog.NewLogs()
	c := counts{changes: map[string]int64{}, skipped: map[string]int64{}}
	ts := pcommon.NewTimestampFromTime(at)
	groups := map[string]plog.LogRecordSlice{}
	emit := func(e *chaosconv.Event) {
		svc := r.cfg.serviceOf(e.Endpoint)
		records, ok := groups[svc]
		if !ok {
			rl := logs.ResourceLogs().AppendEmpty()
			rl.Resource().Attributes().PutStr(chaosconv.AttrServiceName, svc)
			sl := rl.ScopeLogs().AppendEmpty()
			sl.Scope().SetName(metadata.ScopeName)
			sl.Scope().SetVersion(r.settings.BuildInfo.Version)
			records = sl.LogRecords()
			groups[svc] = records
		}
		lr := records.AppendEmpty()
		chaosconv.EncodeEvent(e, lr)
		lr.SetObservedTimestamp(ts)
	}
	for _, ch := range changes {
		m, known := mappings[ch.toxic.typ]
		if !known {
			c.skipped[reasonUnknownType]++
			if !r.warnedTypes[ch.toxic.typ] {
				r.warnedTypes[ch.toxic.typ] = true
				r.settings.Logger.Warn("toxiproxy toxic of an unknown type skipped (warned once per type)",
					zap.String("type", ch.toxic.typ), zap.String("proxy", ch.toxic.proxy), zap.String("toxic", ch.toxic.name))
			}
			continue
		}
		before := logs.LogRecordCount()
		switch ch.kind {
		case chaosconv.ToxiproxyChangeAdded, chaosconv.ToxiproxyChangeChanged:
			e, err := injection(m, ch, at.UnixNano())
			if err != nil {
				c.skipped[reasonInvalid]++
				r.settings.Logger.Warn("toxiproxy toxic makes no valid event; its injected event is skipped",
					zap.String("proxy", ch.toxic.proxy), zap.String("toxic", ch.toxic.name), zap.Error(err))
			} else {
				emit(&e)
			}
			if ch.kind == chaosconv.ToxiproxyChangeAdded {
				x := experiment(ch, chaosconv.PhaseStarted, at.UnixNano())
				emit(&x)
			}
		case chaosconv.ToxiproxyChangeRemoved:
			x := experiment(ch, chaosconv.PhaseCompleted, at.UnixNano())
			emit(&x)
		}
		if logs.LogRecordCount() > before {
			c.changes[ch.kind]++
		}
	}
	return logs, c
}
