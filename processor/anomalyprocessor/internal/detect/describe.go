package detect

import (
	"fmt"

	"github.com/otelcol-chaos/otelcol-chaos/internal/chaosconv"
)

// describe sets an anomaly's identity, a sentence a person can act on,
// and suggested actions.
func describe(a *chaosconv.Anomaly, t chaosconv.AnomalyType, s chaosconv.ScopeRef, metric string) {
	a.Type, a.Scope, a.Metric = t, s, metric
	a.ID = anomalyID(t, s, metric, a.Start)
	where := s.Kind.String()
	if s.Key != "" {
		where += " " + s.Key
	}
	switch {
	case metric == MetricRequestErrorRatio:
		a.Description = fmt.Sprintf("high error rate on %s: %.0f%% of its requests failed, %.0f%% expected", where, 100*a.Observed, 100*a.Expected)
		a.Actions = []string{"check the affected service's errors and its dependencies", "abort the experiment if the error budget is at risk"}
		return
	case metric == MetricRequestLatencyP95:
		a.Description = fmt.Sprintf("latency anomaly on %s: p95 of its requests %.0f ms, %.0f ms expected", where, a.Observed, a.Expected)
		a.Actions = []string{"check timeouts and retries of the affected service's callers", "reduce or stop the injected chaos if the blast radius is exceeded"}
		return
	case metric == MetricRequests:
		a.Description = fmt.Sprintf("unexpected quiet on %s: %.0f requests in a bucket, %.1f expected", where, a.Observed, a.Expected)
		a.Actions = []string{"check that the service still receives traffic (load balancer, callers, crash)", "check that its traces still reach the collector"}
		if a.Observed == 0 {
			a.Severity = chaosconv.SeverityCritical
		}
		return
	}
	switch t {
	case chaosconv.AnomalyEventSpike:
		a.Description = fmt.Sprintf("event spike on %s: %.0f chaos events in a bucket, %.1f expected", where, a.Observed, a.Expected)
		a.Actions = []string{"check which experiment or scenario started at the spike", "confirm the injection rate is the one intended"}
	case chaosconv.AnomalyLatency:
		a.Description = fmt.Sprintf("latency anomaly on %s: p95 injected delay %.0f ms, %.0f ms expected", where, a.Observed, a.Expected)
		a.Actions = []string{"check timeouts and retries of callers of the affected endpoints", "reduce the injected delay if the blast radius is exceeded"}
	case chaosconv.AnomalyHighErrorRate:
		a.Description = fmt.Sprintf("high error rate on %s: %.0f%% of events are faults or failed probes, %.0f%% expected", where, 100*a.Observed, 100*a.Expected)
		a.Actions = []string{"check the steady-state probes of the affected service", "abort the experiment if the error budget is at risk"}
	case chaosconv.AnomalyResourceExhaustion:
		a.Description = fmt.Sprintf("resource exhaustion on %s: %.0f%% of events are rate-limit or throttling events, %.0f%% expected", where, 100*a.Observed, 100*a.Expected)
		a.Actions = []string{"check rate limits and client back-off", "check connection and thread pools of the affected service"}
	case chaosconv.AnomalyCascadingFailure:
		a.Description = fmt.Sprintf("cascading failure: %.0f services or endpoints with an anomalous error rate, up from %.0f", a.Observed, a.Expected)
		a.Actions = []string{"abort the experiment: impact is spreading beyond its target", "check circuit breakers and bulkheads between the affected services"}
		if a.Observed >= 2*a.BandHigh {
			a.Severity = chaosconv.SeverityCritical
		}
	case chaosconv.AnomalyUnexpectedQuiet:
		a.Description = fmt.Sprintf("unexpected quiet on %s: %.0f chaos events in a bucket, %.1f expected", where, a.Observed, a.Expected)
		a.Actions = []string{"check that the chaos tool and the collector pipeline are still running", "check whether the experiment was aborted"}
		if a.Observed == 0 {
			a.Severity = chaosconv.SeverityCritical
		}
	}
}
