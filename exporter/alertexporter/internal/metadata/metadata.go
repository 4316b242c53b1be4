// Package metadata holds the component's identity, in the shape mdatagen
// generates (written by hand: mdatagen is not served by the module proxy here).
package metadata // import "github.com/otelcol-chaos/otelcol-chaos/exporter/alertexporter/internal/metadata"

import "go.opentelemetry.io/collector/component"

var (
	// Type is the component type used in configuration: `alert`.
	Type = component.MustNewType("alert")
	// ScopeName is the instrumentation scope of the component's telemetry.
	ScopeName = "github.com/otelcol-chaos/otelcol-chaos/exporter/alertexporter"
)

// LogsStability is the stability of the logs signal.
const LogsStability = component.StabilityLevelDevelopment
