package main

//lint:file-ignore SA1019 classic dashboard JSON on purpose (see main.go)

import (
	"github.com/grafana/grafana-foundation-sdk/go/bargauge"
	"github.com/grafana/grafana-foundation-sdk/go/cog"
	"github.com/grafana/grafana-foundation-sdk/go/cog/variants"
	"github.com/grafana/grafana-foundation-sdk/go/common"
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
	"github.com/grafana/grafana-foundation-sdk/go/prometheus"
	"github.com/grafana/grafana-foundation-sdk/go/stat"
	"github.com/grafana/grafana-foundation-sdk/go/timeseries"
	"github.com/grafana/grafana-foundation-sdk/go/units"
)

// tag is on every dashboard; the dashboards' links list the others by it.
const tag = "otelcol-chaos"

// perSecond is the unit of rates ("c/s"): the series count events, records,
// requests or notifications, not operations.
const perSecond = units.CountsPerSecond

// datasource is the Prometheus datasource every query and variable uses;
// deploy/grafana/provisioning/datasources/prometheus.yaml creates it.
var datasource = common.DataSourceRef{Type: cog.ToPtr("prometheus"), Uid: cog.ToPtr("prometheus")}

// newDashboard has the settings the three dashboards share.
func newDashboard(uid, title, description string) *dashboard.DashboardBuilder {
	return dashboard.NewDashboardBuilder(title).
		Uid(uid).
		Description(description).
		Tags([]string{tag}).
		Refresh("30s").
		Time("now-1h", "now").
		Timezone(common.TimeZoneBrowser).
		Tooltip(dashboard.DashboardCursorSyncCrosshair).
		Link(dashboard.NewDashboardLinkBuilder("otelcol-chaos").
			Type(dashboard.DashboardLinkTypeDashboards).
			Tags([]string{tag}).
			AsDropdown(true).
			KeepTime(true).
			// Not the variables: $instance is a different endpoint on the fleet dashboard.
			IncludeVars(false))
}

// labelValuesVar is a query variable listing the values of label on the
// series of selector (Grafana's label_values syntax for Prometheus).
func labelValuesVar(name, label, selector string) *dashboard.QueryVariableBuilder {
	q := "label_values(" + selector + ", " + label + ")"
	return dashboard.NewQueryVariableBuilder(name).
		Datasource(datasource).
		Query(dashboard.StringOrMap{String: &q}).
		Definition(q).
		Refresh(dashboard.VariableRefreshOnTimeRangeChanged).
		Sort(dashboard.VariableSortAlphabeticalAsc)
}

// instanceVar picks one scrape target: the chaos metrics endpoint (:8889)
// on the chaos dashboards, the collector's telemetry (:8888) on the fleet
// one. No "All": every gateway of a fleet holds the same merged chaos
// data, which the panels that sum would count once per gateway.
func instanceVar(metric string) *dashboard.QueryVariableBuilder {
	return labelValuesVar("instance", "instance", metric).
		Description("Scrape target (host:port) the panels read").
		Multi(false).
		IncludeAll(false)
}

// multiAllVar is a multi-select variable that starts on "All". allValue
// .* keeps the query short however many values there are.
func multiAllVar(name, label, selector string) *dashboard.QueryVariableBuilder {
	return labelValuesVar(name, label, selector).
		Multi(true).
		IncludeAll(true).
		AllValue(".*").
		Current(dashboard.VariableOption{
			Selected: cog.ToPtr(true),
			Text:     dashboard.StringOrArrayOfString{ArrayOfString: []string{"All"}},
			Value:    dashboard.StringOrArrayOfString{ArrayOfString: []string{"$__all"}},
		})
}

func serviceVar() *dashboard.QueryVariableBuilder {
	return multiAllVar("service", "service_name",
		sel("chaos_events_total", `chaos_scope="service"`, onInstance)).
		Description("Services of the service-scope panels")
}

func endpointVar() *dashboard.QueryVariableBuilder {
	return multiAllVar("endpoint", "chaos_endpoint",
		sel("chaos_events_total", `chaos_scope="endpoint"`, onInstance)).
		Description("Endpoints of the endpoint-scope panels")
}

