package stream

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type seqData struct {
	Seq int    `json:"seq"`
	Pad string `json:"pad,omitempty"`
}

func seqOf(t testing.TB, m wireMsg) int {
	t.Helper()
	var d seqData
	require.NoError(t, json.Unmarshal(m.Data, &d), string(m.Data))
	return d.Seq
}

func TestPublishReceive(t *testing.T) {
	h := newHarness(t, Config{})
	conn := h.dial(t, 0, nil)

	at := time.Date(2026, 11, 30, 12, 1, 0, 0, time.FixedZone("X", 2*3600))
	h.hub.Publish(Message{Type: TypeBucket, At: at, Scope: "service", Key: "checkout", Data: map[string]any{"events": 3}})
	h.hub.Publish(Message{Type: TypeScenario, Data: map[string]string{"from": "a", "to": "b"}}) // zero At
	h.hub.Publish(Message{Type: TypeLeadership})                                                // nil Data

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, raw, err := conn.Read(ctx)
	require.NoError(t, err)
	assert.JSONEq(t, `{"type":"bucket","at":"2026-11-30T10:01:00Z","scope":"service","key":"checkout","data":{"events":3}}`, string(raw))

	_, raw, err = conn.Read(ctx)
	require.NoError(t, err)
	assert.JSONEq(t, `{"type":"scenario","at":"`+testNowUTC+`","scope":"","key":"","data":{"from":"a","to":"b"}}`, string(raw))

	_, raw, err = conn.Read(ctx)
	require.NoError(t, err)
	assert.JSONEq(t, `{"type":"leadership","at":"`+testNowUTC+`","scope":"","key":"","data":{}}`, string(raw))

	assert.Zero(t, h.counters.dropped.Load())
	assert.Zero(t, h.counters.coalesced.Load())
}

// countingData counts how often it is encoded.
type countingData struct{ n *atomic.Int64 }

func (c countingData) MarshalJSON() ([]byte, error) {
	c.n.Add(1)
	return []byte(`{"x":1}`), nil
}

func TestEncodedOncePerPublish(t *testing.T) {
	h := newHarness(t, Config{})
	var n atomic.Int64

	h.hub.Publish(Message{Type: TypeBucket, Scope: "global", Data: countingData{&n}})
	assert.Zero(t, n.Load(), "no client: not encoded")

	conns := []*websocket.Conn{h.dial(t, 0, nil), h.dial(t, 0, nil), h.dial(t, 0, nil)}
	h.hub.Publish(Message{Type: TypeBucket, Scope: "global", Data: countingData{&n}})
	assert.EqualValues(t, 1, n.Load(), "three clients: encoded once")
	for _, c := range conns {
		m := readMsg(t, c)
		assert.Equal(t, TypeBucket, m.Type)
		assert.JSONEq(t, `{"x":1}`, string(m.Data))
	}
}

func TestUnencodableMessageIsNotSent(t *testing.T) {
	h := newHarness(t, Config{})
	conn := h.dial(t, 0, nil)
	h.hub.Publish(Message{Type: TypeImpact, Scope: "global", Data: map[string]float64{"severity": math.NaN()}})
	h.hub.Publish(Message{Type: TypeImpact, Scope: "global", Data: seqData{Seq: 2}})
	m := readMsg(t, conn)
	assert.Equal(t, 2, seqOf(t, m), "the unencodable message is skipped, the stream goes on")
}

