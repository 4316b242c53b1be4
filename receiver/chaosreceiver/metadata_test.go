package chaosreceiver

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/consumer/consumertest"

	"github.com/otelcol-chaos/otelcol-chaos/internal/metadatatest"
	"github.com/otelcol-chaos/otelcol-chaos/receiver/chaosreceiver/internal/metadata"
)

// TestMetadata checks the hand-kept internal/metadata package, the
// instruments and the README against metadata.yaml, the single source
// mdatagen would generate them from.
func TestMetadata(t *testing.T) {
	md := metadatatest.Load(t, ".")
	metadatatest.CheckStatus(t, md, "receiver", metadata.Type,
		map[string]component.StabilityLevel{"logs": metadata.LogsStability})

	// Exercise every instrument: one accepted request, one rejected.
	tr := startReceiver(t, new(consumertest.LogsSink), nil)
	require.Equal(t, http.StatusOK, postJSON(t, tr.url+"/v1/chaos/events", latencyEvent("1")).status)
	require.Equal(t, http.StatusBadRequest, postJSON(t, tr.url+"/v1/chaos/events", latencyEvent(`"slow"`)).status)
	// A journal with a run that cannot be an event: the skipped counter.
	require.Equal(t, http.StatusOK, send(t, http.MethodPost, tr.url+"/v1/chaostoolkit/journal", nil, readJournal(t, "interrupted")).status)

	require.Len(t, md.Metrics(), 3)
	metadatatest.CheckTelemetry(t, md, tr.tel, metadata.ScopeName)

	// Every rejection reason is declared, and named in the README.
	reasons := md.Attributes["reason"].Enum
	require.NotEmpty(t, reasons)
	for _, reason := range reasons {
		require.Contains(t, md.README, "`"+reason+"`", "README names reason %s", reason)
	}
}
