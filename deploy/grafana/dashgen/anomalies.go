package main

//lint:file-ignore SA1019 classic dashboard JSON on purpose (see main.go)

import (
	"github.com/grafana/grafana-foundation-sdk/go/common"
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
	"github.com/grafana/grafana-foundation-sdk/go/timeseries"
	"github.com/grafana/grafana-foundation-sdk/go/units"
)

// anomaliesHealth is what the anomaly processor makes of the chaos
// traffic: anomalies, health scores, trends and forecasts, and the impact
// factors behind them.
func anomaliesHealth() *dashboard.DashboardBuilder {
	b := newDashboard("otelcol-chaos-anomalies", "Chaos anomalies and health",
		"Anomalies, health scores, trends and forecasts of one otelcol-chaos collector (anomaly processor, via the chaos_metrics connector on :8889).").
		WithVariable(instanceVar("chaos_events_total")).
		WithVariable(serviceVar()).
		WithVariable(endpointVar()).
		Annotations(lifecycleAnnotations(onInstance)).
		WithRow(dashboard.NewRowBuilder("Anomalies")).
		// chaos_anomalies_open has no scope labels: these panels count the
		// anomalies of every scope, whatever $service and $endpoint are.
		WithPanel(statPanel("Open anomalies",
			"Anomalies open now, every scope and type.",
			units.Short, query{sumBy("", unscoped("chaos_anomalies_open")), "open"}).
			Thresholds(thresholds("green", level{1, "red"}))).
		WithPanel(statPanel("Open anomalies by type",
			"Anomalies open now, every scope, by type (all six types, 0 included).",
			units.Short, query{sumBy("chaos_anomaly_type", unscoped("chaos_anomalies_open")), "{{chaos_anomaly_type}}"}).
			Thresholds(thresholds("green", level{1, "red"})).
			Span(12)).
		WithPanel(statPanel("Health score",
			"Global health score of the last bucket (0..100): healthy from 80, degraded from 50, critical below.",
			units.NoUnit, query{global("chaos_health_score"), "global"}).
			Thresholds(healthLevels()).
			Min(0).Max(100)).
		WithPanel(anomaliesOpened("chaos_anomaly_type", "type")).
		WithPanel(anomaliesOpened("chaos_anomaly_severity", "severity")).
		WithRow(dashboard.NewRowBuilder("Health")).
		WithPanel(healthGraph(timeSeries("Health score",
			"Health score (0..100), global and per service; dashed lines at 50 (degraded) and 80 (healthy).",
			units.NoUnit, globalAndServices("chaos_health_score", gauge)...))).
		WithPanel(healthGraph(timeSeries("Health score by endpoint",
			"Health score (0..100) of each selected endpoint.",
			units.NoUnit, query{endpoints("chaos_health_score"), "{{chaos_endpoint}}"}))).
		WithPanel(healthGraph(timeSeries("Health components",
			"Global component scores (0..100) the health score is the weighted mean of: availability, latency, capacity, stability, steady_state.",
			units.NoUnit, query{global("chaos_health_component_score"), "{{chaos_health_component}}"}))).
		WithPanel(timeSeries("Impact factors",
			"Global inputs of the impact formula (0..1): fault, rate_limit, latency and probe_failure.",
			units.PercentUnit, query{global("chaos_impact_factor_ratio"), "{{chaos_impact_factor}}"}).
			Min(0).Max(1)).
		WithRow(dashboard.NewRowBuilder("Trends and forecasts")).
		WithPanel(timeSeries("Trend slopes",
			"Slope per bucket of each analysed series over the trend window, global scope; each in its series' own unit (events, ms, ratio).",
			units.NoUnit, query{global("chaos_trend_slope"), "{{chaos_trend_metric}}"}).
			Span(24))
	for _, f := range forecasts {
		b.WithPanel(forecast(f.metric, f.title, f.unit))
	}
	return b
}

// healthLevels are the health statuses of the anomaly processor.
func healthLevels() *dashboard.ThresholdsConfigBuilder {
	return thresholds("red", level{50, "orange"}, level{80, "green"})
}

// healthGraph draws a 0..100 score with its status thresholds.
func healthGraph(p *timeseries.PanelBuilder) *timeseries.PanelBuilder {
	return p.Min(0).Max(100).
		Thresholds(healthLevels()).
		ThresholdsStyle(common.NewGraphThresholdsStyleConfigBuilder().Mode(common.GraphThresholdsStyleModeDashed))
}

// anomaliesOpened are the anomalies opened per interval, every scope, by
// label.
func anomaliesOpened(label, name string) *timeseries.PanelBuilder {
	return perInterval(stacked(timeSeries("Anomalies opened by "+name,
		"Anomalies opened per interval, every scope, by "+name+".",
		units.Short, query{sumBy(label, increase(unscoped("chaos_anomalies_opened_total"), "$__interval")), "{{" + label + "}}"})))
}

// forecasts are the series the anomaly processor forecasts.
var forecasts = []struct{ metric, title, unit string }{
	{"events", "Forecast: events per bucket", units.Short},
	{"latency_p95_ms", "Forecast: p95 injected latency", units.Milliseconds},
	{"error_rate", "Forecast: error rate", units.PercentUnit},
	{"saturation", "Forecast: saturation", units.PercentUnit},
}

// forecast draws the global forecast of one series with its 95 %
// prediction interval as a band: "high" is filled down to "low", and
// neither bound has a line of its own.
func forecast(metric, title, unit string) *timeseries.PanelBuilder {
	only := `chaos_forecast_metric="` + metric + `"`
	return timeSeries(title,
		"Holt forecast of "+metric+" (global), drawn when it was made: it is for forecast_horizon buckets (5 min by default) later. The band is the 95 % prediction interval.",
		unit,
		query{global("chaos_forecast_value", only), "forecast"},
		query{global("chaos_forecast_low", only), "low"},
		query{global("chaos_forecast_high", only), "high"}).
		OverrideByName("high", []dashboard.DynamicConfigValue{
			{Id: "custom.fillBelowTo", Value: "low"},
			{Id: "custom.fillOpacity", Value: 20},
			{Id: "custom.lineWidth", Value: 0},
		}).
		OverrideByName("low", []dashboard.DynamicConfigValue{
			{Id: "custom.fillOpacity", Value: 0},
			{Id: "custom.lineWidth", Value: 0},
		})
}