func TestSubscriptionFilters(t *testing.T) {
	h := newHarness(t, Config{})
	conn := h.dial(t, 0, nil)

	publishAll := func(last string) {
		seq := 0
		pub := func(typ, scope, key string) {
			seq++
			h.hub.Publish(Message{Type: typ, Scope: scope, Key: key, Data: seqData{Seq: seq}})
		}
		pub(TypeBucket, "global", "")           // 1
		pub(TypeBucket, "service", "checkout")  // 2
		pub(TypeBucket, "service", "payments")  // 3
		pub(TypeHealth, "service", "checkout")  // 4
		pub(TypeBucket, "endpoint", "/cart")    // 5
		pub(TypeAlertFired, "", "")             // 6: no scope
		pub(TypeScenario, "", "")               // 7: no scope
		pub(TypeAnomalyOpened, "global", "")    // 8
		pub(TypeBucket, "endpoint", "GET /a:b") // 9: a key with a colon
		h.hub.Publish(Message{Type: last, Scope: "service", Key: "checkout", Data: seqData{Seq: 100}})
	}
	// readUntil reads up to the sentinel (seq 100) and returns the seqs.
	readUntil := func() []int {
		var got []int
		for range 20 {
			s := seqOf(t, readMsg(t, conn))
			if s == 100 {
				return got
			}
			got = append(got, s)
		}
		t.Fatal("no sentinel")
		return nil
	}

	h.subscribe(t, conn, `{"subscribe":{"types":["bucket"],"scopes":["global","service:checkout","endpoint:GET /a:b"]}}`, false)
	publishAll(TypeBucket)
	assert.Equal(t, []int{1, 2, 9}, readUntil(), "types and scope:key")

	h.subscribe(t, conn, `{"subscribe":{"scopes":["service"]}}`, false)
	publishAll(TypeHealth)
	assert.Equal(t, []int{2, 3, 4, 6, 7}, readUntil(), "a whole scope; messages without a scope pass")

	h.subscribe(t, conn, `{"subscribe":{"types":["alert_fired","health"]}}`, false)
	publishAll(TypeHealth)
	assert.Equal(t, []int{4, 6}, readUntil(), "types only")

	h.subscribe(t, conn, `{"subscribe":{"types":[],"scopes":[]}}`, true)
	publishAll(TypeHealth)
	assert.Equal(t, []int{1, 2, 3, 4, 5, 6, 7, 8, 9}, readUntil(), "empty lists: everything")
}

// TestSlowReaderNeverBlocksPublish: a client that stops reading fills its
// connection and its queue; Publish goes on without waiting, the losses are
// counted, and once the client reads again it is told exactly how many
// messages it lost.
func TestSlowReaderNeverBlocksPublish(t *testing.T) {
	const (
		n         = 100_000
		queueSize = 64
	)
	h := newHarness(t, Config{QueueSize: queueSize, WriteTimeout: time.Minute})
	conn := h.dial(t, 0, nil) // and never read until publishing is over

	keys := make([]string, 8)
	for i := range keys {
		keys[i] = fmt.Sprintf("svc-%d", i)
	}
	pad := strings.Repeat("x", 200)

	published := make(chan time.Duration, 1)
	go func() {
		start := time.Now()
		for i := range n {
			if i%4 == 0 {
				h.hub.Publish(Message{Type: TypeAlertFired, Data: seqData{Seq: i, Pad: pad}})
			} else {
				h.hub.Publish(Message{Type: TypeBucket, Scope: "service", Key: keys[i%8], Data: seqData{Seq: i, Pad: pad}})
			}
		}
		published <- time.Since(start)
	}()
	var took time.Duration
	select {
	case took = <-published:
	case <-time.After(60 * time.Second):
		t.Fatal("Publish blocked on a client that does not read")
	}
	dropped, coalesced := h.counters.dropped.Load(), h.counters.coalesced.Load()
	t.Logf("%d publishes in %s with the client stalled: %d dropped, %d coalesced", n, took, dropped, coalesced)
	require.Positive(t, dropped, "alerts on a full queue are dropped")
	require.Positive(t, coalesced, "buckets on a full queue are coalesced")

	// The client reads again: every message is delivered, coalesced or
	// reported dropped, and the reports add up to the counter.
	var delivered, reported int64
	// A coalesced message takes the queue slot of the one it replaces, so
	// order holds per type, scope and key, not across them.
	prevSeq := map[string]int{}
	for range n + 100 {
		if delivered+reported+coalesced == n {
			break
		}
		m := readMsg(t, conn)
		switch m.Type {
		case TypeDropped:
			reported += droppedCount(t, m)
		case TypeBucket, TypeAlertFired:
			delivered++
			s := seqOf(t, m)
			k := m.Type + "/" + m.Key
			if p, ok := prevSeq[k]; ok {
				require.Greater(t, s, p, "in publish order for %s", k)
			}
			prevSeq[k] = s
		default:
			t.Fatalf("unexpected %s", m.Type)
		}
	}
	assert.EqualValues(t, n, delivered+reported+coalesced)
	assert.Equal(t, dropped, reported, "the dropped messages report what the counter counted")
	assert.EqualValues(t, 1, h.counters.clients.Load(), "still connected")
	assert.Empty(t, h.counters.reasonsCopy())
	t.Logf("delivered %d, reported dropped %d", delivered, reported)
}

