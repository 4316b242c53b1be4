package chaosanalyticsprocessor // import "github.com/otelcol-chaos/otelcol-chaos/processor/chaosanalyticsprocessor"

import (
	"context"
	"fmt"
	"maps"
	"slices"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/extension/xextension/storage"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.uber.org/zap"

	"github.com/otelcol-chaos/otelcol-chaos/internal/chaosconv"
	"github.com/otelcol-chaos/otelcol-chaos/internal/checkpoint"
	"github.com/otelcol-chaos/otelcol-chaos/processor/chaosanalyticsprocessor/internal/aggregate"
)

// checkpointKey is the storage key of the open-bucket checkpoint.
const checkpointKey = "chaos_analytics_open_buckets"

// checkpointer persists the open buckets through a storage extension. The
// checkpoint is the open buckets as chaos.bucket records (the same
// encoding summaries travel in) in OTLP protobuf, with the watermark on the
// resource: one format to maintain, readable with any OTLP tool.
type checkpointer struct {
	client storage.Client
}

func newCheckpointer(ctx context.Context, host component.Host, storageID, self component.ID) (*checkpointer, error) {
	client, err := checkpoint.Open(ctx, host, storageID, component.KindProcessor, self)
	if err != nil {
		return nil, err
	}
	return &checkpointer{client: client}, nil
}

func (c *checkpointer) close(ctx context.Context) error { return c.client.Close(ctx) }

// save writes the open buckets and the watermark.
func (p *analyticsProcessor) save(ctx context.Context) error {
	p.mu.Lock()
	buckets, st := p.agg.Snapshot()
	ld := plog.NewLogs()
	rl := ld.ResourceLogs().AppendEmpty()
	rl.Resource().Attributes().PutInt(chaosconv.AttrCheckpointMaxEventTime, st.MaxEventTime)
	rl.Resource().Attributes().PutInt(chaosconv.AttrCheckpointClosedThrough, st.ClosedThrough)
	if len(st.Producers) > 0 {
		producers := rl.Resource().Attributes().PutEmptyMap(chaosconv.AttrCheckpointProducers)
		for _, id := range slices.Sorted(maps.Keys(st.Producers)) {
			producers.PutInt(id, st.Producers[id])
		}
	}
	records := rl.ScopeLogs().AppendEmpty().LogRecords()
	for _, b := range buckets {
		chaosconv.EncodeBucket(b, &p.impact, records.AppendEmpty())
	}
	p.mu.Unlock()
	data, err := (&plog.ProtoMarshaler{}).MarshalLogs(ld)
	if err != nil {
		return err
	}
	return p.checkpoint.client.Set(ctx, checkpointKey, data)
}

// restore loads the checkpoint of a previous run, if any.
func (p *analyticsProcessor) restore(ctx context.Context) error {
	data, err := p.checkpoint.client.Get(ctx, checkpointKey)
	if err != nil || data == nil {
		return err
	}
	ld, err := (&plog.ProtoUnmarshaler{}).UnmarshalLogs(data)
	if err != nil {
		p.set.Logger.Warn("chaos_analytics: unreadable checkpoint ignored", zap.Error(err))
		return nil
	}
	var st aggregate.State
	var buckets []*chaosconv.Bucket
	for _, rl := range ld.ResourceLogs().All() {
		attrs := rl.Resource().Attributes()
		st.MaxEventTime = intAttr(attrs, chaosconv.AttrCheckpointMaxEventTime)
		st.ClosedThrough = intAttr(attrs, chaosconv.AttrCheckpointClosedThrough)
		if v, ok := attrs.Get(chaosconv.AttrCheckpointProducers); ok && v.Type() == pcommon.ValueTypeMap {
			st.Producers = map[string]int64{}
			for id, through := range v.Map().All() {
				if through.Type() == pcommon.ValueTypeInt {
					st.Producers[id] = through.Int()
				}
			}
		}
		for _, sl := range rl.ScopeLogs().All() {
			for _, lr := range sl.LogRecords().All() {
				b := &chaosconv.Bucket{}
				if err := chaosconv.DecodeBucket(lr, b); err != nil {
					return fmt.Errorf("checkpoint: %w", err)
				}
				buckets = append(buckets, b)
			}
		}
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

func intAttr(m pcommon.Map, k string) int64 {
	if v, ok := m.Get(k); ok && v.Type() == pcommon.ValueTypeInt {
		return v.Int()
	}
	return 0
}
