package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"

	"github.com/otelcol-chaos/otelcol-chaos/internal/chaosconv"
)

// timestampLayout is RFC 3339 in UTC with exactly nine fractional digits,
// as MockForge (chrono) writes DateTime<Utc>.
const timestampLayout = "2006-01-02T15:04:05.000000000Z"

// FormatTimestamp renders Unix nanoseconds as the JSON timestamp.
func FormatTimestamp(ns int64) string {
	return time.Unix(0, ns).UTC().Format(timestampLayout)
}

// Content types of the JSON formats.
const (
	contentTypeJSON   = "application/json"
	contentTypeNDJSON = "application/x-ndjson"
)

// MockForgeEncoder writes events as MockForge ChaosEvent JSON: a JSON
// array per request, or NDJSON (one object a line). Probe and experiment
// events, which MockForge lacks, use the receiver's native shape.
type MockForgeEncoder struct {
	NDJSON bool
	// Strict writes MockForge objects with only timestamp, event_type and
	// metadata, moving service, scenario and source into metadata. Without
	// it those three go at the top level of the object, where the chaos
	// receiver reads them (serde ignores unknown fields).
	Strict bool
	// DefaultService names events whose Service is empty.
	DefaultService string
}

// ContentType is the request's Content-Type.
func (m MockForgeEncoder) ContentType() string {
	if m.NDJSON {
		return contentTypeNDJSON
	}
	return contentTypeJSON
}

// Encode writes the request body for evs.
func (m MockForgeEncoder) Encode(evs []GenEvent, _ time.Time) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if !m.NDJSON {
		buf.WriteByte('[')
	}
	for i := range evs {
		if i > 0 && !m.NDJSON {
			buf.WriteByte(',')
		}
		v, err := m.object(&evs[i])
		if err != nil {
			return nil, fmt.Errorf("event %d: %w", i, err)
		}
		if err := enc.Encode(v); err != nil {
			return nil, fmt.Errorf("event %d: %w", i, err)
		}
		if !m.NDJSON {
			buf.Truncate(buf.Len() - 1) // Encode's newline
		}
	}
	if !m.NDJSON {
		buf.WriteByte(']')
	}
	return buf.Bytes(), nil
}

// EncodeObject writes one event as a single JSON object.
func (m MockForgeEncoder) EncodeObject(e *GenEvent) ([]byte, error) {
	v, err := m.object(e)
	if err != nil {
		return nil, err
	}
	return json.Marshal(v)
}

// mfEvent is MockForge's ChaosEvent, plus the receiver's optional
// top-level extensions.
type mfEvent struct {
	Timestamp string            `json:"timestamp"`
	EventType any               `json:"event_type"`
	Metadata  map[string]string `json:"metadata"`
	Service   string            `json:"service,omitempty"`
	Scenario  string            `json:"scenario,omitempty"`
	Source    string            `json:"source,omitempty"`
}

// The six ChaosEventType variants, internally tagged by "type". Option
// fields are pointers without omitempty: absent is written as null.
type (
	mfLatency struct {
		Type     string  `json:"type"`
		DelayMs  uint64  `json:"delay_ms"`
		Endpoint *string `json:"endpoint"`
	}
	mfFault struct {
		Type      string  `json:"type"`
		FaultType string  `json:"fault_type"`
		Endpoint  *string `json:"endpoint"`
	}
	mfRateLimit struct {
		Type     string  `json:"type"`
		ClientIP *string `json:"client_ip"`
		Endpoint *string `json:"endpoint"`
	}
	mfTraffic struct {
		Type   string `json:"type"`
		Action string `json:"action"`
		Bytes  uint64 `json:"bytes"`
	}
	mfProtocol struct {
		Type     string            `json:"type"`
		Protocol string            `json:"protocol"`
		Event    string            `json:"event"`
		Details  map[string]string `json:"details"`
	}
	mfTransition struct {
		Type         string  `json:"type"`
		FromScenario *string `json:"from_scenario"`
		ToScenario   string  `json:"to_scenario"`
	}
)

