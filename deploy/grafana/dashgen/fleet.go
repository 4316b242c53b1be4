package main

//lint:file-ignore SA1019 classic dashboard JSON on purpose (see main.go)

import (
	"github.com/grafana/grafana-foundation-sdk/go/common"
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
	"github.com/grafana/grafana-foundation-sdk/go/timeseries"
	"github.com/grafana/grafana-foundation-sdk/go/units"
)

// alertsFleet is the collectors' own telemetry (:8888): the alert
// exporter, the coordinator and the pipeline. Its otelcol_* counters have
// no _total suffix.
//
// $instance is a telemetry endpoint here, so it selects what one collector
// knows (its alerts, its view of the members, its pipeline); the panels
// that compare collectors (leader, term, ingest, refusals) show them all,
// by instance. The annotations are of the whole fleet for the same reason:
// the chaos counters they read are on another port, another instance.
func alertsFleet() *dashboard.DashboardBuilder {
	return newDashboard("otelcol-chaos-alerts-fleet", "Chaos alerts and fleet",
		"Alerts and notifications, coordinator leadership and membership, and ingest of the otelcol-chaos collectors (their own telemetry, :8888).").
		WithVariable(instanceVar("otelcol_process_uptime")).
		Annotations(lifecycleAnnotations()).
		WithRow(dashboard.NewRowBuilder("Alerts ($instance)")).
		WithPanel(statPanel("Firing alerts",
			"Alerts firing now.",
			units.Short, query{sumBy("", sel("otelcol_exporter_alert_alerts", onInstance, `state="firing"`)), "firing"}).
			Thresholds(thresholds("green", level{1, "red"})).
			Height(8)).
		WithPanel(statPanel("Uptime",
			"Time since the collector started.",
			units.Seconds, query{maxBy("", sel("otelcol_process_uptime", onInstance)), "uptime"}).
			Height(8)).
		WithPanel(colored(timeSeries("Alerts by state",
			"Alerts pending, firing and resolved (within the exporter's retention).",
			units.Short, query{sumBy("state", sel("otelcol_exporter_alert_alerts", onInstance)), "{{state}}"}),
			alertColors)).
		WithPanel(timeSeries("Notifications",
			"Notifications per second by handler: delivered, given up (failed) and dropped (handler queue full).",
			perSecond,
			notifications("sent"), notifications("failed"), notifications("dropped")).
			Span(24)).
		WithRow(dashboard.NewRowBuilder("Fleet (all collectors)")).
		WithPanel(stepped(timeSeries("Leader",
			"1 on the collector that leads the fleet.",
			units.NoUnit, query{maxBy("instance", "otelcol_extension_coordinator_is_leader"), "{{instance}}"})).
			Min(0).Max(1)).
		WithPanel(stepped(timeSeries("Term",
			"Fencing term each collector knows; it grows with every leadership change.",
			units.NoUnit, query{maxBy("instance", "otelcol_extension_coordinator_term"), "{{instance}}"}))).
		WithPanel(perInterval(timeSeries("Leader changes",
			"Leadership changes each collector saw per interval.",
			units.Short, query{sumBy("instance", increase("otelcol_extension_coordinator_leader_changes", "$__interval")), "{{instance}}"}))).
		WithPanel(colored(stepped(timeSeries("Members by status ($instance)",
			"Fleet members by status as the selected collector sees them.",
			units.Short, query{sumBy("status", sel("otelcol_extension_coordinator_members", onInstance)), "{{status}}"})),
			memberColors)).
		WithPanel(timeSeries("Ingest",
			"Log records accepted per second, by collector and receiver.",
			perSecond, query{sumBy("instance, receiver", rate("otelcol_receiver_accepted_log_records")), "{{instance}} {{receiver}}"})).
		WithPanel(timeSeries("Refusals",
			"Log records refused by the pipeline, and requests the chaos receiver rejected by reason, per second and collector.",
			perSecond,
			query{sumBy("instance", rate("otelcol_receiver_refused_log_records")), "{{instance}} refused"},
			query{sumBy("instance, reason", rate("otelcol_receiver_chaos_rejected_requests")), "{{instance}} rejected: {{reason}}"})).
		WithRow(dashboard.NewRowBuilder("Pipeline ($instance)")).
		WithPanel(timeSeries("Analytics events by outcome",
			"Chaos events the chaos_analytics processor saw per second: aggregated, late, future, invalid.",
			perSecond, query{sumBy("outcome", rate(sel("otelcol_processor_chaos_analytics_events", onInstance))), "{{outcome}}"})).
		WithPanel(timeSeries("Connector records by outcome",
			"Records the chaos_metrics connector read per second, by kind and outcome (converted, skipped, malformed).",
			perSecond, query{sumBy("record, outcome", rate(sel("otelcol_connector_chaos_metrics_records", onInstance))), "{{record}} {{outcome}}"}))
}

// notifications is the per-handler rate of one notification counter.
func notifications(outcome string) query {
	return query{
		sumBy("handler", rate(sel("otelcol_exporter_alert_notifications_"+outcome, onInstance))),
		"{{handler}} " + outcome,
	}
}

// stepped draws a state that changes in steps (leader, term, members).
func stepped(p *timeseries.PanelBuilder) *timeseries.PanelBuilder {
	return p.LineInterpolation(common.LineInterpolationStepAfter)
}
