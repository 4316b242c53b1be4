package main

import "strings"

// Matchers of the dashboard variables. The only Grafana variables a query
// may use are $instance, $service, $endpoint, $__rate_interval, $__range
// and $__interval (the e2e test substitutes exactly these before it sends
// the queries to Prometheus).
const (
	onInstance = `instance=~"$instance"`
	onService  = `service_name=~"$service"`
	onEndpoint = `chaos_endpoint=~"$endpoint"`
)

// sel is a vector selector: metric{m1,m2,...}, or the bare metric name.
func sel(metric string, matchers ...string) string {
	if len(matchers) == 0 {
		return metric
	}
	return metric + "{" + strings.Join(matchers, ",") + "}"
}

// Scoped selectors of the chaos_metrics connector's series. Every chaos
// query reads one collector ($instance); service and endpoint series follow
// their variables. The global series is the sum of all, so it is not
// filtered by $service or $endpoint.
func global(metric string, extra ...string) string {
	return sel(metric, append([]string{`chaos_scope="global"`, onInstance}, extra...)...)
}

func services(metric string) string {
	return sel(metric, `chaos_scope="service"`, onInstance, onService)
}

func endpoints(metric string) string {
	return sel(metric, `chaos_scope="endpoint"`, onInstance, onEndpoint)
}

// unscoped selects a chaos metric without scope labels
// (chaos_anomalies_open, chaos_anomalies_opened_total across scopes).
func unscoped(metric string) string { return sel(metric, onInstance) }

// rate is the per-second rate over Grafana's $__rate_interval, which is at
// least four scrape intervals, so it never falls between two samples.
func rate(selector string) string { return "rate(" + selector + "[$__rate_interval])" }

func increase(selector, window string) string {
	return "increase(" + selector + "[" + window + "])"
}

// sumBy aggregates expr by the given labels ("" sums everything).
func sumBy(labels, expr string) string {
	if labels == "" {
		return "sum(" + expr + ")"
	}
	return "sum by (" + labels + ") (" + expr + ")"
}

func maxBy(labels, expr string) string {
	if labels == "" {
		return "max(" + expr + ")"
	}
	return "max by (" + labels + ") (" + expr + ")"
}

// quantile is the phi-quantile of a classic histogram: the _bucket rates
// summed by le (and by the labels kept, if any).
func quantile(phi, buckets, by string) string {
	le := "le"
	if by != "" {
		le += ", " + by
	}
	return "histogram_quantile(" + phi + ", " + sumBy(le, rate(buckets)) + ")"
}
