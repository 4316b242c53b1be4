package main

//lint:file-ignore SA1019 classic dashboard JSON on purpose (see main.go)

import (
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
	"github.com/grafana/grafana-foundation-sdk/go/units"
)

// overview is the chaos traffic of one collector: impact, events, injected
// latency, faults, rate limits, traffic, protocols and probes.
func overview() *dashboard.DashboardBuilder {
	return newDashboard("otelcol-chaos-overview", "Chaos overview",
		"Chaos traffic seen by one otelcol-chaos collector (chaos_metrics connector, :8889): impact, events, injected latency, faults, traffic and probes.").
		WithVariable(instanceVar("chaos_events_total")).
		WithVariable(serviceVar()).
		WithVariable(endpointVar()).
		Annotations(lifecycleAnnotations(onInstance)).
		WithRow(dashboard.NewRowBuilder("Impact")).
		WithPanel(timeSeries("Impact severity",
			"Impact of the last bucket (0..1) as the analytics processor computes it, global and per service.",
			units.PercentUnit, globalAndServices("chaos_impact_severity_ratio", gauge)...).
			Min(0).Max(1)).
		WithPanel(timeSeries("Degradation",
			"Degradation of the last bucket (0..100 %), global and per service.",
			units.Percent, globalAndServices("chaos_impact_degradation_percent", gauge)...).
			Min(0).Max(100)).
		WithRow(dashboard.NewRowBuilder("Events")).
		WithPanel(stacked(timeSeries("Events by kind",
			"Chaos events per second, all services, by kind.",
			perSecond, query{sumBy("chaos_event_kind", rate(global("chaos_events_total"))), "{{chaos_event_kind}}"}))).
		WithPanel(timeSeries("Events by service",
			"Chaos events per second of each selected service.",
			perSecond, query{sumBy("service_name", rate(services("chaos_events_total"))), "{{service_name}}"})).
		WithPanel(statPanel("Peak minute",
			"Most events in one minute (any 60 s) over the dashboard's time range, all services.",
			units.Short,
			// A subquery: the global events of the minute before each
			// $__interval step of the range, then their maximum. Steps of
			// $__interval, not of 1m: a 1m grid may have no point at all
			// in a short range.
			query{"max_over_time(" + sumBy("", increase(global("chaos_events_total"), "1m")) + "[$__range:$__interval])", "events in the busiest minute"}).
			Span(6).Height(8)).
		WithPanel(ranking("Top endpoints",
			"The ten selected endpoints with the most events over the dashboard's time range.",
			units.Short,
			query{"sort_desc(topk(10, " + sumBy("chaos_endpoint", increase(endpoints("chaos_events_total"), "$__range")) + "))", "{{chaos_endpoint}}"}).
			Span(18)).
		WithRow(dashboard.NewRowBuilder("Injected latency")).
		WithPanel(timeSeries("Injected latency",
			"p50, p95 and p99 of the delays injected, all services.",
			units.Seconds, quantiles(global("chaos_injected_latency_seconds_bucket"))...)).
		WithPanel(timeSeries("Injected latency p95 by service",
			"p95 of the delays injected into each selected service.",
			units.Seconds, query{quantile("0.95", services("chaos_injected_latency_seconds_bucket"), "service_name"), "{{service_name}}"})).
		WithRow(dashboard.NewRowBuilder("Faults, rate limits and traffic")).
		WithPanel(stacked(timeSeries("Faults by type",
			"Faults injected per second, all services, by type.",
			perSecond, query{sumBy("chaos_fault_type", rate(global("chaos_faults_total"))), "{{chaos_fault_type}}"}))).
		WithPanel(timeSeries("Rate-limit violations",
			"Requests over a rate limit per second, global and per service.",
			perSecond, globalAndServices("chaos_rate_limit_violations_total", rate)...)).
		WithPanel(timeSeries("Traffic-shaping events",
			"Traffic-shaping events per second, global and per service.",
			perSecond, globalAndServices("chaos_traffic_events_total", rate)...)).
		WithPanel(timeSeries("Shaped traffic",
			"Bytes of shaped traffic per second, global and per service.",
			units.BytesPerSecondSI, globalAndServices("chaos_traffic_bytes_total", rate)...)).
		WithPanel(stacked(timeSeries("Protocol events by protocol",
			"Protocol events per second, all services, by protocol.",
			perSecond, query{sumBy("chaos_protocol_name", rate(global("chaos_protocol_events_total"))), "{{chaos_protocol_name}}"})).
			Span(24)).
		WithRow(dashboard.NewRowBuilder("Probes")).
		WithPanel(colored(stacked(timeSeries("Probes by outcome",
			"Steady-state probes per second, all services: passed, slow (passed, over the latency SLO) and failed.",
			perSecond, query{sumBy("chaos_probe_outcome", rate(global("chaos_probes_total"))), "{{chaos_probe_outcome}}"})),
			outcomeColors)).
		WithPanel(timeSeries("Probe duration",
			"p50, p95 and p99 of the probe durations, all services.",
			units.Seconds, quantiles(global("chaos_probe_duration_seconds_bucket"))...))
}
