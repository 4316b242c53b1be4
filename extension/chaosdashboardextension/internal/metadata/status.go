// Package metadata holds the extension's identity and its own telemetry, in
// the shape mdatagen generates from ../../metadata.yaml (kept by hand:
// mdatagen is not served by the module proxy here; metadata_test.go checks
// the two agree).
package metadata // import "github.com/otelcol-chaos/otelcol-chaos/extension/chaosdashboardextension/internal/metadata"

import "go.opentelemetry.io/collector/component"

var (
	// Type is the component type used in configuration: `chaos_dashboard`.
	Type = component.MustNewType("chaos_dashboard")
	// ScopeName is the instrumentation scope of the component's telemetry.
	ScopeName = "github.com/otelcol-chaos/otelcol-chaos/extension/chaosdashboardextension"
)

const (
	// ExtensionStability is the stability of the extension.
	ExtensionStability = component.StabilityLevelDevelopment
)
