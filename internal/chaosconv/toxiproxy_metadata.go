package chaosconv

// Keys the toxiproxy receiver (receiver/toxiproxyreceiver) writes in the
// chaos.metadata map of the events it builds from a toxiproxy server's
// toxics, and the values it gives them. The receiver's README has the
// mapping table that says which event carries which key.
const (
	ToxiproxyMetaChange   = "toxiproxy.change"   // added, changed or removed (values below)
	ToxiproxyMetaChanged  = "toxiproxy.changed"  // on a change: the fields that differ, comma-separated, sorted
	ToxiproxyMetaToxic    = "toxiproxy.toxic"    // the toxic's name
	ToxiproxyMetaType     = "toxiproxy.type"     // the toxic's type: latency, timeout, bandwidth…
	ToxiproxyMetaStream   = "toxiproxy.stream"   // upstream or downstream
	ToxiproxyMetaToxicity = "toxiproxy.toxicity" // the probability the toxic applies to a connection, 0–1
	ToxiproxyMetaListen   = "toxiproxy.listen"   // the proxy's listen address
	ToxiproxyMetaUpstream = "toxiproxy.upstream" // the proxy's upstream address
	ToxiproxyMetaEnabled  = "toxiproxy.enabled"  // whether the proxy is enabled: "true" or "false"
	// ToxiproxyMetaAttrPrefix is followed by the name of one of the
	// toxic's attributes (toxiproxy.attributes.latency,
	// toxiproxy.attributes.jitter…); the value is the attribute's JSON
	// value, a string without its quotes.
	ToxiproxyMetaAttrPrefix = "toxiproxy.attributes."
)

// ToxiproxyMetaKeys lists the fixed metadata keys in documentation order
// (ToxiproxyMetaAttrPrefix, a prefix, is not among them).
var ToxiproxyMetaKeys = []string{ToxiproxyMetaChange, ToxiproxyMetaChanged, ToxiproxyMetaToxic, ToxiproxyMetaType,
	ToxiproxyMetaStream, ToxiproxyMetaToxicity, ToxiproxyMetaListen, ToxiproxyMetaUpstream, ToxiproxyMetaEnabled}

// Values of toxiproxy.change.
const (
	ToxiproxyChangeAdded   = "added"
	ToxiproxyChangeChanged = "changed"
	ToxiproxyChangeRemoved = "removed"
)

// Names toxiproxy.changed lists: the toxic's fields, and each attribute as
// ToxiproxyChangedAttrPrefix + its name.
const (
	ToxiproxyChangedType       = "type"
	ToxiproxyChangedStream     = "stream"
	ToxiproxyChangedToxicity   = "toxicity"
	ToxiproxyChangedAttrPrefix = "attributes."
)

// Toxic types of toxiproxy (its toxics package) and the attributes the
// receiver reads from them.
const (
	ToxiproxyTypeLatency   = "latency"
	ToxiproxyTypeTimeout   = "timeout"
	ToxiproxyTypeResetPeer = "reset_peer"
	ToxiproxyTypeLimitData = "limit_data"
	ToxiproxyTypeBandwidth = "bandwidth"
	ToxiproxyTypeSlicer    = "slicer"
	ToxiproxyTypeSlowClose = "slow_close"

	ToxiproxyAttrLatency     = "latency"      // latency: the delay, ms
	ToxiproxyAttrRate        = "rate"         // bandwidth: the rate, KB/s (1 KB = 1000 bytes)
	ToxiproxyAttrAverageSize = "average_size" // slicer: the average slice, bytes
)

// SourceToxiproxy is the value of chaos.source for the events built from
// a toxiproxy server's toxics.
const SourceToxiproxy = "toxiproxy"