// Names of the annotation queries every dashboard has (the test checks them).
const (
	scenarioAnnotation   = "Scenario transitions"
	experimentAnnotation = "Experiment phases"
)

// lifecycleAnnotations mark scenario transitions and experiment phases on
// every time-series panel. matchers select the collector (none on the
// fleet dashboard, whose $instance is the telemetry endpoint, not the
// chaos metrics one).
func lifecycleAnnotations(matchers ...string) []cog.Builder[dashboard.AnnotationQuery] {
	return []cog.Builder[dashboard.AnnotationQuery]{
		annotation(scenarioAnnotation, "purple", sel("chaos_scenario_transitions_total", matchers...)).
			TitleFormat("{{chaos_scenario_to}}").
			TextFormat("scenario {{chaos_scenario_from}} → {{chaos_scenario_to}}").
			TagKeys("chaos_scenario_to"),
		annotation(experimentAnnotation, "orange", sel("chaos_experiment_phases_total", matchers...)).
			TitleFormat("{{chaos_experiment_name}}: {{chaos_experiment_phase}}").
			TextFormat("experiment {{chaos_experiment_name}} {{chaos_experiment_phase}}").
			TagKeys("chaos_experiment_name,chaos_experiment_phase"),
	}
}

// annotation marks the minutes in which the counter selected stepped up.
// changes() alone misses the first step of every label set: a new series
// starts at 1 (the connector has no zero point for a transition it has not
// seen), and so does a series the exporter expired and sends again. The
// `unless ... offset 1m` half catches those: series present now but not a
// minute ago. Evaluated every minute (step), each step is marked once.
func annotation(name, color, counter string) *dashboard.AnnotationQueryBuilder {
	expr := "(changes(" + counter + "[1m]) > 0) or (" + counter + " unless " + counter + " offset 1m)"
	return dashboard.NewAnnotationQueryBuilder().
		Name(name).
		Datasource(datasource).
		Enable(true).
		IconColor(color).
		Expr(expr).
		Step("1m")
}

// query is one PromQL expression and the legend of its series.
type query struct{ expr, legend string }

// target is the i-th query of a panel (refId A, B, ...).
func target(i int, q query) *prometheus.DataqueryBuilder {
	return prometheus.NewDataqueryBuilder().
		Datasource(datasource).
		RefId(string(rune('A' + i))).
		Expr(q.expr).
		LegendFormat(q.legend)
}

// panelBuilder is what the SDK's panel builders have in common and
// withQueries sets; P is the builder's own type, so chains keep it.
type panelBuilder[P any] interface {
	Title(string) P
	Description(string) P
	Datasource(common.DataSourceRef) P
	Unit(string) P
	Span(uint32) P
	Height(uint32) P
	WithTarget(cog.Builder[variants.Dataquery]) P
}

// withQueries sets what every panel has: title, description, datasource,
// unit, size and queries. instant asks Prometheus for the last value only
// (stats and bar gauges show nothing else).
func withQueries[P panelBuilder[P]](p P, title, description, unit string, width, height uint32, instant bool, queries []query) P {
	p.Title(title).Description(description).Datasource(datasource).Unit(unit).Span(width).Height(height)
	for i, q := range queries {
		t := target(i, q)
		if instant {
			t.Instant()
		} else {
			t.Range()
		}
		p.WithTarget(t)
	}
	return p
}

// timeSeries is a half-width graph of the queries, with a legend and a
// tooltip listing every series.
func timeSeries(title, description, unit string, queries ...query) *timeseries.PanelBuilder {
	return withQueries(timeseries.NewPanelBuilder(), title, description, unit, 12, 8, false, queries).
		Legend(common.NewVizLegendOptionsBuilder().
			ShowLegend(true).
			DisplayMode(common.LegendDisplayModeList).
			Placement(common.LegendPlacementBottom)).
		Tooltip(common.NewVizTooltipOptionsBuilder().
			Mode(common.TooltipDisplayModeMulti).
			Sort(common.SortOrderDescending)).
		LineWidth(1).
		FillOpacity(10).
		ShowPoints(common.VisibilityModeNever)
}

