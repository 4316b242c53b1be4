// Package alertexporter turns chaos analytics into alerts: threshold,
// anomaly, health and absent-data rules evaluated in event time, alerts
// with Prometheus' lifecycle, grouped and timed like Alertmanager, and
// notifications to log, webhook, Slack, PagerDuty and Alertmanager — only
// from the leader when a coordinator extension is configured.
package alertexporter // import "github.com/otelcol-chaos/otelcol-chaos/exporter/alertexporter"

import (
	"context"
	"time"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/config/confighttp"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/exporter"
	"go.opentelemetry.io/collector/exporter/exporterhelper"

	"github.com/otelcol-chaos/otelcol-chaos/exporter/alertexporter/config"
	"github.com/otelcol-chaos/otelcol-chaos/exporter/alertexporter/internal/metadata"
)

// NewFactory returns the factory of the `alert` exporter.
func NewFactory() exporter.Factory {
	return exporter.NewFactory(metadata.Type, createDefaultConfig,
		exporter.WithLogs(createLogs, metadata.LogsStability))
}

func createDefaultConfig() component.Config {
	api := confighttp.NewDefaultServerConfig()
	api.NetAddr.Endpoint = "localhost:4322"
	return &Config{
		API:                APIConfig{ServerConfig: api},
		EvaluationInterval: 15 * time.Second,
		DataDelay:          90 * time.Second,
		ResolvedRetention:  15 * time.Minute,
		HistorySize:        1000,
		Route: config.RouteConfig{GroupBy: []string{"alertname"}, GroupWait: 30 * time.Second,
			GroupInterval: 5 * time.Minute, RepeatInterval: 4 * time.Hour},
		Delivery:       config.NewDefaultDeliveryConfig(),
		TakeoverResend: 2 * time.Minute,
		DrainTimeout:   5 * time.Second,
	}
}

func createLogs(ctx context.Context, set exporter.Settings, cfg component.Config) (exporter.Logs, error) {
	ex, err := newAlertExporter(cfg.(*Config), set)
	if err != nil {
		return nil, err
	}
	return exporterhelper.NewLogs(ctx, set, cfg, ex.consume,
		exporterhelper.WithStart(ex.start), exporterhelper.WithShutdown(ex.shutdown),
		exporterhelper.WithCapabilities(consumer.Capabilities{MutatesData: false}))
}
