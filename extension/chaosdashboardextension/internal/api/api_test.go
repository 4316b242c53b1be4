package api

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/otelcol-chaos/otelcol-chaos/extension/chaosdashboardextension/internal/store"
	"github.com/otelcol-chaos/otelcol-chaos/internal/chaosconv"
)

// routeCases are every route with data, by golden file name.
var routeCases = []struct {
	golden, target string
}{
	{"stats", "/api/v1/stats"},
	{"buckets_default", "/api/v1/buckets"},
	{"buckets_window", "/api/v1/buckets?scope=global&key=&width=1m&from=2026-11-30T10:03:00Z&to=2026-11-30T10:05:00Z"},
	{"buckets_width_5m", "/api/v1/buckets?width=5m"},
	{"buckets_width_not_held", "/api/v1/buckets?width=1h"},
	{"buckets_service", "/api/v1/buckets?scope=service&key=checkout"},
	{"buckets_endpoint", "/api/v1/buckets?scope=endpoint&key=%2Fpay"},
	{"impact_default", "/api/v1/impact"},
	{"impact_service", "/api/v1/impact?scope=service&key=checkout&from=2026-11-30T10:00:00Z&to=2026-11-30T10:05:00Z"},
	{"anomalies_default", "/api/v1/anomalies"},
	{"anomalies_all", "/api/v1/anomalies?state=all"},
	{"anomalies_closed_since", "/api/v1/anomalies?state=closed&since=2026-11-30T10:03:00Z"},
	{"anomalies_since_none", "/api/v1/anomalies?state=all&since=2026-11-30T10:05:00Z"},
	{"health", "/api/v1/health"},
	{"health_history_default", "/api/v1/health/history"},
	{"health_history_window", "/api/v1/health/history?scope=global&key=&from=2026-11-30T10:03:00Z&to=2026-11-30T10:05:00Z"},
	{"health_history_service", "/api/v1/health/history?scope=service&key=checkout"},
	{"health_history_endpoint_none", "/api/v1/health/history?scope=endpoint&key=%2Fpay"},
	{"trends", "/api/v1/trends"},
	{"alerts", "/api/v1/alerts"},
	{"alerts_limit", "/api/v1/alerts?limit=1"},
	{"scenarios", "/api/v1/scenarios"},
	{"scenarios_window", "/api/v1/scenarios?from=2026-11-30T10:01:00Z&to=2026-11-30T10:05:00Z"},
	{"scenarios_after_last", "/api/v1/scenarios?from=2026-11-30T10:02:00.000000001Z"},
	{"fleet", "/api/v1/fleet"},
}

func TestRoutesGolden(t *testing.T) {
	h := New(fixture(t), fleetFixture)
	for _, tc := range routeCases {
		t.Run(tc.golden, func(t *testing.T) {
			rec := do(h, http.MethodGet, tc.target)
			require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
			require.Equal(t, "application/json", rec.Header().Get("Content-Type"))
			require.Equal(t, "no-store", rec.Header().Get("Cache-Control"))
			golden(t, tc.golden, indent(t, rec.Body.Bytes()))
		})
	}
}

// TestEmptyStore: before any data every route answers, with nulls and
// empty lists (never null lists).
func TestEmptyStore(t *testing.T) {
	h := New(store.New(store.Config{}, chaosconv.DefaultImpactConfig(), store.Counters{}), nil)
	for _, route := range []string{"stats", "buckets", "impact", "anomalies", "health", "health/history", "trends", "alerts",
		"scenarios", "fleet"} {
		t.Run(route, func(t *testing.T) {
			rec := do(h, http.MethodGet, "/api/v1/"+route)
			require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
			require.NotContains(t, rec.Body.String(), "[null", "")
			golden(t, "empty_"+strings.ReplaceAll(route, "/", "_"), indent(t, rec.Body.Bytes()))
		})
	}
}

