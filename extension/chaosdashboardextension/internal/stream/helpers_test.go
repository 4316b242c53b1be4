package stream

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// testNow is the injected clock's time, in a zone other than UTC so that
// the conversion shows.
var testNow = time.Date(2026, 11, 30, 11, 0, 0, 123456789, time.FixedZone("CET", 3600))

const testNowUTC = "2026-11-30T10:00:00.123456789Z"

type fakeCounters struct {
	dropped, coalesced, clients atomic.Int64
	mu                          sync.Mutex
	reasons                     map[string]int
}

func (f *fakeCounters) counters() Counters {
	return Counters{
		Dropped:   func(n int64) { f.dropped.Add(n) },
		Coalesced: func(n int64) { f.coalesced.Add(n) },
		Clients:   func(d int64) { f.clients.Add(d) },
		Disconnected: func(reason string) {
			f.mu.Lock()
			defer f.mu.Unlock()
			if f.reasons == nil {
				f.reasons = map[string]int{}
			}
			f.reasons[reason]++
		},
	}
}

func (f *fakeCounters) reason(r string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.reasons[r]
}

func (f *fakeCounters) reasonsCopy() map[string]int {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := map[string]int{}
	for k, v := range f.reasons {
		out[k] = v
	}
	return out
}

type fakeTicker struct {
	interval time.Duration
	ch       chan time.Time
	stopped  atomic.Bool
}

func (f *fakeTicker) C() <-chan time.Time { return f.ch }
func (f *fakeTicker) Stop()               { f.stopped.Store(true) }

// harness is a hub served by a loopback httptest server.
type harness struct {
	hub      *Hub
	counters *fakeCounters
	srv      *httptest.Server
	url      string // ws://…
	tickers  chan *fakeTicker
	client   *http.Client
}

type harnessOption func(*httptest.Server)

func newHarness(t testing.TB, cfg Config, opts ...harnessOption) *harness {
	t.Helper()
	h := &harness{counters: &fakeCounters{}, tickers: make(chan *fakeTicker, 1)}
	h.hub = New(cfg, h.counters.counters(), func() time.Time { return testNow }, nil,
		WithTicker(func(d time.Duration) Ticker {
			tk := &fakeTicker{interval: d, ch: make(chan time.Time)}
			h.tickers <- tk
			return tk
		}))
	h.srv = httptest.NewUnstartedServer(h.hub)
	for _, o := range opts {
		o(h.srv)
	}
	h.srv.Start()
	h.url = "ws" + strings.TrimPrefix(h.srv.URL, "http")
	transport := &http.Transport{}
	h.client = &http.Client{Transport: transport}
	// Cleanups run last first: the hub, then the server, then the
	// transport's idle connections.
	t.Cleanup(transport.CloseIdleConnections)
	t.Cleanup(h.srv.Close)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		require.NoError(t, h.hub.Shutdown(ctx))
	})
	return h
}

// dial connects a client and waits until the hub counts it. readBuffer > 0
// shrinks the client's socket receive buffer (a slow reader then stalls the
// server's writes sooner).
func (h *harness) dial(t testing.TB, readBuffer int, header http.Header) *websocket.Conn {
	t.Helper()
	before := h.counters.clients.Load()
	client := h.client
	if readBuffer > 0 {
		transport := &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			conn, err := (&net.Dialer{}).DialContext(ctx, network, addr)
			if err != nil {
				return nil, err
			}
			return conn, conn.(*net.TCPConn).SetReadBuffer(readBuffer)
		}}
		t.Cleanup(transport.CloseIdleConnections)
		client = &http.Client{Transport: transport}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	conn, _, err := websocket.Dial(ctx, h.url, &websocket.DialOptions{HTTPClient: client, HTTPHeader: header})
	require.NoError(t, err)
	conn.SetReadLimit(-1)
	t.Cleanup(func() { _ = conn.CloseNow() })
	waitFor(t, "client registered", func() bool { return h.counters.clients.Load() == before+1 })
	return conn
}

// waitFor polls cond for at most 10 s.
func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	for range 2000 {
		if cond() {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatalf("timed out waiting for %s", what)
}

// wireMsg is a frame as the page reads it.
type wireMsg struct {
	Type  string          `json:"type"`
	At    string          `json:"at"`
	Scope string          `json:"scope"`
	Key   string          `json:"key"`
	Data  json.RawMessage `json:"data"`
}

func readMsg(t testing.TB, conn *websocket.Conn) wireMsg {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	typ, data, err := conn.Read(ctx)
	require.NoError(t, err)
	require.Equal(t, websocket.MessageText, typ)
	var m wireMsg
	require.NoError(t, json.Unmarshal(data, &m), string(data))
	return m
}

func droppedCount(t testing.TB, m wireMsg) int64 {
	t.Helper()
	require.Equal(t, TypeDropped, m.Type)
	var d struct {
		Count int64 `json:"count"`
	}
	require.NoError(t, json.Unmarshal(m.Data, &d))
	return d.Count
}

// subscribe sends a subscription and waits until the hub applied it.
func (h *harness) subscribe(t testing.TB, conn *websocket.Conn, body string, wantNil bool) {
	t.Helper()
	clients := *h.hub.clients.Load()
	require.Len(t, clients, 1, "subscribe waits on the only client")
	before := clients[0].filter.Load()
	require.NoError(t, conn.Write(context.Background(), websocket.MessageText, []byte(body)))
	waitFor(t, "subscription applied", func() bool {
		f := clients[0].filter.Load()
		if wantNil {
			return f == nil
		}
		return f != nil && f != before
	})
}
