// Package stream is the WebSocket hub of the chaos_dashboard extension
// (`GET /api/v1/stream`, see PROTOCOL.md next to the extension).
//
// Publishers (the collector's pipeline goroutines, through the extension)
// call Hub.Publish, which never blocks: it encodes the message once, at most,
// and offers the bytes to every subscribed client's bounded queue. Each
// client has one writer goroutine draining its queue to the connection. When
// a queue is full, a queued bucket, impact or health message of the same
// type, scope and key is replaced by the new one (coalesced); any other
// message is dropped. Both are counted through Counters, and a client that
// lost messages is told how many with a `dropped` message once its queue has
// room again. A client whose write stalls beyond Config.WriteTimeout is
// disconnected.
//
// The package knows nothing of OpenTelemetry: the extension backs Counters
// with its telemetry and converts what it publishes to Message.
package stream // import "github.com/otelcol-chaos/otelcol-chaos/extension/chaosdashboardextension/internal/stream"

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"path"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"
	"go.uber.org/zap"
)

// Message types of PROTOCOL.md.
const (
	TypeBucket         = "bucket"
	TypeImpact         = "impact"
	TypeAnomalyOpened  = "anomaly_opened"
	TypeAnomalyUpdated = "anomaly_updated"
	TypeAnomalyClosed  = "anomaly_closed"
	TypeHealth         = "health"
	TypeAlertPending   = "alert_pending"
	TypeAlertFired     = "alert_fired"
	TypeAlertResolved  = "alert_resolved"
	TypeScenario       = "scenario"
	TypeLeadership     = "leadership"
	// TypeKeepalive and TypeDropped are written by the hub itself; they
	// pass every subscription.
	TypeKeepalive = "keepalive"
	TypeDropped   = "dropped"
)

// Reasons a client left, as passed to Counters.Disconnected.
const (
	// ReasonClientClosed: the client sent a close frame.
	ReasonClientClosed = "client_closed"
	// ReasonReadError: the connection failed without a close frame.
	ReasonReadError = "read_error"
	// ReasonWriteTimeout: a write stalled beyond Config.WriteTimeout.
	ReasonWriteTimeout = "write_timeout"
	// ReasonWriteError: a write failed otherwise.
	ReasonWriteError = "write_error"
	// ReasonProtocolError: the client sent something other than a
	// subscribe message (closed with status 1008).
	ReasonProtocolError = "protocol_error"
	// ReasonShutdown: Hub.Shutdown closed it (status 1001).
	ReasonShutdown = "shutdown"
)

// Defaults of Config's zero fields.
const (
	DefaultQueueSize         = 256
	DefaultWriteTimeout      = 10 * time.Second
	DefaultKeepaliveInterval = 15 * time.Second
)

// closeTimeout bounds the close handshake with one client (the library's own
// limit is 5 s to write the close frame plus 5 s to wait for the answer).
const closeTimeout = 2 * time.Second

// Config is the stream part of the extension's configuration (`stream:`).
// Zero fields take the defaults.
type Config struct {
	// QueueSize is the number of messages queued per client (default 256).
	QueueSize int `mapstructure:"queue_size"`
	// WriteTimeout is how long one write to a client may stall before the
	// client is disconnected (default 10 s).
	WriteTimeout time.Duration `mapstructure:"write_timeout"`
	// KeepaliveInterval is the period of the keepalive message (default
	// 15 s); negative disables it.
	KeepaliveInterval time.Duration `mapstructure:"keepalive_interval"`
	// AllowedOrigins are the browser origins allowed besides the page's own
	// (an Origin whose host is the request's Host is always allowed; a
	// request without Origin, from a non-browser client, too). Each is a
	// path.Match pattern, matched case-insensitively against the origin's
	// host ("dash.example.com", "*.example.com") or, when it contains
	// "://", against scheme://host ("https://*.example.com"), so the CORS
	// allowed_origins of the server can be passed as they are.
	AllowedOrigins []string `mapstructure:"allowed_origins"`
}

