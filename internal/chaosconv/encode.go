package chaosconv

import (
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
)

// EncodeEvent writes e into lr as a chaos.event record: timestamp = event
// time, severity by kind, a constant human body, and one attribute per
// present field. The observed timestamp is the caller's (arrival time).
// Absent optional fields produce no attribute at all, never an empty one.
func EncodeEvent(e *Event, lr plog.LogRecord) {
	lr.SetEventName(RecordEvent)
	lr.SetTimestamp(pcommon.Timestamp(e.TimeUnixNano))
	sev, text := severityOf(e)
	lr.SetSeverityNumber(sev)
	lr.SetSeverityText(text)
	lr.Body().SetStr(bodyOf(e))

	attrs := lr.Attributes()
	attrs.EnsureCapacity(attrCount(e))
	attrs.PutStr(AttrEventKind, e.Kind.String())
	putStr(attrs, AttrSource, e.Source)
	putStr(attrs, AttrEndpoint, e.Endpoint)
	if e.Fields&FieldDelayMs != 0 {
		attrs.PutInt(AttrLatencyDelayMs, e.DelayMs)
	}
	putStr(attrs, AttrFaultType, e.FaultType)
	putStr(attrs, AttrClientAddress, e.ClientAddress)
	putStr(attrs, AttrTrafficAction, e.TrafficAction)
	if e.Fields&FieldTrafficBytes != 0 {
		attrs.PutInt(AttrTrafficBytes, e.TrafficBytes)
	}
	putStr(attrs, AttrProtocolName, e.Protocol)
	putStr(attrs, AttrProtocolEvent, e.ProtocolEvent)
	putMap(attrs, AttrProtocolDetails, e.ProtocolDetails)
	putStr(attrs, AttrScenarioName, e.Scenario)
	putStr(attrs, AttrScenarioFrom, e.ScenarioFrom)
	putStr(attrs, AttrScenarioTo, e.ScenarioTo)
	putStr(attrs, AttrProbeName, e.ProbeName)
	putStr(attrs, AttrProbeTarget, e.ProbeTarget)
	if e.Fields&FieldProbeSuccess != 0 {
		attrs.PutBool(AttrProbeSuccess, e.ProbeSuccess)
	}
	if e.HasProbeLatency {
		attrs.PutDouble(AttrProbeLatencyMs, e.ProbeLatencyMs)
	}
	putStr(attrs, AttrExperimentName, e.Experiment)
	putStr(attrs, AttrExperimentPhase, e.ExperimentPhase)
	putMap(attrs, AttrMetadata, e.Metadata)
}

// attrCount sizes the attribute map once instead of growing it per key.
func attrCount(e *Event) int {
	n := 1
	for _, s := range [...]string{e.Source, e.Endpoint, e.FaultType, e.ClientAddress, e.TrafficAction,
		e.Protocol, e.ProtocolEvent, e.Scenario, e.ScenarioFrom, e.ScenarioTo, e.ProbeName,
		e.ProbeTarget, e.Experiment, e.ExperimentPhase} {
		if s != "" {
			n++
		}
	}
	if e.Fields&FieldDelayMs != 0 {
		n++
	}
	if e.Fields&FieldTrafficBytes != 0 {
		n++
	}
	if e.Fields&FieldProbeSuccess != 0 {
		n++
	}
	if e.HasProbeLatency {
		n++
	}
	if len(e.ProtocolDetails) > 0 {
		n++
	}
	if len(e.Metadata) > 0 {
		n++
	}
	return n
}

func putStr(m pcommon.Map, k, v string) {
	if v != "" {
		m.PutStr(k, v)
	}
}

func putMap(m pcommon.Map, k string, kvs []KV) {
	if len(kvs) == 0 {
		return
	}
	sub := m.PutEmptyMap(k)
	sub.EnsureCapacity(len(kvs))
	for _, kv := range kvs {
		sub.PutStr(kv.Key, kv.Value)
	}
}
