package chaosreceiver

import (
	"encoding/json"
	"errors"
	"flag"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/golden"
	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/pdatatest/plogtest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	"github.com/otelcol-chaos/otelcol-chaos/internal/chaosconv"
	"github.com/otelcol-chaos/otelcol-chaos/receiver/chaosreceiver/internal/chaostoolkit"
)

// Regenerate with: go test ./receiver/chaosreceiver/ -run TestChaosToolkitGolden -update
// (the run that writes the files fails on purpose, as golden.WriteLogs
// does; run again without -update to check them).
var updateGolden = flag.Bool("update", false, "rewrite the golden files in testdata/chaostoolkit/golden")

const journalPath = "/v1/chaostoolkit/journal"

// journalAnswer is the JSON answer of the journal path, accepted or not.
type journalAnswer struct {
	Accepted         int                    `json:"accepted"`
	Skipped          []chaostoolkit.Problem `json:"skipped"`
	SkippedTruncated bool                   `json:"skipped_truncated"`
	Error            string                 `json:"error"`
	Message          string                 `json:"message"`
	Problems         []chaostoolkit.Problem `json:"problems"`
}

func readJournal(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "chaostoolkit", name+".json"))
	require.NoError(t, err)
	return b
}

func postJournal(t *testing.T, url string, header map[string]string, body []byte) (response, journalAnswer) {
	t.Helper()
	resp := send(t, http.MethodPost, url, header, body)
	var ans journalAnswer
	require.NoError(t, json.Unmarshal([]byte(resp.raw), &ans), resp.raw)
	return resp, ans
}

var jsonHeader = map[string]string{"Content-Type": "application/json"}

// TestChaosToolkitGolden posts each fixture journal, unmodified, to the
// started receiver and compares what reached the pipeline with its golden
// file.
func TestChaosToolkitGolden(t *testing.T) {
	tests := []struct {
		name     string
		accepted int
		skipped  []string
	}{
		{"completed", 6, nil},
		{"deviated", 6, nil},
		{"failed_probe", 3, nil},
		{"interrupted", 4, []string{"run[0].start"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sink := new(consumertest.LogsSink)
			tr := startReceiver(t, sink, nil)
			resp, ans := postJournal(t, tr.url+journalPath, jsonHeader, readJournal(t, tt.name))
			require.Equal(t, http.StatusOK, resp.status, resp.raw)
			require.Equal(t, tt.accepted, ans.Accepted)
			var skipped []string
			for _, p := range ans.Skipped {
				skipped = append(skipped, p.Field)
			}
			require.Equal(t, tt.skipped, skipped)

			all := sink.AllLogs()
			require.Len(t, all, 1, "one journal is one plog.Logs")
			got := all[0]
			require.Equal(t, tt.accepted, got.LogRecordCount())

			path := filepath.Join("testdata", "chaostoolkit", "golden", tt.name+".yaml")
			if *updateGolden {
				require.NoError(t, golden.WriteLogs(t, path, got))
			}
			want, err := golden.ReadLogs(path)
			require.NoError(t, err)
			require.NoError(t, plogtest.CompareLogs(want, got))

			// What CompareLogs does not check: the record kind (EventName),
			// and that each record is a chaos.event every consumer decodes.
			var wantNames, gotNames []string
			forEachLogRecord(want, func(lr plog.LogRecord) { wantNames = append(wantNames, lr.EventName()) })
			forEachLogRecord(got, func(lr plog.LogRecord) {
				gotNames = append(gotNames, lr.EventName())
				var e chaosconv.Event
				require.NoError(t, chaosconv.DecodeEvent(lr, &e))
				require.Equal(t, chaosconv.SourceChaosToolkit, e.Source)
			})
			require.Equal(t, wantNames, gotNames)
		})
	}
}

func forEachLogRecord(logs plog.Logs, f func(plog.LogRecord)) {
	for _, rl := range logs.ResourceLogs().All() {
		for _, sl := range rl.ScopeLogs().All() {
			for _, lr := range sl.LogRecords().All() {
				f(lr)
			}
		}
	}
}

func counterSum(t *testing.T, tr *testReceiver, name string) int64 {
	t.Helper()
	m, err := tr.tel.GetMetric(name)
	if err != nil {
		return 0
	}
	var n int64
	for _, dp := range m.Data.(metricdata.Sum[int64]).DataPoints {
		n += dp.Value
	}
	return n
}

func rejectedBy(t *testing.T, tr *testReceiver, reason string) int64 {
	t.Helper()
	m, err := tr.tel.GetMetric("otelcol_receiver_chaos_rejected_requests")
	require.NoError(t, err)
	var n int64
	for _, dp := range m.Data.(metricdata.Sum[int64]).DataPoints {
		if v, _ := dp.Attributes.Value("reason"); v.AsString() == reason {
			n += dp.Value
		}
	}
	return n
}

