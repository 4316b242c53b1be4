package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"reflect"
	"regexp"
	"slices"
	"testing"
	"time"

	"github.com/otelcol-chaos/otelcol-chaos/internal/chaosconv"
)

var rfc3339Nanos = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{9}Z$`)

// at is 2026-11-23T12:00:00.123456789Z.
var at = time.Date(2026, 11, 23, 12, 0, 0, 123456789, time.UTC).UnixNano()

func ev(k chaosconv.Kind, service string, f func(e *chaosconv.Event)) GenEvent {
	e := GenEvent{Service: service, Event: chaosconv.Event{TimeUnixNano: at, Kind: k, Source: "chaosgen", Scenario: "spike"}}
	f(&e.Event)
	return e
}

func decodeObject(t *testing.T, b []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("%s: %v", b, err)
	}
	return m
}

func keys(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func sorted(ks ...string) []string {
	slices.Sort(ks)
	return ks
}

func TestFormatTimestamp(t *testing.T) {
	for _, tc := range []struct {
		ns   int64
		want string
	}{
		{at, "2026-11-23T12:00:00.123456789Z"},
		{time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC).UnixNano(), "2026-01-02T03:04:05.000000000Z"},
		{time.Date(2026, 1, 2, 3, 4, 5, 1000, time.FixedZone("CET", 3600)).UnixNano(), "2026-01-02T02:04:05.000001000Z"},
	} {
		got := FormatTimestamp(tc.ns)
		if got != tc.want {
			t.Errorf("FormatTimestamp(%d) = %q, want %q", tc.ns, got, tc.want)
		}
		back, err := time.Parse(time.RFC3339Nano, got)
		if err != nil || back.UnixNano() != tc.ns {
			t.Errorf("%q does not parse back to %d: %v", got, tc.ns, err)
		}
	}
}

// TestMockForgeShapes encodes each variant and reads it back as generic
// JSON: field names, types, null for absent Options, nanosecond timestamps.
func TestMockForgeShapes(t *testing.T) {
	enc := MockForgeEncoder{DefaultService: "default-svc"}
	top := sorted("timestamp", "event_type", "metadata", "service", "scenario", "source")
	for _, tc := range []struct {
		name    string
		e       GenEvent
		variant map[string]any
	}{
		{
			"latency", ev(chaosconv.KindLatencyInjection, "checkout", func(e *chaosconv.Event) {
				e.DelayMs, e.Endpoint, e.Fields = 500, "/api/users", chaosconv.FieldDelayMs
			}),
			map[string]any{"type": "LatencyInjection", "delay_ms": 500.0, "endpoint": "/api/users"},
		},
		{
			"latency without endpoint", ev(chaosconv.KindLatencyInjection, "checkout", func(e *chaosconv.Event) {
				e.DelayMs, e.Fields = 0, chaosconv.FieldDelayMs
			}),
			map[string]any{"type": "LatencyInjection", "delay_ms": 0.0, "endpoint": nil},
		},
		{
			"fault", ev(chaosconv.KindFaultInjection, "payments", func(e *chaosconv.Event) {
				e.FaultType, e.Endpoint = "http_500", "/api/payments"
			}),
			map[string]any{"type": "FaultInjection", "fault_type": "http_500", "endpoint": "/api/payments"},
		},
		{
			"fault without endpoint", ev(chaosconv.KindFaultInjection, "payments", func(e *chaosconv.Event) {
				e.FaultType = "timeout"
			}),
			map[string]any{"type": "FaultInjection", "fault_type": "timeout", "endpoint": nil},
		},
		{
			"rate limit", ev(chaosconv.KindRateLimitExceeded, "catalog", func(e *chaosconv.Event) {
				e.ClientAddress, e.Endpoint = "203.0.113.7", "/api/search"
			}),
			map[string]any{"type": "RateLimitExceeded", "client_ip": "203.0.113.7", "endpoint": "/api/search"},
		},
		{
			"rate limit, all null", ev(chaosconv.KindRateLimitExceeded, "catalog", func(*chaosconv.Event) {}),
			map[string]any{"type": "RateLimitExceeded", "client_ip": nil, "endpoint": nil},
		},
		{
			"traffic", ev(chaosconv.KindTrafficShaping, "catalog", func(e *chaosconv.Event) {
				e.TrafficAction, e.TrafficBytes = "throttle", 16384
			}),
			map[string]any{"type": "TrafficShaping", "action": "throttle", "bytes": 16384.0},
		},
		{
			"protocol", ev(chaosconv.KindProtocolEvent, "checkout", func(e *chaosconv.Event) {
				e.Protocol, e.ProtocolEvent = "grpc", "stream_reset"
				e.ProtocolDetails = []chaosconv.KV{{Key: "status", Value: "UNAVAILABLE"}, {Key: "method", Value: "/x"}}
			}),
			map[string]any{"type": "ProtocolEvent", "protocol": "grpc", "event": "stream_reset",
				"details": map[string]any{"status": "UNAVAILABLE", "method": "/x"}},
		},
		{
			"protocol without details", ev(chaosconv.KindProtocolEvent, "checkout", func(e *chaosconv.Event) {
				e.Protocol, e.ProtocolEvent = "websocket", "disconnect"
			}),
			map[string]any{"type": "ProtocolEvent", "protocol": "websocket", "event": "disconnect", "details": map[string]any{}},
		},
		{
			"first transition", ev(chaosconv.KindScenarioTransition, "", func(e *chaosconv.Event) {
				e.ScenarioTo = "spike"
			}),
			map[string]any{"type": "ScenarioTransition", "from_scenario": nil, "to_scenario": "spike"},
		},
		{
			"transition", ev(chaosconv.KindScenarioTransition, "", func(e *chaosconv.Event) {
				e.ScenarioFrom, e.ScenarioTo = "baseline", "spike"
			}),
			map[string]any{"type": "ScenarioTransition", "from_scenario": "baseline", "to_scenario": "spike"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, err := enc.EncodeObject(&tc.e)
			if err != nil {
				t.Fatal(err)
			}
			m := decodeObject(t, b)
			if !slices.Equal(keys(m), top) {
				t.Errorf("keys %v, want %v", keys(m), top)
			}
			if m["timestamp"] != "2026-11-23T12:00:00.123456789Z" {
				t.Errorf("timestamp %v", m["timestamp"])
			}
			if !reflect.DeepEqual(m["event_type"], tc.variant) {
				t.Errorf("event_type %v, want %v", m["event_type"], tc.variant)
			}
			if !reflect.DeepEqual(m["metadata"], map[string]any{}) {
				t.Errorf("metadata %v, want {}", m["metadata"])
			}
			wantSvc := tc.e.Service
			if wantSvc == "" {
				wantSvc = "default-svc"
			}
			if m["service"] != wantSvc || m["scenario"] != "spike" || m["source"] != "chaosgen" {
				t.Errorf("service %v scenario %v source %v", m["service"], m["scenario"], m["source"])
			}
		})
	}
}

func TestMockForgeStrict(t *testing.T) {
	e := ev(chaosconv.KindLatencyInjection, "checkout", func(e *chaosconv.Event) {
		e.DelayMs, e.Fields = 5, chaosconv.FieldDelayMs
		e.Metadata = []chaosconv.KV{{Key: SeqKey, Value: "7"}}
	})
	b, err := MockForgeEncoder{Strict: true}.EncodeObject(&e)
	if err != nil {
		t.Fatal(err)
	}
	m := decodeObject(t, b)
	if want := sorted("timestamp", "event_type", "metadata"); !slices.Equal(keys(m), want) {
		t.Errorf("keys %v, want %v", keys(m), want)
	}
	want := map[string]any{SeqKey: "7", "service": "checkout", "scenario": "spike", "source": "chaosgen"}
	if !reflect.DeepEqual(m["metadata"], want) {
		t.Errorf("metadata %v, want %v", m["metadata"], want)
	}
}

func TestNativeShapes(t *testing.T) {
	enc := MockForgeEncoder{DefaultService: "default-svc"}
	probe := ev(chaosconv.KindProbe, "checkout", func(e *chaosconv.Event) {
		e.ProbeTarget, e.ProbeName, e.Endpoint = "http://checkout/health", "checkout-health", "/health"
		e.ProbeSuccess, e.ProbeLatencyMs, e.HasProbeLatency = false, 12.5, true
		e.Fields = chaosconv.FieldProbeTarget | chaosconv.FieldProbeSuccess
	})
	b, err := enc.EncodeObject(&probe)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"kind": "probe", "timestamp": "2026-11-23T12:00:00.123456789Z", "target": "http://checkout/health",
		"success": false, "latency_ms": 12.5, "probe_name": "checkout-health", "endpoint": "/health",
		"service": "checkout", "source": "chaosgen", "scenario": "spike",
	}
	if m := decodeObject(t, b); !reflect.DeepEqual(m, want) {
		t.Errorf("probe\n got %v\nwant %v", m, want)
	}

	exp := ev(chaosconv.KindExperiment, "", func(e *chaosconv.Event) {
		e.Experiment, e.ExperimentPhase = "fault-storm", chaosconv.PhaseStarted
		e.Metadata = []chaosconv.KV{{Key: SeqKey, Value: "1"}}
	})
	if b, err = enc.EncodeObject(&exp); err != nil {
		t.Fatal(err)
	}
	want = map[string]any{
		"kind": "experiment", "timestamp": "2026-11-23T12:00:00.123456789Z", "experiment": "fault-storm",
		"phase": "started", "service": "default-svc", "source": "chaosgen", "scenario": "spike",
		"metadata": map[string]any{SeqKey: "1"},
	}
	if m := decodeObject(t, b); !reflect.DeepEqual(m, want) {
		t.Errorf("experiment\n got %v\nwant %v", m, want)
	}

	bad := GenEvent{Event: chaosconv.Event{TimeUnixNano: at}}
	if _, err := enc.EncodeObject(&bad); err == nil {
		t.Error("unknown kind: want an error")
	}
}

// TestMockForgeGenerated encodes whole scenarios as an array and as
// NDJSON and checks that every event reads back with its kind and time.
func TestMockForgeGenerated(t *testing.T) {
	var evs []GenEvent
	for i, name := range Scenarios {
		o := genOpts(name)
		o.Duration = 5 * time.Second
		ticks, err := Generate(o, rand.New(rand.NewPCG(9, uint64(i))))
		if err != nil {
			t.Fatal(err)
		}
		evs = append(evs, flatten(ticks)...)
	}
	check := func(t *testing.T, objs []map[string]any) {
		t.Helper()
		if len(objs) != len(evs) {
			t.Fatalf("%d objects, want %d", len(objs), len(evs))
		}
		for i, m := range objs {
			ts, _ := m["timestamp"].(string)
			if !rfc3339Nanos.MatchString(ts) || ts != FormatTimestamp(evs[i].TimeUnixNano) {
				t.Fatalf("object %d timestamp %q", i, ts)
			}
			if name := evs[i].Kind.MockForgeName(); name != "" {
				vt, _ := m["event_type"].(map[string]any)
				if vt["type"] != name {
					t.Fatalf("object %d: event_type %v, want %s", i, m["event_type"], name)
				}
			} else if m["kind"] != evs[i].Kind.String() {
				t.Fatalf("object %d: kind %v, want %s", i, m["kind"], evs[i].Kind)
			}
		}
	}
	t.Run("array", func(t *testing.T) {
		enc := MockForgeEncoder{}
		if enc.ContentType() != "application/json" {
			t.Error(enc.ContentType())
		}
		b, err := enc.Encode(evs, time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		var objs []map[string]any
		if err := json.Unmarshal(b, &objs); err != nil {
			t.Fatal(err)
		}
		check(t, objs)
	})
	t.Run("ndjson", func(t *testing.T) {
		enc := MockForgeEncoder{NDJSON: true}
		if enc.ContentType() != "application/x-ndjson" {
			t.Error(enc.ContentType())
		}
		b, err := enc.Encode(evs, time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		var objs []map[string]any
		sc := bufio.NewScanner(bytes.NewReader(b))
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			objs = append(objs, decodeObject(t, sc.Bytes()))
		}
		check(t, objs)
	})
}
