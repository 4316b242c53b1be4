// Package telemetryattr caches the measurement options of the components'
// own metrics: building an attribute set per measurement allocates, on
// paths (every batch, every rejected request) that must not.
package telemetryattr // import "github.com/otelcol-chaos/otelcol-chaos/internal/telemetryattr"

import (
	"sync"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
)

type key struct{ k, v string }

var cache sync.Map // key -> metric.MeasurementOption

// Option returns the cached option carrying the single attribute k=v.
func Option(k, v string) metric.MeasurementOption {
	id := key{k, v}
	if o, ok := cache.Load(id); ok {
		return o.(metric.MeasurementOption)
	}
	o := metric.WithAttributeSet(attribute.NewSet(attribute.String(k, v)))
	cache.Store(id, o)
	return o
}
