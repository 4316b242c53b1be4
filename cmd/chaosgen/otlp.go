package main

import (
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/plog/plogotlp"

	"github.com/otelcol-chaos/otelcol-chaos/internal/chaosconv"
)

// Instrumentation scope of the generated records.
const (
	scopeName    = "github.com/otelcol-chaos/otelcol-chaos/cmd/chaosgen"
	scopeVersion = "0.1.0"
)

// Content types of OTLP/HTTP.
const (
	contentTypeProtobuf = "application/x-protobuf"
)

// BuildLogs turns events into OTLP logs: one ResourceLogs per service
// (resource attribute service.name, the event's service or defaultService),
// in order of first appearance, each record encoded by chaosconv.EncodeEvent
// with the observed time set to observed.
func BuildLogs(evs []GenEvent, defaultService string, observed time.Time) plog.Logs {
	ld := plog.NewLogs()
	scopes := map[string]plog.ScopeLogs{}
	obs := pcommon.NewTimestampFromTime(observed)
	for i := range evs {
		svc := evs[i].Service
		if svc == "" {
			svc = defaultService
		}
		sl, ok := scopes[svc]
		if !ok {
			rl := ld.ResourceLogs().AppendEmpty()
			if svc != "" {
				rl.Resource().Attributes().PutStr(chaosconv.AttrServiceName, svc)
			}
			sl = rl.ScopeLogs().AppendEmpty()
			sl.Scope().SetName(scopeName)
			sl.Scope().SetVersion(scopeVersion)
			scopes[svc] = sl
		}
		lr := sl.LogRecords().AppendEmpty()
		chaosconv.EncodeEvent(&evs[i].Event, lr)
		lr.SetObservedTimestamp(obs)
	}
	return ld
}

// OTLPEncoder writes events as an OTLP/HTTP logs export request.
type OTLPEncoder struct {
	JSON           bool
	DefaultService string
}

// ContentType is the request's Content-Type.
func (o OTLPEncoder) ContentType() string {
	if o.JSON {
		return contentTypeJSON
	}
	return contentTypeProtobuf
}

// Encode writes the request body for evs, observed at now.
func (o OTLPEncoder) Encode(evs []GenEvent, now time.Time) ([]byte, error) {
	ld := BuildLogs(evs, o.DefaultService, now)
	if o.JSON {
		return (&plog.JSONMarshaler{}).MarshalLogs(ld)
	}
	return (&plog.ProtoMarshaler{}).MarshalLogs(ld)
}

// PartialRejected reads an OTLP export response and returns how many
// records the server says it rejected (partial success) and its message;
// 0 when the body is empty or unreadable.
func (o OTLPEncoder) PartialRejected(contentType string, body []byte) (int, string) {
	if len(body) == 0 {
		return 0, ""
	}
	resp := plogotlp.NewExportResponse()
	var err error
	if isJSONContentType(contentType) {
		err = resp.UnmarshalJSON(body)
	} else {
		err = resp.UnmarshalProto(body)
	}
	if err != nil {
		return 0, ""
	}
	ps := resp.PartialSuccess()
	return int(ps.RejectedLogRecords()), ps.ErrorMessage()
}
