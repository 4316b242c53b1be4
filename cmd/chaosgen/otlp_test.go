package main

import (
	"context"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"strconv"
	"testing"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/plog/plogotlp"

	"github.com/otelcol-chaos/otelcol-chaos/internal/chaosconv"
)

// decodeExport reads one OTLP/HTTP export request body.
func decodeExport(t *testing.T, r *http.Request, body []byte) plog.Logs {
	t.Helper()
	req := plogotlp.NewExportRequest()
	var err error
	switch ct := r.Header.Get("Content-Type"); ct {
	case "application/x-protobuf":
		err = req.UnmarshalProto(body)
	case "application/json":
		err = req.UnmarshalJSON(body)
	default:
		t.Fatalf("Content-Type %q", ct)
	}
	if err != nil {
		t.Fatalf("export request: %v", err)
	}
	return req.Logs()
}

// expectedEvents regenerates what a fast run of c must have sent, in order,
// with the sequence numbers the run gives them.
func expectedEvents(t *testing.T, c *config, now time.Time) []GenEvent {
	t.Helper()
	start := now.Add(-time.Duration(len(c.scenarios)) * c.duration)
	var out []GenEvent
	for i, name := range c.scenarios {
		prev := ""
		if i > 0 {
			prev = c.scenarios[i-1]
		}
		ticks, err := Generate(GenOptions{
			Scenario: name, Start: start.Add(time.Duration(i) * c.duration), Duration: c.duration,
			Rate: c.rate, ProbeInterval: c.probeInterval, Previous: prev, Source: c.source,
		}, rand.New(rand.NewPCG(c.seed, uint64(i))))
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, flatten(ticks)...)
	}
	for i := range out {
		out[i].Metadata = append(out[i].Metadata, chaosconv.KV{Key: SeqKey, Value: strconv.Itoa(i + 1)})
	}
	return out
}

// TestOTLPEndToEnd runs fault-storm and rate-limit in OTLP mode (protobuf
// and JSON) against a test server, decodes every record with chaosconv and
// finds exactly the generated events, each once, under its service.
func TestOTLPEndToEnd(t *testing.T) {
	for _, jsonMode := range []bool{false, true} {
		t.Run("json="+strconv.FormatBool(jsonMode), func(t *testing.T) {
			rec := &recorder{script: []func(http.ResponseWriter){status(http.StatusServiceUnavailable, "1")}}
			srv := httptest.NewServer(rec)
			defer srv.Close()
			args := []string{"-format", "otlp", "-scenario", "fault-storm,rate-limit", "-duration", "4s", "-service", "chaos-lab"}
			if jsonMode {
				args = append(args, "-otlp-json")
			}
			c := testConfig(srv.URL, args...)
			clk := newFakeClock()
			now := clk.Now()
			sum, _ := runWith(t, context.Background(), c, clk)
			if sum.Stopped != stopCompleted || sum.Retries != 1 || sum.Rejected != 0 {
				t.Fatalf("summary %+v", sum)
			}

			want := expectedEvents(t, c, now)
			got := make([]*GenEvent, len(want))
			bodies, reqs := rec.snapshot()
			for i := 1; i < len(bodies); i++ { // bodies[0] was refused
				ld := decodeExport(t, reqs[i], bodies[i])
				for _, rl := range ld.ResourceLogs().All() {
					svc, ok := rl.Resource().Attributes().Get(chaosconv.AttrServiceName)
					if !ok {
						t.Fatal("resource without service.name")
					}
					for _, sl := range rl.ScopeLogs().All() {
						if sl.Scope().Name() != scopeName {
							t.Fatalf("scope %q", sl.Scope().Name())
						}
						for _, lr := range sl.LogRecords().All() {
							checkRecord(t, lr, now)
							var e GenEvent
							if err := chaosconv.DecodeEvent(lr, &e.Event); err != nil {
								t.Fatalf("DecodeEvent: %v", err)
							}
							e.Service = svc.Str()
							seq := len(e.Metadata)
							if seq > 0 {
								seq, _ = strconv.Atoi(e.Metadata[len(e.Metadata)-1].Value)
							}
							if seq < 1 || seq > len(want) || got[seq-1] != nil {
								t.Fatalf("record with seq %d: unknown or seen twice", seq)
							}
							got[seq-1] = &e
						}
					}
				}
			}
			for i := range want {
				if got[i] == nil {
					t.Fatalf("event %d never arrived", i+1)
				}
				w := want[i]
				if w.Service == "" {
					w.Service = "chaos-lab"
				}
				if !reflect.DeepEqual(*got[i], w) {
					t.Fatalf("event %d\n got %+v\nwant %+v", i+1, *got[i], w)
				}
			}
			if sum.Accepted != len(want) {
				t.Errorf("accepted %d, want %d", sum.Accepted, len(want))
			}
		})
	}
}