// Validate reports negative sizes and timeouts and malformed origin patterns.
func (c Config) Validate() error {
	var errs []error
	if c.QueueSize < 0 {
		errs = append(errs, fmt.Errorf("queue_size must not be negative, got %d", c.QueueSize))
	}
	if c.WriteTimeout < 0 {
		errs = append(errs, fmt.Errorf("write_timeout must not be negative, got %s", c.WriteTimeout))
	}
	for _, p := range c.AllowedOrigins {
		if _, err := path.Match(p, ""); err != nil || p == "" {
			errs = append(errs, fmt.Errorf("allowed_origins: invalid pattern %q", p))
		}
	}
	return errors.Join(errs...)
}

func (c Config) withDefaults() Config {
	if c.QueueSize <= 0 {
		c.QueueSize = DefaultQueueSize
	}
	if c.WriteTimeout <= 0 {
		c.WriteTimeout = DefaultWriteTimeout
	}
	if c.KeepaliveInterval == 0 {
		c.KeepaliveInterval = DefaultKeepaliveInterval
	}
	return c
}

// Counters receives the hub's counts; the extension backs them with its
// telemetry. A nil func is not called. They are called from Publish and from
// connection goroutines, so they must be safe for concurrent use and must not
// block.
type Counters struct {
	// Dropped: n messages were dropped from full client queues (by one
	// Publish, summed over clients).
	Dropped func(n int64)
	// Coalesced: n queued messages were replaced by a newer one of the same
	// type, scope and key (by one Publish, summed over clients).
	Coalesced func(n int64)
	// Clients: the number of connected clients changed by delta (+1, -1).
	Clients func(delta int64)
	// Disconnected: a client left, for one of the Reason* reasons.
	Disconnected func(reason string)
}

func (c Counters) dropped(n int64) {
	if n > 0 && c.Dropped != nil {
		c.Dropped(n)
	}
}

func (c Counters) coalesced(n int64) {
	if n > 0 && c.Coalesced != nil {
		c.Coalesced(n)
	}
}

func (c Counters) clients(delta int64) {
	if c.Clients != nil {
		c.Clients(delta)
	}
}

func (c Counters) disconnected(reason string) {
	if c.Disconnected != nil {
		c.Disconnected(reason)
	}
}

// Message is one server → client frame of PROTOCOL.md. Scope is "global",
// "service" or "endpoint" with Key ("" for global), or "" for a message that
// belongs to no scope (scenario, leadership, alerts). At is written in UTC;
// a zero At is the hub's clock at Publish. A nil Data is written as {}.
type Message struct {
	Type  string    `json:"type"`
	At    time.Time `json:"at"`
	Scope string    `json:"scope"`
	Key   string    `json:"key"`
	Data  any       `json:"data"`
}

type droppedData struct {
	Count int64 `json:"count"`
}

// coalescable reports whether a newer message of the type supersedes an
// older one of the same scope and key.
func coalescable(typ string) bool {
	return typ == TypeBucket || typ == TypeImpact || typ == TypeHealth
}

// Ticker is what the keepalive loop needs of a time.Ticker.
type Ticker interface {
	C() <-chan time.Time
	Stop()
}

type realTicker struct{ t *time.Ticker }

func (r realTicker) C() <-chan time.Time { return r.t.C }
func (r realTicker) Stop()               { r.t.Stop() }

// Option changes how New builds a Hub.
type Option func(*Hub)

// WithTicker replaces time.NewTicker for the keepalive loop (tests drive it
// by hand).
func WithTicker(newTicker func(time.Duration) Ticker) Option {
	return func(h *Hub) { h.newTicker = newTicker }
}

// Hub fans published messages out to the connected WebSocket clients.
type Hub struct {
	cfg       Config
	counters  Counters
	clock     func() time.Time
	logger    *zap.Logger
	newTicker func(time.Duration) Ticker
	accept    websocket.AcceptOptions

	// clients is replaced, never modified, under mu; Publish reads it
	// without a lock.
	clients atomic.Pointer[[]*client]

	mu               sync.Mutex
	closed           bool
	keepaliveStarted bool
	done             chan struct{}
	// wg counts ServeHTTP calls, writer goroutines and the keepalive loop.
	wg sync.WaitGroup

	// writeHook, when set by a test, runs before every write to a client.
	writeHook func()
}

