package chaosanalyticsprocessor // import "github.com/otelcol-chaos/otelcol-chaos/processor/chaosanalyticsprocessor"

import (
	"context"
	"errors"
	"sync"
	"time"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/extension/xextension/storage"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/processor"
	"go.opentelemetry.io/otel/metric"
	"go.uber.org/zap"

	"github.com/otelcol-chaos/otelcol-chaos/internal/chaosconv"
	"github.com/otelcol-chaos/otelcol-chaos/internal/checkpoint"
	"github.com/otelcol-chaos/otelcol-chaos/internal/periodic"
	"github.com/otelcol-chaos/otelcol-chaos/internal/retrybuf"
	"github.com/otelcol-chaos/otelcol-chaos/internal/telemetryattr"
	"github.com/otelcol-chaos/otelcol-chaos/pkg/dashboard"
	"github.com/otelcol-chaos/otelcol-chaos/processor/chaosanalyticsprocessor/internal/aggregate"
	"github.com/otelcol-chaos/otelcol-chaos/processor/chaosanalyticsprocessor/internal/metadata"
)

// maxPendingSummaries bounds the summaries kept for a retry when the next
// consumer refuses them.
const maxPendingSummaries = 10_000

// analyticsProcessor aggregates chaos events into time buckets and emits a
// chaos.bucket summary for each bucket that closes.
type analyticsProcessor struct {
	cfg    *Config
	set    processor.Settings
	next   consumer.Logs
	tb     *metadata.TelemetryBuilder
	impact chaosconv.ImpactConfig
	finest time.Duration // the only width upstream summaries merge at
	// producer is this collector's identity on the summaries it emits, so
	// that a merging collector counts a partial received twice once.
	producer string
	now      func() time.Time // injected in tests

	inbound sync.Pool // *inbound: per-call decode buffers

	mu      sync.Mutex // guards agg, last
	agg     *aggregate.Aggregator
	pending *retrybuf.Buffer // summaries the next consumer refused
	last    aggregate.Stats  // counters already reported to telemetry

	store storage.Client // nil without a storage extension
	// dash is the dashboard the processor publishes to, nil without one:
	// every publishing path is behind a nil check, so a collector without
	// a dashboard pays nothing for it. Set at Start, before any call.
	dash dashboard.Publisher
	stop chan struct{}
	wg   sync.WaitGroup
}

func newProcessor(cfg *Config, set processor.Settings, next consumer.Logs) (*analyticsProcessor, error) {
	tb, err := metadata.NewTelemetryBuilder(set.TelemetrySettings)
	if err != nil {
		return nil, err
	}
	p := &analyticsProcessor{
		cfg:      cfg,
		set:      set,
		next:     next,
		tb:       tb,
		impact:   chaosconv.ImpactConfig{LatencyBudget: cfg.Impact.LatencyBudget, TopEndpoints: cfg.Impact.TopEndpoints},
		finest:   cfg.sortedWidths()[0],
		producer: producerID(cfg, set),
		now:      time.Now,
		agg:      aggregate.New(aggregateConfig(cfg)),
		pending:  retrybuf.New(maxPendingSummaries),
		stop:     make(chan struct{}),
	}
	if err := tb.RegisterGauges(p.gauges); err != nil {
		return nil, err
	}
	return p, nil
}

// producerID is producer_id, or else the collector's service.instance.id
// (the collector gives every run one; set it, e.g. to the pod name, to keep
// it across restarts).
func producerID(cfg *Config, set processor.Settings) string {
	if cfg.ProducerID != "" {
		return cfg.ProducerID
	}
	if v, ok := set.Resource.Attributes().Get(chaosconv.AttrServiceInstanceID); ok {
		return v.AsString()
	}
	return ""
}

