// Package checkpointv2 is version 2 of the anomaly processor's checkpoint
// (the detector state it stores through a storage extension): explicit
// schema structs, kept apart from the engine's in-memory types, in JSON.
// The engine maps its state to and from them (detect/snapshot.go), since
// that state is the engine's own, unexported.
//
// The schema is frozen: every field's JSON name is its tag, and none may
// change; a change of the stored form is a new version (a checkpointv3
// package). A version-2 reader refuses any other version, and any body
// that is not exactly version 2's (internal/checkpoint.DecodeJSON), rather
// than misread it. testdata/checkpoint-v2.json, next to the processor,
// holds a checkpoint that every later version of this code must read.
//
// Version 1 was a gob encoding of the engine's own structs, keyed by Go
// field names; it is not read (the detectors warm up again).
//
// Everything with an order or a position in the engine (the metrics of a
// scope, its detectors) is stored by name, so that reordering the code's
// lists does not reassign state. Floats that may be NaN or infinite are
// Float, which spells those as strings (JSON has no such numbers).
package checkpointv2 // import "github.com/otelcol-chaos/otelcol-chaos/processor/anomalyprocessor/internal/checkpointv2"

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"

	"github.com/otelcol-chaos/otelcol-chaos/internal/checkpoint"
)

// Version is the format version this package writes and reads.
const Version = 2

// Checkpoint is the whole detector state.
type Checkpoint struct {
	Version int `json:"version"`
	// WidthNs is the bucket width the state is about; a checkpoint of
	// another width than the configured one is not restored.
	WidthNs int64 `json:"width_ns"`
	// MaxAt is the start (Unix ns) of the newest bucket observed;
	// math.MinInt64 before any.
	MaxAt int64 `json:"max_at"`
	// Scopes in the order the engine first saw them.
	Scopes []Scope `json:"scopes"`
	// Spreads are the bucket times whose cascade is not evaluated yet,
	// oldest first.
	Spreads []Spread `json:"spreads"`
	// Cascade is the cascading_failure detector (across scopes).
	Cascade Lifecycle `json:"cascade"`
}

// Scope is one scope's detector state.
type Scope struct {
	Kind     string `json:"kind"` // global | service | endpoint
	Key      string `json:"key"`
	Last     int64  `json:"last"` // start (Unix ns) of the last bucket observed
	Seen     bool   `json:"seen"`
	Since    int    `json:"since"`    // points since trends were last emitted
	Affected bool   `json:"affected"` // the last point's error rate was anomalous
	// Series has one entry per metric the scope keeps, by name.
	Series []Series `json:"series"`
	// Detectors has one entry per anomaly type run on the scope, by name.
	Detectors []Detector `json:"detectors"`
}

// Series is one metric's statistics. Baseline, Trend and Holt are the
// binary encodings of internal/stats (base64 in JSON), versioned on their
// own.
type Series struct {
	Metric   string `json:"metric"`
	Held     int    `json:"held"` // consecutive anomalous points the baseline did not learn
	Baseline []byte `json:"baseline"`
	Trend    []byte `json:"trend"`
	Holt     []byte `json:"holt"`
}

// Detector is one anomaly type's state on a scope.
type Detector struct {
	Type string `json:"type"`
	// RunZ and RunN are the z-scores' sum and count of the current run of
	// points neither normal nor anomalous.
	RunZ      Float     `json:"run_z"`
	RunN      int       `json:"run_n"`
	Lifecycle Lifecycle `json:"lifecycle"`
}

// Lifecycle is a detector's streaks and its open anomaly.
type Lifecycle struct {
	Streak    int      `json:"streak"`
	Calm      int      `json:"calm"`
	Unjudged  int      `json:"unjudged"`
	FirstAt   int64    `json:"first_at"`
	LastHitAt int64    `json:"last_hit_at"`
	Open      *Anomaly `json:"open"` // null: none open
}

// Spread is one bucket time's count of scopes with an anomalous error
// rate, and of those that joined, for the cascade detector.
type Spread struct {
	At                int64 `json:"at"`
	AffectedServices  int   `json:"affected_services"`
	AffectedEndpoints int   `json:"affected_endpoints"`
	JoinedServices    int   `json:"joined_services"`
	JoinedEndpoints   int   `json:"joined_endpoints"`
	Endpoints         bool  `json:"endpoints"` // the time has endpoint summaries
}

// Anomaly is an open anomaly as last reported (chaos.anomaly).
type Anomaly struct {
	ID          string   `json:"id"`
	Type        string   `json:"type"`
	State       string   `json:"state"`
	ScopeKind   string   `json:"scope_kind"`
	ScopeKey    string   `json:"scope_key"`
	Metric      string   `json:"metric"`
	At          int64    `json:"at"`
	WidthNs     int64    `json:"width_ns"`
	Start       int64    `json:"start"`
	End         int64    `json:"end"`
	PeakTime    int64    `json:"peak_time"`
	PeakValue   Float    `json:"peak_value"`
	Observed    Float    `json:"observed"`
	Expected    Float    `json:"expected"`
	BandLow     Float    `json:"band_low"`
	BandHigh    Float    `json:"band_high"`
	Score       Float    `json:"score"`
	Severity    string   `json:"severity"`
	Description string   `json:"description"`
	Actions     []string `json:"actions"`
	CloseReason string   `json:"close_reason"`
}

// Float is a float64 that may be NaN or infinite: a JSON number when
// finite (exact: the shortest form that reads back the same bits), else
// the string "NaN", "+Inf" or "-Inf".
type Float float64

// MarshalJSON implements json.Marshaler.
func (f Float) MarshalJSON() ([]byte, error) {
	v := float64(f)
	switch {
	case math.IsNaN(v):
		return []byte(`"NaN"`), nil
	case math.IsInf(v, 1):
		return []byte(`"+Inf"`), nil
	case math.IsInf(v, -1):
		return []byte(`"-Inf"`), nil
	}
	return strconv.AppendFloat(nil, v, 'g', -1, 64), nil
}

// UnmarshalJSON implements json.Unmarshaler.
func (f *Float) UnmarshalJSON(b []byte) error {
	switch string(b) {
	case `"NaN"`:
		*f = Float(math.NaN())
		return nil
	case `"+Inf"`:
		*f = Float(math.Inf(1))
		return nil
	case `"-Inf"`:
		*f = Float(math.Inf(-1))
		return nil
	}
	var v float64
	if err := json.Unmarshal(b, &v); err != nil {
		return fmt.Errorf("not a number, NaN, +Inf or -Inf: %s", b)
	}
	*f = Float(v)
	return nil
}

// Marshal encodes a checkpoint (its Version is set to this package's).
func Marshal(cp *Checkpoint) ([]byte, error) {
	cp.Version = Version
	return json.Marshal(cp)
}

// Unmarshal decodes a version-2 checkpoint. Another version is a
// *checkpoint.VersionError; a body that is not exactly version 2's is an
// error too.
func Unmarshal(data []byte) (*Checkpoint, error) {
	var cp Checkpoint
	if err := checkpoint.DecodeJSON(data, Version, &cp); err != nil {
		return nil, err
	}
	return &cp, nil
}