// TestCoalescingKeepsNewestPerScope blocks the client's writer (test hook),
// fills its queue, and checks what the client gets once it runs.
func TestCoalescingKeepsNewestPerScope(t *testing.T) {
	h := newHarness(t, Config{QueueSize: 8})
	entered := make(chan struct{}, 1)
	release := make(chan struct{})
	var once sync.Once
	h.hub.writeHook = func() {
		once.Do(func() {
			entered <- struct{}{}
			<-release
		})
	}
	conn := h.dial(t, 0, nil)

	h.hub.Publish(Message{Type: TypeScenario, Data: seqData{Seq: 0}})
	<-entered // the writer holds message 0; the queue is empty

	scopes := [][2]string{{"global", ""}, {"service", "a"}, {"service", "b"}, {"endpoint", "/x"}}
	seq := 0
	for _, s := range scopes { // 4 queued buckets
		seq++
		h.hub.Publish(Message{Type: TypeBucket, Scope: s[0], Key: s[1], Data: seqData{Seq: seq}})
	}
	seq++ // 4 queued others: the queue is full
	h.hub.Publish(Message{Type: TypeImpact, Scope: "global", Data: seqData{Seq: seq}})
	seq++
	h.hub.Publish(Message{Type: TypeHealth, Scope: "service", Key: "a", Data: seqData{Seq: seq}})
	seq++
	h.hub.Publish(Message{Type: TypeAnomalyOpened, Scope: "service", Key: "a", Data: seqData{Seq: seq}})
	seq++
	h.hub.Publish(Message{Type: TypeAlertFired, Data: seqData{Seq: seq}})

	newest := map[[2]string]int{}
	for range 100 {
		for _, s := range scopes {
			seq++
			h.hub.Publish(Message{Type: TypeBucket, Scope: s[0], Key: s[1], Data: seqData{Seq: seq}})
			newest[s] = seq
		}
	}
	seq++
	newestImpact := seq
	h.hub.Publish(Message{Type: TypeImpact, Scope: "global", Data: seqData{Seq: seq}})
	seq++
	newestHealth := seq
	h.hub.Publish(Message{Type: TypeHealth, Scope: "service", Key: "a", Data: seqData{Seq: seq}})
	// Not coalescable, or nothing of the same type+scope+key queued: dropped.
	h.hub.Publish(Message{Type: TypeAnomalyUpdated, Scope: "service", Key: "a", Data: seqData{Seq: -1}})
	h.hub.Publish(Message{Type: TypeHealth, Scope: "service", Key: "b", Data: seqData{Seq: -1}})
	h.hub.Publish(Message{Type: TypeBucket, Scope: "service", Key: "c", Data: seqData{Seq: -1}})
	h.hub.Publish(Message{Type: TypeImpact, Scope: "service", Key: "a", Data: seqData{Seq: -1}})

	assert.EqualValues(t, 402, h.counters.coalesced.Load())
	assert.EqualValues(t, 4, h.counters.dropped.Load())
	close(release)

	assert.Equal(t, 0, seqOf(t, readMsg(t, conn)))
	for _, s := range scopes {
		m := readMsg(t, conn)
		assert.Equal(t, TypeBucket, m.Type)
		assert.Equal(t, s[0], m.Scope)
		assert.Equal(t, s[1], m.Key)
		assert.Equal(t, newest[s], seqOf(t, m), "the newest bucket of %v, in the place of the first", s)
	}
	assert.Equal(t, newestImpact, seqOf(t, readMsg(t, conn)))
	assert.Equal(t, newestHealth, seqOf(t, readMsg(t, conn)))
	assert.Equal(t, 7, seqOf(t, readMsg(t, conn)))
	assert.Equal(t, 8, seqOf(t, readMsg(t, conn)))
	assert.EqualValues(t, 4, droppedCount(t, readMsg(t, conn)), "reported once the queue drained")

	// The stream goes on.
	h.hub.Publish(Message{Type: TypeScenario, Data: seqData{Seq: 1000}})
	assert.Equal(t, 1000, seqOf(t, readMsg(t, conn)))
}

