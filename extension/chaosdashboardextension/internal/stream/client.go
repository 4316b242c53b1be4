package stream

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"
)

// entry is one queued message: its encoded bytes (shared by every client)
// and what coalescing compares.
type entry struct {
	typ, scope, key string
	payload         []byte
	// droppedBefore is the number of messages this client lost just
	// before this one; the writer sends a dropped message first.
	droppedBefore int64
}

// queue is a fixed-capacity ring of entries.
type queue struct {
	buf     []entry
	head, n int
}

func (q *queue) full() bool { return q.n == len(q.buf) }

func (q *queue) push(e entry) {
	q.buf[(q.head+q.n)%len(q.buf)] = e
	q.n++
}

func (q *queue) pop() entry {
	e := q.buf[q.head]
	q.buf[q.head] = entry{}
	q.head = (q.head + 1) % len(q.buf)
	q.n--
	return e
}

// newest returns the index in buf of the newest entry of typ, scope and key,
// or -1.
func (q *queue) newest(typ, scope, key string) int {
	for i := q.n - 1; i >= 0; i-- {
		j := (q.head + i) % len(q.buf)
		if e := &q.buf[j]; e.typ == typ && e.scope == scope && e.key == key {
			return j
		}
	}
	return -1
}

type offerResult int

const (
	offerQueued offerResult = iota
	offerCoalesced
	offerDropped
	offerSkipped // a control message on a full queue
)

type client struct {
	hub  *Hub
	conn *websocket.Conn
	raw  net.Conn // the hijacked connection, nil if unknown

	ctx    context.Context
	cancel context.CancelFunc
	filter atomic.Pointer[filter]
	// wake tells the writer that the queue is no longer empty.
	wake       chan struct{}
	writerDone chan struct{}

	mu sync.Mutex
	q  queue
	// lost counts messages dropped since the last entry queued.
	lost   int64
	reason string
}

func newClient(h *Hub, conn *websocket.Conn, raw net.Conn) *client {
	ctx, cancel := context.WithCancel(context.Background())
	return &client{
		hub:        h,
		conn:       conn,
		raw:        raw,
		ctx:        ctx,
		cancel:     cancel,
		wake:       make(chan struct{}, 1),
		writerDone: make(chan struct{}),
		q:          queue{buf: make([]entry, h.cfg.QueueSize)},
	}
}

// offer queues e without blocking. On a full queue, a coalescable entry
// replaces the newest queued one of the same type, scope and key; otherwise
// it is dropped and counted for the client's next dropped message, unless it
// is a control message (skipped, nothing lost).
func (c *client) offer(e entry, canCoalesce, control bool) offerResult {
	c.mu.Lock()
	if !c.q.full() {
		e.droppedBefore = c.lost
		c.lost = 0
		c.q.push(e)
		c.mu.Unlock()
		select {
		case c.wake <- struct{}{}:
		default:
		}
		return offerQueued
	}
	if canCoalesce {
		if i := c.q.newest(e.typ, e.scope, e.key); i >= 0 {
			c.q.buf[i].payload = e.payload
			c.mu.Unlock()
			return offerCoalesced
		}
	}
	if control {
		c.mu.Unlock()
		return offerSkipped
	}
	c.lost++
	c.mu.Unlock()
	return offerDropped
}

// next takes the next thing to write: a queued entry (with the losses before
// it), or, on an empty queue, the losses not yet reported.
func (c *client) next() (payload []byte, lost int64, ok bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.q.n > 0 {
		e := c.q.pop()
		return e.payload, e.droppedBefore, true
	}
	if c.lost > 0 {
		lost, c.lost = c.lost, 0
		return nil, lost, true
	}
	return nil, 0, false
}

func (c *client) writeLoop() {
	defer c.hub.wg.Done()
	defer close(c.writerDone)
	defer c.closeAfterStop()
	for c.ctx.Err() == nil {
		payload, lost, ok := c.next()
		if !ok {
			select {
			case <-c.wake:
			case <-c.ctx.Done():
			}
			continue
		}
		if lost > 0 && !c.write(c.hub.control(TypeDropped, droppedData{Count: lost})) {
			return
		}
		if payload != nil && !c.write(payload) {
			return
		}
	}
}