// New returns a hub with no client. It starts no goroutine: the keepalive
// loop starts with the first client. Shutdown must be called once the hub
// serves. A nil clock is time.Now, a nil logger a no-op one.
func New(cfg Config, counters Counters, clock func() time.Time, logger *zap.Logger, opts ...Option) *Hub {
	if clock == nil {
		clock = time.Now
	}
	if logger == nil {
		logger = zap.NewNop()
	}
	cfg = cfg.withDefaults()
	h := &Hub{
		cfg:       cfg,
		counters:  counters,
		clock:     clock,
		logger:    logger,
		newTicker: func(d time.Duration) Ticker { return realTicker{time.NewTicker(d)} },
		accept:    websocket.AcceptOptions{OriginPatterns: append([]string(nil), cfg.AllowedOrigins...)},
		done:      make(chan struct{}),
	}
	for _, o := range opts {
		o(h)
	}
	h.clients.Store(&[]*client{})
	return h
}

// Publish offers msg to every client subscribed to it and returns without
// waiting for any: it is safe to call from pipeline goroutines, concurrently.
// The message is encoded once, before Publish returns (so msg.Data may be
// reused afterwards), and only if some client takes it.
func (h *Hub) Publish(msg Message) {
	clients := *h.clients.Load()
	if len(clients) == 0 {
		return
	}
	var (
		payload             []byte
		dropped, coalesced  int64
		canCoalesce         = coalescable(msg.Type)
		encoded, encodeFail bool
	)
	for _, c := range clients {
		if !c.filter.Load().match(msg.Type, msg.Scope, msg.Key) {
			continue
		}
		if !encoded {
			encoded = true
			var err error
			if payload, err = h.encode(msg); err != nil {
				encodeFail = true
				h.logger.Warn("chaos_dashboard stream: message not encodable, not sent",
					zap.String("type", msg.Type), zap.Error(err))
			}
		}
		if encodeFail {
			return
		}
		switch c.offer(entry{typ: msg.Type, scope: msg.Scope, key: msg.Key, payload: payload}, canCoalesce, false) {
		case offerDropped:
			dropped++
		case offerCoalesced:
			coalesced++
		}
	}
	h.counters.dropped(dropped)
	h.counters.coalesced(coalesced)
}

func (h *Hub) encode(msg Message) ([]byte, error) {
	if msg.At.IsZero() {
		msg.At = h.clock()
	}
	msg.At = msg.At.UTC()
	if msg.Data == nil {
		msg.Data = struct{}{}
	}
	return json.Marshal(msg)
}

// control encodes a message of the hub's own (keepalive, dropped).
func (h *Hub) control(typ string, data any) []byte {
	b, err := h.encode(Message{Type: typ, Data: data})
	if err != nil { // cannot happen with the hub's own types
		panic(err)
	}
	return b
}

// ServeHTTP accepts a WebSocket client and serves it until it leaves or the
// hub shuts down. Mounted by the extension at /api/v1/stream.
func (h *Hub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet {
		w.Header().Set("Allow", http.MethodGet)
		writeError(w, http.StatusMethodNotAllowed, "method_not_allowed", "the stream accepts only GET (a WebSocket upgrade)")
		return
	}
	if !h.enter() {
		writeError(w, http.StatusServiceUnavailable, "unavailable", "the stream is shutting down")
		return
	}
	defer h.wg.Done()

	// The server's read and write deadlines (confighttp sets a write
	// timeout) stay on a hijacked connection: clear them, the hub bounds
	// each write itself.
	hw := &hijackWriter{ResponseWriter: w}
	conn, err := websocket.Accept(hw, r, &h.accept)
	if err != nil {
		// Accept has answered (403 for a foreign origin, 426 without
		// an upgrade).
		h.logger.Debug("chaos_dashboard stream: connection refused", zap.String("remote", r.RemoteAddr), zap.Error(err))
		return
	}
	c := newClient(h, conn, hw.raw)
	if !h.add(c) {
		c.cancel()
		c.closeConn(websocket.StatusGoingAway, "collector shutting down")
		return
	}
	h.counters.clients(1)
	h.logger.Debug("chaos_dashboard stream: client connected", zap.String("remote", r.RemoteAddr))

	h.wg.Add(1)
	go c.writeLoop()
	candidate := c.readLoop()
	c.cancel()
	<-c.writerDone
	reason := c.finalReason(candidate)

	h.remove(c)
	h.counters.clients(-1)
	h.counters.disconnected(reason)
	h.logger.Debug("chaos_dashboard stream: client left", zap.String("remote", r.RemoteAddr), zap.String("reason", reason))
}