func TestChaosToolkitBadJournal(t *testing.T) {
	sink := new(consumertest.LogsSink)
	tr := startReceiver(t, sink, func(c *Config) { c.MaxEventsPerRequest = 5 })
	url := tr.url + journalPath
	valid := string(readJournal(t, "failed_probe"))

	tests := []struct {
		name    string
		method  string
		header  map[string]string
		body    string
		status  int
		reason  string
		field   string // of the first problem; "-" when none is expected
		message string // in the first problem's message, or the message
	}{
		{"malformed JSON", "POST", jsonHeader, valid[:200], 400, reasonMalformedJSON, "", "unexpected end of JSON input"},
		{"not an object", "POST", jsonHeader, `[` + valid + `]`, 400, reasonInvalidJournal, "", "must be a JSON object"},
		{"missing start", "POST", jsonHeader, strings.Replace(valid, `"start": "2026-11-23T12:00:00",`, ``, 1), 400, reasonInvalidJournal, "start", "required"},
		{"missing title", "POST", jsonHeader, strings.Replace(valid, `"title": "Search survives the loss of one replica",`, ``, 1), 400, reasonInvalidJournal, "experiment.title", "required"},
		{"bad timestamp", "POST", jsonHeader, strings.Replace(valid, `"end": "2026-11-23T12:00:02.061234"`, `"end": "2026-11-23 12:00"`, 1), 400, reasonInvalidJournal, "end", "not an ISO 8601 time"},
		{"unknown status", "POST", jsonHeader, strings.Replace(valid, `"status": "failed",
  "deviated"`, `"status": "done",
  "deviated"`, 1), 400, reasonInvalidJournal, "status", "want completed, failed, aborted or interrupted"},
		{"empty body", "POST", jsonHeader, "", 400, reasonEmptyBody, "", "journal.json"},
		{"too many events", "POST", jsonHeader, string(readJournal(t, "completed")), 413, reasonTooManyEvents, "", "max_events_per_request"},
		{"wrong media type", "POST", map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, valid, 415, reasonUnsupportedMediaType, "-", "application/json"},
		{"wrong method", "GET", nil, "", 405, reasonMethodNotAllowed, "-", "POST"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := rejectedByOrZero(t, tr, tt.reason)
			resp := send(t, tt.method, url, tt.header, []byte(tt.body))
			require.Equal(t, tt.status, resp.status, resp.raw)
			require.Equal(t, "application/json", resp.header.Get("Content-Type"))
			var ans journalAnswer
			require.NoError(t, json.Unmarshal([]byte(resp.raw), &ans), resp.raw)
			require.Equal(t, tt.reason, ans.Error, resp.raw)
			msg := ans.Message
			if tt.field != "-" {
				require.NotEmpty(t, ans.Problems, resp.raw)
				require.Equal(t, tt.field, ans.Problems[0].Field, resp.raw)
				msg = ans.Problems[0].Message + " " + msg
				require.Contains(t, ans.Message, "nothing of this journal was accepted")
			}
			require.Contains(t, msg, tt.message)
			require.Zero(t, sink.LogRecordCount(), "nothing of a refused journal may reach the pipeline")
			require.Equal(t, before+1, rejectedBy(t, tr, tt.reason), "counted by reason")
		})
	}
}

func rejectedByOrZero(t *testing.T, tr *testReceiver, reason string) int64 {
	t.Helper()
	if _, err := tr.tel.GetMetric("otelcol_receiver_chaos_rejected_requests"); err != nil {
		return 0
	}
	return rejectedBy(t, tr, reason)
}

// TestChaosToolkitSkipsBadActivity: an activity run that cannot be an event
// is skipped, named and counted; the rest of the journal is taken.
func TestChaosToolkitSkipsBadActivity(t *testing.T) {
	sink := new(consumertest.LogsSink)
	tr := startReceiver(t, sink, nil)
	body := strings.Replace(string(readJournal(t, "completed")),
		`"start": "2026-11-23T10:00:00.250001"`, `"start": "half past ten"`, 1)
	resp, ans := postJournal(t, tr.url+journalPath, jsonHeader, []byte(body))
	require.Equal(t, http.StatusOK, resp.status, resp.raw)
	require.Equal(t, 5, ans.Accepted)
	require.Len(t, ans.Skipped, 1)
	assert.Equal(t, 0, ans.Skipped[0].Index)
	assert.Equal(t, "run[0].start", ans.Skipped[0].Field)
	assert.Contains(t, ans.Skipped[0].Message, "not an ISO 8601 time")
	require.Equal(t, 5, sink.LogRecordCount())
	require.Equal(t, int64(1), counterSum(t, tr, "otelcol_receiver_chaos_skipped_activities"))

	// The interrupted fixture's background run without a start: counted too.
	resp, ans = postJournal(t, tr.url+journalPath, nil, readJournal(t, "interrupted"))
	require.Equal(t, http.StatusOK, resp.status, resp.raw)
	require.Len(t, ans.Skipped, 1)
	require.Equal(t, int64(2), counterSum(t, tr, "otelcol_receiver_chaos_skipped_activities"))
	require.Equal(t, int64(9), counterSum(t, tr, "otelcol_receiver_accepted_log_records"))

	// More bad runs than the answer lists: all counted, the list bounded.
	var j map[string]any
	require.NoError(t, json.Unmarshal(readJournal(t, "completed"), &j))
	bad := make([]any, chaostoolkit.MaxProblems+5)
	for i := range bad {
		bad[i] = map[string]any{"activity": "?"}
	}
	j["run"] = bad
	many, err := json.Marshal(j)
	require.NoError(t, err)
	resp, ans = postJournal(t, tr.url+journalPath, jsonHeader, many)
	require.Equal(t, http.StatusOK, resp.status, resp.raw)
	require.Equal(t, 4, ans.Accepted)
	require.Len(t, ans.Skipped, chaostoolkit.MaxProblems)
	require.True(t, ans.SkippedTruncated)
	require.Equal(t, int64(2+chaostoolkit.MaxProblems+5), counterSum(t, tr, "otelcol_receiver_chaos_skipped_activities"))
}

