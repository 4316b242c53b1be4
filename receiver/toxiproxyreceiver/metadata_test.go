package toxiproxyreceiver

import (
	"testing"

	toxiclient "github.com/Shopify/toxiproxy/v2/client"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"

	"github.com/otelcol-chaos/otelcol-chaos/internal/chaosconv"
	"github.com/otelcol-chaos/otelcol-chaos/internal/metadatatest"
	"github.com/otelcol-chaos/otelcol-chaos/receiver/toxiproxyreceiver/internal/metadata"
)

// TestMetadata checks the hand-kept internal/metadata package, the
// instruments and the README against metadata.yaml, the single source
// mdatagen would generate them from.
func TestMetadata(t *testing.T) {
	md := metadatatest.Load(t, ".")
	metadatatest.CheckStatus(t, md, "receiver", metadata.Type,
		map[string]component.StabilityLevel{"logs": metadata.LogsStability})

	// Exercise every instrument: a successful poll with a toxic of a
	// known type and one of an unknown type, then a failed poll.
	srv := startToxiproxy(t)
	p := srv.proxy(t, "cart")
	addToxic(t, p, "lag", "latency", "downstream", 1, toxiclient.Attributes{"latency": 10})
	addToxic(t, p, "odd", unknownToxicType, "downstream", 1, toxiclient.Attributes{"failures": 1})
	tr := newTestReceiver(t, srv.url, nil)
	require.Len(t, tr.poll(t0), 2)
	srv.down(t)
	require.Empty(t, tr.poll(t0))

	require.Len(t, md.Metrics(), 3)
	metadatatest.CheckTelemetry(t, md, tr.tel, metadata.ScopeName)

	// Every value of every attribute is declared, and named in the README.
	for _, a := range []string{attrOutcome, attrChange, attrReason} {
		values := md.Attributes[a].Enum
		require.NotEmpty(t, values, a)
		for _, v := range values {
			require.Contains(t, md.README, "`"+v+"`", "README names %s %s", a, v)
		}
	}
	require.ElementsMatch(t, md.Attributes[attrOutcome].Enum, []string{outcomeOK, outcomeUnreachable, outcomeBadStatus,
		outcomeBadResponse, outcomePipelineRefused})
	require.ElementsMatch(t, md.Attributes[attrChange].Enum, []string{chaosconv.ToxiproxyChangeAdded,
		chaosconv.ToxiproxyChangeChanged, chaosconv.ToxiproxyChangeRemoved})
	require.ElementsMatch(t, md.Attributes[attrReason].Enum, []string{reasonUnknownType, reasonInvalid})

	// The README documents every metadata key and maps every toxic type.
	for _, k := range chaosconv.ToxiproxyMetaKeys {
		require.Contains(t, md.README, "`"+k+"`", "README documents metadata key %s", k)
	}
	require.Contains(t, md.README, "`"+chaosconv.ToxiproxyMetaAttrPrefix+"<name>`")
	for typ, m := range mappings {
		require.Contains(t, md.README, "| `"+typ+"` | `"+m.kind.String()+"` |", "README maps toxic type %s", typ)
	}
}