// enter counts a ServeHTTP call unless the hub is shut down.
func (h *Hub) enter() bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return false
	}
	h.wg.Add(1)
	return true
}

func (h *Hub) add(c *client) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return false
	}
	old := *h.clients.Load()
	next := make([]*client, len(old), len(old)+1)
	copy(next, old)
	next = append(next, c)
	h.clients.Store(&next)
	if !h.keepaliveStarted && h.cfg.KeepaliveInterval > 0 {
		h.keepaliveStarted = true
		h.wg.Add(1)
		go h.keepaliveLoop()
	}
	return true
}

func (h *Hub) remove(c *client) {
	h.mu.Lock()
	defer h.mu.Unlock()
	old := *h.clients.Load()
	next := make([]*client, 0, len(old))
	for _, o := range old {
		if o != c {
			next = append(next, o)
		}
	}
	h.clients.Store(&next)
}

func (h *Hub) keepaliveLoop() {
	defer h.wg.Done()
	t := h.newTicker(h.cfg.KeepaliveInterval)
	defer t.Stop()
	for {
		select {
		case <-h.done:
			return
		case <-t.C():
			clients := *h.clients.Load()
			if len(clients) == 0 {
				continue
			}
			payload := h.control(TypeKeepalive, nil)
			for _, c := range clients {
				// A full queue has data to send already: no
				// keepalive needed, nothing lost.
				c.offer(entry{typ: TypeKeepalive, payload: payload}, false, true)
			}
		}
	}
}

// Shutdown closes every client (status 1001, going away) and waits for every
// goroutine of the hub. When ctx ends first, the remaining connections are
// closed without handshake and Shutdown still waits for the goroutines, which
// then return at once, and returns ctx's error. Later ServeHTTP calls answer
// 503. Shutdown may be called more than once.
func (h *Hub) Shutdown(ctx context.Context) error {
	h.mu.Lock()
	if !h.closed {
		h.closed = true
		close(h.done)
	}
	clients := *h.clients.Load()
	h.mu.Unlock()

	for _, c := range clients {
		c.stop(ReasonShutdown)
	}
	waited := make(chan struct{})
	go func() {
		h.wg.Wait()
		close(waited)
	}()
	select {
	case <-waited:
		return nil
	case <-ctx.Done():
	}
	for _, c := range clients {
		c.forceClose()
	}
	<-waited
	return ctx.Err()
}

// hijackWriter hands websocket.Accept the connection with the server's
// deadlines cleared, and keeps it so that Shutdown can force it closed.
type hijackWriter struct {
	http.ResponseWriter
	raw net.Conn
}

func (w *hijackWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	rw := w.ResponseWriter
	for {
		switch t := rw.(type) {
		case http.Hijacker:
			conn, brw, err := t.Hijack()
			if err != nil {
				return nil, nil, err
			}
			if err := conn.SetDeadline(time.Time{}); err != nil {
				_ = conn.Close()
				return nil, nil, err
			}
			w.raw = conn
			return conn, brw, nil
		case interface{ Unwrap() http.ResponseWriter }:
			rw = t.Unwrap()
		default:
			return nil, nil, http.ErrNotSupported
		}
	}
}

func writeError(w http.ResponseWriter, status int, code, message string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(struct {
		Error   string `json:"error"`
		Message string `json:"message"`
	}{code, message})
}

// Active reports whether any client is connected: a publisher may skip
// building a message nobody would receive.
func (h *Hub) Active() bool { return len(*h.clients.Load()) > 0 }

// Clients is the number of connected clients.
func (h *Hub) Clients() int { return len(*h.clients.Load()) }
