// Package metadata holds the connector's identity and its own telemetry, in
// the shape mdatagen generates from ../../metadata.yaml (written by hand:
// mdatagen is not served by the module proxy here; a test checks the two
// agree).
package metadata // import "github.com/otelcol-chaos/otelcol-chaos/connector/chaosmetricsconnector/internal/metadata"

import "go.opentelemetry.io/collector/component"

var (
	// Type is the component type used in configuration: `chaos_metrics`.
	Type = component.MustNewType("chaos_metrics")
	// ScopeName is the instrumentation scope of the connector's telemetry
	// and of the metrics it emits.
	ScopeName = "github.com/otelcol-chaos/otelcol-chaos/connector/chaosmetricsconnector"
)

const (
	// LogsToMetricsStability is the stability of the logs → metrics pair.
	LogsToMetricsStability = component.StabilityLevelDevelopment
)
