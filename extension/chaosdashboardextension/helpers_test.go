package chaosdashboardextension

import (
	"context"
	"encoding/json"
	"net/http"
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
)

// testStart is the start of the first bucket the tests publish.
var testStart = time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)

// bucketLogs is one global 1-minute chaos.bucket record, as the analytics
// processor emits it, with events events of which faults are faults.
func bucketLogs(t testing.TB, start time.Time, events, faults uint64) plog.Logs {
	t.Helper()
	ld := plog.NewLogs()
	appendBucket(ld, chaosconv.ScopeGlobal, "", start, events, faults)
	return ld
}

func appendBucket(ld plog.Logs, scope chaosconv.ScopeKind, key string, start time.Time, events, faults uint64) {
	b := chaosconv.NewBucket(scope, key, start.UnixNano(), time.Minute)
	b.Events, b.Faults = events, faults
	b.EventsByKind[chaosconv.KindFaultInjection] = faults
	b.EventsByKind[chaosconv.KindLatencyInjection] = events - faults
	b.FaultsByType["http_500"] = faults
	b.PeakStartUnixNano, b.PeakEvents = b.StartUnixNano, events
	for i := range events - faults {
		b.Latency.Add(float64(100 + 10*i))
	}
	cfg := chaosconv.DefaultImpactConfig()
	rl := ld.ResourceLogs().AppendEmpty()
	chaosconv.EncodeBucket(b, &cfg, rl.ScopeLogs().AppendEmpty().LogRecords().AppendEmpty())
}

// hostWith is a host whose extensions are the map.
type hostWith map[component.ID]component.Component

func (h hostWith) GetExtensions() map[component.ID]component.Component { return h }

// startDashboard starts the extension on a loopback port with host's
// extensions and stops it at the end of the test.
func startDashboard(t testing.TB, cfg *Config, host component.Host, set ...func(*chaosDashboard)) *chaosDashboard {
	t.Helper()
	if cfg == nil {
		cfg = createDefaultConfig().(*Config)
	}
	cfg.ServerConfig.NetAddr.Endpoint = "127.0.0.1:0"
	require.NoError(t, cfg.Validate())
	if host == nil {
		host = componenttest.NewNopHost()
	}
	s := extensiontest.NewNopSettings(metadata.Type)
	d, err := newDashboard(cfg, s)
	require.NoError(t, err)
	for _, f := range set {
		f(d)
	}
	require.NoError(t, d.Start(context.Background(), host))
	t.Cleanup(func() { require.NoError(t, d.Shutdown(context.Background())) })
	return d
}

func getJSON(t testing.TB, url string, into any) {
	t.Helper()
	resp, err := http.Get(url)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode, url)
	require.Equal(t, "application/json", strings.Split(resp.Header.Get("Content-Type"), ";")[0])
	require.NoError(t, json.NewDecoder(resp.Body).Decode(into))
}

// wsMessage is a stream frame as PROTOCOL.md defines it.
type wsMessage struct {
	Type  string          `json:"type"`
	At    time.Time       `json:"at"`
	Scope string          `json:"scope"`
	Key   string          `json:"key"`
	Data  json.RawMessage `json:"data"`
}

// dialStream opens the stream and waits until the hub counts the client.
func dialStream(t testing.TB, d *chaosDashboard) *websocket.Conn {
	t.Helper()
	before := d.hub.Clients()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	conn, _, err := websocket.Dial(ctx, "ws://"+d.server.Addr().String()+streamPath, nil)
	require.NoError(t, err)
	conn.SetReadLimit(-1)
	t.Cleanup(func() { _ = conn.CloseNow() })
	require.Eventually(t, func() bool { return d.hub.Clients() == before+1 }, 5*time.Second, 5*time.Millisecond)
	return conn
}

func readMessage(t testing.TB, conn *websocket.Conn) wsMessage {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, data, err := conn.Read(ctx)
	require.NoError(t, err)
	var m wsMessage
	require.NoError(t, json.Unmarshal(data, &m), string(data))
	return m
}

// readUntil reads frames until one of type typ, skipping keepalives.
func readUntil(t testing.TB, conn *websocket.Conn, typ string) wsMessage {
	t.Helper()
	for range 100 {
		if m := readMessage(t, conn); m.Type == typ {
			return m
		}
	}
	t.Fatalf("no %s message in 100 frames", typ)
	return wsMessage{}
}
