package toxiproxyreceiver // import "github.com/otelcol-chaos/otelcol-chaos/receiver/toxiproxyreceiver"

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/otelcol-chaos/otelcol-chaos/internal/chaosconv"
)

// apiProxy is one proxy of toxiproxy's GET /proxies answer: a JSON object
// of proxies by name, each with its toxics.
type apiProxy struct {
	Name     string     `json:"name"`
	Listen   string     `json:"listen"`
	Upstream string     `json:"upstream"`
	Enabled  bool       `json:"enabled"`
	Toxics   []apiToxic `json:"toxics"`
}

// apiToxic is one toxic as toxiproxy serializes it. Toxicity keeps the
// server's text; each attribute keeps its raw JSON value, so that a
// comparison between polls and the metadata are exact for any toxic type.
type apiToxic struct {
	Name       string                     `json:"name"`
	Type       string                     `json:"type"`
	Stream     string                     `json:"stream"`
	Toxicity   json.Number                `json:"toxicity"`
	Attributes map[string]json.RawMessage `json:"attributes"`
}

// toxicKey names a toxic: toxiproxy's toxic names are unique per proxy.
type toxicKey struct {
	proxy, toxic string
}

// toxic is what the receiver remembers of a toxic between polls.
type toxic struct {
	proxy    string
	listen   string
	upstream string
	enabled  bool

	name     string
	typ      string
	stream   string
	toxicity string
	attrs    map[string]string
}

// snapshot is every toxic of one successful poll.
type snapshot map[toxicKey]toxic

// parseProxies decodes a GET /proxies answer into a snapshot.
func parseProxies(body []byte) (snapshot, error) {
	var proxies map[string]apiProxy
	if err := json.Unmarshal(body, &proxies); err != nil {
		return nil, err
	}
	snap := snapshot{}
	for name, p := range proxies {
		if p.Name == "" {
			p.Name = name
		}
		for _, t := range p.Toxics {
			if t.Name == "" {
				return nil, fmt.Errorf("proxy %q: a toxic without a name", p.Name)
			}
			attrs := make(map[string]string, len(t.Attributes))
			for k, raw := range t.Attributes {
				attrs[k] = attrText(raw)
			}
			snap[toxicKey{p.Name, t.Name}] = toxic{
				proxy: p.Name, listen: p.Listen, upstream: p.Upstream, enabled: p.Enabled,
				name: t.Name, typ: t.Type, stream: t.Stream, toxicity: t.Toxicity.String(), attrs: attrs,
			}
		}
	}
	return snap, nil
}

// attrText is an attribute's JSON value as text: a string without its
// quotes, anything else (numbers, booleans, objects) as compact JSON.
func attrText(raw json.RawMessage) string {
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		return s
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, raw); err == nil {
		return buf.String()
	}
	return string(raw)
}

// change is one difference between two snapshots.
type change struct {
	kind    string   // a chaosconv.ToxiproxyChange* value
	toxic   toxic    // the toxic now (its last state when removed)
	changed []string // with ToxiproxyChangeChanged: the fields that differ
}

// diff lists what changed from prev to cur, in the order of (proxy, toxic
// name). A toxic whose type changed (removed and re-added under the same
// name between two polls) is a removal followed by an addition.
func diff(prev, cur snapshot) []change {
	keys := slices.SortedFunc(func(yield func(toxicKey) bool) {
		for k := range prev {
			if !yield(k) {
				return
			}
		}
		for k := range cur {
			if _, ok := prev[k]; !ok && !yield(k) {
				return
			}
		}
	}, func(a, b toxicKey) int {
		if c := strings.Compare(a.proxy, b.proxy); c != 0 {
			return c
		}
		return strings.Compare(a.toxic, b.toxic)
	})
	var out []change
	for _, k := range keys {
		was, had := prev[k]
		now, has := cur[k]
		switch {
		case !has:
			out = append(out, change{kind: chaosconv.ToxiproxyChangeRemoved, toxic: was})
		case !had:
			out = append(out, change{kind: chaosconv.ToxiproxyChangeAdded, toxic: now})
		case was.typ != now.typ:
			out = append(out, change{kind: chaosconv.ToxiproxyChangeRemoved, toxic: was},
				change{kind: chaosconv.ToxiproxyChangeAdded, toxic: now})
		default:
			if fields := changedFields(was, now); len(fields) > 0 {
				out = append(out, change{kind: chaosconv.ToxiproxyChangeChanged, toxic: now, changed: fields})
			}
		}
	}
	return out
}

// changedFields names what differs between two states of the same toxic
// (same type), sorted: stream, toxicity, attributes.<name>.
func changedFields(was, now toxic) []string {
	var fields []string
	if was.stream != now.stream {
		fields = append(fields, chaosconv.ToxiproxyChangedStream)
	}
	if was.toxicity != now.toxicity {
		fields = append(fields, chaosconv.ToxiproxyChangedToxicity)
	}
	for _, k := range slices.Sorted(maps.Keys(unionKeys(was.attrs, now.attrs))) {
		a, inWas := was.attrs[k]
		b, inNow := now.attrs[k]
		if a != b || inWas != inNow {
			fields = append(fields, chaosconv.ToxiproxyChangedAttrPrefix+k)
		}
	}
	slices.Sort(fields)
	return fields
}

func unionKeys(a, b map[string]string) map[string]struct{} {
	u := make(map[string]struct{}, len(a)+len(b))
	for k := range a {
		u[k] = struct{}{}
	}
	for k := range b {
		u[k] = struct{}{}
	}
	return u
}

