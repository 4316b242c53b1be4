package chaosreceiver

import (
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/consumer/consumertest"

	"github.com/otelcol-chaos/otelcol-chaos/internal/chaosconv"
)

// A body of unknown length (chunked) goes through the pooled buffer; the
// records of one request must not change when the next request reuses it.
func TestBodyOfUnknownLengthIsCopiedOutOfThePool(t *testing.T) {
	sink := new(consumertest.LogsSink)
	tr := startReceiver(t, sink, nil)
	endpoints := []string{"/api/first", "/api/second-and-longer", "/api/3"}
	for _, ep := range endpoints {
		body := `{"timestamp":"` + ts + `","event_type":{"type":"LatencyInjection","delay_ms":5,"endpoint":"` + ep + `"},"metadata":{}}`
		req, err := http.NewRequest(http.MethodPost, tr.url+defaultEventsPath, io.MultiReader(strings.NewReader(body)))
		require.NoError(t, err)
		req.ContentLength, req.TransferEncoding = -1, []string{"chunked"}
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		_, _ = io.Copy(io.Discard, resp.Body)
		require.NoError(t, resp.Body.Close())
		require.Equal(t, http.StatusOK, resp.StatusCode)
	}
	require.Len(t, sink.AllLogs(), len(endpoints))
	for i, logs := range sink.AllLogs() {
		attrs := logs.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords().At(0).Attributes()
		got, ok := attrs.Get(chaosconv.AttrEndpoint)
		require.True(t, ok)
		require.Equal(t, endpoints[i], got.Str())
	}
}

// The answer to an accepted request is built by hand; it must be exactly
// what encoding acceptedBody gives.
func TestWriteAcceptedIsTheAcceptedBodyEncoding(t *testing.T) {
	for _, n := range []int{0, 1, 100, 1_000_000} {
		t.Run(strconv.Itoa(n), func(t *testing.T) {
			w := &recordingWriter{header: http.Header{}}
			writeAccepted(w, n)
			want, err := json.Marshal(acceptedBody{Accepted: n})
			require.NoError(t, err)
			require.Equal(t, string(want), w.body.String())
			require.Equal(t, http.StatusOK, w.status)
			require.Equal(t, "application/json", w.header.Get("Content-Type"))
			require.Equal(t, strconv.Itoa(len(want)), w.header.Get("Content-Length"))
		})
	}
}

type recordingWriter struct {
	header http.Header
	status int
	body   strings.Builder
}

func (w *recordingWriter) Header() http.Header         { return w.header }
func (w *recordingWriter) WriteHeader(status int)      { w.status = status }
func (w *recordingWriter) Write(b []byte) (int, error) { return w.body.Write(b) }
