package toxiproxyreceiver

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"

	toxiproxy "github.com/Shopify/toxiproxy/v2"
	toxiclient "github.com/Shopify/toxiproxy/v2/client"
	"github.com/Shopify/toxiproxy/v2/toxics"
	"github.com/rs/zerolog"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/receiver/receivertest"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"

	"github.com/otelcol-chaos/otelcol-chaos/internal/chaosconv"
	"github.com/otelcol-chaos/otelcol-chaos/receiver/toxiproxyreceiver/internal/metadata"
)

// unknownToxicType is a toxic type toxiproxy accepts (registered below,
// as a plugin toxic would be) and the receiver does not know.
const unknownToxicType = "dns_flake"

// dnsFlakeToxic is the unknown type's toxic: it passes data through.
type dnsFlakeToxic struct {
	Failures int64 `json:"failures"`
}

func (*dnsFlakeToxic) Pipe(stub *toxics.ToxicStub) { new(toxics.NoopToxic).Pipe(stub) }

func init() {
	toxics.Register(unknownToxicType, new(dnsFlakeToxic))
}

// toxiServer is a real toxiproxy server (its API server and proxies, from
// its Go module) listening on a free loopback port, and a client of it.
type toxiServer struct {
	addr   string
	url    string
	api    *toxiproxy.ApiServer
	client *toxiclient.Client
	done   chan error
}

// startToxiproxy starts a toxiproxy server for the test; at cleanup its
// proxies are deleted and the server shut down.
func startToxiproxy(t *testing.T) *toxiServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	s := &toxiServer{
		addr: addr,
		url:  "http://" + addr,
		api:  toxiproxy.NewServer(toxiproxy.NewMetricsContainer(nil), zerolog.Nop()),
	}
	s.client = toxiclient.NewClient(s.url)
	s.listen(t)
	t.Cleanup(func() {
		// Stop every proxy (its listener and its goroutines), then the API.
		require.NoError(t, s.api.Collection.Clear())
		if s.done != nil {
			s.down(t)
		}
		// The toxiproxy client uses http.DefaultTransport.
		http.DefaultTransport.(*http.Transport).CloseIdleConnections()
	})
	return s
}

// listen serves the API (again, after down: same address, same proxies).
func (s *toxiServer) listen(t *testing.T) {
	t.Helper()
	s.done = make(chan error, 1)
	go func(done chan<- error) { done <- s.api.Listen(s.addr) }(s.done)
	deadline := time.Now().Add(10 * time.Second)
	for {
		_, err := s.client.Version()
		if err == nil {
			return
		}
		require.True(t, time.Now().Before(deadline), "toxiproxy did not start: %v", err)
		time.Sleep(10 * time.Millisecond)
	}
}

// down shuts the API server down; proxies and toxics stay.
func (s *toxiServer) down(t *testing.T) {
	t.Helper()
	require.NoError(t, s.api.Shutdown())
	require.NoError(t, <-s.done)
	s.done = nil
	http.DefaultTransport.(*http.Transport).CloseIdleConnections()
}

// proxy creates a proxy listening on a free loopback port.
func (s *toxiServer) proxy(t *testing.T, name string) *toxiclient.Proxy {
	t.Helper()
	p, err := s.client.CreateProxy(name, "127.0.0.1:0", "127.0.0.1:9")
	require.NoError(t, err)
	return p
}

func addToxic(t *testing.T, p *toxiclient.Proxy, name, typ, stream string, toxicity float32, attrs toxiclient.Attributes) {
	t.Helper()
	_, err := p.AddToxic(name, typ, stream, toxicity, attrs)
	require.NoError(t, err)
}

// switchable is a logs consumer that refuses while refuse is set, and
// keeps what it takes.
type switchable struct {
	mu      sync.Mutex
	refuse  bool
	batches []plog.Logs
}

func (s *switchable) consumer(t *testing.T) consumer.Logs {
	c, err := consumer.NewLogs(func(_ context.Context, ld plog.Logs) error {
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.refuse {
			return fmt.Errorf("refused for the test")
		}
		s.batches = append(s.batches, ld)
		return nil
	})
	require.NoError(t, err)
	return c
}

func (s *switchable) setRefuse(v bool) {
	s.mu.Lock()
	s.refuse = v
	s.mu.Unlock()
}

// take returns the records consumed since the last take.
func (s *switchable) take() []rec {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := records(s.batches...)
	s.batches = nil
	return out
}

