package chaosmetricsconnector

import (
	"context"
	"sync"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/connector"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	"go.uber.org/zap"

	"github.com/otelcol-chaos/otelcol-chaos/connector/chaosmetricsconnector/internal/metadata"
	"github.com/otelcol-chaos/otelcol-chaos/internal/telemetryattr"
)

// metricsConnector is the logs → metrics connector.
type metricsConnector struct {
	component.StartFunc

	set  connector.Settings
	next consumer.Metrics
	tb   *metadata.TelemetryBuilder

	mu sync.Mutex
	tr *translator

	recordOpts [recordKindCount][outcomeCount]metric.MeasurementOption
}

var _ connector.Logs = (*metricsConnector)(nil)

func newConnector(cfg *Config, set connector.Settings, next consumer.Metrics) (*metricsConnector, error) {
	tr, err := newTranslator(cfg, set.Logger)
	if err != nil {
		return nil, err
	}
	tb, err := metadata.NewTelemetryBuilder(set.TelemetrySettings)
	if err != nil {
		return nil, err
	}
	c := &metricsConnector{set: set, next: next, tb: tb, tr: tr}
	for r := range recordKindCount {
		for oc := range outcomeCount {
			c.recordOpts[r][oc] = metric.WithAttributeSet(attribute.NewSet(
				attribute.String("record", recordNames[r]), attribute.String("outcome", outcomeNames[oc])))
		}
	}
	err = tb.RegisterSeries(func() int64 {
		c.mu.Lock()
		defer c.mu.Unlock()
		return int64(c.tr.store.len())
	})
	return c, err
}

// Capabilities: the logs are only read.
func (c *metricsConnector) Capabilities() consumer.Capabilities {
	return consumer.Capabilities{MutatesData: false}
}

// ConsumeLogs turns the records of ld into metrics and hands them on. A
// batch the metrics pipeline refuses is counted, not returned as an error:
// the logs pipeline would retry the records, and the connector would count
// them twice; every series is cumulative, so its next point carries what
// the refused one held.
func (c *metricsConnector) ConsumeLogs(ctx context.Context, ld plog.Logs) error {
	o := newOutput(metadata.ScopeName, c.set.BuildInfo.Version)
	c.mu.Lock()
	c.tr.translate(ld, o)
	recorded := c.tr.takeCounts()
	overflows := c.tr.limits.takeOverflows()
	c.mu.Unlock()
	c.report(ctx, &recorded, overflows)
	if o.points == 0 {
		return nil
	}
	if err := c.next.ConsumeMetrics(ctx, o.md); err != nil {
		c.tb.ConnectorChaosMetricsDataPoints.Add(ctx, int64(o.points), telemetryattr.Option("outcome", "refused"))
		c.set.Logger.Debug("metrics refused downstream; the next points of their series carry their counts", zap.Error(err))
		return nil
	}
	c.tb.ConnectorChaosMetricsDataPoints.Add(ctx, int64(o.points), telemetryattr.Option("outcome", "emitted"))
	return nil
}

func (c *metricsConnector) report(ctx context.Context, rc *counts, overflows []labelOverflow) {
	for r := range rc {
		for oc, n := range rc[r] {
			if n > 0 {
				c.tb.ConnectorChaosMetricsRecords.Add(ctx, n, c.recordOpts[r][oc])
			}
		}
	}
	for _, lo := range overflows {
		c.tb.ConnectorChaosMetricsLabelOverflows.Add(ctx, lo.n, telemetryattr.Option("label", lo.label))
	}
}

// Shutdown stops the telemetry callbacks; the connector has no goroutine.
func (c *metricsConnector) Shutdown(context.Context) error {
	c.tb.Shutdown()
	return nil
}
