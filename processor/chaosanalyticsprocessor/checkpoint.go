package chaosanalyticsprocessor // import "github.com/otelcol-chaos/otelcol-chaos/processor/chaosanalyticsprocessor"

import (
	"context"

	"go.uber.org/zap"

	"github.com/otelcol-chaos/otelcol-chaos/internal/checkpoint"
	"github.com/otelcol-chaos/otelcol-chaos/processor/chaosanalyticsprocessor/internal/aggregate"
	"github.com/otelcol-chaos/otelcol-chaos/processor/chaosanalyticsprocessor/internal/checkpointv1"
)

// checkpointKey is the storage key of the open-bucket checkpoint.
const checkpointKey = "chaos_analytics_open_buckets"

// The checkpoint (p.store, a storage extension's client) is the open buckets as chaos.bucket records (the same
// encoding summaries travel in) in OTLP protobuf, with the format version
// and the watermark on the resource: one bucket encoding to maintain,
// readable with any OTLP tool. Its layout and version are
// internal/checkpointv1's.

// save writes the open buckets and the watermark.
func (p *analyticsProcessor) save(ctx context.Context) error {
	p.mu.Lock()
	buckets, st := p.agg.Snapshot()
	ld := checkpointv1.Encode(buckets, st, &p.impact)
	p.mu.Unlock()
	data, err := checkpointv1.Marshal(ld)
	if err != nil {
		return err
	}
	return p.store.Set(ctx, checkpointKey, data)
}

// restore loads the checkpoint of a previous run, if any. One of another
// format version, or that cannot be read as version 1, is logged in one
// line and left: the processor starts empty rather than misread it.
func (p *analyticsProcessor) restore(ctx context.Context) error {
	data, err := p.store.Get(ctx, checkpointKey)
	if err != nil || data == nil {
		return err
	}
	buckets, st, err := checkpointv1.Unmarshal(data)
	if err != nil {
		checkpoint.Refused(p.set.Logger, "chaos_analytics", checkpointv1.Version, err)
		return nil
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if err := p.agg.Restore(buckets, st, p.now()); err != nil {
		// The widths changed since the checkpoint: start afresh rather than
		// mis-assign buckets, and say so.
		p.set.Logger.Warn("chaos_analytics: checkpoint does not match the configured widths; starting empty", zap.Error(err))
		p.agg = aggregate.New(aggregateConfig(p.cfg))
		return nil
	}
	p.set.Logger.Info("chaos_analytics: restored open buckets from checkpoint", zap.Int("buckets", len(buckets)))
	return nil
}