func TestHead(t *testing.T) {
	h := New(fixture(t), fleetFixture)
	rec := do(h, http.MethodHead, "/api/v1/stats")
	require.Equal(t, http.StatusOK, rec.Code)
	require.Equal(t, "application/json", rec.Header().Get("Content-Type"))
	require.Equal(t, http.StatusBadRequest, do(h, http.MethodHead, "/api/v1/stats?x=1").Code)
	rec = do(h, http.MethodHead, "/api/v1/health/history?scope=service&key=checkout")
	require.Equal(t, http.StatusOK, rec.Code)
	require.Equal(t, "application/json", rec.Header().Get("Content-Type"))
	require.Equal(t, http.StatusBadRequest, do(h, http.MethodHead, "/api/v1/health/history?width=1m").Code)
}

func decodeError(t *testing.T, body []byte) errorBody {
	t.Helper()
	var e errorBody
	require.NoError(t, json.Unmarshal(body, &e))
	return e
}

func TestNotFound(t *testing.T) {
	h := New(fixture(t), nil)
	for _, target := range []string{"/api/v1/nope", "/api/v1/", "/api/v1/stats/", "/api/v1/STATS", "/api/v2/stats",
		"/stats", "/api/v1/stream", "/api/v1/health/", "/api/v1/health/history/", "/api/v1/health/hist",
		"/api/v1/health/history/global", "/api/v1/history", "/api/v1/health/History"} {
		rec := do(h, http.MethodGet, target)
		require.Equal(t, http.StatusNotFound, rec.Code, target)
		require.Equal(t, "application/json", rec.Header().Get("Content-Type"))
		require.Equal(t, errorBody{Error: CodeNotFound, Message: "no API path " + target},
			decodeError(t, rec.Body.Bytes()), target)
	}
}

func TestMethodNotAllowed(t *testing.T) {
	h := New(fixture(t), nil)
	for _, method := range []string{http.MethodPost, http.MethodPut, http.MethodDelete, http.MethodPatch, http.MethodOptions} {
		for _, route := range []string{"stats", "buckets", "alerts", "scenarios", "fleet", "health", "health/history"} {
			rec := do(h, method, "/api/v1/"+route)
			require.Equal(t, http.StatusMethodNotAllowed, rec.Code, method+" "+route)
			require.Equal(t, "GET, HEAD", rec.Header().Get("Allow"))
			require.Equal(t, CodeMethodNotAllowed, decodeError(t, rec.Body.Bytes()).Error)
		}
	}
}

