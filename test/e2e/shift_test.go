package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// chaosgen -fast always dates a run from now minus its duration up to now,
// so a second fast run overlaps the first in event time, and chaos_analytics
// counts the overlap as late (its buckets have closed) instead of
// aggregating it. To make calm traffic follow a storm in event time, the
// storm goes through shiftProxy, which moves every event's timestamp back by
// a fixed amount — the storm becomes a recording of the past — and the calm
// run, sent directly, then starts after the storm has ended.

// timestampLayout is chaosgen's and MockForge's: RFC 3339, UTC, nine
// fractional digits.
const timestampLayout = "2006-01-02T15:04:05.000000000Z"

// shiftTimestamps moves the "timestamp" of every object of a JSON array (a
// chaosgen mockforge body: MockForge and native objects alike) by d.
func shiftTimestamps(body []byte, d time.Duration) ([]byte, int, error) {
	var objs []map[string]json.RawMessage
	if err := json.Unmarshal(body, &objs); err != nil {
		return nil, 0, fmt.Errorf("not a JSON array of objects: %w", err)
	}
	for i, o := range objs {
		var ts string
		if err := json.Unmarshal(o["timestamp"], &ts); err != nil {
			return nil, 0, fmt.Errorf("object %d: timestamp: %w", i, err)
		}
		t, err := time.Parse(time.RFC3339Nano, ts)
		if err != nil {
			return nil, 0, fmt.Errorf("object %d: %w", i, err)
		}
		o["timestamp"], _ = json.Marshal(t.Add(d).UTC().Format(timestampLayout))
	}
	out, err := json.Marshal(objs)
	return out, len(objs), err
}

// shiftProxy forwards chaosgen's requests to the chaos receiver with every
// timestamp moved by shift, and the receiver's answers (status,
// Retry-After, body) back, so chaosgen's retries work through it.
type shiftProxy struct {
	target  string
	shift   time.Duration
	client  *http.Client
	shifted atomic.Int64 // events forwarded
}

func (p *shiftProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	out, n, err := shiftTimestamps(body, p.shift)
	if err != nil {
		http.Error(w, "shiftProxy: "+err.Error(), http.StatusBadRequest)
		return
	}
	req, err := http.NewRequestWithContext(r.Context(), http.MethodPost, p.target, bytes.NewReader(out))
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	req.Header.Set("Content-Type", r.Header.Get("Content-Type"))
	resp, err := p.client.Do(req)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	defer resp.Body.Close()
	for _, h := range []string{"Content-Type", "Retry-After"} {
		if v := resp.Header.Get(h); v != "" {
			w.Header().Set(h, v)
		}
	}
	if resp.StatusCode == http.StatusOK {
		p.shifted.Add(int64(n))
	}
	w.WriteHeader(resp.StatusCode)
	_, _ = io.Copy(w, resp.Body)
}

func TestShiftTimestamps(t *testing.T) {
	in := `[{"timestamp":"2026-11-23T12:00:00.123456789Z","event_type":{"type":"FaultInjection","fault_type":"http_503","endpoint":null},"metadata":{"chaosgen.seq":"1"}},` +
		`{"kind":"probe","timestamp":"2026-11-23T12:00:01.000000000Z","target":"http://checkout/health","success":false,"latency_ms":12.5}]`
	out, n, err := shiftTimestamps([]byte(in), -6*time.Minute)
	require.NoError(t, err)
	assert.Equal(t, 2, n)
	var got []map[string]any
	require.NoError(t, json.Unmarshal(out, &got))
	assert.Equal(t, "2026-11-23T11:54:00.123456789Z", got[0]["timestamp"])
	assert.Equal(t, map[string]any{"type": "FaultInjection", "fault_type": "http_503", "endpoint": nil}, got[0]["event_type"])
	assert.Equal(t, map[string]any{"chaosgen.seq": "1"}, got[0]["metadata"])
	assert.Equal(t, "2026-11-23T11:54:01.000000000Z", got[1]["timestamp"])
	assert.Equal(t, false, got[1]["success"])
	assert.Equal(t, 12.5, got[1]["latency_ms"])

	_, _, err = shiftTimestamps([]byte(`{"timestamp":"2026-11-23T12:00:00Z"}`), time.Minute)
	assert.Error(t, err, "a single object is not what chaosgen sends")
	_, _, err = shiftTimestamps([]byte(`[{"timestamp":"yesterday"}]`), time.Minute)
	assert.Error(t, err)
}
