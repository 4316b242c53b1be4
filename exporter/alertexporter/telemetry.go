package alertexporter

import (
	"context"
	"errors"
	"sync"
	"time"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/otel/metric"

	"github.com/otelcol-chaos/otelcol-chaos/exporter/alertexporter/internal/lifecycle"
	"github.com/otelcol-chaos/otelcol-chaos/exporter/alertexporter/internal/metadata"
	"github.com/otelcol-chaos/otelcol-chaos/exporter/alertexporter/internal/notify"
	"github.com/otelcol-chaos/otelcol-chaos/internal/telemetryattr"
)

// telemetry is the exporter's own metrics: alerts by state, notifications
// sent, failed and dropped per handler, evaluation duration, bad records.
type telemetry struct {
	sent, failed, drops, bad metric.Int64Counter
	evalDuration             metric.Float64Histogram
	reg                      metric.Registration

	mu     sync.Mutex
	counts map[lifecycle.State]int
}

// newTelemetry creates the instruments and starts every handler's
// notification counters at 0, so that a dashboard or alerting rule on
// failed or dropped notifications finds the series before the first one.
func newTelemetry(set component.TelemetrySettings, handlers []string) (*telemetry, error) {
	meter := set.MeterProvider.Meter(metadata.ScopeName)
	t := &telemetry{counts: map[lifecycle.State]int{}}
	var errs [7]error
	t.sent, errs[0] = meter.Int64Counter("otelcol_exporter_alert_notifications_sent",
		metric.WithDescription("Notifications delivered, by handler. [development]"), metric.WithUnit("{notifications}"))
	t.failed, errs[1] = meter.Int64Counter("otelcol_exporter_alert_notifications_failed",
		metric.WithDescription("Notifications given up on (permanent error or retries exhausted), by handler. [development]"),
		metric.WithUnit("{notifications}"))
	t.drops, errs[2] = meter.Int64Counter("otelcol_exporter_alert_notifications_dropped",
		metric.WithDescription("Notifications dropped because the handler's queue was full, by handler. [development]"),
		metric.WithUnit("{notifications}"))
	t.bad, errs[3] = meter.Int64Counter("otelcol_exporter_alert_bad_records",
		metric.WithDescription("Records of a known kind that did not decode. [development]"), metric.WithUnit("{records}"))
	t.evalDuration, errs[4] = meter.Float64Histogram("otelcol_exporter_alert_evaluation_duration",
		metric.WithDescription("Time to evaluate every rule once. [development]"), metric.WithUnit("s"),
		metric.WithExplicitBucketBoundaries(0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5))
	var alerts metric.Int64ObservableGauge
	alerts, errs[5] = meter.Int64ObservableGauge("otelcol_exporter_alert_alerts",
		metric.WithDescription("Alerts by state (pending, firing, resolved within retention). [development]"),
		metric.WithUnit("{alerts}"))
	if err := errors.Join(errs[:]...); err != nil {
		return nil, err
	}
	for _, h := range handlers {
		opt := telemetryattr.Option("handler", h)
		for _, c := range []metric.Int64Counter{t.sent, t.failed, t.drops} {
			c.Add(context.Background(), 0, opt)
		}
	}
	var err error
	t.reg, err = meter.RegisterCallback(func(_ context.Context, o metric.Observer) error {
		t.mu.Lock()
		defer t.mu.Unlock()
		for _, s := range []lifecycle.State{lifecycle.StatePending, lifecycle.StateFiring, lifecycle.StateResolved} {
			o.ObserveInt64(alerts, int64(t.counts[s]), telemetryattr.Option("state", string(s)))
		}
		return nil
	}, alerts)
	return t, err
}

func (t *telemetry) evaluated(d time.Duration, counts map[lifecycle.State]int) {
	t.evalDuration.Record(context.Background(), d.Seconds())
	t.mu.Lock()
	t.counts = counts
	t.mu.Unlock()
}

func (t *telemetry) delivered(handler string, _ *notify.Notification, err error, _ int) {
	opt := telemetryattr.Option("handler", handler)
	if err != nil {
		t.failed.Add(context.Background(), 1, opt)
		return
	}
	t.sent.Add(context.Background(), 1, opt)
}

func (t *telemetry) dropped(handler string) {
	t.drops.Add(context.Background(), 1, telemetryattr.Option("handler", handler))
}

func (t *telemetry) badRecords(n int) { t.bad.Add(context.Background(), int64(n)) }

func (t *telemetry) shutdown() error {
	if t.reg == nil {
		return nil
	}
	return t.reg.Unregister()
}
