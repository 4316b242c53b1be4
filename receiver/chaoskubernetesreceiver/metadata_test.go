package chaoskubernetesreceiver

import (
	"testing"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"

	"github.com/otelcol-chaos/otelcol-chaos/internal/chaosconv"
	"github.com/otelcol-chaos/otelcol-chaos/internal/metadatatest"
	"github.com/otelcol-chaos/otelcol-chaos/receiver/chaoskubernetesreceiver/internal/metadata"
)

// TestMetadata checks the hand-kept internal/metadata package, the
// instruments and the README against metadata.yaml, the single source
// mdatagen would generate them from.
func TestMetadata(t *testing.T) {
	md := metadatatest.Load(t, ".")
	metadatatest.CheckStatus(t, md, "receiver", metadata.Type,
		map[string]component.StabilityLevel{"logs": metadata.LogsStability})

	// Exercise every instrument: an object without status (skipped), one
	// that gives events.
	h := startHarness(t, nil)
	h.create(chaosMeshObject("PodChaos", "no-status", withSelector(map[string]any{"action": "pod-kill"}), nil))
	h.create(chaosMeshObject("PodChaos", "kill", withSelector(map[string]any{"action": "pod-kill"}), running.status()))
	require.Len(t, h.fresh(), 2)

	require.Len(t, md.Metrics(), 3)
	metadatatest.CheckTelemetry(t, md, h.tel, metadata.ScopeName)

	// The enums are exactly the code's values, and the README names them.
	var resources []string
	for _, w := range WatchedResources(createDefaultConfig().(*Config)) {
		resources = append(resources, w.Resource)
	}
	require.ElementsMatch(t, resources, md.Attributes["resource"].Enum)
	require.ElementsMatch(t, []string{opAdd, opUpdate, opDelete}, md.Attributes["operation"].Enum)
	require.ElementsMatch(t, []string{chaosconv.SourceChaosMesh, chaosconv.SourceLitmus}, md.Attributes["source"].Enum)
	require.ElementsMatch(t, []string{reasonNoStatus, reasonUnknownAction, reasonInvalidValue, reasonMalformed},
		md.Attributes["reason"].Enum)
	for _, k := range md.Attributes["kind"].Enum {
		require.NotEqual(t, chaosconv.KindUnknown, chaosconv.ParseKind(k), k)
	}
	for _, attr := range []string{"reason", "kind", "source"} {
		for _, v := range md.Attributes[attr].Enum {
			require.Contains(t, md.README, "`"+v+"`", "README names %s %s", attr, v)
		}
	}
	// Every metadata key the receiver writes is in the README's mapping tables.
	for _, k := range chaosconv.KubernetesChaosMetaKeys {
		require.Contains(t, md.README, "`"+k+"`", "README names metadata key %s", k)
	}
	// Every Chaos Mesh kind, with its resource, is in the README.
	for _, k := range ChaosMeshKinds {
		require.Contains(t, md.README, "`"+k+"`")
	}
}
