package chaosdashboardextension

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/extension"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.uber.org/zap"

	"github.com/otelcol-chaos/otelcol-chaos/extension/chaosdashboardextension/internal/api"
	"github.com/otelcol-chaos/otelcol-chaos/extension/chaosdashboardextension/internal/metadata"
	"github.com/otelcol-chaos/otelcol-chaos/extension/chaosdashboardextension/internal/store"
	"github.com/otelcol-chaos/otelcol-chaos/extension/chaosdashboardextension/internal/stream"
	"github.com/otelcol-chaos/otelcol-chaos/extension/chaosdashboardextension/internal/web"
	"github.com/otelcol-chaos/otelcol-chaos/internal/chaosconv"
	"github.com/otelcol-chaos/otelcol-chaos/internal/httpserve"
	"github.com/otelcol-chaos/otelcol-chaos/internal/telemetryattr"
	"github.com/otelcol-chaos/otelcol-chaos/pkg/dashboard"
)

// streamPath is the WebSocket route; the JSON API serves the rest of
// /api/v1/ and the page everything else.
const streamPath = "/api/v1/stream"

// chaosDashboard is the extension: a store fed by the collector's own
// components (it is their dashboard.Publisher), the JSON API and the page
// reading it, and the WebSocket hub streaming what is published.
type chaosDashboard struct {
	cfg    *Config
	logger *zap.Logger
	tb     *metadata.TelemetryBuilder
	store  *store.Store
	hub    *stream.Hub
	fleet  *fleetWatcher
	server *httpserve.Server
	// telemetrySet is the component's telemetry, for the HTTP server.
	telemetrySet component.TelemetrySettings
}

var _ dashboard.Publisher = (*chaosDashboard)(nil)

func newDashboard(cfg *Config, set extension.Settings) (*chaosDashboard, error) {
	tb, err := metadata.NewTelemetryBuilder(set.TelemetrySettings)
	if err != nil {
		return nil, err
	}
	d := &chaosDashboard{cfg: cfg, logger: set.Logger, tb: tb, telemetrySet: set.TelemetrySettings}
	d.store = store.New(cfg.Store, chaosconv.ImpactConfig{
		LatencyBudget: cfg.Impact.LatencyBudget,
		TopEndpoints:  cfg.Impact.TopEndpoints,
	}, d.storeCounters())
	streamCfg := cfg.Stream
	// Pages served from an origin the CORS settings allow may open the
	// stream too.
	if cors := cfg.ServerConfig.CORS.Get(); cors != nil {
		streamCfg.AllowedOrigins = append(append([]string(nil), streamCfg.AllowedOrigins...), cors.AllowedOrigins...)
	}
	d.hub = stream.New(streamCfg, d.streamCounters(), time.Now, set.Logger)
	d.fleet = newFleetWatcher(cfg.LeadershipPollInterval, d.hub, set.Logger)
	return d, nil
}

// Start finds the coordinator, starts the server and logs the page's URL.
func (d *chaosDashboard) Start(ctx context.Context, host component.Host) error {
	if err := d.fleet.start(host, d.cfg.Coordinator); err != nil {
		return err
	}
	if err := d.tb.RegisterGauges(func() (int64, int64) {
		return int64(d.store.Series()), int64(d.hub.Clients())
	}); err != nil {
		return errors.Join(err, d.fleet.shutdown())
	}
	server, err := httpserve.Start(ctx, &d.cfg.ServerConfig, host, d.telemetrySet, d.routes())
	if err != nil {
		return errors.Join(fmt.Errorf("chaos_dashboard: serving on %s: %w", d.cfg.ServerConfig.NetAddr.Endpoint, err), d.fleet.shutdown())
	}
	d.server = server
	d.logger.Info("chaos_dashboard: open the dashboard in a browser", zap.String("url", d.url()))
	return nil
}

func (d *chaosDashboard) url() string {
	scheme := "http"
	if d.cfg.ServerConfig.TLS.HasValue() {
		scheme = "https"
	}
	return scheme + "://" + d.server.Addr().String() + "/"
}

func (d *chaosDashboard) routes() http.Handler {
	mux := http.NewServeMux()
	mux.Handle(streamPath, d.hub)
	mux.Handle("/api/v1/", api.New(d.store, d.fleet.view))
	mux.Handle("/", web.Handler())
	return mux
}

// Shutdown closes the stream's clients (the HTTP server does not track
// hijacked connections), then the server, then the fleet watcher.
func (d *chaosDashboard) Shutdown(ctx context.Context) error {
	err := d.hub.Shutdown(ctx)
	err = errors.Join(err, d.server.Shutdown(ctx), d.fleet.shutdown())
	d.tb.Shutdown()
	return err
}

// PublishRecords stores the records and streams what changed.
func (d *chaosDashboard) PublishRecords(ld plog.Logs) { d.store.Ingest(ld, d.hub) }

// PublishScenario stores and streams a scenario transition.
func (d *chaosDashboard) PublishScenario(t dashboard.ScenarioTransition) {
	d.store.AddScenario(t, d.hub)
}

// PublishAlert stores and streams an alert's change of state.
func (d *chaosDashboard) PublishAlert(t dashboard.AlertTransition) { d.store.AddAlert(t, d.hub) }

func (d *chaosDashboard) storeCounters() store.Counters {
	ctx := context.Background()
	return store.Counters{
		Stored: func(kind string, n int64) {
			d.tb.ExtensionChaosDashboardRecordsStored.Add(ctx, n, telemetryattr.Option("kind", kind))
		},
		Evicted: func(kind string, n int64) {
			d.tb.ExtensionChaosDashboardRecordsEvicted.Add(ctx, n, telemetryattr.Option("kind", kind))
		},
		Refused: func(reason string, n int64) {
			d.tb.ExtensionChaosDashboardRecordsRefused.Add(ctx, n, telemetryattr.Option("reason", reason))
		},
	}
}

func (d *chaosDashboard) streamCounters() stream.Counters {
	ctx := context.Background()
	return stream.Counters{
		Dropped:   func(n int64) { d.tb.ExtensionChaosDashboardStreamDropped.Add(ctx, n) },
		Coalesced: func(n int64) { d.tb.ExtensionChaosDashboardStreamCoalesced.Add(ctx, n) },
		Disconnected: func(reason string) {
			d.tb.ExtensionChaosDashboardStreamDisconnects.Add(ctx, 1, telemetryattr.Option("reason", reason))
		},
	}
}