func aggregateConfig(cfg *Config) aggregate.Config {
	return aggregate.Config{
		Widths:          cfg.sortedWidths(),
		AllowedLateness: cfg.AllowedLateness,
		MaxFutureSkew:   cfg.MaxFutureSkew,
		MaxServices:     cfg.Limits.MaxServices,
		MaxEndpoints:    cfg.Limits.MaxEndpoints,
		MaxOpenBuckets:  cfg.Limits.MaxOpenBuckets,
		MaxPartials:     cfg.Limits.MaxPartials,
		ProducerTimeout: cfg.ProducerTimeout,
		Limits:          chaosconv.Limits{MapEntries: cfg.Limits.MaxMapEntries, ProbeLatencySLO: cfg.ProbeLatencySLO},
	}
}

func (p *analyticsProcessor) Capabilities() consumer.Capabilities {
	return consumer.Capabilities{MutatesData: true}
}

// Start restores the checkpoint, if storage is configured, and starts the
// wall-clock ticker that closes buckets when events stop arriving.
func (p *analyticsProcessor) Start(ctx context.Context, host component.Host) error {
	// The dashboard first: a missing one fails Start before storage opens.
	dash, err := dashboard.Lookup(host.GetExtensions(), p.cfg.Dashboard)
	switch {
	case errors.Is(err, dashboard.ErrAmbiguous):
		p.set.Logger.Warn("chaos_analytics: publishing to no dashboard", zap.Error(err))
	case err != nil:
		return err
	}
	p.dash = dash
	if p.cfg.Storage != nil {
		client, err := checkpoint.Open(ctx, host, *p.cfg.Storage, component.KindProcessor, p.set.ID)
		if err != nil {
			return err
		}
		p.store = client
		if err := p.restore(ctx); err != nil {
			return err
		}
	}
	var save func(context.Context) error
	if p.store != nil {
		save = p.save
	}
	periodic.Start(&p.wg, p.stop, p.cfg.FlushInterval, p.tick, p.cfg.CheckpointInterval, save, func(err error) {
		p.set.Logger.Warn("chaos_analytics: checkpoint failed", zap.Error(err))
	})
	return nil
}

// Shutdown stops the ticker, then checkpoints the open buckets when storage
// is configured, or else emits them (partial, but not lost).
func (p *analyticsProcessor) Shutdown(ctx context.Context) error {
	close(p.stop)
	p.wg.Wait()
	p.tb.Shutdown()
	if p.store != nil {
		return errors.Join(p.save(ctx), p.store.Close(ctx))
	}
	p.mu.Lock()
	p.agg.Flush()
	out := p.drainLocked()
	p.mu.Unlock()
	p.publish(out)
	p.emit(ctx, out)
	return nil
}

// inbound is one ConsumeLogs call's decoded records.
type inbound struct {
	events      []chaosconv.Event
	services    []string
	summaries   []chaosconv.Bucket
	nSum        int
	invalid     int64
	badSum      int64
	unmergeable int64
	// observed holds the chaos.observed records decoded (nObs of them),
	// obsBuckets their traffic as partial buckets to merge.
	observed       []chaosconv.Observed
	nObs           int
	obsBuckets     []chaosconv.Bucket
	badObs         int64
	unmergeableObs int64
}

func (p *analyticsProcessor) getInbound() *inbound {
	if in, ok := p.inbound.Get().(*inbound); ok {
		return in
	}
	return &inbound{}
}

func (p *analyticsProcessor) putInbound(in *inbound) {
	for i := range in.events {
		in.events[i].Reset()
	}
	in.events, in.services, in.nSum, in.invalid, in.badSum, in.unmergeable = in.events[:0], in.services[:0], 0, 0, 0, 0
	in.nObs, in.badObs, in.unmergeableObs = 0, 0, 0
	p.inbound.Put(in)
}

