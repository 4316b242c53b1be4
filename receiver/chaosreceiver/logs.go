package chaosreceiver // import "github.com/otelcol-chaos/otelcol-chaos/receiver/chaosreceiver"

import (
	"net/http"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/otelcol-chaos/otelcol-chaos/internal/chaosconv"
	"github.com/otelcol-chaos/otelcol-chaos/receiver/chaosreceiver/internal/decoder"
	"github.com/otelcol-chaos/otelcol-chaos/receiver/chaosreceiver/internal/metadata"
)

// resourceGroup is the records of one resource: events naming the same
// service share it.
type resourceGroup struct {
	service string
	records plog.LogRecordSlice
}

// toLogs turns a decoded batch into one plog.Logs: one resource per
// distinct service (almost always exactly one), resource attributes from
// configuration, then request headers, then the event's own service.
func (r *chaosReceiver) toLogs(req *http.Request, b *decoder.Batch) plog.Logs {
	logs := plog.NewLogs()
	observed := pcommon.NewTimestampFromTime(r.now())
	var groups []resourceGroup
	for i := range b.Events {
		svc := b.Services[i]
		g := -1
		for j := range groups {
			if groups[j].service == svc {
				g = j
				break
			}
		}
		if g < 0 {
			groups = append(groups, resourceGroup{service: svc, records: r.newResource(logs, req, svc)})
			g = len(groups) - 1
			if g == 0 {
				groups[0].records.EnsureCapacity(len(b.Events))
			}
		}
		lr := groups[g].records.AppendEmpty()
		chaosconv.EncodeEvent(&b.Events[i], lr)
		lr.SetObservedTimestamp(observed)
	}
	return logs
}

func (r *chaosReceiver) newResource(logs plog.Logs, req *http.Request, service string) plog.LogRecordSlice {
	rl := logs.ResourceLogs().AppendEmpty()
	attrs := rl.Resource().Attributes()
	for k, v := range r.cfg.ResourceAttributes {
		attrs.PutStr(k, v)
	}
	for h, k := range r.cfg.ResourceFromHeaders {
		if v := req.Header.Get(h); v != "" {
			attrs.PutStr(k, v)
		}
	}
	if service != "" {
		attrs.PutStr(chaosconv.AttrServiceName, service)
	}
	sl := rl.ScopeLogs().AppendEmpty()
	sl.Scope().SetName(metadata.ScopeName)
	sl.Scope().SetVersion(r.settings.BuildInfo.Version)
	return sl.LogRecords()
}