// testReceiver is a receiver polled by the test, on a clock the test sets.
type testReceiver struct {
	r    *toxiproxyReceiver
	sink *switchable
	tel  *componenttest.Telemetry
	logs *observer.ObservedLogs
	now  time.Time
}

// newTestReceiver creates a receiver of url, starts it with a poll
// interval too long to tick during the test, and lets the test poll.
func newTestReceiver(t *testing.T, url string, services map[string]string) *testReceiver {
	t.Helper()
	cfg := createDefaultConfig().(*Config)
	cfg.ClientConfig.Endpoint = url
	cfg.PollInterval = time.Hour
	cfg.Services = services
	require.NoError(t, cfg.Validate())

	tel := componenttest.NewTelemetry()
	t.Cleanup(func() { require.NoError(t, tel.Shutdown(context.Background())) })
	core, logs := observer.New(zap.DebugLevel)
	set := receivertest.NewNopSettings(metadata.Type)
	set.TelemetrySettings = tel.NewTelemetrySettings()
	set.Logger = zap.New(core)
	set.BuildInfo.Version = "test"

	tr := &testReceiver{sink: &switchable{}, tel: tel, logs: logs}
	r, err := newReceiver(cfg, set, tr.sink.consumer(t))
	require.NoError(t, err)
	r.now = func() time.Time { return tr.now }
	tr.r = r
	client, err := cfg.ClientConfig.ToClient(context.Background(), nil, set.TelemetrySettings)
	require.NoError(t, err)
	r.client = client
	t.Cleanup(func() { require.NoError(t, r.Shutdown(context.Background())) })
	return tr
}

// poll polls once at time at and returns the records it produced.
func (tr *testReceiver) poll(at time.Time) []rec {
	tr.now = at
	tr.r.poll(context.Background())
	return tr.sink.take()
}

// rec is one record, flattened for comparison: its resource's
// service.name, timestamps, severity, body and attributes (AsRaw).
type rec struct {
	Service  string
	Time     time.Time
	Observed time.Time
	Severity string
	Body     string
	Event    string
	Attrs    map[string]any
}

func records(batches ...plog.Logs) []rec {
	var out []rec
	for _, ld := range batches {
		for i := 0; i < ld.ResourceLogs().Len(); i++ {
			rl := ld.ResourceLogs().At(i)
			svc, _ := rl.Resource().Attributes().Get(chaosconv.AttrServiceName)
			for j := 0; j < rl.ScopeLogs().Len(); j++ {
				sl := rl.ScopeLogs().At(j)
				for k := 0; k < sl.LogRecords().Len(); k++ {
					lr := sl.LogRecords().At(k)
					out = append(out, rec{
						Service:  svc.Str(),
						Time:     lr.Timestamp().AsTime(),
						Observed: lr.ObservedTimestamp().AsTime(),
						Severity: lr.SeverityText(),
						Body:     lr.Body().Str(),
						Event:    lr.EventName(),
						Attrs:    lr.Attributes().AsRaw(),
					})
				}
			}
		}
	}
	// One resource per service: sort back into (endpoint, experiment
	// last) order, the receiver's order within a service.
	slices.SortStableFunc(out, func(a, b rec) int {
		ea, _ := a.Attrs[chaosconv.AttrEndpoint].(string)
		eb, _ := b.Attrs[chaosconv.AttrEndpoint].(string)
		switch {
		case ea < eb:
			return -1
		case ea > eb:
			return 1
		}
		return 0
	})
	return out
}

func bodyOfPhase(phase string) string { return "chaos: experiment " + phase }

// assertCounter checks an int counter's points, by "key=value" of their
// one attribute.
func assertCounter(t *testing.T, tel *componenttest.Telemetry, name string, want map[string]int64) {
	t.Helper()
	var rm metricdata.ResourceMetrics
	require.NoError(t, tel.Reader.Collect(context.Background(), &rm))
	got := map[string]int64{}
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			if m.Name != name {
				continue
			}
			sum, ok := m.Data.(metricdata.Sum[int64])
			require.True(t, ok, "%s is an int sum", name)
			for _, dp := range sum.DataPoints {
				key := ""
				for _, kv := range dp.Attributes.ToSlice() {
					key = string(kv.Key) + "=" + kv.Value.String()
				}
				got[key] += dp.Value
			}
		}
	}
	assert.Equal(t, want, got, name)
}