// checkRecord checks a record's envelope and the typed attributes the
// conventions require, by their chaosconv keys.
func checkRecord(t *testing.T, lr plog.LogRecord, observed time.Time) {
	t.Helper()
	if lr.EventName() != chaosconv.RecordEvent {
		t.Fatalf("EventName %q, want %q", lr.EventName(), chaosconv.RecordEvent)
	}
	// Observed = when the batch was encoded: the fake clock's start, or 1 s
	// later once the Retry-After wait has advanced it. Events precede it.
	obs := lr.ObservedTimestamp().AsTime()
	if obs.Before(observed) || obs.After(observed.Add(time.Second)) || lr.Timestamp() == 0 || lr.Timestamp().AsTime().After(obs) {
		t.Fatalf("timestamps %v / %v", lr.Timestamp(), lr.ObservedTimestamp())
	}
	attrs := lr.Attributes()
	kind, ok := attrs.Get(chaosconv.AttrEventKind)
	if !ok {
		t.Fatal("no event kind")
	}
	typed := func(key string, want pcommon.ValueType) {
		t.Helper()
		v, ok := attrs.Get(key)
		if !ok || v.Type() != want {
			t.Fatalf("%s record: %s = %v, want a %s", kind.Str(), key, v.AsRaw(), want)
		}
	}
	typed(chaosconv.AttrScenarioName, pcommon.ValueTypeStr)
	typed(chaosconv.AttrSource, pcommon.ValueTypeStr)
	typed(chaosconv.AttrMetadata, pcommon.ValueTypeMap)
	switch chaosconv.ParseKind(kind.Str()) {
	case chaosconv.KindLatencyInjection:
		typed(chaosconv.AttrLatencyDelayMs, pcommon.ValueTypeInt)
	case chaosconv.KindFaultInjection:
		typed(chaosconv.AttrFaultType, pcommon.ValueTypeStr)
		if lr.SeverityNumber() != plog.SeverityNumberError {
			t.Fatalf("fault severity %v", lr.SeverityNumber())
		}
	case chaosconv.KindTrafficShaping:
		typed(chaosconv.AttrTrafficAction, pcommon.ValueTypeStr)
		typed(chaosconv.AttrTrafficBytes, pcommon.ValueTypeInt)
	case chaosconv.KindProtocolEvent:
		typed(chaosconv.AttrProtocolName, pcommon.ValueTypeStr)
		typed(chaosconv.AttrProtocolDetails, pcommon.ValueTypeMap)
	case chaosconv.KindProbe:
		typed(chaosconv.AttrProbeTarget, pcommon.ValueTypeStr)
		typed(chaosconv.AttrProbeSuccess, pcommon.ValueTypeBool)
		typed(chaosconv.AttrProbeLatencyMs, pcommon.ValueTypeDouble)
	case chaosconv.KindExperiment:
		typed(chaosconv.AttrExperimentName, pcommon.ValueTypeStr)
		typed(chaosconv.AttrExperimentPhase, pcommon.ValueTypeStr)
	case chaosconv.KindScenarioTransition:
		typed(chaosconv.AttrScenarioTo, pcommon.ValueTypeStr)
	case chaosconv.KindRateLimitExceeded:
	default:
		t.Fatalf("kind %q", kind.Str())
	}
}

func TestBuildLogsGroupsByService(t *testing.T) {
	evs := []GenEvent{
		ev(chaosconv.KindFaultInjection, "payments", func(e *chaosconv.Event) { e.FaultType = "timeout" }),
		ev(chaosconv.KindExperiment, "", func(e *chaosconv.Event) { e.Experiment, e.ExperimentPhase = "x", chaosconv.PhaseStarted }),
		ev(chaosconv.KindFaultInjection, "payments", func(e *chaosconv.Event) { e.FaultType = "http_500" }),
	}
	ld := BuildLogs(evs, "lab", time.Unix(1, 0))
	var got []string
	for _, rl := range ld.ResourceLogs().All() {
		svc, _ := rl.Resource().Attributes().Get(chaosconv.AttrServiceName)
		got = append(got, svc.Str()+":"+strconv.Itoa(rl.ScopeLogs().At(0).LogRecords().Len()))
	}
	if want := []string{"payments:2", "lab:1"}; !slices.Equal(got, want) {
		t.Errorf("resources %v, want %v", got, want)
	}
	if ld.LogRecordCount() != 3 {
		t.Errorf("%d records", ld.LogRecordCount())
	}
}

// TestOTLPPartialSuccess: records the server rejects in a 200 response
// (OTLP partial success) are counted as rejected.
func TestOTLPPartialSuccess(t *testing.T) {
	for _, jsonMode := range []bool{false, true} {
		resp := plogotlp.NewExportResponse()
		resp.PartialSuccess().SetRejectedLogRecords(3)
		resp.PartialSuccess().SetErrorMessage("3 records lack a kind")
		var body []byte
		var err error
		ct := "application/x-protobuf"
		if jsonMode {
			body, err = resp.MarshalJSON()
			ct = "application/json"
		} else {
			body, err = resp.MarshalProto()
		}
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", ct)
			_, _ = w.Write(body)
		}))
		s := NewSender(srv.URL, time.Second)
		s.PartialRejected = OTLPEncoder{}.PartialRejected
		if err := s.Send(context.Background(), []byte{}, contentTypeProtobuf, 10, -1); err != nil {
			t.Fatal(err)
		}
		if s.Stats.Accepted != 7 || s.Stats.Rejected != 3 {
			t.Errorf("json=%v: stats %+v", jsonMode, s.Stats)
		}
		s.Close()
		srv.Close()
	}
}