func TestQueueOffer(t *testing.T) {
	h := New(Config{QueueSize: 2}, Counters{}, nil, nil)
	c := newClient(h, nil, nil)
	defer c.cancel()
	b := func(key, payload string) entry {
		return entry{typ: TypeBucket, scope: "service", key: key, payload: []byte(payload)}
	}
	assert.Equal(t, offerQueued, c.offer(b("a", "a1"), true, false))
	assert.Equal(t, offerQueued, c.offer(b("b", "b1"), true, false))
	assert.Equal(t, offerCoalesced, c.offer(b("a", "a2"), true, false))
	assert.Equal(t, offerDropped, c.offer(b("c", "c1"), true, false), "nothing of key c queued")
	assert.Equal(t, offerDropped, c.offer(b("a", "a3"), false, false), "not coalescable")
	assert.Equal(t, offerSkipped, c.offer(entry{typ: TypeKeepalive, payload: []byte("k")}, false, true))

	p, lost, ok := c.next()
	assert.True(t, ok)
	assert.Equal(t, "a2", string(p))
	assert.Zero(t, lost)
	assert.Equal(t, offerQueued, c.offer(b("d", "d1"), true, false))
	p, lost, _ = c.next()
	assert.Equal(t, "b1", string(p))
	assert.Zero(t, lost)
	p, lost, _ = c.next()
	assert.Equal(t, "d1", string(p))
	assert.EqualValues(t, 2, lost, "the two losses come before d1")
	_, _, ok = c.next()
	assert.False(t, ok)

	// Losses with nothing queued after them are reported on their own.
	c.offer(b("e", "e1"), true, false)
	c.offer(b("f", "f1"), true, false)
	c.offer(b("g", "g1"), true, false)
	c.next()
	c.next()
	p, lost, ok = c.next()
	assert.True(t, ok)
	assert.Nil(t, p)
	assert.EqualValues(t, 1, lost)
}

func TestStalledWriterIsDisconnected(t *testing.T) {
	h := newHarness(t, Config{QueueSize: 4, WriteTimeout: 300 * time.Millisecond})
	h.dial(t, 4096, nil) // never reads
	big := strings.Repeat("y", 256<<10)
	for i := 0; i < 1000 && h.counters.reason(ReasonWriteTimeout) == 0; i++ {
		h.hub.Publish(Message{Type: TypeAnomalyUpdated, Scope: "global", Data: seqData{Seq: i, Pad: big}})
		time.Sleep(10 * time.Millisecond)
	}
	require.Equal(t, 1, h.counters.reason(ReasonWriteTimeout), "reasons: %v", h.counters.reasonsCopy())
	waitFor(t, "client removed", func() bool { return h.counters.clients.Load() == 0 && len(*h.hub.clients.Load()) == 0 })
	assert.Equal(t, map[string]int{ReasonWriteTimeout: 1}, h.counters.reasonsCopy())
}

