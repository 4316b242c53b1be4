package chaosreceiver

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/testdata"
	"go.opentelemetry.io/collector/receiver/otlpreceiver"
	"go.opentelemetry.io/collector/receiver/receivertest"

	"github.com/otelcol-chaos/otelcol-chaos/internal/chaosconv"
	"github.com/otelcol-chaos/otelcol-chaos/receiver/chaosreceiver/internal/decoder"
	"github.com/otelcol-chaos/otelcol-chaos/receiver/chaosreceiver/internal/metadata"
)

// eventsPerRequest is the batch size of the throughput comparison.
const eventsPerRequest = 100

// mockForgeBatch is a realistic batch: every MockForge variant, endpoints,
// and small metadata maps, as MockForge's recorder writes them.
func mockForgeBatch(n int) string {
	return mockForgeEvents(n, `{"run_id":"r-42","region":"eu-west-1"}`)
}

// mockForgeEvents is n MockForge events, each with the given metadata
// object: `{}` makes the light events of issue 12's comparison.
func mockForgeEvents(n int, metadata string) string {
	endpoints := []string{"/api/users", "/api/orders", "/api/payments", "/api/search"}
	var b strings.Builder
	b.WriteByte('[')
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		ts := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC).Add(time.Duration(i) * 37 * time.Millisecond).Format(time.RFC3339Nano)
		ep := endpoints[i%len(endpoints)]
		var variant string
		switch i % 6 {
		case 0:
			variant = fmt.Sprintf(`{"type":"LatencyInjection","delay_ms":%d,"endpoint":%q}`, 100+i*7, ep)
		case 1:
			variant = fmt.Sprintf(`{"type":"FaultInjection","fault_type":"http_503","endpoint":%q}`, ep)
		case 2:
			variant = fmt.Sprintf(`{"type":"RateLimitExceeded","client_ip":"10.0.%d.%d","endpoint":%q}`, i%8, i%250, ep)
		case 3:
			variant = fmt.Sprintf(`{"type":"TrafficShaping","action":"throttle","bytes":%d}`, 1024*(i+1))
		case 4:
			variant = `{"type":"ProtocolEvent","protocol":"grpc","event":"stream_reset","details":{"code":"14","method":"/checkout.Cart/Get"}}`
		case 5:
			variant = `{"type":"ScenarioTransition","from_scenario":"baseline","to_scenario":"fault_storm"}`
		}
		fmt.Fprintf(&b, `{"timestamp":%q,"event_type":%s,"metadata":%s}`, ts, variant, metadata)
	}
	b.WriteByte(']')
	return b.String()
}

// otlpJSONBatch is the same events as OTLP/HTTP JSON, exactly the records
// the chaos receiver would produce, so both receivers carry equal content.
func otlpJSONBatch(tb testing.TB, body string) []byte {
	var batch decoder.Batch
	require.NoError(tb, decoder.Decode(body, decoder.Options{}, &batch))
	logs := plog.NewLogs()
	rl := logs.ResourceLogs().AppendEmpty()
	rl.Resource().Attributes().PutStr(chaosconv.AttrServiceName, "checkout")
	records := rl.ScopeLogs().AppendEmpty().LogRecords()
	for i := range batch.Events {
		lr := records.AppendEmpty()
		chaosconv.EncodeEvent(&batch.Events[i], lr)
		lr.SetObservedTimestamp(lr.Timestamp())
	}
	out, err := (&plog.JSONMarshaler{}).MarshalLogs(logs)
	require.NoError(tb, err)
	return out
}

func freeLoopback(tb testing.TB) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(tb, err)
	addr := ln.Addr().String()
	require.NoError(tb, ln.Close())
	return addr
}

// Environment of the load-client process.
const (
	loadClientEnv   = "CHAOS_LOAD_URL"
	loadBodyEnv     = "CHAOS_LOAD_BODY_FILE"
	loadRequestsEnv = "CHAOS_LOAD_REQUESTS"
	loadClientsEnv  = "CHAOS_LOAD_CLIENTS"
)

