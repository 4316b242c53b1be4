package chaosreceiver // import "github.com/otelcol-chaos/otelcol-chaos/receiver/chaosreceiver"

import (
	"sync"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
)

// reasonAttrs caches one attribute option per rejection reason: building an
// attribute set per rejected request would allocate on a path that a
// misbehaving sender can drive hard.
var reasonAttrs sync.Map // reason -> metric.MeasurementOption

func reasonAttr(reason string) metric.AddOption {
	if v, ok := reasonAttrs.Load(reason); ok {
		return v.(metric.AddOption)
	}
	opt := metric.WithAttributeSet(attribute.NewSet(attribute.String("reason", reason)))
	reasonAttrs.Store(reason, opt)
	return opt
}