// ConsumeLogs decodes the chaos records of ld, forwards ld, and only once
// the next consumer accepted it aggregates them: a refused batch is
// retried by the sender and must not be counted twice.
func (p *analyticsProcessor) ConsumeLogs(ctx context.Context, ld plog.Logs) error {
	in := p.getInbound()
	defer p.putInbound(in)
	removed := p.decode(ld, in)
	if removed {
		ld.ResourceLogs().RemoveIf(func(rl plog.ResourceLogs) bool {
			rl.ScopeLogs().RemoveIf(func(sl plog.ScopeLogs) bool { return sl.LogRecords().Len() == 0 })
			return rl.ScopeLogs().Len() == 0
		})
	}
	if ld.ResourceLogs().Len() > 0 {
		if err := p.next.ConsumeLogs(ctx, ld); err != nil {
			return err
		}
	}
	out := p.apply(ctx, in)
	if p.dash != nil {
		p.publishScenarios(in)
		p.publish(out)
	}
	p.emit(ctx, out)
	return nil
}

// decode reads every chaos.event and chaos.bucket record of ld into in;
// it removes summaries (this processor emits their merge) and, with
// drop_events, events. It reports whether it removed anything.
func (p *analyticsProcessor) decode(ld plog.Logs, in *inbound) bool {
	removed := false
	for _, rl := range ld.ResourceLogs().All() {
		svc := ""
		if v, ok := rl.Resource().Attributes().Get(chaosconv.AttrServiceName); ok {
			svc = v.AsString()
		}
		for _, sl := range rl.ScopeLogs().All() {
			sl.LogRecords().RemoveIf(func(lr plog.LogRecord) bool {
				switch lr.EventName() {
				case chaosconv.RecordEvent:
					n := len(in.events)
					if n < cap(in.events) {
						in.events = in.events[:n+1]
					} else {
						in.events = append(in.events, chaosconv.Event{})
					}
					if err := chaosconv.DecodeEventForAggregation(lr, &in.events[n]); err != nil {
						in.events = in.events[:n]
						in.invalid++
						return false
					}
					in.services = append(in.services, svc)
					removed = removed || p.cfg.DropEvents
					return p.cfg.DropEvents
				case chaosconv.RecordBucket:
					if in.nSum == len(in.summaries) {
						in.summaries = append(in.summaries, chaosconv.Bucket{})
					}
					if err := chaosconv.DecodeBucket(lr, &in.summaries[in.nSum]); err != nil {
						in.badSum++
						return false
					}
					if in.summaries[in.nSum].Width != p.finest {
						// Only the finest width merges exactly: pass it on.
						in.unmergeable++
						return false
					}
					in.nSum++
					removed = true
					return true
				case chaosconv.RecordObserved:
					return p.decodeObserved(lr, in, &removed)
				}
				return false
			})
		}
	}
	return removed
}

// decodeObserved reads a chaos.observed record into in and reports
// whether to remove it: merged into the bucket of its scope, it is in the
// summary this processor emits. A record of another width than the finest
// cannot be placed exactly and passes on, counted.
func (p *analyticsProcessor) decodeObserved(lr plog.LogRecord, in *inbound, removed *bool) bool {
	if in.nObs == len(in.observed) {
		in.observed = append(in.observed, chaosconv.Observed{})
	}
	o := &in.observed[in.nObs]
	if err := chaosconv.DecodeObserved(lr, o); err != nil {
		in.badObs++
		return false
	}
	if o.Width != p.finest {
		in.unmergeableObs++
		return false
	}
	in.nObs++
	*removed = true
	return true
}

// observedBuckets turns the decoded chaos.observed records into partial
// buckets that carry only their traffic: the connector emits what arrived
// since its last flush, so partials of one bucket add up (they are not kept
// one per producer as summaries are).
func (in *inbound) observedBuckets() []chaosconv.Bucket {
	in.obsBuckets = in.obsBuckets[:0]
	for i := range in.observed[:in.nObs] {
		o := &in.observed[i]
		in.obsBuckets = append(in.obsBuckets, chaosconv.Bucket{Scope: o.Scope, Key: o.Key,
			StartUnixNano: o.StartUnixNano, Width: o.Width, Observed: o.Traffic})
	}
	return in.obsBuckets
}