func (c *client) write(p []byte) bool {
	if c.hub.writeHook != nil {
		c.hub.writeHook()
	}
	ctx, cancel := context.WithTimeout(c.ctx, c.hub.cfg.WriteTimeout)
	err := c.conn.Write(ctx, websocket.MessageText, p)
	// ctx's own error says which came first: the timeout, or a stop.
	timedOut := errors.Is(ctx.Err(), context.DeadlineExceeded)
	cancel()
	if err == nil {
		return true
	}
	switch {
	case timedOut:
		c.stop(ReasonWriteTimeout)
	case c.ctx.Err() != nil, errors.Is(err, net.ErrClosed):
		// Stopped, or the connection closed under the reader, which
		// names the reason.
	default:
		c.stop(ReasonWriteError)
	}
	return false
}

// closeAfterStop closes the connection as the reason asks: with a close
// handshake when the hub decides, at once when the connection is gone.
func (c *client) closeAfterStop() {
	c.cancel()
	c.mu.Lock()
	reason := c.reason
	c.mu.Unlock()
	switch reason {
	case ReasonShutdown:
		c.closeConn(websocket.StatusGoingAway, "collector shutting down")
	case ReasonProtocolError:
		c.closeConn(websocket.StatusPolicyViolation, "expected a subscribe message")
	default:
		_ = c.conn.CloseNow()
	}
}

// closeConn closes with a handshake bounded by closeTimeout.
func (c *client) closeConn(code websocket.StatusCode, why string) {
	if c.raw != nil {
		t := time.AfterFunc(closeTimeout, c.forceClose)
		defer t.Stop()
	}
	_ = c.conn.Close(code, why)
}

// forceClose closes the TCP connection under the WebSocket one, which
// unblocks every read, write and close handshake on it.
func (c *client) forceClose() {
	if c.raw != nil {
		_ = c.raw.Close()
	}
}

// stop records why the client is leaving, unless a reason is already
// recorded, and stops its writer.
func (c *client) stop(reason string) {
	c.mu.Lock()
	if c.reason == "" {
		c.reason = reason
	}
	c.mu.Unlock()
	c.cancel()
}

// finalReason is the recorded reason, else the reader's.
func (c *client) finalReason(candidate string) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.reason != "" {
		return c.reason
	}
	return candidate
}

type subscribeMessage struct {
	Subscribe *struct {
		Types  []string `json:"types"`
		Scopes []string `json:"scopes"`
	} `json:"subscribe"`
}

// readLoop reads subscribe messages until the connection ends and returns
// the reason to report if nothing else recorded one.
func (c *client) readLoop() string {
	for {
		// Not c.ctx: a cancelled read closes the connection at once,
		// and the writer closes it with a handshake instead.
		typ, data, err := c.conn.Read(context.Background())
		if err != nil {
			if websocket.CloseStatus(err) != -1 {
				return ReasonClientClosed
			}
			return ReasonReadError
		}
		var sub subscribeMessage
		if typ != websocket.MessageText || json.Unmarshal(data, &sub) != nil || sub.Subscribe == nil {
			c.stop(ReasonProtocolError)
			return ReasonProtocolError
		}
		c.filter.Store(newFilter(sub.Subscribe.Types, sub.Subscribe.Scopes))
	}
}

// filter is a client's subscription; nil passes everything.
type filter struct {
	types map[string]struct{}
	// scopes holds whole scopes ("service"), keys scope+key
	// ("service:checkout" → {service, checkout}).
	scopes map[string]struct{}
	keys   map[[2]string]struct{}
}

func newFilter(types, scopes []string) *filter {
	if len(types) == 0 && len(scopes) == 0 {
		return nil
	}
	f := &filter{}
	if len(types) > 0 {
		f.types = make(map[string]struct{}, len(types))
		for _, t := range types {
			f.types[t] = struct{}{}
		}
	}
	if len(scopes) > 0 {
		f.scopes = map[string]struct{}{}
		f.keys = map[[2]string]struct{}{}
		for _, s := range scopes {
			if scope, key, ok := strings.Cut(s, ":"); ok {
				f.keys[[2]string{scope, key}] = struct{}{}
			} else {
				f.scopes[s] = struct{}{}
			}
		}
	}
	return f
}

// match: the hub's own types always pass; a message without a scope passes
// any scope list.
func (f *filter) match(typ, scope, key string) bool {
	if f == nil || typ == TypeKeepalive || typ == TypeDropped {
		return true
	}
	if f.types != nil {
		if _, ok := f.types[typ]; !ok {
			return false
		}
	}
	if f.scopes == nil || scope == "" {
		return true
	}
	if _, ok := f.scopes[scope]; ok {
		return true
	}
	_, ok := f.keys[[2]string{scope, key}]
	return ok
}
