// Package metadata holds the component's identity and its own telemetry, in
// the shape mdatagen generates (written by hand: mdatagen is not served by
// the module proxy here).
package metadata // import "github.com/otelcol-chaos/otelcol-chaos/processor/chaosanalyticsprocessor/internal/metadata"

import "go.opentelemetry.io/collector/component"

var (
	// Type is the component type used in configuration: `chaos_analytics`.
	Type = component.MustNewType("chaos_analytics")
	// ScopeName is the instrumentation scope of the component's telemetry
	// and of the summary records it emits.
	ScopeName = "github.com/otelcol-chaos/otelcol-chaos/processor/chaosanalyticsprocessor"
)

const (
	// LogsStability is the stability of the logs signal.
	LogsStability = component.StabilityLevelAlpha
)