// summaryOutcomes names the outcomes of merging a summary, for telemetry.
var summaryOutcomes = [aggregate.OutcomeCount]string{
	aggregate.Aggregated: "merged", aggregate.Late: "late", aggregate.Future: "future",
	aggregate.Unmergeable: "unmergeable", aggregate.Duplicate: "duplicate", aggregate.Replaced: "replaced",
	aggregate.Undeduplicated: "undeduplicated",
}

// apply aggregates a decoded call and returns the summaries it closed.
func (p *analyticsProcessor) apply(ctx context.Context, in *inbound) plog.Logs {
	var events, summaries [aggregate.OutcomeCount]int64
	summaries[aggregate.Unmergeable] = in.unmergeable
	p.mu.Lock()
	now := p.now()
	var svcName string
	var svc *aggregate.Scope
	for i := range in.events {
		if name := in.services[i]; name != svcName || svc == nil {
			svcName = name
			svc = nil
			if name != "" {
				svc = p.agg.Service(name)
			}
		}
		events[p.agg.Add(&in.events[i], svc, now)]++
	}
	p.agg.MergeBatch(in.summaries[:in.nSum], now, func(oc aggregate.Outcome) { summaries[oc]++ })
	var observed [aggregate.OutcomeCount]int64
	observed[aggregate.Unmergeable] = in.unmergeableObs
	if in.nObs > 0 {
		p.agg.MergeObserved(in.observedBuckets(), now, func(oc aggregate.Outcome) { observed[oc]++ })
	}
	out := p.drainLocked()
	p.mu.Unlock()

	p.record(ctx, p.tb.ProcessorChaosAnalyticsEvents, events[aggregate.Aggregated], "aggregated")
	p.record(ctx, p.tb.ProcessorChaosAnalyticsEvents, events[aggregate.Late], "late")
	p.record(ctx, p.tb.ProcessorChaosAnalyticsEvents, events[aggregate.Future], "future")
	p.record(ctx, p.tb.ProcessorChaosAnalyticsEvents, in.invalid, "invalid")
	for oc, n := range summaries {
		p.record(ctx, p.tb.ProcessorChaosAnalyticsSummaries, n, summaryOutcomes[oc])
	}
	p.record(ctx, p.tb.ProcessorChaosAnalyticsSummaries, in.badSum, "invalid")
	for _, oc := range []aggregate.Outcome{aggregate.Aggregated, aggregate.Late, aggregate.Future, aggregate.Unmergeable} {
		p.record(ctx, p.tb.ProcessorChaosAnalyticsObserved, observed[oc], summaryOutcomes[oc])
	}
	p.record(ctx, p.tb.ProcessorChaosAnalyticsObserved, in.badObs, "invalid")
	return out
}

// tick closes buckets by the wall clock and retries refused summaries.
func (p *analyticsProcessor) tick(ctx context.Context) {
	p.mu.Lock()
	p.agg.Tick(p.now(), p.cfg.IdleFlush)
	out := p.drainLocked()
	p.mu.Unlock()
	// Retried summaries were published when they closed, not again now.
	for _, ld := range p.pending.Take() {
		p.emit(ctx, ld)
	}
	p.publish(out)
	p.emit(ctx, out)
}

// publish hands the summaries drainLocked just produced to the dashboard.
// It is called once per closed bucket, where the bucket is produced and
// before emit hands it on: the next consumer may change it, and a refused
// batch is emitted again from the retry buffer, which must not publish it
// twice. What passes through (events, and upstream summaries this
// processor does not merge) is not this processor's and is not published.
//
// Every summary is published as final, including an agent's: the
// producer mark (chaos.bucket.producer) is on every summary, a gateway's
// merge as much as an agent's partial, so nothing in the processor tells a
// partial from a final bucket. Which buckets are final is the deployment's
// choice: the dashboard belongs on the collector whose summaries are
// final (the gateway), and an agent without a dashboard extension
// publishes nothing.
func (p *analyticsProcessor) publish(out plog.Logs) {
	if p.dash == nil || out == (plog.Logs{}) {
		return
	}
	p.dash.PublishRecords(out)
}

