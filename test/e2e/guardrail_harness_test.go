package e2e

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// mockForgeStub answers MockForge's chaos control routes as
// mockforge-chaos's API documents them (200 with a JSON message) and
// records each call with the time it arrived.
type mockForgeStub struct {
	mu    sync.Mutex
	calls []stubCall
}

type stubCall struct {
	route string // "METHOD path"
	at    time.Time
}

func (s *mockForgeStub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	at := time.Now()
	s.mu.Lock()
	s.calls = append(s.calls, stubCall{route: r.Method + " " + r.URL.Path, at: at})
	s.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	switch {
	case r.Method == http.MethodPost && r.URL.Path == "/api/chaos/disable":
		_, _ = w.Write([]byte(`{"message":"Chaos engineering disabled"}`))
	case r.Method == http.MethodDelete && strings.HasPrefix(r.URL.Path, "/api/chaos/scenarios/"):
		name := strings.TrimPrefix(r.URL.Path, "/api/chaos/scenarios/")
		_, _ = fmt.Fprintf(w, `{"message":"Scenario '%s' stopped"}`, name)
	default:
		w.WriteHeader(http.StatusNotFound)
		_, _ = w.Write([]byte(`{"error":"no such route"}`))
	}
}

func (s *mockForgeStub) all() []stubCall {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.calls)
}

func (c stubCall) String() string { return c.route + " at " + c.at.Format("15:04:05.000") }

// streamMessage is one message of the dashboard's stream and when it
// arrived.
type streamMessage struct {
	Type    string          `json:"type"`
	Scope   string          `json:"scope"`
	Key     string          `json:"key"`
	Data    json.RawMessage `json:"data"`
	arrived time.Time
}

// streamRecorder keeps every message of the dashboard's stream.
type streamRecorder struct {
	mu   sync.Mutex
	msgs []streamMessage
}

// newStreamRecorder connects to the stream and sends subscribe (when not
// empty) before reading.
func newStreamRecorder(t *testing.T, url, subscribe string) *streamRecorder {
	t.Helper()
	r := &streamRecorder{}
	readStream(t, url, subscribe, func(data []byte, at time.Time) {
		m := streamMessage{arrived: at}
		if json.Unmarshal(data, &m) != nil {
			return
		}
		r.mu.Lock()
		r.msgs = append(r.msgs, m)
		r.mu.Unlock()
	})
	return r
}

// first is when the first message of typ arrived.
func (r *streamRecorder) first(typ string) (time.Time, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, m := range r.msgs {
		if m.Type == typ {
			return m.arrived, true
		}
	}
	return time.Time{}, false
}

// probeBucket is what the guardrail test reads of a service bucket.
type probeBucket struct {
	key                 string
	start, end          time.Time
	successes, failures float64
	arrived             time.Time // zero for buckets read from the API
}

func (b *probeBucket) probes() float64 { return b.successes + b.failures }

type bucketJSON struct {
	Start          time.Time `json:"start"`
	End            time.Time `json:"end"`
	Scope          string    `json:"scope"`
	Key            string    `json:"key"`
	ProbeSuccesses float64   `json:"probe_successes"`
	ProbeFailures  float64   `json:"probe_failures"`
}

func (j *bucketJSON) probeBucket(arrived time.Time) probeBucket {
	return probeBucket{key: j.Key, start: j.Start, end: j.End, successes: j.ProbeSuccesses, failures: j.ProbeFailures,
		arrived: arrived}
}

// buckets returns the service buckets streamed, in arrival order.
func (r *streamRecorder) buckets() []probeBucket {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []probeBucket
	for _, m := range r.msgs {
		if m.Type != "bucket" || m.Scope != "service" {
			continue
		}
		var j bucketJSON
		if json.Unmarshal(m.Data, &j) == nil {
			out = append(out, j.probeBucket(m.arrived))
		}
	}
	return out
}

// serviceBaselines is each service's probe success ratio before the
// storm, as the steady_state rule takes it: the buckets that end by the
// start and begin within baseline_window before it. Read from the
// dashboard's API (the fast calm run outpaces a stream reader).
func serviceBaselines(t *testing.T, c *http.Client, dashboard string, start time.Time) map[string]float64 {
	t.Helper()
	out := map[string]float64{}
	for _, svc := range []string{"checkout", "catalog", "payments"} {
		q := url.Values{"scope": {"service"}, "key": {svc}, "width": {guardrailWidth.String()},
			"from": {start.Add(-guardrailBaseWindow).UTC().Format(time.RFC3339)}, "to": {start.UTC().Format(time.RFC3339Nano)}}
		code, body, err := get(c, dashboard+"/api/v1/buckets?"+q.Encode())
		require.NoError(t, err)
		require.Equal(t, http.StatusOK, code, "%s", body)
		var resp struct{ Buckets []bucketJSON }
		require.NoError(t, json.Unmarshal(body, &resp))
		var ok, n float64
		for _, j := range resp.Buckets {
			if j.End.After(start) || j.Start.Before(start.Add(-guardrailBaseWindow)) {
				continue
			}
			ok += j.ProbeSuccesses
			n += j.ProbeSuccesses + j.ProbeFailures
		}
		require.GreaterOrEqual(t, n, float64(guardrailMinProbes), "%s's baseline has too few probes: %s", svc, body)
		out[svc] = ok / n
		t.Logf("%s: baseline probe success %.3f over %.0f probes", svc, ok/n, n)
	}
	return out
}

// firstSustainedBreach finds the breach that fired the rule: per service,
// the storm's buckets (those starting at or after the storm's start) in
// order; a bucket breaches when it has min_probes probes and its success
// ratio is more than the tolerated drop below the service's baseline. The
// rule fires on the bucket that completes `for` of consecutive breaching
// buckets; the earliest such bucket of any service is the firing, and the
// first bucket of its run is the breach.
func firstSustainedBreach(t *testing.T, buckets []probeBucket, baselines map[string]float64, start time.Time) (breach, fired probeBucket) {
	t.Helper()
	need := int(guardrailFor/guardrailWidth) + 1 // evaluations from pending to firing
	runs := map[string][]probeBucket{}
	found := false
	for _, b := range buckets {
		base, known := baselines[b.key]
		if !known || b.start.Before(start) {
			continue
		}
		if b.probes() < guardrailMinProbes || base-b.successes/b.probes() <= guardrailDrop+1e-9 {
			runs[b.key] = nil
			continue
		}
		runs[b.key] = append(runs[b.key], b)
		if r := runs[b.key]; len(r) == need && (!found || b.end.Before(fired.end)) {
			breach, fired, found = r[0], b, true
		}
	}
	require.True(t, found, "no service's probes breached for %s in a row (buckets: %+v)", guardrailFor, buckets)
	return breach, fired
}

// record returns the debug exporter's printout of the first log record
// whose text contains s ("" when none): the lines from its
// "LogRecord #" header to the next.
func (b *logBuffer) record(s string) string {
	b.mu.Lock()
	out := b.buf.String()
	b.mu.Unlock()
	i := strings.Index(out, s)
	if i < 0 {
		return ""
	}
	from := strings.LastIndex(out[:i], "LogRecord #")
	if from < 0 {
		from = i
	}
	to := strings.Index(out[i:], "LogRecord #")
	if to < 0 {
		return out[from:]
	}
	return out[from : i+to]
}
