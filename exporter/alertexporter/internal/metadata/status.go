// Package metadata holds the exporter's identity and its own telemetry, in
// the shape mdatagen generates from ../../metadata.yaml (kept by hand:
// mdatagen is not served by the module proxy here; metadata_test.go checks
// the two agree).
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