// TestBadParameters: every bad parameter of every route is a 400 naming
// it.
func TestBadParameters(t *testing.T) {
	h := New(fixture(t), fleetFixture)
	tests := []struct {
		target, param string
	}{
		// Unknown and repeated names, on every route.
		{"/api/v1/stats?x=", "x"},
		{"/api/v1/stats?scope=global", "scope"},
		{"/api/v1/health?state=open", "state"},
		{"/api/v1/trends?limit=1", "limit"},
		{"/api/v1/fleet?self=a", "self"},
		{"/api/v1/buckets?widht=1m", "widht"},
		{"/api/v1/buckets?scope=global&scope=service", "scope"},
		{"/api/v1/impact?width=1m", "width"},
		{"/api/v1/anomalies?limit=3", "limit"},
		{"/api/v1/alerts?state=open", "state"},
		{"/api/v1/alerts?limit=1&limit=2", "limit"},
		{"/api/v1/buckets?%zz", "query"},
		// scope and key.
		{"/api/v1/buckets?scope=cluster", "scope"},
		{"/api/v1/buckets?scope=Global", "scope"},
		{"/api/v1/buckets?key=checkout", "key"},
		{"/api/v1/buckets?scope=global&key=checkout", "key"},
		{"/api/v1/buckets?scope=service", "key"},
		{"/api/v1/buckets?scope=endpoint&key=", "key"},
		{"/api/v1/impact?scope=cluster", "scope"},
		{"/api/v1/impact?key=x", "key"},
		{"/api/v1/impact?scope=service", "key"},
		// width.
		{"/api/v1/buckets?width=1", "width"},
		{"/api/v1/buckets?width=minute", "width"},
		{"/api/v1/buckets?width=-1m", "width"},
		{"/api/v1/buckets?width=0s", "width"},
		// from, to.
		{"/api/v1/buckets?from=yesterday", "from"},
		{"/api/v1/buckets?to=2026-11-30", "to"},
		{"/api/v1/buckets?from=2026-11-30T10:05:00Z&to=2026-11-30T10:00:00Z", "from"},
		{"/api/v1/buckets?from=2026-11-30T10:00:00Z&to=2026-11-30T10:00:00Z", "from"},
		{"/api/v1/buckets?from=2026-11-28T10:00:00Z&to=2026-11-30T10:00:00Z", "from"},
		{"/api/v1/buckets?from=2026-11-28T10:00:00Z", "from"},
		{"/api/v1/buckets?scope=service&key=checkout&from=2026-11-30T08:00:00Z", "from"},
		{"/api/v1/impact?from=1764496800", "from"},
		{"/api/v1/impact?to=soon", "to"},
		{"/api/v1/impact?from=2026-11-30T10:05:00Z&to=2026-11-30T10:00:00Z", "from"},
		{"/api/v1/impact?scope=endpoint&key=/pay&from=2026-11-30T00:00:00Z&to=2026-11-30T10:00:00Z", "from"},
		// health/history: the parameters and rules of /impact (no width).
		{"/api/v1/health/history?width=1m", "width"},
		{"/api/v1/health/history?state=open", "state"},
		{"/api/v1/health/history?limit=1", "limit"},
		{"/api/v1/health/history?since=2026-11-30T10:00:00Z", "since"},
		{"/api/v1/health/history?Scope=global", "Scope"},
		{"/api/v1/health/history?%zz", "query"},
		{"/api/v1/health/history?scope=global&scope=service", "scope"},
		{"/api/v1/health/history?key=a&key=b", "key"},
		{"/api/v1/health/history?from=2026-11-30T10:00:00Z&from=2026-11-30T10:01:00Z", "from"},
		{"/api/v1/health/history?to=2026-11-30T10:00:00Z&to=2026-11-30T10:01:00Z", "to"},
		{"/api/v1/health/history?scope=cluster", "scope"},
		{"/api/v1/health/history?scope=Global", "scope"},
		{"/api/v1/health/history?key=checkout", "key"},
		{"/api/v1/health/history?scope=global&key=checkout", "key"},
		{"/api/v1/health/history?scope=service", "key"},
		{"/api/v1/health/history?scope=endpoint&key=", "key"},
		{"/api/v1/health/history?from=yesterday", "from"},
		{"/api/v1/health/history?from=1764496800", "from"},
		{"/api/v1/health/history?to=2026-11-30", "to"},
		{"/api/v1/health/history?from=2026-11-30T10:00:00Z&to=soon", "to"},
		{"/api/v1/health/history?from=2026-11-30T10:05:00Z&to=2026-11-30T10:00:00Z", "from"},
		{"/api/v1/health/history?from=2026-11-30T10:00:00Z&to=2026-11-30T10:00:00Z", "from"},
		{"/api/v1/health/history?from=2026-11-28T10:00:00Z&to=2026-11-30T10:00:00Z", "from"},
		{"/api/v1/health/history?from=2026-11-28T10:00:00Z", "from"},
		{"/api/v1/health/history?scope=service&key=checkout&from=2026-11-30T08:00:00Z", "from"},
		{"/api/v1/health/history?scope=endpoint&key=/pay&from=2026-11-30T00:00:00Z&to=2026-11-30T10:00:00Z", "from"},
		// since, state.
		{"/api/v1/anomalies?since=10:00", "since"},
		{"/api/v1/anomalies?state=opened", "state"},
		{"/api/v1/anomalies?state=OPEN", "state"},
		// limit.
		{"/api/v1/alerts?limit=0", "limit"},
		{"/api/v1/alerts?limit=-1", "limit"},
		{"/api/v1/alerts?limit=10001", "limit"},
		{"/api/v1/alerts?limit=ten", "limit"},
		{"/api/v1/alerts?limit=1.5", "limit"},
		// scenarios: from and to only, RFC 3339, ordered.
		{"/api/v1/scenarios?since=2026-11-30T10:00:00Z", "since"},
		{"/api/v1/scenarios?limit=1", "limit"},
		{"/api/v1/scenarios?scope=global", "scope"},
		{"/api/v1/scenarios?From=2026-11-30T10:00:00Z", "From"},
		{"/api/v1/scenarios?%zz", "query"},
		{"/api/v1/scenarios?from=2026-11-30T10:00:00Z&from=2026-11-30T10:01:00Z", "from"},
		{"/api/v1/scenarios?to=2026-11-30T10:00:00Z&to=2026-11-30T10:01:00Z", "to"},
		{"/api/v1/scenarios?from=yesterday", "from"},
		{"/api/v1/scenarios?from=1764496800", "from"},
		{"/api/v1/scenarios?to=2026-11-30", "to"},
		{"/api/v1/scenarios?from=2026-11-30T10:00:00Z&to=soon", "to"},
		{"/api/v1/scenarios?from=2026-11-30T10:05:00Z&to=2026-11-30T10:00:00Z", "from"},
		{"/api/v1/scenarios?from=2026-11-30T10:00:00Z&to=2026-11-30T10:00:00Z", "from"},
	}
	for _, tt := range tests {
		t.Run(tt.target, func(t *testing.T) {
			rec := do(h, http.MethodGet, tt.target)
			require.Equal(t, http.StatusBadRequest, rec.Code, rec.Body.String())
			require.Equal(t, "application/json", rec.Header().Get("Content-Type"))
			e := decodeError(t, rec.Body.Bytes())
			require.Equal(t, CodeBadParameter, e.Error)
			require.Equal(t, tt.param, e.Parameter)
			require.NotEmpty(t, e.Message)
		})
	}
}