// mapping is how a toxic type becomes an injected event.
type mapping struct {
	kind chaosconv.Kind
	// bytesAttr is the attribute whose value is chaos.traffic.bytes (for
	// traffic shaping; "" means 0), scaled by bytesScale.
	bytesAttr  string
	bytesScale int64
}

// mappings are the toxic types the receiver knows: toxiproxy's own.
var mappings = map[string]mapping{
	chaosconv.ToxiproxyTypeLatency:   {kind: chaosconv.KindLatencyInjection},
	chaosconv.ToxiproxyTypeTimeout:   {kind: chaosconv.KindFaultInjection},
	chaosconv.ToxiproxyTypeResetPeer: {kind: chaosconv.KindFaultInjection},
	chaosconv.ToxiproxyTypeLimitData: {kind: chaosconv.KindFaultInjection},
	// toxiproxy's bandwidth rate is in KB/s of 1000 bytes (it sleeps
	// len(data) ms / rate per chunk): the bytes are the rate per second.
	chaosconv.ToxiproxyTypeBandwidth: {kind: chaosconv.KindTrafficShaping, bytesAttr: chaosconv.ToxiproxyAttrRate, bytesScale: 1000},
	chaosconv.ToxiproxyTypeSlicer:    {kind: chaosconv.KindTrafficShaping, bytesAttr: chaosconv.ToxiproxyAttrAverageSize, bytesScale: 1},
	chaosconv.ToxiproxyTypeSlowClose: {kind: chaosconv.KindTrafficShaping},
}

// metadataOf is the chaos.metadata of every event of c: the change, the
// toxic and its proxy, then the toxic's attributes sorted by name.
func metadataOf(c change) []chaosconv.KV {
	t := c.toxic
	md := make([]chaosconv.KV, 0, 9+len(t.attrs))
	md = append(md, chaosconv.KV{Key: chaosconv.ToxiproxyMetaChange, Value: c.kind})
	if len(c.changed) > 0 {
		md = append(md, chaosconv.KV{Key: chaosconv.ToxiproxyMetaChanged, Value: strings.Join(c.changed, ",")})
	}
	md = append(md,
		chaosconv.KV{Key: chaosconv.ToxiproxyMetaToxic, Value: t.name},
		chaosconv.KV{Key: chaosconv.ToxiproxyMetaType, Value: t.typ},
		chaosconv.KV{Key: chaosconv.ToxiproxyMetaStream, Value: t.stream},
		chaosconv.KV{Key: chaosconv.ToxiproxyMetaToxicity, Value: t.toxicity},
		chaosconv.KV{Key: chaosconv.ToxiproxyMetaListen, Value: t.listen},
		chaosconv.KV{Key: chaosconv.ToxiproxyMetaUpstream, Value: t.upstream},
		chaosconv.KV{Key: chaosconv.ToxiproxyMetaEnabled, Value: strconv.FormatBool(t.enabled)},
	)
	for _, k := range slices.Sorted(maps.Keys(t.attrs)) {
		md = append(md, chaosconv.KV{Key: chaosconv.ToxiproxyMetaAttrPrefix + k, Value: t.attrs[k]})
	}
	return md
}

// injection builds the injected event of an added or changed toxic of a
// known type; an error says why the toxic's values make no valid event.
func injection(m mapping, c change, timeUnixNano int64) (chaosconv.Event, error) {
	t := c.toxic
	e := chaosconv.Event{
		TimeUnixNano: timeUnixNano,
		Kind:         m.kind,
		Source:       chaosconv.SourceToxiproxy,
		Endpoint:     t.proxy,
		Metadata:     metadataOf(c),
	}
	switch m.kind {
	case chaosconv.KindLatencyInjection:
		ms, err := intAttr(t, chaosconv.ToxiproxyAttrLatency)
		if err != nil {
			return e, err
		}
		e.DelayMs, e.Fields = ms, chaosconv.FieldDelayMs
	case chaosconv.KindFaultInjection:
		e.FaultType, e.Fields = t.typ, chaosconv.FieldFaultType
	case chaosconv.KindTrafficShaping:
		e.TrafficAction, e.Fields = t.typ, chaosconv.FieldTrafficAction|chaosconv.FieldTrafficBytes
		if m.bytesAttr != "" {
			n, err := intAttr(t, m.bytesAttr)
			if err != nil {
				return e, err
			}
			e.TrafficBytes = n * m.bytesScale
		}
	}
	return e, e.Validate()
}

// experiment builds the experiment event of a toxic added (started) or
// removed (completed): the experiment is "<proxy>/<toxic name>".
func experiment(c change, phase chaosconv.Phase, timeUnixNano int64) chaosconv.Event {
	return chaosconv.Event{
		TimeUnixNano:    timeUnixNano,
		Kind:            chaosconv.KindExperiment,
		Source:          chaosconv.SourceToxiproxy,
		Endpoint:        c.toxic.proxy,
		Experiment:      c.toxic.proxy + "/" + c.toxic.name,
		ExperimentPhase: phase,
		Fields:          chaosconv.FieldExperimentName | chaosconv.FieldExperimentPhase,
		Metadata:        metadataOf(c),
	}
}

// intAttr reads an integer attribute of t.
func intAttr(t toxic, name string) (int64, error) {
	v, ok := t.attrs[name]
	if !ok {
		return 0, fmt.Errorf("toxic %q (%s) has no attribute %q", t.name, t.typ, name)
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("toxic %q (%s): attribute %q is not an integer: %q", t.name, t.typ, name, v)
	}
	return n, nil
}
