// Package metadata holds the connector's identity and its own telemetry, in
// the shape mdatagen generates from ../../metadata.yaml (written by hand:
// mdatagen is not served by the module proxy here; a test checks the two
// agree).
package metadata // import "github.com/otelcol-chaos/otelcol-chaos/connector/chaosspansconnector/internal/metadata"

import "go.opentelemetry.io/collector/component"

var (
	// Type is the component type used in configuration: `chaos_spans`.
	Type = component.MustNewType("chaos_spans")
	// ScopeName is the instrumentation scope of the connector's telemetry
	// and of the records it emits.
	ScopeName = "github.com/otelcol-chaos/otelcol-chaos/connector/chaosspansconnector"
)

const (
	// TracesToLogsStability is the stability of the traces → logs pair.
	TracesToLogsStability = component.StabilityLevelDevelopment
)
