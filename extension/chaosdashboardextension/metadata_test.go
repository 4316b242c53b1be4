package chaosdashboardextension

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/extension/extensiontest"
	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/otelcol-chaos/otelcol-chaos/extension/chaosdashboardextension/internal/metadata"
	"github.com/otelcol-chaos/otelcol-chaos/internal/chaosconv"
	"github.com/otelcol-chaos/otelcol-chaos/internal/metadatatest"
	"github.com/otelcol-chaos/otelcol-chaos/pkg/dashboard"
)

// TestMetadata checks the hand-kept internal/metadata package and the
// README against metadata.yaml.
func TestMetadata(t *testing.T) {
	md := metadatatest.Load(t, ".")
	metadatatest.CheckStatus(t, md, "extension", metadata.Type,
		map[string]component.StabilityLevel{"extension": metadata.ExtensionStability})
}

// TestMetadataTelemetry drives every instrument — records stored, evicted
// by retention and refused; a client that stops reading until messages
// are coalesced and dropped, then leaves — and compares each with its
// declaration and the README's telemetry table.
func TestMetadataTelemetry(t *testing.T) {
	md := metadatatest.Load(t, ".")
	tel := componenttest.NewTelemetry()
	defer func() { require.NoError(t, tel.Shutdown(context.Background())) }()

	cfg := createDefaultConfig().(*Config)
	cfg.ServerConfig.NetAddr.Endpoint = "127.0.0.1:0"
	cfg.Stream.QueueSize = 4
	set := extensiontest.NewNopSettings(metadata.Type)
	set.TelemetrySettings = tel.NewTelemetrySettings()
	d, err := newDashboard(cfg, set)
	require.NoError(t, err)
	require.NoError(t, d.Start(context.Background(), componenttest.NewNopHost()))
	defer func() { require.NoError(t, d.Shutdown(context.Background())) }()

	// Stored, then evicted: a bucket older than the retention behind the
	// newest one leaves the store.
	d.PublishRecords(bucketLogs(t, testStart, 5, 1))
	d.PublishRecords(bucketLogs(t, testStart.Add(cfg.Store.Retention+time.Hour), 5, 1))
	// Refused: a chaos.event is not a record the dashboard stores.
	ld := plog.NewLogs()
	ev := chaosconv.Event{Kind: chaosconv.KindFaultInjection, TimeUnixNano: testStart.UnixNano(), FaultType: "http_500"}
	chaosconv.EncodeEvent(&ev, ld.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty().LogRecords().AppendEmpty())
	d.PublishRecords(ld)

	// A client that never reads: its socket buffers fill, then its queue;
	// bucket and impact messages coalesce, alerts drop.
	conn := dialStream(t, d)
	big := strings.Repeat("x", 16<<10)
	start := testStart.Add(cfg.Store.Retention + 2*time.Hour)
	for i := range 3000 {
		d.PublishAlert(dashboard.AlertTransition{AtUnixNano: start.UnixNano(), Fingerprint: "f", Rule: "R",
			Annotations: map[string]string{"description": big}, From: "pending", To: "firing"})
		d.PublishRecords(bucketLogs(t, start.Add(time.Duration(i)*time.Minute), 5, 1))
	}
	require.NoError(t, conn.Close(websocket.StatusNormalClosure, ""))
	require.Eventually(t, func() bool { return d.hub.Clients() == 0 }, 10*time.Second, 5*time.Millisecond)

	metadatatest.CheckTelemetry(t, md, tel, metadata.ScopeName)
}
