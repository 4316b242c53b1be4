package toxiproxyreceiver

import (
	"testing"
	"time"

	toxiclient "github.com/Shopify/toxiproxy/v2/client"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/zap/zapcore"

	"github.com/otelcol-chaos/otelcol-chaos/internal/chaosconv"
)

var t0 = time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)

// toxicMeta is the expected chaos.metadata of an event of a toxic of a
// proxy listening on listen (upstream 127.0.0.1:9, enabled).
func toxicMeta(change, changed, listen, name, typ, stream, toxicity string, attrs map[string]string) map[string]any {
	m := map[string]any{
		chaosconv.ToxiproxyMetaChange:   change,
		chaosconv.ToxiproxyMetaToxic:    name,
		chaosconv.ToxiproxyMetaType:     typ,
		chaosconv.ToxiproxyMetaStream:   stream,
		chaosconv.ToxiproxyMetaToxicity: toxicity,
		chaosconv.ToxiproxyMetaListen:   listen,
		chaosconv.ToxiproxyMetaUpstream: "127.0.0.1:9",
		chaosconv.ToxiproxyMetaEnabled:  "true",
	}
	if changed != "" {
		m[chaosconv.ToxiproxyMetaChanged] = changed
	}
	for k, v := range attrs {
		m[chaosconv.ToxiproxyMetaAttrPrefix+k] = v
	}
	return m
}

func latencyRec(service, proxy string, at time.Time, delay int64, md map[string]any) rec {
	return rec{Service: service, Time: at, Observed: at, Severity: "WARN", Body: "chaos: latency injected",
		Event: chaosconv.RecordEvent, Attrs: map[string]any{
			chaosconv.AttrEventKind: "latency_injection", chaosconv.AttrSource: "toxiproxy",
			chaosconv.AttrEndpoint: proxy, chaosconv.AttrLatencyDelayMs: delay, chaosconv.AttrMetadata: md,
		}}
}

func faultRec(service, proxy string, at time.Time, fault string, md map[string]any) rec {
	return rec{Service: service, Time: at, Observed: at, Severity: "ERROR", Body: "chaos: fault injected",
		Event: chaosconv.RecordEvent, Attrs: map[string]any{
			chaosconv.AttrEventKind: "fault_injection", chaosconv.AttrSource: "toxiproxy",
			chaosconv.AttrEndpoint: proxy, chaosconv.AttrFaultType: fault, chaosconv.AttrMetadata: md,
		}}
}

func trafficRec(service, proxy string, at time.Time, action string, bytes int64, md map[string]any) rec {
	return rec{Service: service, Time: at, Observed: at, Severity: "INFO", Body: "chaos: traffic shaped",
		Event: chaosconv.RecordEvent, Attrs: map[string]any{
			chaosconv.AttrEventKind: "traffic_shaping", chaosconv.AttrSource: "toxiproxy",
			chaosconv.AttrEndpoint: proxy, chaosconv.AttrTrafficAction: action, chaosconv.AttrTrafficBytes: bytes,
			chaosconv.AttrMetadata: md,
		}}
}

func experimentRec(service, proxy, toxic, phase string, at time.Time, md map[string]any) rec {
	return rec{Service: service, Time: at, Observed: at, Severity: "INFO", Body: bodyOfPhase(phase),
		Event: chaosconv.RecordEvent, Attrs: map[string]any{
			chaosconv.AttrEventKind: "experiment", chaosconv.AttrSource: "toxiproxy",
			chaosconv.AttrEndpoint: proxy, chaosconv.AttrExperimentName: proxy + "/" + toxic,
			chaosconv.AttrExperimentPhase: phase, chaosconv.AttrMetadata: md,
		}}
}

