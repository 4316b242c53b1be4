package alertexporter

import (
	"context"
	"sync"
	"time"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"

	"github.com/otelcol-chaos/otelcol-chaos/exporter/alertexporter/internal/lifecycle"
	"github.com/otelcol-chaos/otelcol-chaos/exporter/alertexporter/internal/metadata"
	"github.com/otelcol-chaos/otelcol-chaos/exporter/alertexporter/internal/notify"
	"github.com/otelcol-chaos/otelcol-chaos/internal/telemetryattr"
)

// telemetry records the exporter's own metrics on the instruments of
// internal/metadata (declared in metadata.yaml): alerts by state,
// notifications sent, failed and dropped per handler, evaluation duration,
// bad records.
type telemetry struct {
	tb *metadata.TelemetryBuilder

	mu     sync.Mutex
	counts map[lifecycle.State]int
}

// newTelemetry creates the instruments and starts every handler's
// notification counters at 0, so that a dashboard or alerting rule on
// failed or dropped notifications finds the series before the first one.
func newTelemetry(set component.TelemetrySettings, handlers []string) (*telemetry, error) {
	tb, err := metadata.NewTelemetryBuilder(set)
	if err != nil {
		return nil, err
	}
	t := &telemetry{tb: tb, counts: map[lifecycle.State]int{}}
	for _, h := range handlers {
		opt := telemetryattr.Option("handler", h)
		for _, c := range []metric.Int64Counter{tb.ExporterAlertNotificationsSent, tb.ExporterAlertNotificationsFailed,
			tb.ExporterAlertNotificationsDropped} {
			c.Add(context.Background(), 0, opt)
		}
	}
	err = tb.RegisterExporterAlertAlertsCallback(func(_ context.Context, o metric.Int64Observer) error {
		t.mu.Lock()
		defer t.mu.Unlock()
		for _, s := range []lifecycle.State{lifecycle.StatePending, lifecycle.StateFiring, lifecycle.StateResolved} {
			o.Observe(int64(t.counts[s]), telemetryattr.Option("state", string(s)))
		}
		return nil
	})
	return t, err
}

func (t *telemetry) evaluated(d time.Duration, counts map[lifecycle.State]int) {
	t.tb.ExporterAlertEvaluationDuration.Record(context.Background(), d.Seconds())
	t.mu.Lock()
	t.counts = counts
	t.mu.Unlock()
}

func (t *telemetry) delivered(handler string, _ *notify.Notification, err error, _ int) {
	opt := telemetryattr.Option("handler", handler)
	if err != nil {
		t.tb.ExporterAlertNotificationsFailed.Add(context.Background(), 1, opt)
		return
	}
	t.tb.ExporterAlertNotificationsSent.Add(context.Background(), 1, opt)
}

// startAborts starts the aborts counter at 0 for every outcome of each
// abort handler's target kind, so an alerting rule on failed aborts finds
// the series before the first failure.
func (t *telemetry) startAborts(targets []string) {
	for _, target := range targets {
		for _, outcome := range []string{notify.AbortStopped, notify.AbortAlreadyStopped, notify.AbortDryRun, notify.AbortFailed} {
			t.tb.ExporterAlertAborts.Add(context.Background(), 0,
				metric.WithAttributes(attribute.String("target", target), attribute.String("outcome", outcome)))
		}
	}
}

// aborted counts one abort handler outcome.
func (t *telemetry) aborted(r notify.AbortRecord) {
	t.tb.ExporterAlertAborts.Add(context.Background(), 1,
		metric.WithAttributes(attribute.String("target", r.Target), attribute.String("outcome", r.Outcome)))
}

func (t *telemetry) dropped(handler string) {
	t.tb.ExporterAlertNotificationsDropped.Add(context.Background(), 1, telemetryattr.Option("handler", handler))
}

func (t *telemetry) badRecords(n int) {
	t.tb.ExporterAlertBadRecords.Add(context.Background(), int64(n))
}

// shutdown unregisters the alerts gauge's callback.
func (t *telemetry) shutdown() error {
	t.tb.Shutdown()
	return nil
}