// publishScenarios hands the dashboard the scenario transitions among the
// events of an accepted batch (a refused one is retried and published
// then), with their service (the resource's service.name).
func (p *analyticsProcessor) publishScenarios(in *inbound) {
	for i := range in.events {
		if e := &in.events[i]; e.Kind == chaosconv.KindScenarioTransition {
			p.dash.PublishScenario(dashboard.ScenarioTransition{AtUnixNano: e.TimeUnixNano, Service: in.services[i],
				From: e.ScenarioFrom, To: e.ScenarioTo})
		}
	}
}

// drainLocked encodes the buckets closed so far into one plog.Logs (empty
// when none) and reports the counters that moved. Caller holds mu.
func (p *analyticsProcessor) drainLocked() plog.Logs {
	var out plog.Logs // the zero value stands for "none": no allocation per call
	closed := p.agg.Closed()
	if len(closed) > 0 {
		out = plog.NewLogs()
		sl := out.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty()
		sl.Scope().SetName(metadata.ScopeName)
		sl.Scope().SetVersion(p.set.BuildInfo.Version)
		records := sl.LogRecords()
		records.EnsureCapacity(len(closed))
		observed := pcommon.NewTimestampFromTime(p.now())
		for _, b := range closed {
			lr := records.AppendEmpty()
			b.Producer = p.producer
			chaosconv.EncodeBucket(b, &p.impact, lr)
			lr.SetObservedTimestamp(observed)
		}
		p.agg.Release(closed)
	}
	st := p.agg.Stats()
	ctx := context.Background()
	for kind, n := range st.ScopeOverflows {
		if d := int64(n - p.last.ScopeOverflows[kind]); d > 0 {
			p.tb.ProcessorChaosAnalyticsScopeOverflows.Add(ctx, d, telemetryattr.Option("scope", chaosconv.ScopeKind(kind).String()))
		}
	}
	if d := int64(st.ForcedCloses - p.last.ForcedCloses); d > 0 {
		p.tb.ProcessorChaosAnalyticsForcedCloses.Add(ctx, d)
	}
	p.last = st
	return out
}

// emit hands summaries to the next consumer; what it refuses is kept for a
// retry on the next tick, up to a bound past which it is dropped and counted.
func (p *analyticsProcessor) emit(ctx context.Context, ld plog.Logs) {
	if ld == (plog.Logs{}) {
		return
	}
	n := ld.LogRecordCount()
	if n == 0 {
		return
	}
	if err := p.next.ConsumeLogs(ctx, ld); err != nil {
		if !p.pending.Add(ld) {
			p.record(ctx, p.tb.ProcessorChaosAnalyticsSummaries, int64(n), "dropped")
			p.set.Logger.Error("chaos_analytics: summaries dropped, the next consumer refused them and the retry buffer is full",
				zap.Int("summaries", n), zap.Error(err))
		}
		return
	}
	p.record(ctx, p.tb.ProcessorChaosAnalyticsSummaries, int64(n), "emitted")
}

func (p *analyticsProcessor) record(ctx context.Context, c metric.Int64Counter, n int64, outcome string) {
	if n > 0 {
		c.Add(ctx, n, telemetryattr.Option("outcome", outcome))
	}
}

// gauges is what the processor's asynchronous instruments observe.
func (p *analyticsProcessor) gauges() metadata.Gauges {
	p.mu.Lock()
	open := p.agg.OpenBuckets()
	services, endpoints := p.agg.Scopes()
	p.mu.Unlock()
	return metadata.Gauges{
		OpenBuckets: int64(open),
		Services:    int64(services), Endpoints: int64(endpoints),
		MaxServices: int64(p.cfg.Limits.MaxServices), MaxEndpoints: int64(p.cfg.Limits.MaxEndpoints),
	}
}
