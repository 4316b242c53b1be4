// Package metadata holds the component's identity and its own telemetry, in
// the shape mdatagen generates (written by hand: mdatagen is not served by
// the module proxy here).
package metadata // import "github.com/otelcol-chaos/otelcol-chaos/extension/coordinatorextension/internal/metadata"

import "go.opentelemetry.io/collector/component"

var (
	// Type is the component type used in configuration: `coordinator`.
	Type = component.MustNewType("coordinator")
	// ScopeName is the instrumentation scope of the component's telemetry.
	ScopeName = "github.com/otelcol-chaos/otelcol-chaos/extension/coordinatorextension"
)

const (
	// ExtensionStability is the stability of the extension.
	ExtensionStability = component.StabilityLevelDevelopment
)
