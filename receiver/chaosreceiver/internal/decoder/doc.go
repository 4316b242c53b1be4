// Package decoder turns a request body of chaos events — MockForge
// ChaosEvent objects, arrays of them, NDJSON, MockForge scenario recordings,
// and the project's native shape — into chaosconv.Events.
//
// It is a hand-written scanner over the body as one string rather than
// encoding/json with reflection, for two reasons: strings without escapes
// become substrings of the body (no allocation per field), and every error
// can name the event index and the field at fault, which a generic decoder
// cannot. A batch is all-or-nothing: Decode reports every problem it finds
// (up to a bound) and the caller forwards nothing unless there are none.
package decoder // import "github.com/otelcol-chaos/otelcol-chaos/receiver/chaosreceiver/internal/decoder"
