package toxiproxyreceiver

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/otelcol-chaos/otelcol-chaos/internal/chaosconv"
)

// TestDiff covers what the real server tests cannot make in one poll: a
// toxic replaced by one of another type under the same name, several
// fields changed at once, an attribute appearing and one disappearing.
func TestDiff(t *testing.T) {
	prev, err := parseProxies([]byte(`{
	  "a": {"name": "a", "listen": "127.0.0.1:1", "upstream": "u:1", "enabled": true, "toxics": [
	    {"name": "x", "type": "latency", "stream": "downstream", "toxicity": 1, "attributes": {"latency": 10, "jitter": 0}},
	    {"name": "y", "type": "latency", "stream": "downstream", "toxicity": 1, "attributes": {"latency": 10, "jitter": 0}},
	    {"name": "z", "type": "slicer", "stream": "upstream", "toxicity": 1, "attributes": {"average_size": 1}}]}}`))
	require.NoError(t, err)
	cur, err := parseProxies([]byte(`{
	  "a": {"name": "a", "listen": "127.0.0.1:1", "upstream": "u:1", "enabled": false, "toxics": [
	    {"name": "x", "type": "timeout", "stream": "downstream", "toxicity": 1, "attributes": {"timeout": 5}},
	    {"name": "y", "type": "latency", "stream": "upstream", "toxicity": 0.25, "attributes": {"latency": 10, "extra": {"k": [1, 2]}}},
	    {"name": "z", "type": "slicer", "stream": "upstream", "toxicity": 1, "attributes": {"average_size": 1}}]},
	  "b": {"name": "b", "listen": "l", "upstream": "u", "enabled": true, "toxics": [
	    {"name": "w", "type": "plugin", "stream": "downstream", "toxicity": 1, "attributes": {"mode": "chaos"}}]}}`))
	require.NoError(t, err)

	got := diff(prev, cur)
	require.Len(t, got, 4)
	assert.Equal(t, chaosconv.ToxiproxyChangeRemoved, got[0].kind)
	assert.Equal(t, "latency", got[0].toxic.typ, "the removal carries the old type")
	assert.Equal(t, chaosconv.ToxiproxyChangeAdded, got[1].kind)
	assert.Equal(t, "timeout", got[1].toxic.typ)
	assert.Equal(t, chaosconv.ToxiproxyChangeChanged, got[2].kind)
	assert.Equal(t, []string{"attributes.extra", "attributes.jitter", "stream", "toxicity"}, got[2].changed)
	assert.Equal(t, `{"k":[1,2]}`, got[2].toxic.attrs["extra"], "a non-scalar attribute is compact JSON")
	assert.Equal(t, "0.25", got[2].toxic.toxicity)
	assert.Equal(t, chaosconv.ToxiproxyChangeAdded, got[3].kind)
	assert.Equal(t, "chaos", got[3].toxic.attrs["mode"], "a string attribute loses its quotes")

	// The proxy's enabled flag is in the metadata, not a toxic change.
	md := metadataOf(got[2])
	assert.Contains(t, md, chaosconv.KV{Key: chaosconv.ToxiproxyMetaEnabled, Value: "false"})
	assert.Contains(t, md, chaosconv.KV{Key: chaosconv.ToxiproxyMetaChanged, Value: "attributes.extra,attributes.jitter,stream,toxicity"})

	assert.Empty(t, diff(cur, cur))
}
