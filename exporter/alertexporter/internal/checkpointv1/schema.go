// Package checkpointv1 is version 1 of the alert exporter's checkpoint:
// the JSON the exporter stores through a storage extension, as explicit
// schema structs kept apart from the exporter's in-memory types, and the
// conversions between the two.
//
// The schema is frozen: every field's JSON name is its tag, and none may
// change. Renaming or retyping an in-memory field changes only a
// conversion function here. A change of the stored form is a new version
// (a checkpointv2 package, and Version there); a version-1 reader refuses
// any other version rather than misread it (internal/checkpoint.DecodeJSON),
// and testdata/checkpoint-v1.json holds a checkpoint that every later
// version of this package must read exactly.
//
// Version 1 is the form the exporter wrote before this package existed
// (its in-memory types with their field names): the tags below spell it
// out, mixed case included, so that those checkpoints are still read.
package checkpointv1 // import "github.com/otelcol-chaos/otelcol-chaos/exporter/alertexporter/internal/checkpointv1"

import "time"

// Version is the format version this package writes and reads.
const Version = 1

// Checkpoint is the whole stored state.
type Checkpoint struct {
	Version int   `json:"version"`
	Store   Store `json:"store"`
	// Alerts are the pending, firing and resolved (within retention)
	// alerts, ordered by fingerprint.
	Alerts []Alert `json:"alerts"`
	// Groups are the notification groups, ordered by key.
	Groups []Group `json:"groups"`
	// LastEval is the event time (Unix ns) of the last evaluation.
	LastEval int64 `json:"last_eval"`
	// Undelivered are the notifications delivery had not done at shutdown.
	Undelivered []Notification `json:"undelivered"`
}

// Store is what the rules read: each scope's finest buckets, the open
// anomalies and the latest health score per scope.
type Store struct {
	Series    []Series  `json:"series"`
	Anomalies []Anomaly `json:"anomalies"`
	Health    []Health  `json:"health"`
	// Latest is the newest data time seen (Unix ns).
	Latest int64 `json:"latest"`
}

// Series is one scope's buckets, oldest first.
type Series struct {
	// Scope is global, service or endpoint (chaos.bucket.scope's values).
	Scope    string  `json:"scope"`
	Key      string  `json:"key"`
	Points   []Point `json:"points"`
	LastData int64   `json:"last_data"` // end (Unix ns) of the newest bucket with events
}

// Point is what the rules read of one bucket.
type Point struct {
	StartUnixNano       int64   `json:"StartUnixNano"`
	EndUnixNano         int64   `json:"EndUnixNano"`
	Events              float64 `json:"Events"`
	Faults              float64 `json:"Faults"`
	RateLimitViolations float64 `json:"RateLimitViolations"`
	LatencySumMs        float64 `json:"LatencySumMs"`
	LatencyCount        float64 `json:"LatencyCount"`
	LatencyMaxMs        float64 `json:"LatencyMaxMs"`
	LatencyP95Ms        float64 `json:"LatencyP95Ms"`
	Probes              float64 `json:"Probes"`
	ProbeFailures       float64 `json:"ProbeFailures"`
	ImpactSeverity      float64 `json:"ImpactSeverity"`
	DegradationPct      float64 `json:"DegradationPct"`
	// Optional (absent in checkpoints written before the chaos_spans
	// connector existed, and when the bucket had no observed traffic).
	ObservedRequests float64 `json:"ObservedRequests,omitempty"`
	ObservedErrors   float64 `json:"ObservedErrors,omitempty"`
	ObservedP95Ms    float64 `json:"ObservedP95Ms,omitempty"`
}

// ScopeRef names a scope. Kind is a number fixed by this schema (see
// scopeKinds), whatever the in-memory enumeration's values become.
type ScopeRef struct {
	Kind int    `json:"Kind"`
	Key  string `json:"Key"`
}

// Anomaly is an open anomaly as last reported (chaos.anomaly).
type Anomaly struct {
	ID          string   `json:"ID"`
	Type        string   `json:"Type"`
	State       string   `json:"State"`
	Scope       ScopeRef `json:"Scope"`
	Metric      string   `json:"Metric"`
	AtUnixNano  int64    `json:"AtUnixNano"`
	Width       int64    `json:"Width"` // ns; 0: not recorded
	Start       int64    `json:"Start"`
	End         int64    `json:"End"`
	PeakTime    int64    `json:"PeakTime"`
	PeakValue   float64  `json:"PeakValue"`
	Observed    float64  `json:"Observed"`
	Expected    float64  `json:"Expected"`
	BandLow     float64  `json:"BandLow"`
	BandHigh    float64  `json:"BandHigh"`
	Score       float64  `json:"Score"`
	Severity    string   `json:"Severity"`
	Description string   `json:"Description"`
	Actions     []string `json:"Actions"`
	CloseReason string   `json:"CloseReason"`
}

// Health is a scope's latest health score. Width, Components and Factors
// are written as the store has them (it keeps none) and not read.
type Health struct {
	Scope      ScopeRef           `json:"Scope"`
	AtUnixNano int64              `json:"AtUnixNano"`
	Width      int64              `json:"Width"`
	Score      float64            `json:"Score"`
	Components map[string]float64 `json:"Components"`
	Factors    []string           `json:"Factors"`
}

// Alert is one alert of the lifecycle. Times are event times (Unix ns).
type Alert struct {
	Fingerprint string            `json:"fingerprint"`
	Rule        string            `json:"rule"`
	Labels      map[string]string `json:"labels"`
	Annotations map[string]string `json:"annotations"`
	State       string            `json:"state"` // pending | firing | resolved
	Value       float64           `json:"value"`
	ActiveAt    int64             `json:"active_at"`
	FiredAt     int64             `json:"fired_at"`
	LastSeen    int64             `json:"last_seen"`
	ResolvedAt  int64             `json:"resolved_at"`
}

// Group is one notification group: its alerts as handlers see them, when
// it is next due (wall time), and what each handler was last told.
type Group struct {
	Key       string                 `json:"key"`
	Labels    map[string]string      `json:"labels"`
	Alerts    map[string]NotifyAlert `json:"alerts"` // fingerprint → latest view
	NextFlush time.Time              `json:"next_flush"`
	Sent      map[string]Sent        `json:"sent"` // handler → what it was last sent
}

// Sent is what one handler was last told of a group.
type Sent struct {
	Firing   map[string]bool `json:"firing"`
	Resolved map[string]bool `json:"resolved"`
	At       time.Time       `json:"at"`
}

// NotifyAlert is an alert as a handler sees it (wall times, RFC 3339;
// EndsAt is the zero time while firing).
type NotifyAlert struct {
	Fingerprint  string            `json:"Fingerprint"`
	Labels       map[string]string `json:"Labels"`
	Annotations  map[string]string `json:"Annotations"`
	StartsAt     time.Time         `json:"StartsAt"`
	EndsAt       time.Time         `json:"EndsAt"`
	GeneratorURL string            `json:"GeneratorURL"`
}

// Notification is one group's notification to one handler.
type Notification struct {
	Receiver    string            `json:"Receiver"`
	GroupKey    string            `json:"GroupKey"`
	GroupLabels map[string]string `json:"GroupLabels"`
	Alerts      []NotifyAlert     `json:"Alerts"`
	Term        uint64            `json:"Term"`
	Sender      string            `json:"Sender"`
	ExternalURL string            `json:"ExternalURL"`
}
