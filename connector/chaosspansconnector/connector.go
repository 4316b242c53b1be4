package chaosspansconnector

import (
	"context"
	"sync"
	"time"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/connector"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/otel/metric"
	"go.uber.org/zap"

	"github.com/otelcol-chaos/otelcol-chaos/connector/chaosspansconnector/internal/metadata"
	"github.com/otelcol-chaos/otelcol-chaos/internal/chaosconv"
	"github.com/otelcol-chaos/otelcol-chaos/internal/retrybuf"
	"github.com/otelcol-chaos/otelcol-chaos/internal/telemetryattr"
)

// maxRetryRecords bounds the records kept for a retry when the next
// consumer refuses them.
const maxRetryRecords = 10_000

// tickerFunc starts the flush clock: a channel ticking every d and its
// stop. Tests inject their own.
type tickerFunc func(d time.Duration) (<-chan time.Time, func())

func wallTicker(d time.Duration) (<-chan time.Time, func()) {
	t := time.NewTicker(d)
	return t.C, t.Stop
}

// spansConnector is the traces → logs connector.
type spansConnector struct {
	cfg       *Config
	set       connector.Settings
	next      consumer.Logs
	tb        *metadata.TelemetryBuilder
	newTicker tickerFunc
	retry     *retrybuf.Buffer

	mu  sync.Mutex
	agg *aggregator

	stop chan struct{}
	done chan struct{}

	// Pre-built option slices: a variadic call with a slice passes it
	// as is, where a single option would allocate one at every call.
	spanOpts   [spanOutcomeCount][]metric.AddOption
	reasonOpts [reasonCount][]metric.AddOption
}

var _ connector.Traces = (*spansConnector)(nil)

func newConnector(cfg *Config, set connector.Settings, next consumer.Logs, ticker tickerFunc) (*spansConnector, error) {
	tb, err := metadata.NewTelemetryBuilder(set.TelemetrySettings)
	if err != nil {
		return nil, err
	}
	if ticker == nil {
		ticker = wallTicker
	}
	c := &spansConnector{
		cfg: cfg, set: set, next: next, tb: tb, newTicker: ticker,
		retry: retrybuf.New(maxRetryRecords),
		agg:   newAggregator(cfg, producerID(cfg, set)),
	}
	for i, n := range spanOutcomeNames {
		c.spanOpts[i] = []metric.AddOption{telemetryattr.Option("outcome", n)}
	}
	for i, n := range reasonNames {
		c.reasonOpts[i] = []metric.AddOption{telemetryattr.Option("reason", n)}
	}
	return c, nil
}

// producerID is producer_id, or else the collector's service.instance.id.
func producerID(cfg *Config, set connector.Settings) string {
	if cfg.ProducerID != "" {
		return cfg.ProducerID
	}
	if v, ok := set.Resource.Attributes().Get(chaosconv.AttrServiceInstanceID); ok {
		return v.AsString()
	}
	return ""
}

// Capabilities: the traces are only read.
func (c *spansConnector) Capabilities() consumer.Capabilities {
	return consumer.Capabilities{MutatesData: false}
}

// Start starts the flush clock.
func (c *spansConnector) Start(context.Context, component.Host) error {
	ticks, stopTicker := c.newTicker(c.cfg.FlushInterval)
	c.stop, c.done = make(chan struct{}), make(chan struct{})
	go func() {
		defer close(c.done)
		defer stopTicker()
		for {
			select {
			case <-c.stop:
				return
			case <-ticks:
				c.flush(context.Background())
			}
		}
	}()
	return nil
}

// Shutdown stops the flush clock and emits what is pending.
func (c *spansConnector) Shutdown(ctx context.Context) error {
	if c.stop != nil {
		close(c.stop)
		<-c.done
		c.stop = nil
	}
	c.flush(ctx)
	return nil
}

// ConsumeTraces counts the server spans of td into the pending records.
// It never fails: the traces are only read, and a refusal downstream of
// the records it may emit (when limits.max_pending is reached) is kept
// for a retry at the next flush.
func (c *spansConnector) ConsumeTraces(ctx context.Context, td ptrace.Traces) error {
	var out plog.Logs
	c.mu.Lock()
	c.agg.add(td, &out, metadata.ScopeName, c.set.BuildInfo.Version)
	if c.agg.advanced {
		// Spans reached a new bucket: emit the pending records now rather
		// than at the next tick, so that the previous bucket's partial
		// reaches the analytics processor before it closes that bucket —
		// in a replay in simulated time, event time runs far ahead of the
		// flush interval.
		c.agg.advanced = false
		if c.agg.npending > 0 {
			if out == (plog.Logs{}) {
				out = plog.NewLogs()
			}
			c.agg.flush(out, metadata.ScopeName, c.set.BuildInfo.Version)
		}
	}
	cnt := c.agg.takeCounts()
	c.mu.Unlock()
	c.report(ctx, &cnt)
	if out != (plog.Logs{}) {
		c.emit(ctx, out)
	}
	return nil
}

// flush emits every pending record, after the records refused before.
func (c *spansConnector) flush(ctx context.Context) {
	out := plog.NewLogs()
	c.mu.Lock()
	n := c.agg.flush(out, metadata.ScopeName, c.set.BuildInfo.Version)
	c.mu.Unlock()
	for _, ld := range c.retry.Take() {
		c.emit(ctx, ld)
	}
	if n > 0 {
		c.emit(ctx, out)
	}
}

// emit hands ld on; refused, it is kept for the next flush, up to a bound
// past which it is dropped and counted.
func (c *spansConnector) emit(ctx context.Context, ld plog.Logs) {
	n := int64(ld.LogRecordCount())
	if n == 0 {
		return
	}
	if err := c.next.ConsumeLogs(ctx, ld); err != nil {
		if c.retry.Add(ld) {
			c.tb.ConnectorChaosSpansRecords.Add(ctx, n, telemetryattr.Option("outcome", "refused"))
			c.set.Logger.Debug("chaos_spans: records refused downstream, retried at the next flush", zap.Error(err))
			return
		}
		c.tb.ConnectorChaosSpansRecords.Add(ctx, n, telemetryattr.Option("outcome", "dropped"))
		c.set.Logger.Error("chaos_spans: records dropped, the next consumer refused them and the retry buffer is full",
			zap.Int64("records", n), zap.Error(err))
		return
	}
	c.tb.ConnectorChaosSpansRecords.Add(ctx, n, telemetryattr.Option("outcome", "emitted"))
}

func (c *spansConnector) report(ctx context.Context, cnt *counts) {
	for i, n := range cnt.spans {
		if n > 0 {
			c.tb.ConnectorChaosSpansSpans.Add(ctx, n, c.spanOpts[i]...)
		}
	}
	for i, n := range cnt.malformed {
		if n > 0 {
			c.tb.ConnectorChaosSpansMalformedSpans.Add(ctx, n, c.reasonOpts[i]...)
		}
	}
	if cnt.thresholds > 0 {
		c.tb.ConnectorChaosSpansMalformedThresholds.Add(ctx, cnt.thresholds)
	}
	for i, n := range cnt.overflows {
		if n > 0 {
			kind := chaosconv.ScopeService + chaosconv.ScopeKind(i)
			c.tb.ConnectorChaosSpansScopeOverflows.Add(ctx, n, telemetryattr.Option("scope", kind.String()))
		}
	}
}
