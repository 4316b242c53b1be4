package anomalyprocessor // import "github.com/otelcol-chaos/otelcol-chaos/processor/anomalyprocessor"

import (
	"context"
	"errors"
	"math"
	"sync"
	"time"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/extension/xextension/storage"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/processor"
	"go.uber.org/zap"

	"github.com/otelcol-chaos/otelcol-chaos/internal/chaosconv"
	"github.com/otelcol-chaos/otelcol-chaos/internal/checkpoint"
	"github.com/otelcol-chaos/otelcol-chaos/internal/periodic"
	"github.com/otelcol-chaos/otelcol-chaos/internal/retrybuf"
	"github.com/otelcol-chaos/otelcol-chaos/internal/telemetryattr"
	"github.com/otelcol-chaos/otelcol-chaos/pkg/dashboard"
	"github.com/otelcol-chaos/otelcol-chaos/processor/anomalyprocessor/internal/checkpointv2"
	"github.com/otelcol-chaos/otelcol-chaos/processor/anomalyprocessor/internal/detect"
	"github.com/otelcol-chaos/otelcol-chaos/processor/anomalyprocessor/internal/metadata"
)

func chaosconvType(name string) chaosconv.AnomalyType { return chaosconv.AnomalyType(name) }

// maxPending bounds the derived records kept for a retry when the next
// consumer refuses them.
const maxPending = 10_000

// anomalyProcessor reads chaos.bucket summaries and emits anomalies,
// trends, forecasts and health; it passes every record on.
type anomalyProcessor struct {
	cfg  *Config
	set  processor.Settings
	next consumer.Logs
	now  func() time.Time
	tb   *metadata.TelemetryBuilder

	mu          sync.Mutex
	engine      *detect.Engine
	width       time.Duration // analysed: width, or the finest seen when width is 0 (0 until then)
	maxAt       int64         // newest bucket start analysed
	lastArrival time.Time     // wall time it arrived
	last        detect.Stats  // engine counters already reported

	store   storage.Client   // nil without a storage extension
	pending *retrybuf.Buffer // derived records the next consumer refused
	// dash is the dashboard the derived records are published to, nil
	// without one (then publishing costs a nil check). Set at Start.
	dash dashboard.Publisher

	stop chan struct{}
	wg   sync.WaitGroup
}

// checkpointKey is the storage key of the detector state.
const checkpointKey = "anomaly_detector_state"

func newProcessor(cfg *Config, set processor.Settings, next consumer.Logs) (*anomalyProcessor, error) {
	tb, err := metadata.NewTelemetryBuilder(set.TelemetrySettings)
	if err != nil {
		return nil, err
	}
	p := &anomalyProcessor{cfg: cfg, set: set, next: next, now: time.Now, tb: tb, pending: retrybuf.New(maxPending),
		engine: detect.New(engineConfig(cfg), cfg.Width), width: cfg.Width, stop: make(chan struct{})}
	if err := tb.RegisterGauges(p.gauges); err != nil {
		return nil, err
	}
	if cfg.LatencyBudget != 0 {
		set.Logger.Warn("anomaly: latency_budget is deprecated and ignored: the health latency component is the bucket's recorded " +
			chaosconv.AttrImpactLatencyFactor + "; set impact.latency_budget on the chaos_analytics processor instead")
	}
	return p, nil
}

func (p *anomalyProcessor) Capabilities() consumer.Capabilities {
	return consumer.Capabilities{MutatesData: false}
}

// Start restores the detector state when storage is configured, then
// starts the wall-clock ticker (silence, retries, checkpoints).
func (p *anomalyProcessor) Start(ctx context.Context, host component.Host) error {
	// The dashboard first: a missing one fails Start before storage opens.
	dash, err := dashboard.Lookup(host.GetExtensions(), p.cfg.Dashboard)
	switch {
	case errors.Is(err, dashboard.ErrAmbiguous):
		p.set.Logger.Warn("anomaly: publishing to no dashboard", zap.Error(err))
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
		p.set.Logger.Warn("anomaly: checkpoint failed", zap.Error(err))
	})
	return nil
}

// Shutdown stops the ticker and checkpoints the detector state.
func (p *anomalyProcessor) Shutdown(ctx context.Context) error {
	close(p.stop)
	p.wg.Wait()
	p.tb.Shutdown()
	var errs []error
	if p.store != nil {
		errs = append(errs, p.save(ctx), p.store.Close(ctx))
	}
	return errors.Join(errs...)
}

