// Package metadata holds the receiver's identity and its own telemetry, in
// the shape mdatagen generates from ../../metadata.yaml. It is hand-kept
// (mdatagen is not served by the module proxy here): metadata_test.go checks
// it, and the README's tables, against metadata.yaml.
package metadata // import "github.com/otelcol-chaos/otelcol-chaos/receiver/chaoskubernetesreceiver/internal/metadata"

import "go.opentelemetry.io/collector/component"

var (
	// Type is the component type used in configuration: `chaos_kubernetes`.
	Type = component.MustNewType("chaos_kubernetes")
	// ScopeName is the instrumentation scope of the component's telemetry
	// and of the log records it emits.
	ScopeName = "github.com/otelcol-chaos/otelcol-chaos/receiver/chaoskubernetesreceiver"
)

const (
	// LogsStability is the stability of the logs signal.
	LogsStability = component.StabilityLevelDevelopment
)