func TestChaosToolkitCompressed(t *testing.T) {
	sink := new(consumertest.LogsSink)
	tr := startReceiver(t, sink, nil)
	resp, ans := postJournal(t, tr.url+journalPath,
		map[string]string{"Content-Type": "application/json", "Content-Encoding": "gzip"}, gz(t, string(readJournal(t, "deviated"))))
	require.Equal(t, http.StatusOK, resp.status, resp.raw)
	require.Equal(t, 6, ans.Accepted)
	require.Equal(t, 6, sink.LogRecordCount())
}

// TestChaosToolkitPipelineRefusal: back-pressure gets the events path's
// answer, and the skipped runs of a refused journal are not counted (its
// resend will count them).
func TestChaosToolkitPipelineRefusal(t *testing.T) {
	tr := startReceiver(t, consumertest.NewErr(errors.New("data refused due to high memory usage")), nil)
	resp, ans := postJournal(t, tr.url+journalPath, jsonHeader, readJournal(t, "interrupted"))
	require.Equal(t, http.StatusServiceUnavailable, resp.status)
	require.Equal(t, "5", resp.header.Get("Retry-After"))
	require.Equal(t, reasonPipelineRefused, ans.Error)
	require.Equal(t, int64(4), counterSum(t, tr, "otelcol_receiver_refused_log_records"))
	require.Zero(t, counterSum(t, tr, "otelcol_receiver_chaos_skipped_activities"))
}

// TestChaosToolkitResourceAndPath: the journal's records get the same
// resource attributes as events (configuration, then headers), and the
// path follows chaostoolkit_path.
func TestChaosToolkitResourceAndPath(t *testing.T) {
	sink := new(consumertest.LogsSink)
	tr := startReceiver(t, sink, func(c *Config) {
		c.ChaosToolkitPath = "/ctk"
		c.ResourceAttributes = map[string]string{"deployment.environment.name": "staging"}
	})
	resp := send(t, http.MethodPost, tr.url+journalPath, jsonHeader, readJournal(t, "completed"))
	require.Equal(t, http.StatusNotFound, resp.status, "the default path is not served when another is configured")
	require.Contains(t, resp.body.Message, "/ctk")

	resp, _ = postJournal(t, tr.url+"/ctk", map[string]string{"Content-Type": "application/json; charset=utf-8", "X-Chaos-Service": "checkout"}, readJournal(t, "completed"))
	require.Equal(t, http.StatusOK, resp.status, resp.raw)
	rl := sink.AllLogs()[0].ResourceLogs()
	require.Equal(t, 1, rl.Len())
	attrs := rl.At(0).Resource().Attributes().AsRaw()
	assert.Equal(t, map[string]any{"deployment.environment.name": "staging", chaosconv.AttrServiceName: "checkout"}, attrs)
}

// TestChaosToolkitMappingDocumented: the README's mapping names every
// metadata key the adapter writes.
func TestChaosToolkitMappingDocumented(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	require.NoError(t, err)
	for _, k := range chaosconv.ChaosToolkitMetaKeys {
		assert.Contains(t, string(readme), "`"+k+"`", "README documents %s", k)
	}
	assert.Contains(t, string(readme), "`chaostoolkit_path`")
}

func TestChaosToolkitBodyLimit(t *testing.T) {
	sink := new(consumertest.LogsSink)
	tr := startReceiver(t, sink, func(c *Config) { c.ServerConfig.MaxRequestBodySize = 1024 })
	resp, ans := postJournal(t, tr.url+journalPath, jsonHeader, readJournal(t, "completed"))
	require.Equal(t, http.StatusRequestEntityTooLarge, resp.status, resp.raw)
	require.Equal(t, reasonTooLarge, ans.Error)
	require.Contains(t, ans.Message, "max_request_body_size")
	require.Zero(t, sink.LogRecordCount())
}