// statPanel shows the last value of each series of the queries.
func statPanel(title, description, unit string, queries ...query) *stat.PanelBuilder {
	return withQueries(stat.NewPanelBuilder(), title, description, unit, 6, 4, true, queries).
		ReduceOptions(lastValue()).
		GraphMode(common.BigValueGraphModeNone).
		ColorMode(common.BigValueColorModeValue).
		Orientation(common.VizOrientationAuto)
}

// ranking is a horizontal bar per series of the query, largest first (the
// query sorts; an instant query keeps Prometheus' order).
func ranking(title, description, unit string, q query) *bargauge.PanelBuilder {
	return withQueries(bargauge.NewPanelBuilder(), title, description, unit, 12, 8, true, []query{q}).
		ReduceOptions(lastValue()).
		Orientation(common.VizOrientationHorizontal).
		DisplayMode(common.BarGaugeDisplayModeGradient)
}

func lastValue() *common.ReduceDataOptionsBuilder {
	return common.NewReduceDataOptionsBuilder().Calcs([]string{"lastNotNull"}).Values(false)
}

// level is a threshold: from this value on, the colour.
type level struct {
	from  float64
	color string
}

// thresholds colours values below the first level base.
func thresholds(base string, levels ...level) *dashboard.ThresholdsConfigBuilder {
	steps := []dashboard.Threshold{{Color: base}} // a nil value is -Infinity
	for _, l := range levels {
		steps = append(steps, dashboard.Threshold{Value: cog.ToPtr(l.from), Color: l.color})
	}
	return dashboard.NewThresholdsConfigBuilder().Mode(dashboard.ThresholdsModeAbsolute).Steps(steps)
}

// seriesColor fixes the colour of a series by its legend name, so that
// e.g. "failed" is red whatever order the series arrive in.
type seriesColor struct{ name, color string }

var (
	outcomeColors = []seriesColor{{"passed", "green"}, {"slow", "yellow"}, {"failed", "red"}}
	alertColors   = []seriesColor{{"pending", "yellow"}, {"firing", "red"}, {"resolved", "green"}}
	memberColors  = []seriesColor{{"active", "green"}, {"degraded", "yellow"}, {"failed", "red"}}
)

// colored gives the series of p their colours.
func colored(p *timeseries.PanelBuilder, colors []seriesColor) *timeseries.PanelBuilder {
	for _, c := range colors {
		p.OverrideByName(c.name, []dashboard.DynamicConfigValue{
			{Id: "color", Value: map[string]any{"mode": "fixed", "fixedColor": c.color}},
		})
	}
	return p
}

// stacked stacks the series of a panel (parts of one whole).
func stacked(p *timeseries.PanelBuilder) *timeseries.PanelBuilder {
	return p.Stacking(common.NewStackingConfigBuilder().Mode(common.StackingModeNormal)).FillOpacity(30)
}

// perInterval draws counts per $__interval (increase over $__interval) as
// bars. The bars do not overlap, so each event is counted once, and the
// interval is at least a minute, so a window holds several scrapes.
func perInterval(p *timeseries.PanelBuilder) *timeseries.PanelBuilder {
	return p.DrawStyle(common.GraphDrawStyleBars).Interval("1m").FillOpacity(60)
}

// quantiles are the p50, p95 and p99 of a classic histogram's buckets.
func quantiles(buckets string) []query {
	return []query{
		{quantile("0.5", buckets, ""), "p50"},
		{quantile("0.95", buckets, ""), "p95"},
		{quantile("0.99", buckets, ""), "p99"},
	}
}

// globalAndServices is a metric's global series ("global") and one series
// per selected service, each passed through f (identity for gauges, rate
// for counters).
func globalAndServices(metric string, f func(string) string) []query {
	return []query{
		{f(global(metric)), "global"},
		{f(services(metric)), "{{service_name}}"},
	}
}

func gauge(selector string) string { return selector }