// TestRealToxiproxy drives a real toxiproxy server through its client and
// checks every record of every poll: the toxics present at the first poll
// (as added), toxics added, an unknown type skipped, a toxic updated, a
// poll with no change, a toxic removed, and a server down in between.
func TestRealToxiproxy(t *testing.T) {
	srv := startToxiproxy(t)
	redis := srv.proxy(t, "redis")
	api := srv.proxy(t, "api")
	// Present before the receiver's first poll.
	addToxic(t, redis, "slow", "latency", "downstream", 1, toxiclient.Attributes{"latency": 250, "jitter": 20})

	tr := newTestReceiver(t, srv.url, map[string]string{"redis": "cache"})

	// 1. The first poll reports the toxic already there, as added.
	slowMeta := toxicMeta("added", "", redis.Listen, "slow", "latency", "downstream", "1",
		map[string]string{"latency": "250", "jitter": "20"})
	at := t0
	assert.Equal(t, []rec{
		latencyRec("cache", "redis", at, 250, slowMeta),
		experimentRec("cache", "redis", "slow", "started", at, slowMeta),
	}, tr.poll(at))

	// 2. Three toxics added to api, one of a type the receiver does not know.
	addToxic(t, api, "cut", "timeout", "upstream", 0.5, toxiclient.Attributes{"timeout": 1000})
	addToxic(t, api, "thin", "bandwidth", "downstream", 1, toxiclient.Attributes{"rate": 100})
	addToxic(t, api, "dns", unknownToxicType, "downstream", 1, toxiclient.Attributes{"failures": 3})
	cutMeta := toxicMeta("added", "", api.Listen, "cut", "timeout", "upstream", "0.5", map[string]string{"timeout": "1000"})
	thinMeta := toxicMeta("added", "", api.Listen, "thin", "bandwidth", "downstream", "1", map[string]string{"rate": "100"})
	at = t0.Add(time.Second)
	assert.Equal(t, []rec{
		faultRec("api", "api", at, "timeout", cutMeta),
		experimentRec("api", "api", "cut", "started", at, cutMeta),
		trafficRec("api", "api", at, "bandwidth", 100_000, thinMeta),
		experimentRec("api", "api", "thin", "started", at, thinMeta),
	}, tr.poll(at))
	warned := tr.logs.FilterMessageSnippet("unknown type").FilterField(zapcore.Field{
		Key: "type", Type: zapcore.StringType, String: unknownToxicType})
	require.Equal(t, 1, warned.Len(), "the unknown type is warned, with its name")

	// 3. No change: no record.
	assert.Empty(t, tr.poll(t0.Add(2*time.Second)))

	// 4. The latency toxic updated: the injection again, saying what changed.
	_, err := redis.UpdateToxic("slow", -1, toxiclient.Attributes{"latency": 400})
	require.NoError(t, err)
	at = t0.Add(3 * time.Second)
	assert.Equal(t, []rec{
		latencyRec("cache", "redis", at, 400, toxicMeta("changed", "attributes.latency", redis.Listen, "slow",
			"latency", "downstream", "1", map[string]string{"latency": "400", "jitter": "20"})),
	}, tr.poll(at))

	// 5. The latency toxic and the unknown one removed: the experiment
	// completes; the unknown type is skipped again, warned no more.
	require.NoError(t, redis.RemoveToxic("slow"))
	require.NoError(t, api.RemoveToxic("dns"))
	at = t0.Add(4 * time.Second)
	assert.Equal(t, []rec{
		experimentRec("cache", "redis", "slow", "completed", at, toxicMeta("removed", "", redis.Listen, "slow",
			"latency", "downstream", "1", map[string]string{"latency": "400", "jitter": "20"})),
	}, tr.poll(at))
	require.Equal(t, 1, warned.Len(), "warned once per type")

	// 6. A toxic removed, then the server down: no event invented, no
	// removal inferred; the failure is warned once.
	require.NoError(t, api.RemoveToxic("thin"))
	srv.down(t)
	assert.Empty(t, tr.poll(t0.Add(5*time.Second)))
	assert.Empty(t, tr.poll(t0.Add(6*time.Second)))
	require.Equal(t, 1, tr.logs.FilterMessageSnippet("toxiproxy poll failed").FilterLevelExact(zapcore.WarnLevel).Len())

	// 7. The server back: the removal is seen at the first successful poll.
	srv.listen(t)
	at = t0.Add(7 * time.Second)
	assert.Equal(t, []rec{
		experimentRec("api", "api", "thin", "completed", at, toxicMeta("removed", "", api.Listen, "thin",
			"bandwidth", "downstream", "1", map[string]string{"rate": "100"})),
	}, tr.poll(at))

	// 8. The proxy deleted with its toxics: each of them completes.
	require.NoError(t, api.Delete())
	at = t0.Add(8 * time.Second)
	cutMeta[chaosconv.ToxiproxyMetaChange] = "removed"
	assert.Equal(t, []rec{experimentRec("api", "api", "cut", "completed", at, cutMeta)}, tr.poll(at))

	// What was counted.
	assertCounter(t, tr.tel, "otelcol_receiver_toxiproxy_polls", map[string]int64{"outcome=ok": 7, "outcome=unreachable": 2})
	assertCounter(t, tr.tel, "otelcol_receiver_toxiproxy_toxic_changes", map[string]int64{
		"change=added": 3, "change=changed": 1, "change=removed": 3})
	assertCounter(t, tr.tel, "otelcol_receiver_toxiproxy_skipped_toxics", map[string]int64{"reason=unknown_type": 2})
}

