package e2e

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// Environment variables `make e2e` sets.
const (
	envCollector    = "OTELCOL_CHAOS_BINARY"
	envAlertmanager = "ALERTMANAGER_BINARY"
	envChaosgen     = "CHAOSGEN"
	envPrometheus   = "PROMETHEUS_BINARY"
	envPromtool     = "PROMTOOL"
	envChromium     = "CHROMIUM_BINARY"
	envChaosdemo    = "CHAOSDEMO"
)

// requireEnv returns the named variables' values. It skips the test when
// none of the e2e variables is set (a plain `go test ./...`), and fails it
// when only some are (a broken `make e2e`).
func requireEnv(t *testing.T, names ...string) []string {
	t.Helper()
	anySet := false
	for _, n := range []string{envCollector, envAlertmanager, envChaosgen, envPrometheus, envPromtool, envChromium, envChaosdemo} {
		if os.Getenv(n) != "" {
			anySet = true
		}
	}
	if !anySet {
		t.Skipf("%s, %s, %s, %s, %s and %s are not set: run `make e2e`, which installs prometheus, prometheus-alertmanager and chromium, builds the collector and chaosgen, and sets them",
			envCollector, envAlertmanager, envChaosgen, envPrometheus, envPromtool, envChromium)
	}
	vals := make([]string, len(names))
	for i, n := range names {
		vals[i] = os.Getenv(n)
		require.NotEmpty(t, vals[i], "%s is not set (run `make e2e`)", n)
		_, err := os.Stat(vals[i])
		require.NoError(t, err, "%s=%s", n, vals[i])
	}
	return vals
}

// freePort returns a TCP port free on 127.0.0.1 at the time of the call.
func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// logBuffer collects a process's output; safe for concurrent use.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// tail returns the last n lines written.
func (b *logBuffer) tail(n int) string {
	b.mu.Lock()
	s := b.buf.String()
	b.mu.Unlock()
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = append([]string{fmt.Sprintf("… (%d earlier lines)", len(lines)-n)}, lines[len(lines)-n:]...)
	}
	return strings.Join(lines, "\n")
}

// logTailLines is how much of each process's output a failed test prints.
const logTailLines = 100

// process is a started binary whose output is collected.
type process struct {
	name string
	cmd  *exec.Cmd
	out  *logBuffer
	done chan struct{} // closed once the process has exited
	err  error         // Wait's result, once done
}

// startProcess starts bin with args. At cleanup it is interrupted (killed
// after 15 s) and, if the test failed, the tail of its output is logged.
func startProcess(t *testing.T, name, bin string, args ...string) *process {
	t.Helper()
	cmd := exec.Command(bin, args...)
	p := &process{name: name, cmd: cmd, out: &logBuffer{}, done: make(chan struct{})}
	cmd.Stdout, cmd.Stderr = p.out, p.out
	cmd.WaitDelay = 5 * time.Second // don't hang on pipes held by a stray child
	require.NoError(t, cmd.Start(), "start %s", name)
	go func() {
		p.err = cmd.Wait()
		close(p.done)
	}()
	t.Cleanup(func() {
		p.stop()
		if t.Failed() {
			t.Logf("--- %s output (last %d lines) ---\n%s", name, logTailLines, p.out.tail(logTailLines))
		}
	})
	return p
}

func (p *process) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

func (p *process) stop() {
	if p.exited() {
		return
	}
	_ = p.cmd.Process.Signal(os.Interrupt)
	select {
	case <-p.done:
	case <-time.After(15 * time.Second):
		_ = p.cmd.Process.Kill()
		<-p.done
	}
}

// waitReady polls url until it answers 200, failing early if the process
// exits.
func waitReady(t *testing.T, c *http.Client, p *process, url string, timeout time.Duration) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		if p.exited() {
			t.Fatalf("%s exited before it was ready (%v); output:\n%s", p.name, p.err, p.out.tail(logTailLines))
		}
		code, _, err := get(c, url)
		if err == nil && code == http.StatusOK {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s not ready after %s: GET %s: code %d, err %v", p.name, timeout, url, code, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// newClient returns an HTTP client whose idle connections are closed at
// cleanup (goleak checks for their goroutines).
func newClient(t *testing.T) *http.Client {
	tr := &http.Transport{DisableKeepAlives: true}
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr, Timeout: 10 * time.Second}
}

func get(c *http.Client, url string) (int, []byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return 0, nil, err
	}
	resp, err := c.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return resp.StatusCode, nil, err
	}
	return resp.StatusCode, b, nil
}

// postJSON posts body to url as JSON.
func postJSON(c *http.Client, url, body string) (int, []byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, strings.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, b, err
}

// poll calls cond every interval until it returns nil or timeout passes;
// it fails the test with cond's last error.
func poll(t *testing.T, timeout, interval time.Duration, what string, cond func() error) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		err := cond()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: not after %s: %v", what, timeout, err)
		}
		time.Sleep(interval)
	}
}