// TestGoodParameterEdges: the bounds themselves are accepted.
func TestGoodParameterEdges(t *testing.T) {
	h := New(fixture(t), nil)
	for _, target := range []string{
		"/api/v1/alerts?limit=1",
		"/api/v1/alerts?limit=10000",
		"/api/v1/alerts?limit=",
		// A window exactly as long as the retention.
		"/api/v1/buckets?from=2026-11-29T10:00:00Z&to=2026-11-30T10:00:00Z",
		"/api/v1/buckets?scope=service&key=checkout&from=2026-11-30T09:05:00Z",
		"/api/v1/buckets?from=2026-11-30T11:00:00%2B01:00&to=2026-11-30T10:05:00.000000001Z",
		"/api/v1/impact?scope=&key=&from=&to=",
		"/api/v1/anomalies?state=open&since=",
		"/api/v1/buckets?width=90s",
		// health/history: the window edges of /buckets.
		"/api/v1/health/history?from=2026-11-29T10:00:00Z&to=2026-11-30T10:00:00Z",
		"/api/v1/health/history?scope=service&key=checkout&from=2026-11-30T09:05:00Z",
		"/api/v1/health/history?from=2026-11-30T11:00:00%2B01:00&to=2026-11-30T10:05:00.000000001Z",
		"/api/v1/health/history?scope=&key=&from=&to=",
		"/api/v1/health/history?from=2026-12-01T00:00:00Z",
		// From after the data: an empty window, not an error.
		"/api/v1/buckets?from=2026-12-01T00:00:00Z",
		// scenarios: either bound alone, empty ones, any span (the store
		// bounds the history by number, not time), times beyond Unix
		// nanoseconds.
		"/api/v1/scenarios?from=2026-11-30T10:00:00Z",
		"/api/v1/scenarios?to=2026-11-30T10:00:00Z",
		"/api/v1/scenarios?from=&to=",
		"/api/v1/scenarios?from=2020-01-01T00:00:00Z&to=2030-01-01T00:00:00Z",
		"/api/v1/scenarios?from=0001-01-01T00:00:00Z&to=9999-12-31T23:59:59.999999999Z",
		"/api/v1/scenarios?from=2026-11-30T11:00:00%2B01:00&to=2026-11-30T10:00:00.000000001Z",
	} {
		rec := do(h, http.MethodGet, target)
		require.Equal(t, http.StatusOK, rec.Code, target+": "+rec.Body.String())
	}
	var got struct {
		Buckets []store.Bucket `json:"buckets"`
	}
	require.NoError(t, json.Unmarshal(do(h, http.MethodGet, "/api/v1/buckets?from=2026-12-01T00:00:00Z").Body.Bytes(), &got))
	require.NotNil(t, got.Buckets)
	require.Empty(t, got.Buckets)
}