func TestShutdownClosesClients(t *testing.T) {
	h := newHarness(t, Config{})
	const n = 3
	errs := make(chan error, n)
	for range n {
		conn := h.dial(t, 0, nil)
		go func() {
			for {
				if _, _, err := conn.Read(context.Background()); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	h.hub.Publish(Message{Type: TypeHealth, Scope: "global"})

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	start := time.Now()
	require.NoError(t, h.hub.Shutdown(ctx))
	assert.Less(t, time.Since(start), time.Second)
	for range n {
		assert.Equal(t, websocket.StatusGoingAway, websocket.CloseStatus(<-errs))
	}
	assert.Zero(t, h.counters.clients.Load())
	assert.Equal(t, map[string]int{ReasonShutdown: n}, h.counters.reasonsCopy())
	assert.Empty(t, *h.hub.clients.Load())

	require.NoError(t, h.hub.Shutdown(ctx), "again")
	h.hub.Publish(Message{Type: TypeHealth, Scope: "global"}) // no client, no effect

	resp, err := h.client.Get(h.srv.URL)
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	require.NoError(t, resp.Body.Close())
	assert.Equal(t, http.StatusServiceUnavailable, resp.StatusCode)
	assert.JSONEq(t, `{"error":"unavailable","message":"the stream is shutting down"}`, string(body))
	// goleak (TestMain) checks that nothing of the hub is left running.
}

func TestShutdownWithStalledClientIsBounded(t *testing.T) {
	h := newHarness(t, Config{QueueSize: 4, WriteTimeout: time.Minute})
	h.dial(t, 4096, nil) // never reads
	big := strings.Repeat("z", 256<<10)
	for i := 0; i < 1000 && h.counters.dropped.Load() == 0; i++ {
		h.hub.Publish(Message{Type: TypeAnomalyUpdated, Scope: "global", Data: seqData{Seq: i, Pad: big}})
		time.Sleep(5 * time.Millisecond)
	}
	require.Positive(t, h.counters.dropped.Load(), "the writer is stalled")

	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	err := h.hub.Shutdown(ctx)
	assert.Less(t, time.Since(start), closeTimeout+time.Second)
	if err != nil {
		assert.ErrorIs(t, err, context.DeadlineExceeded)
	}
	assert.Equal(t, 1, h.counters.reason(ReasonShutdown))
	assert.Zero(t, h.counters.clients.Load())
}

func TestKeepalive(t *testing.T) {
	h := newHarness(t, Config{})
	conn := h.dial(t, 0, nil)
	var tk *fakeTicker
	select {
	case tk = <-h.tickers:
	case <-time.After(10 * time.Second):
		t.Fatal("no keepalive ticker")
	}
	assert.Equal(t, DefaultKeepaliveInterval, tk.interval)

	h.subscribe(t, conn, `{"subscribe":{"types":["bucket"]}}`, false)
	tk.ch <- time.Now()
	m := readMsg(t, conn)
	assert.Equal(t, wireMsg{Type: TypeKeepalive, At: testNowUTC, Data: json.RawMessage(`{}`)}, m, "passes any subscription")
	tk.ch <- time.Now()
	assert.Equal(t, TypeKeepalive, readMsg(t, conn).Type)

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	require.NoError(t, h.hub.Shutdown(ctx))
	assert.True(t, tk.stopped.Load())
}

func TestKeepaliveDisabled(t *testing.T) {
	h := newHarness(t, Config{KeepaliveInterval: -1})
	h.dial(t, 0, nil)
	select {
	case <-h.tickers:
		t.Fatal("keepalive started")
	case <-time.After(50 * time.Millisecond):
	}
}

func TestOriginCheck(t *testing.T) {
	h := newHarness(t, Config{AllowedOrigins: []string{"https://*.example.com", "dash.local:8080"}})
	ctx := context.Background()
	try := func(origin string) (int, error) {
		conn, resp, err := websocket.Dial(ctx, h.url, &websocket.DialOptions{
			HTTPClient: h.client, HTTPHeader: http.Header{"Origin": {origin}},
		})
		if err == nil {
			_ = conn.Close(websocket.StatusNormalClosure, "")
			return http.StatusSwitchingProtocols, nil
		}
		return resp.StatusCode, err
	}
	for origin, want := range map[string]int{
		h.srv.URL:                     http.StatusSwitchingProtocols, // the page's own origin
		"https://grafana.example.com": http.StatusSwitchingProtocols,
		"http://grafana.example.com":  http.StatusForbidden, // scheme in the pattern
		"http://dash.local:8080":      http.StatusSwitchingProtocols,
		"http://evil.test":            http.StatusForbidden,
	} {
		got, err := try(origin)
		assert.Equal(t, want, got, "%s: %v", origin, err)
	}
	waitFor(t, "clients gone", func() bool { return h.counters.clients.Load() == 0 })
}

func TestServerDeadlinesDoNotCutTheStream(t *testing.T) {
	h := newHarness(t, Config{}, func(s *httptest.Server) {
		s.Config.WriteTimeout = 100 * time.Millisecond
		s.Config.ReadTimeout = 100 * time.Millisecond
	})
	conn := h.dial(t, 0, nil)
	time.Sleep(300 * time.Millisecond)
	h.hub.Publish(Message{Type: TypeBucket, Scope: "global", Data: seqData{Seq: 1}})
	assert.Equal(t, 1, seqOf(t, readMsg(t, conn)))
	h.subscribe(t, conn, `{"subscribe":{"types":["bucket"]}}`, false)
}

func TestNotGet(t *testing.T) {
	h := newHarness(t, Config{})
	resp, err := h.client.Post(h.srv.URL, "application/json", strings.NewReader("{}"))
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	require.NoError(t, resp.Body.Close())
	assert.Equal(t, http.StatusMethodNotAllowed, resp.StatusCode)
	assert.Equal(t, "GET", resp.Header.Get("Allow"))
	assert.Equal(t, "application/json", resp.Header.Get("Content-Type"))
	assert.JSONEq(t, `{"error":"method_not_allowed","message":"the stream accepts only GET (a WebSocket upgrade)"}`, string(body))

	resp, err = h.client.Get(h.srv.URL)
	require.NoError(t, err)
	require.NoError(t, resp.Body.Close())
	assert.Equal(t, http.StatusUpgradeRequired, resp.StatusCode, "a GET without upgrade")
}

func TestProtocolError(t *testing.T) {
	for name, frame := range map[string]struct {
		typ  websocket.MessageType
		body string
	}{
		"not json":      {websocket.MessageText, "hello"},
		"not subscribe": {websocket.MessageText, `{"ping":1}`},
		"binary":        {websocket.MessageBinary, `{"subscribe":{}}`},
		"bad lists":     {websocket.MessageText, `{"subscribe":{"types":"bucket"}}`},
	} {
		t.Run(name, func(t *testing.T) {
			h := newHarness(t, Config{})
			conn := h.dial(t, 0, nil)
			require.NoError(t, conn.Write(context.Background(), frame.typ, []byte(frame.body)))
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			_, _, err := conn.Read(ctx)
			assert.Equal(t, websocket.StatusPolicyViolation, websocket.CloseStatus(err), "%v", err)
			waitFor(t, "client removed", func() bool { return h.counters.clients.Load() == 0 })
			assert.Equal(t, map[string]int{ReasonProtocolError: 1}, h.counters.reasonsCopy())
		})
	}
}

func TestClientCloses(t *testing.T) {
	h := newHarness(t, Config{})
	conn := h.dial(t, 0, nil)
	require.NoError(t, conn.Close(websocket.StatusNormalClosure, "bye"))
	waitFor(t, "client removed", func() bool { return h.counters.clients.Load() == 0 })
	assert.Equal(t, map[string]int{ReasonClientClosed: 1}, h.counters.reasonsCopy())

	conn = h.dial(t, 0, nil)
	require.NoError(t, conn.CloseNow())
	waitFor(t, "client removed", func() bool { return h.counters.clients.Load() == 0 })
	assert.Equal(t, 1, h.counters.reason(ReasonReadError))
}

func TestConfig(t *testing.T) {
	assert.NoError(t, Config{}.Validate())
	assert.NoError(t, Config{QueueSize: 1, WriteTimeout: time.Second, KeepaliveInterval: -1, AllowedOrigins: []string{"*.example.com"}}.Validate())
	err := Config{QueueSize: -1, WriteTimeout: -time.Second, AllowedOrigins: []string{"[", ""}}.Validate()
	require.Error(t, err)
	for _, want := range []string{"queue_size", "write_timeout", `"["`, `""`} {
		assert.Contains(t, err.Error(), want)
	}
	d := Config{}.withDefaults()
	assert.Equal(t, Config{QueueSize: DefaultQueueSize, WriteTimeout: DefaultWriteTimeout, KeepaliveInterval: DefaultKeepaliveInterval}, d)
	assert.Equal(t, -time.Second, Config{KeepaliveInterval: -time.Second}.withDefaults().KeepaliveInterval)
}
