package telemetryattr

import (
	"testing"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestOptionCarriesTheAttributeAndIsCached(t *testing.T) {
	cfg := metric.NewAddConfig([]metric.AddOption{Option("reason", "too_large")})
	attrs := cfg.Attributes()
	v, ok := attrs.Value(attribute.Key("reason"))
	require.True(t, ok)
	require.Equal(t, "too_large", v.AsString())
	require.Equal(t, 1, attrs.Len())
	Option("outcome", "late")
	require.Zero(t, testing.AllocsPerRun(100, func() { _ = Option("outcome", "late") }))
}