// TestFleetStandaloneAndUTC: the extension's standalone view, and member
// times in UTC whatever their zone.
func TestFleetStandaloneAndUTC(t *testing.T) {
	h := New(fixture(t), func() Fleet {
		return Fleet{Self: "collector-a", Leader: "collector-a", IsLeader: true, Standalone: true,
			Members: []Member{{ID: "collector-a", Status: "active"}}}
	})
	require.JSONEq(t, `{"self":"collector-a","leader":"collector-a","term":0,"is_leader":true,"standalone":true,
		"members":[{"id":"collector-a","status":"active","last_heartbeat":null}]}`,
		do(h, http.MethodGet, "/api/v1/fleet").Body.String())
	h = New(fixture(t), fleetFixture)
	require.Contains(t, do(h, http.MethodGet, "/api/v1/fleet").Body.String(), `"last_heartbeat":"2026-11-30T09:04:55Z"`)
}

// TestHealthHistory: the history is every record of the scope in the
// window, oldest first, whatever order they arrived in; /health keeps the
// latest only; the default window ends at the data's "now" as /buckets'.
func TestHealthHistory(t *testing.T) {
	h := New(fixture(t), nil)
	get := func(target string) []store.Health {
		t.Helper()
		rec := do(h, http.MethodGet, target)
		require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
		var body struct {
			Health []store.Health `json:"health"`
		}
		require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &body))
		require.NotNil(t, body.Health)
		return body.Health
	}
	at := func(hs []store.Health) []time.Time {
		out := make([]time.Time, len(hs))
		for i, x := range hs {
			out[i] = x.At
		}
		return out
	}
	tests := []struct {
		target string
		want   []time.Time
	}{
		{"/api/v1/health/history", []time.Time{minute(2), minute(3), minute(4)}},
		{"/api/v1/health/history?scope=global&key=", []time.Time{minute(2), minute(3), minute(4)}},
		{"/api/v1/health/history?from=2026-11-30T10:03:00Z", []time.Time{minute(3), minute(4)}},
		{"/api/v1/health/history?to=2026-11-30T10:03:00Z", []time.Time{minute(2)}},
		{"/api/v1/health/history?from=2026-11-30T10:02:00Z&to=2026-11-30T10:04:00Z", []time.Time{minute(2), minute(3)}},
		{"/api/v1/health/history?from=2026-11-30T10:04:00.000000001Z", []time.Time{}},
		{"/api/v1/health/history?to=2026-11-30T09:59:00Z", []time.Time{}},
		{"/api/v1/health/history?scope=service&key=checkout", []time.Time{minute(4)}},
		{"/api/v1/health/history?scope=service&key=cart", []time.Time{}},
	}
	for _, tt := range tests {
		t.Run(tt.target, func(t *testing.T) {
			require.Equal(t, tt.want, at(get(tt.target)))
		})
	}
	lowest := slicesMinScore(get("/api/v1/health/history"))
	require.Equal(t, store.Health{Scope: "global", Score: 58.5, At: minute(3),
		Components: map[string]store.Float{"availability": 55, "latency": 62},
		Factors:    []string{"availability", "latency"}}, lowest)
	require.Len(t, get("/api/v1/health"), 2, "/health keeps the latest per scope")
	require.Equal(t, minute(4), get("/api/v1/health")[0].At)
}

// slicesMinScore is what a game day's summary does with the history.
func slicesMinScore(hs []store.Health) store.Health {
	lowest := hs[0]
	for _, x := range hs[1:] {
		if x.Score < lowest.Score {
			lowest = x
		}
	}
	return lowest
}