// TestToxicTypes: each of toxiproxy's toxic types, added on a real server,
// becomes the injected event of the mapping table (and an experiment start).
func TestToxicTypes(t *testing.T) {
	srv := startToxiproxy(t)
	p := srv.proxy(t, "db")
	tr := newTestReceiver(t, srv.url, nil)
	require.Empty(t, tr.poll(t0))

	attrs := func(kv ...string) map[string]string {
		m := map[string]string{}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return m
	}
	for i, tc := range []struct {
		typ   string
		attrs toxiclient.Attributes
		want  func(at time.Time, md map[string]any) rec
		shown map[string]string
	}{
		{"latency", toxiclient.Attributes{"latency": 100, "jitter": 10}, func(at time.Time, md map[string]any) rec {
			return latencyRec("db", "db", at, 100, md)
		}, attrs("latency", "100", "jitter", "10")},
		{"timeout", toxiclient.Attributes{"timeout": 0}, func(at time.Time, md map[string]any) rec {
			return faultRec("db", "db", at, "timeout", md)
		}, attrs("timeout", "0")},
		{"reset_peer", toxiclient.Attributes{"timeout": 50}, func(at time.Time, md map[string]any) rec {
			return faultRec("db", "db", at, "reset_peer", md)
		}, attrs("timeout", "50")},
		{"limit_data", toxiclient.Attributes{"bytes": 4096}, func(at time.Time, md map[string]any) rec {
			return faultRec("db", "db", at, "limit_data", md)
		}, attrs("bytes", "4096")},
		{"bandwidth", toxiclient.Attributes{"rate": 64}, func(at time.Time, md map[string]any) rec {
			return trafficRec("db", "db", at, "bandwidth", 64_000, md)
		}, attrs("rate", "64")},
		{"slicer", toxiclient.Attributes{"average_size": 512, "size_variation": 64, "delay": 10}, func(at time.Time, md map[string]any) rec {
			return trafficRec("db", "db", at, "slicer", 512, md)
		}, attrs("average_size", "512", "size_variation", "64", "delay", "10")},
		{"slow_close", toxiclient.Attributes{"delay": 2000}, func(at time.Time, md map[string]any) rec {
			return trafficRec("db", "db", at, "slow_close", 0, md)
		}, attrs("delay", "2000")},
	} {
		t.Run(tc.typ, func(t *testing.T) {
			name := "t_" + tc.typ
			addToxic(t, p, name, tc.typ, "upstream", 1, tc.attrs)
			at := t0.Add(time.Duration(2*i+1) * time.Second)
			md := toxicMeta("added", "", p.Listen, name, tc.typ, "upstream", "1", tc.shown)
			assert.Equal(t, []rec{tc.want(at, md), experimentRec("db", "db", name, "started", at, md)}, tr.poll(at))
			require.NoError(t, p.RemoveToxic(name))
			at = at.Add(time.Second)
			md[chaosconv.ToxiproxyMetaChange] = "removed"
			assert.Equal(t, []rec{experimentRec("db", "db", name, "completed", at, md)}, tr.poll(at))
		})
	}
}

// TestInvalidToxic: toxiproxy takes a negative latency; no valid
// latency_injection has one, so that event is skipped and counted, and the
// experiment still starts (nothing else lost).
func TestInvalidToxic(t *testing.T) {
	srv := startToxiproxy(t)
	p := srv.proxy(t, "web")
	addToxic(t, p, "weird", "latency", "downstream", 1, toxiclient.Attributes{"latency": -5})
	addToxic(t, p, "ok", "latency", "downstream", 1, toxiclient.Attributes{"latency": 5})
	tr := newTestReceiver(t, srv.url, nil)
	got := tr.poll(t0)
	okMeta := toxicMeta("added", "", p.Listen, "ok", "latency", "downstream", "1", map[string]string{"latency": "5", "jitter": "0"})
	weirdMeta := toxicMeta("added", "", p.Listen, "weird", "latency", "downstream", "1", map[string]string{"latency": "-5", "jitter": "0"})
	assert.Equal(t, []rec{
		latencyRec("web", "web", t0, 5, okMeta),
		experimentRec("web", "web", "ok", "started", t0, okMeta),
		experimentRec("web", "web", "weird", "started", t0, weirdMeta),
	}, got)
	assertCounter(t, tr.tel, "otelcol_receiver_toxiproxy_skipped_toxics", map[string]int64{"reason=invalid": 1})
}

// TestPipelineRefusal: records the pipeline refuses are built again at
// the next poll (the snapshot is kept only once they are consumed).
func TestPipelineRefusal(t *testing.T) {
	srv := startToxiproxy(t)
	p := srv.proxy(t, "queue")
	addToxic(t, p, "rst", "reset_peer", "downstream", 1, toxiclient.Attributes{"timeout": 0})
	tr := newTestReceiver(t, srv.url, nil)
	tr.sink.setRefuse(true)
	assert.Empty(t, tr.poll(t0))
	tr.sink.setRefuse(false)
	at := t0.Add(time.Second)
	md := toxicMeta("added", "", p.Listen, "rst", "reset_peer", "downstream", "1", map[string]string{"timeout": "0"})
	assert.Equal(t, []rec{
		faultRec("queue", "queue", at, "reset_peer", md),
		experimentRec("queue", "queue", "rst", "started", at, md),
	}, tr.poll(at))
	assertCounter(t, tr.tel, "otelcol_receiver_toxiproxy_polls", map[string]int64{"outcome=ok": 1, "outcome=pipeline_refused": 1})
}