// gauges is what the processor's asynchronous instruments observe.
func (p *anomalyProcessor) gauges() (open, scopes int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return int64(p.engine.OpenAnomalies()), int64(p.engine.Scopes())
}

func (p *anomalyProcessor) save(ctx context.Context) error {
	p.mu.Lock()
	data, err := p.engine.MarshalBinary()
	p.mu.Unlock()
	if err != nil {
		return err
	}
	return p.store.Set(ctx, checkpointKey, data)
}

// restore loads the state of a previous run. A checkpoint that does not
// fit (another format version, another width, a body that is not version
// 2's) is logged in one line and ignored: the detectors warm up again
// rather than misread it.
func (p *anomalyProcessor) restore(ctx context.Context) error {
	data, err := p.store.Get(ctx, checkpointKey)
	if err != nil || data == nil {
		return err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if err := p.engine.UnmarshalBinary(data); err != nil {
		checkpoint.Refused(p.set.Logger, "anomaly", checkpointv2.Version, err)
		return nil
	}
	p.width = p.engine.Width() // with width 0, the checkpoint's
	if at := p.engine.MaxAt(); at != math.MinInt64 {
		p.maxAt, p.lastArrival = at, p.now()
	}
	p.set.Logger.Info("anomaly: detector state restored from checkpoint", zap.Int("scopes", p.engine.Scopes()))
	return nil
}

// recordedBucket is a decoded summary and the latency factor its record
// carries (NaN when absent).
type recordedBucket struct {
	bucket        *chaosconv.Bucket
	latencyFactor float64
}

// adoptWidthLocked settles the width analysed: width, or with width 0 the
// finest the records carry so far. A finer width replaces a coarser one
// and its detector state: series of two widths are not one series.
func (p *anomalyProcessor) adoptWidthLocked(buckets []recordedBucket) {
	if p.cfg.Width > 0 {
		return
	}
	finest := p.width
	for _, rb := range buckets {
		if w := rb.bucket.Width; w > 0 && (finest == 0 || w < finest) {
			finest = w
		}
	}
	if finest == p.width {
		return
	}
	if p.width != 0 {
		p.set.Logger.Info("anomaly: a finer bucket width arrived; detectors start afresh on it",
			zap.Duration("width", finest), zap.Duration("was", p.width))
	}
	p.width, p.maxAt, p.lastArrival, p.last = finest, 0, time.Time{}, detect.Stats{}
	p.engine = detect.New(engineConfig(p.cfg), finest)
}

// ConsumeLogs forwards ld, then — once accepted — analyses its summaries:
// a refused batch is retried by the sender and must be analysed once.
func (p *anomalyProcessor) ConsumeLogs(ctx context.Context, ld plog.Logs) error {
	var buckets []recordedBucket
	for _, rl := range ld.ResourceLogs().All() {
		for _, sl := range rl.ScopeLogs().All() {
			for _, lr := range sl.LogRecords().All() {
				if !chaosconv.IsBucket(lr) {
					continue
				}
				b := &chaosconv.Bucket{}
				if err := chaosconv.DecodeBucket(lr, b); err != nil {
					p.set.Logger.Debug("anomaly: invalid chaos.bucket ignored", zap.Error(err))
					continue
				}
				factor, ok := chaosconv.RecordedLatencyFactor(lr)
				if !ok {
					factor = math.NaN()
				}
				buckets = append(buckets, recordedBucket{b, factor})
			}
		}
	}
	if err := p.next.ConsumeLogs(ctx, ld); err != nil {
		return err
	}
	if len(buckets) == 0 {
		return nil
	}
	p.mu.Lock()
	p.adoptWidthLocked(buckets)
	now := p.now()
	for _, rb := range buckets {
		b := rb.bucket
		if b.Width != p.width {
			continue
		}
		p.engine.ObserveRecorded(b, rb.latencyFactor)
		if b.StartUnixNano > p.maxAt {
			p.maxAt, p.lastArrival = b.StartUnixNano, now
		}
	}
	p.engine.Settle()
	out := p.drainLocked()
	p.mu.Unlock()
	p.publish(out)
	p.emit(ctx, out)
	return nil
}

// tick declares buckets complete by the wall clock — relative to the
// newest bucket and when it arrived, so a replay of old data is not
// mistaken for silence — and retries refused records.
func (p *anomalyProcessor) tick(ctx context.Context) {
	p.mu.Lock()
	if !p.lastArrival.IsZero() {
		elapsed := p.now().Sub(p.lastArrival) - p.cfg.SilenceGrace
		if elapsed > 0 {
			p.engine.Advance(p.maxAt + int64(p.width) + int64(elapsed))
		}
	}
	out := p.drainLocked()
	p.mu.Unlock()
	// Retried records were published when they were derived, not again now.
	for _, ld := range p.pending.Take() {
		p.emit(ctx, ld)
	}
	p.publish(out)
	p.emit(ctx, out)
}

// publish hands the dashboard the records drainLocked just derived
// (anomalies, trends, forecasts, health), before emit hands them on: the
// next consumer may change them, and a refused batch is emitted again from
// the retry buffer, which must not publish it twice. They are their own
// plog.Logs, apart from the summaries passing through (which the analytics
// processor publishes), so publishing needs no copy and no filtering.
func (p *anomalyProcessor) publish(out plog.Logs) {
	if p.dash == nil || out == (plog.Logs{}) {
		return
	}
	p.dash.PublishRecords(out)
}

// drainLocked encodes the engine's output; the zero plog.Logs means none.
func (p *anomalyProcessor) drainLocked() plog.Logs {
	ctx := context.Background()
	st := p.engine.Stats()
	if d := int64(st.Points - st.Gaps - (p.last.Points - p.last.Gaps)); d > 0 {
		p.tb.ProcessorAnomalySummaries.Add(ctx, d, telemetryattr.Option("outcome", "analysed"))
	}
	if d := int64(st.Ignored + st.DroppedScopes - p.last.Ignored - p.last.DroppedScopes); d > 0 {
		p.tb.ProcessorAnomalySummaries.Add(ctx, d, telemetryattr.Option("outcome", "ignored"))
	}
	if d := int64(st.Gaps - p.last.Gaps); d > 0 {
		p.tb.ProcessorAnomalyEmptyBuckets.Add(ctx, d)
	}
	p.last = st
	o := p.engine.Drain()
	n := len(o.Anomalies) + len(o.Trends) + len(o.Forecasts) + len(o.Health)
	if n == 0 {
		return plog.Logs{}
	}
	ld := plog.NewLogs()
	sl := ld.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty()
	sl.Scope().SetName(metadata.ScopeName)
	sl.Scope().SetVersion(p.set.BuildInfo.Version)
	records := sl.LogRecords()
	records.EnsureCapacity(n)
	observed := pcommon.NewTimestampFromTime(p.now())
	for i := range o.Anomalies {
		lr := records.AppendEmpty()
		o.Anomalies[i].Width = p.width
		chaosconv.EncodeAnomaly(&o.Anomalies[i], lr)
		lr.SetObservedTimestamp(observed)
	}
	for i := range o.Trends {
		lr := records.AppendEmpty()
		o.Trends[i].Width = p.width
		chaosconv.EncodeTrend(&o.Trends[i], lr)
		lr.SetObservedTimestamp(observed)
	}
	for i := range o.Forecasts {
		lr := records.AppendEmpty()
		o.Forecasts[i].Width = p.width
		chaosconv.EncodeForecast(&o.Forecasts[i], lr)
		lr.SetObservedTimestamp(observed)
	}
	for i := range o.Health {
		lr := records.AppendEmpty()
		o.Health[i].Width = p.width
		chaosconv.EncodeHealth(&o.Health[i], lr)
		lr.SetObservedTimestamp(observed)
	}
	return ld
}

func (p *anomalyProcessor) emit(ctx context.Context, ld plog.Logs) {
	if ld == (plog.Logs{}) {
		return
	}
	n := ld.LogRecordCount()
	if err := p.next.ConsumeLogs(ctx, ld); err != nil {
		if !p.pending.Add(ld) {
			p.tb.ProcessorAnomalyRecords.Add(ctx, int64(n), telemetryattr.Option("outcome", "dropped"))
			p.set.Logger.Error("anomaly: records dropped, the next consumer refused them and the retry buffer is full",
				zap.Int("records", n), zap.Error(err))
		}
		return
	}
	p.tb.ProcessorAnomalyRecords.Add(ctx, int64(n), telemetryattr.Option("outcome", "emitted"))
}