// nativeEvent is the receiver's own shape, for kinds MockForge lacks.
type nativeEvent struct {
	Kind       string            `json:"kind"`
	Timestamp  string            `json:"timestamp"`
	Target     string            `json:"target,omitempty"`
	Success    *bool             `json:"success,omitempty"`
	LatencyMs  *float64          `json:"latency_ms,omitempty"`
	ProbeName  string            `json:"probe_name,omitempty"`
	Endpoint   string            `json:"endpoint,omitempty"`
	Experiment string            `json:"experiment,omitempty"`
	Phase      string            `json:"phase,omitempty"`
	Service    string            `json:"service,omitempty"`
	Source     string            `json:"source,omitempty"`
	Scenario   string            `json:"scenario,omitempty"`
	Metadata   map[string]string `json:"metadata,omitempty"`
}

func (m MockForgeEncoder) object(e *GenEvent) (any, error) {
	ts := FormatTimestamp(e.TimeUnixNano)
	svc := e.Service
	if svc == "" {
		svc = m.DefaultService
	}
	tag := e.Kind.MockForgeName()
	var variant any
	switch e.Kind {
	case chaosconv.KindLatencyInjection:
		variant = mfLatency{Type: tag, DelayMs: uint64(max(e.DelayMs, 0)), Endpoint: opt(e.Endpoint)}
	case chaosconv.KindFaultInjection:
		variant = mfFault{Type: tag, FaultType: e.FaultType, Endpoint: opt(e.Endpoint)}
	case chaosconv.KindRateLimitExceeded:
		variant = mfRateLimit{Type: tag, ClientIP: opt(e.ClientAddress), Endpoint: opt(e.Endpoint)}
	case chaosconv.KindTrafficShaping:
		variant = mfTraffic{Type: tag, Action: e.TrafficAction, Bytes: uint64(max(e.TrafficBytes, 0))}
	case chaosconv.KindProtocolEvent:
		variant = mfProtocol{Type: tag, Protocol: e.Protocol, Event: e.ProtocolEvent, Details: kvMap(e.ProtocolDetails, true)}
	case chaosconv.KindScenarioTransition:
		variant = mfTransition{Type: tag, FromScenario: opt(e.ScenarioFrom), ToScenario: e.ScenarioTo}
	case chaosconv.KindProbe:
		n := m.native(e, ts, svc)
		n.Target, n.ProbeName, n.Endpoint = e.ProbeTarget, e.ProbeName, e.Endpoint
		ok := e.ProbeSuccess
		n.Success = &ok
		if e.HasProbeLatency {
			l := e.ProbeLatencyMs
			n.LatencyMs = &l
		}
		return n, nil
	case chaosconv.KindExperiment:
		n := m.native(e, ts, svc)
		n.Experiment, n.Phase = e.Experiment, e.ExperimentPhase
		return n, nil
	default:
		return nil, fmt.Errorf("cannot encode event kind %d", e.Kind)
	}
	obj := mfEvent{Timestamp: ts, EventType: variant, Metadata: kvMap(e.Metadata, true)}
	if m.Strict {
		for _, kv := range [...]chaosconv.KV{{Key: "service", Value: svc}, {Key: "scenario", Value: e.Scenario}, {Key: "source", Value: e.Source}} {
			if kv.Value != "" {
				obj.Metadata[kv.Key] = kv.Value
			}
		}
	} else {
		obj.Service, obj.Scenario, obj.Source = svc, e.Scenario, e.Source
	}
	return obj, nil
}

func (m MockForgeEncoder) native(e *GenEvent, ts, svc string) *nativeEvent {
	return &nativeEvent{
		Kind: e.Kind.String(), Timestamp: ts,
		Service: svc, Source: e.Source, Scenario: e.Scenario,
		Metadata: kvMap(e.Metadata, false),
	}
}

// opt is a MockForge Option<String>: nil (null) when absent.
func opt(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// kvMap turns a KV list into a JSON object; nil (omitted) when empty
// unless always is set (MockForge's HashMap fields are not optional).
func kvMap(kvs []chaosconv.KV, always bool) map[string]string {
	if len(kvs) == 0 && !always {
		return nil
	}
	m := make(map[string]string, len(kvs))
	for _, kv := range kvs {
		m[kv.Key] = kv.Value
	}
	return m
}
