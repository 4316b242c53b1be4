package toxiproxyreceiver

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/zap/zapcore"
)

// TestPollFailures: an error status and an answer that is not a proxy list
// are counted by outcome, make no event and change no state; a server
// that answers again is reported reachable.
func TestPollFailures(t *testing.T) {
	answer := make(chan func(http.ResponseWriter), 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/proxies" || r.Method != http.MethodGet || r.Header.Get("User-Agent") != userAgent {
			http.Error(w, "unexpected request", http.StatusTeapot)
			return
		}
		(<-answer)(w)
	}))
	t.Cleanup(srv.Close)
	tr := newTestReceiver(t, srv.URL+"/", nil) // a trailing slash is fine

	answer <- func(w http.ResponseWriter) { http.Error(w, "boom", http.StatusInternalServerError) }
	assert.Empty(t, tr.poll(t0))
	answer <- func(w http.ResponseWriter) { _, _ = w.Write([]byte(`["not", "a", "map"]`)) }
	assert.Empty(t, tr.poll(t0))
	answer <- func(w http.ResponseWriter) {
		_, _ = w.Write([]byte(`{"p":{"name":"p","toxics":[{"type":"latency","attributes":{"latency":1}}]}}`))
	}
	assert.Empty(t, tr.poll(t0), "a toxic without a name is a bad answer")
	answer <- func(w http.ResponseWriter) { _, _ = w.Write([]byte(`{}`)) }
	assert.Empty(t, tr.poll(t0))

	assertCounter(t, tr.tel, "otelcol_receiver_toxiproxy_polls",
		map[string]int64{"outcome=bad_status": 1, "outcome=bad_response": 2, "outcome=ok": 1})
	require.Equal(t, 1, tr.logs.FilterMessageSnippet("toxiproxy poll failed").FilterLevelExact(zapcore.WarnLevel).Len(),
		"one warning for the run of failures")
	require.Equal(t, 2, tr.logs.FilterMessageSnippet("toxiproxy poll failed").FilterLevelExact(zapcore.DebugLevel).Len())
	require.Equal(t, 1, tr.logs.FilterMessage("toxiproxy API reachable again").Len())
}
