package gameday

import "time"

// Summary is what the collector concluded about a game day.
type Summary struct {
	From   time.Time `json:"from"`
	To     time.Time `json:"to"`
	Phases []Phase   `json:"phases"`
	// Anomalies opened during the run, in the order they opened.
	Anomalies []Anomaly `json:"anomalies"`
	// Alerts that fired during the run, in the order they fired.
	Alerts []Alert `json:"alerts"`
	// LowestHealth is the lowest global health score of the run (nil
	// when the collector reported none).
	LowestHealth *Health `json:"lowest_health,omitempty"`
	// Next is where to look next.
	Next []Pointer `json:"next"`
}

// Phase is the time between two scenario transitions the collector saw.
type Phase struct {
	Name     string    `json:"name"`     // calm, storm: <scenario>, recovery
	Scenario string    `json:"scenario"` // the scenario entered
	Storm    bool      `json:"storm"`
	From     time.Time `json:"from"`
	To       time.Time `json:"to"`
	Events   int64     `json:"events"`
	Faults   int64     `json:"faults"`
	// Severity and DegradationPct are the impact of the phase's buckets
	// merged (the dashboard's /api/v1/impact).
	Severity       float64 `json:"impact_severity"`
	DegradationPct float64 `json:"degradation_pct"`
	Measured       bool    `json:"measured"`
}

// Anomaly is one anomaly the collector opened.
type Anomaly struct {
	Type     string    `json:"type"`
	Severity string    `json:"severity"`
	Scope    string    `json:"scope"`
	Key      string    `json:"key"`
	Opened   time.Time `json:"opened"`
	// Closed is zero while the anomaly is open.
	Closed      time.Time `json:"closed,omitzero"`
	CloseReason string    `json:"close_reason,omitempty"`
	Phase       string    `json:"phase"` // the phase it opened in
}

// Alert is one alert that fired.
type Alert struct {
	Rule     string    `json:"rule"`
	Scope    string    `json:"scope"`
	Key      string    `json:"key"`
	Severity string    `json:"severity"`
	Fired    time.Time `json:"fired"`
	// Resolved is zero while the alert fires.
	Resolved time.Time `json:"resolved,omitzero"`
	Summary  string    `json:"summary,omitempty"`
	Phase    string    `json:"phase"` // the phase it fired in
}

// Health is a health score and what lowered it.
type Health struct {
	Score      float64            `json:"score"`
	At         time.Time          `json:"at"`
	Components map[string]float64 `json:"components"`
	Factors    []string           `json:"factors"`
	Phase      string             `json:"phase"`
}

// Pointer is a place to look next.
type Pointer struct {
	What  string `json:"what"`
	Where string `json:"where"`
}
