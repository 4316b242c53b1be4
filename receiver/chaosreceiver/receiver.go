package chaosreceiver // import "github.com/otelcol-chaos/otelcol-chaos/receiver/chaosreceiver"

import (
	"context"
	"time"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/config/confighttp"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/receiver"
	"go.opentelemetry.io/collector/receiver/receiverhelper"
	"go.uber.org/zap"

	"github.com/otelcol-chaos/otelcol-chaos/internal/httpserve"
	"github.com/otelcol-chaos/otelcol-chaos/receiver/chaosreceiver/internal/metadata"
)

// transport is the obsreport transport label.
const transport = "http"

// chaosReceiver serves the events path over HTTP and turns each accepted
// request into one plog.Logs handed to the next consumer.
type chaosReceiver struct {
	cfg       *Config
	settings  receiver.Settings
	next      consumer.Logs
	obsrep    *receiverhelper.ObsReport
	telemetry *metadata.TelemetryBuilder
	now       func() time.Time // injected in tests: the records' observed time

	server *httpserve.Server // nil until Start

	pools
}

func newReceiver(cfg *Config, set receiver.Settings, next consumer.Logs) (*chaosReceiver, error) {
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
	return &chaosReceiver{
		cfg:       cfg,
		settings:  set,
		next:      next,
		obsrep:    obsrep,
		telemetry: tb,
		now:       time.Now,
	}, nil
}

// Start opens the listener and serves in the background; a failure to
// serve after start is reported as a fatal component status.
func (r *chaosReceiver) Start(ctx context.Context, host component.Host) error {
	var err error
	r.server, err = httpserve.Start(ctx, &r.cfg.ServerConfig, host, r.settings.TelemetrySettings, r.routes(),
		confighttp.WithErrorHandler(r.transportError))
	if err != nil {
		return err
	}
	r.settings.Logger.Info("chaos receiver listening",
		zap.String("endpoint", r.server.Addr().String()),
		zap.String("events_path", r.cfg.EventsPath),
		zap.String("health_path", r.cfg.HealthPath))
	return nil
}

// Shutdown stops accepting requests, lets those in flight finish (bounded by
// ctx), and waits for the serving goroutine.
func (r *chaosReceiver) Shutdown(ctx context.Context) error {
	err := r.server.Shutdown(ctx)
	r.telemetry.Shutdown()
	return err
}