func cpuTime(who int) time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(who, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkReceiverThroughput compares, in one run and on the same events,
// the chaos receiver fed MockForge JSON with the stock otlp receiver fed
// OTLP/HTTP JSON, 100 events per request, over real loopback HTTP with
// keep-alive connections from two concurrent clients. Both hand the logs
// to a no-op consumer. The client runs in a child process (this test
// binary re-executed), so `events/cpu-s` is the receiving process's CPU
// alone; `events/total-cpu-s` adds the client's.
func BenchmarkReceiverThroughput(b *testing.B) {
	for _, load := range []struct {
		name    string
		body    string
		clients int
	}{
		// Realistic chaos events: 8-11 attributes, two-entry metadata.
		{"events=mockforge/clients=2", mockForgeBatch(eventsPerRequest), 2},
		// Light events (empty metadata) from four clients: the case where
		// per-request and per-record overheads weigh most (issue 12).
		{"events=light/clients=4", mockForgeEvents(eventsPerRequest, `{}`), 4},
	} {
		otlpBody := otlpJSONBatch(b, load.body)
		b.Run(load.name+"/receiver=chaos", func(b *testing.B) {
			cfg := createDefaultConfig().(*Config)
			cfg.ServerConfig.NetAddr.Endpoint = "127.0.0.1:0"
			r, err := newReceiver(cfg, receivertest.NewNopSettings(metadata.Type), consumertest.NewNop())
			require.NoError(b, err)
			require.NoError(b, r.Start(context.Background(), componenttest.NewNopHost()))
			b.Cleanup(func() { require.NoError(b, r.Shutdown(context.Background())) })
			runThroughput(b, "http://"+r.server.Addr().String()+defaultEventsPath, []byte(load.body), load.clients)
		})
		b.Run(load.name+"/receiver=otlp", func(b *testing.B) {
			runOTLPThroughput(b, otlpBody, load.clients)
		})
	}

	// Calibration: the stock receiver on the collector's own test records
	// (pdata/testdata, a few small attributes each) rather than chaos
	// events, to compare this machine with published figures.
	b.Run("events=pdata-testdata/clients=2/receiver=otlp", func(b *testing.B) {
		simple, err := (&plog.JSONMarshaler{}).MarshalLogs(testdata.GenerateLogs(eventsPerRequest))
		require.NoError(b, err)
		runOTLPThroughput(b, simple, 2)
	})
}

func runOTLPThroughput(b *testing.B, body []byte, clients int) {
	// The otlp receiver does not tell which port it bound, so pick a free
	// one; another process may grab it in between, hence the retries.
	f := otlpreceiver.NewFactory()
	for attempt := 1; ; attempt++ {
		cfg := f.CreateDefaultConfig().(*otlpreceiver.Config)
		cfg.Protocols.GRPC.GetOrInsertDefault().NetAddr.Endpoint = freeLoopback(b) // unused, kept off the default port
		httpCfg := cfg.Protocols.HTTP.GetOrInsertDefault()
		httpCfg.ServerConfig.NetAddr.Endpoint = freeLoopback(b)
		r, err := f.CreateLogs(context.Background(), receivertest.NewNopSettings(f.Type()), cfg, consumertest.NewNop())
		require.NoError(b, err)
		if err = r.Start(context.Background(), componenttest.NewNopHost()); err != nil && attempt < 5 {
			_ = r.Shutdown(context.Background())
			continue
		}
		require.NoError(b, err)
		b.Cleanup(func() { require.NoError(b, r.Shutdown(context.Background())) })
		runThroughput(b, "http://"+httpCfg.ServerConfig.NetAddr.Endpoint+"/v1/logs", body, clients)
		return
	}
}

func runThroughput(b *testing.B, url string, body []byte, clients int) {
	bodyFile := filepath.Join(b.TempDir(), "body.json")
	require.NoError(b, os.WriteFile(bodyFile, body, 0o600))
	b.SetBytes(int64(len(body)))
	b.ResetTimer()
	self0, child0 := cpuTime(syscall.RUSAGE_SELF), cpuTime(syscall.RUSAGE_CHILDREN)
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), loadClientEnv+"="+url, loadBodyEnv+"="+bodyFile, loadRequestsEnv+"="+strconv.Itoa(b.N), loadClientsEnv+"="+strconv.Itoa(clients))
	out, err := cmd.CombinedOutput()
	require.NoError(b, err, "load client: %s", out)
	self, child := cpuTime(syscall.RUSAGE_SELF)-self0, cpuTime(syscall.RUSAGE_CHILDREN)-child0
	b.StopTimer()
	events := float64(b.N * eventsPerRequest)
	b.ReportMetric(events/self.Seconds(), "events/cpu-s")
	b.ReportMetric(events/(self+child).Seconds(), "events/total-cpu-s")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/events, "ns/event")
}

// runLoadClient is the child process: it POSTs the body N times from
// CHAOS_LOAD_CLIENTS keep-alive connections and exits non-zero on any failure.
func runLoadClient() int {
	url := os.Getenv(loadClientEnv)
	body, err := os.ReadFile(os.Getenv(loadBodyEnv))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	n, err := strconv.Atoi(os.Getenv(loadRequestsEnv))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	loadClients, err := strconv.Atoi(os.Getenv(loadClientsEnv))
	if err != nil || loadClients < 1 {
		fmt.Fprintln(os.Stderr, "CHAOS_LOAD_CLIENTS:", err)
		return 1
	}
	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: loadClients, DisableCompression: true}}
	var next atomic.Int64
	errs := make(chan error, loadClients)
	for range loadClients {
		go func() {
			for next.Add(1) <= int64(n) {
				resp, err := client.Post(url, "application/json", bytes.NewReader(body))
				if err != nil {
					errs <- err
					return
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					errs <- fmt.Errorf("status %d", resp.StatusCode)
					return
				}
			}
			errs <- nil
		}()
	}
	for range loadClients {
		if err := <-errs; err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
	}
	return 0
}
