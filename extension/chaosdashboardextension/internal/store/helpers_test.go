package store

import (
	"encoding/json"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.uber.org/goleak"

	"github.com/otelcol-chaos/otelcol-chaos/extension/chaosdashboardextension/internal/stream"
	"github.com/otelcol-chaos/otelcol-chaos/internal/chaosconv"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// t0 is the start of the data in every test: data time, not the clock's.
var t0 = time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)

// sink records what is published. An inactive sink fails the test on
// Publish: the store must build nothing for no client.
type sink struct {
	t      testing.TB
	active bool
	mu     sync.Mutex
	msgs   []stream.Message
}

func newSink(t testing.TB, active bool) *sink { return &sink{t: t, active: active} }

func (s *sink) Active() bool { return s.active }

func (s *sink) Publish(m stream.Message) {
	if !s.active {
		s.t.Errorf("Publish(%s) on an inactive sink", m.Type)
	}
	// Every message must encode: this is what the hub does with it.
	_, err := json.Marshal(m)
	require.NoError(s.t, err)
	s.mu.Lock()
	s.msgs = append(s.msgs, m)
	s.mu.Unlock()
}

// take returns and forgets the messages published so far.
func (s *sink) take() []stream.Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.msgs
	s.msgs = nil
	return m
}

func types(msgs []stream.Message) []string {
	out := make([]string, len(msgs))
	for i, m := range msgs {
		out[i] = m.Type
	}
	return out
}

// counts records Counters calls.
type counts struct {
	mu                       sync.Mutex
	stored, evicted, refused map[string]int64
	series                   int64
}

func newCounts() *counts {
	return &counts{stored: map[string]int64{}, evicted: map[string]int64{}, refused: map[string]int64{}}
}

func (c *counts) counters() Counters {
	add := func(m map[string]int64) func(string, int64) {
		return func(k string, n int64) {
			c.mu.Lock()
			m[k] += n
			c.mu.Unlock()
		}
	}
	return Counters{Stored: add(c.stored), Evicted: add(c.evicted), Refused: add(c.refused),
		Series: func(d int64) { c.mu.Lock(); c.series += d; c.mu.Unlock() }}
}

// spec describes a bucket to encode.
type spec struct {
	scope     chaosconv.ScopeKind
	key       string
	start     time.Time
	width     time.Duration
	events    uint64
	faults    uint64
	latencies []float64
	endpoints map[string]uint64
	probesOK  uint64
	probesBad uint64
}

func (sp spec) bucket() *chaosconv.Bucket {
	if sp.width == 0 {
		sp.width = time.Minute
	}
	if sp.scope == chaosconv.ScopeUnknown {
		sp.scope = chaosconv.ScopeGlobal
	}
	b := chaosconv.NewBucket(sp.scope, sp.key, sp.start.UnixNano(), sp.width)
	b.Events, b.Faults = sp.events, sp.faults
	b.EventsByKind[chaosconv.KindFaultInjection] = sp.faults
	if sp.faults > 0 {
		b.FaultsByType["http_500"] = sp.faults
	}
	for _, ms := range sp.latencies {
		b.Latency.Add(ms)
	}
	b.EventsByKind[chaosconv.KindLatencyInjection] = uint64(len(sp.latencies))
	for ep, n := range sp.endpoints {
		b.Endpoints[ep] = n
	}
	b.ProbeSuccesses, b.ProbeFailures = sp.probesOK, sp.probesBad
	b.PeakStartUnixNano, b.PeakEvents = b.StartUnixNano, b.Events
	return b
}

func newRecord(ld plog.Logs) plog.LogRecord {
	return ld.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty().LogRecords().AppendEmpty()
}

// logs encodes the buckets as chaos.bucket records, each in its own
// resource, under the default impact configuration.
func logs(specs ...spec) plog.Logs {
	ld := plog.NewLogs()
	cfg := chaosconv.DefaultImpactConfig()
	for _, sp := range specs {
		chaosconv.EncodeBucket(sp.bucket(), &cfg, newRecord(ld))
	}
	return ld
}

func anomalyLogs(as ...chaosconv.Anomaly) plog.Logs {
	ld := plog.NewLogs()
	for i := range as {
		chaosconv.EncodeAnomaly(&as[i], newRecord(ld))
	}
	return ld
}

func minute(i int) time.Time { return t0.Add(time.Duration(i) * time.Minute) }

func global() chaosconv.ScopeRef { return chaosconv.ScopeRef{Kind: chaosconv.ScopeGlobal} }

func newStore(t testing.TB, cfg Config) (*Store, *counts) {
	t.Helper()
	require.NoError(t, cfg.Validate())
	c := newCounts()
	return New(cfg, chaosconv.DefaultImpactConfig(), c.counters()), c
}
