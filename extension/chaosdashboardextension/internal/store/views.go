package store

import (
	"time"

	"github.com/otelcol-chaos/otelcol-chaos/internal/chaosconv"
)

// The types below are the JSON shapes of PROTOCOL.md, shared by the API's
// responses and the stream's message data. Times are UTC; floats are Float
// (never NaN in the output); lists and maps are never null.

// Impact is an impact object: `{"severity","degradation_pct","measured"}`.
type Impact struct {
	Severity       Float `json:"severity"`
	DegradationPct Float `json:"degradation_pct"`
	Measured       bool  `json:"measured"`
	// Source is what the degradation comes from: spans, probes or estimated.
	Source string `json:"source"`
}

// Latency is a latency_ms object (null when no latency was recorded).
type Latency struct {
	Count uint64 `json:"count"`
	Avg   Float  `json:"avg"`
	P50   Float  `json:"p50"`
	P95   Float  `json:"p95"`
	P99   Float  `json:"p99"`
}

// Bucket is one closed bucket.
type Bucket struct {
	Start               time.Time `json:"start"`
	End                 time.Time `json:"end"`
	Scope               string    `json:"scope"`
	Key                 string    `json:"key"`
	Width               Width     `json:"width"`
	Events              uint64    `json:"events"`
	Faults              uint64    `json:"faults"`
	RateLimitViolations uint64    `json:"rate_limit_violations"`
	TrafficEvents       uint64    `json:"traffic_events"`
	ProbeSuccesses      uint64    `json:"probe_successes"`
	ProbeFailures       uint64    `json:"probe_failures"`
	LatencyMs           *Latency  `json:"latency_ms"`
	Impact              Impact    `json:"impact"`
	// Observed is what the scope's own server spans showed (null without
	// any: the chaos_spans connector's records, merged by chaos_analytics).
	Observed *Observed `json:"observed"`
}

// Observed is what a scope's own server spans showed: adjusted counts of
// requests and errors, and the requests' latency.
type Observed struct {
	Requests   Float    `json:"requests"`
	Errors     Float    `json:"errors"`
	ErrorRatio Float    `json:"error_ratio"`
	LatencyMs  *Latency `json:"latency_ms"`
}

func observedOf(t *chaosconv.Traffic) *Observed {
	if t.Spans == 0 {
		return nil
	}
	return &Observed{Requests: Float(t.Requests), Errors: Float(t.Errors), ErrorRatio: Float(t.ErrorRatio()),
		LatencyMs: latencyOf(&t.Latency)}
}

// EndpointEvents is one entry of top_endpoints.
type EndpointEvents struct {
	Endpoint string `json:"endpoint"`
	Events   uint64 `json:"events"`
}

// Window is the answer of /api/v1/impact: the window's buckets merged.
type Window struct {
	From         time.Time        `json:"from"`
	To           time.Time        `json:"to"`
	Scope        string           `json:"scope"`
	Key          string           `json:"key"`
	Events       uint64           `json:"events"`
	Faults       uint64           `json:"faults"`
	LatencyMs    *Latency         `json:"latency_ms"`
	Impact       Impact           `json:"impact"`
	TopEndpoints []EndpointEvents `json:"top_endpoints"`
	Observed     *Observed        `json:"observed"`
}

// Anomaly is the latest state of one anomaly.
type Anomaly struct {
	ID          string    `json:"id"`
	Type        string    `json:"type"`
	State       string    `json:"state"`
	Severity    string    `json:"severity"`
	Scope       string    `json:"scope"`
	Key         string    `json:"key"`
	Width       Width     `json:"width"`
	Opened      time.Time `json:"opened"`
	At          time.Time `json:"at"`
	Value       Float     `json:"value"`
	Expected    Float     `json:"expected"`
	Score       Float     `json:"score"`
	Description string    `json:"description"`
	CloseReason string    `json:"close_reason"`
}

// Health is the latest health of one scope.
type Health struct {
	Scope      string           `json:"scope"`
	Key        string           `json:"key"`
	Score      Float            `json:"score"`
	At         time.Time        `json:"at"`
	Components map[string]Float `json:"components"`
	Factors    []string         `json:"factors"`
}

// Trend is the latest trend of one metric of one scope.
type Trend struct {
	Scope      string    `json:"scope"`
	Key        string    `json:"key"`
	Metric     string    `json:"metric"`
	Direction  string    `json:"direction"`
	Slope      Float     `json:"slope"`
	Confidence Float     `json:"confidence"`
	At         time.Time `json:"at"`
}

// Forecast is the latest forecast of one metric of one scope.
type Forecast struct {
	Scope  string    `json:"scope"`
	Key    string    `json:"key"`
	Metric string    `json:"metric"`
	Target time.Time `json:"target"`
	Value  Float     `json:"value"`
	Lower  Float     `json:"lower"`
	Upper  Float     `json:"upper"`
	At     time.Time `json:"at"`
}

// Transition is one alert transition.
type Transition struct {
	At          time.Time         `json:"at"`
	Fingerprint string            `json:"fingerprint"`
	Rule        string            `json:"rule"`
	Labels      map[string]string `json:"labels"`
	Annotations map[string]string `json:"annotations"`
	From        string            `json:"from"`
	To          string            `json:"to"`
	Value       Float             `json:"value"`
}

// Scenario is a scenario transition; the stream's message carries no "at"
// (the message has its own), the stats and /api/v1/scenarios do.
type Scenario struct {
	From string    `json:"from"`
	To   string    `json:"to"`
	At   time.Time `json:"at,omitzero"`
}

// HealthSummary is the stats' global health.
type HealthSummary struct {
	Score Float     `json:"score"`
	At    time.Time `json:"at"`
}

// Stats is the answer of /api/v1/stats. AsOf is the data's "now" every
// "last hour" is measured from (null before any global bucket).
type Stats struct {
	AsOf           *time.Time       `json:"as_of"`
	EventsLastHour uint64           `json:"events_last_hour"`
	EventsLastDay  uint64           `json:"events_last_day"`
	LatencyAvgMs   *Float           `json:"latency_avg_ms"`
	FaultsLastHour uint64           `json:"faults_last_hour"`
	ActiveAlerts   int              `json:"active_alerts"`
	Impact         *Impact          `json:"impact"`
	TopEndpoints   []EndpointEvents `json:"top_endpoints"`
	OpenAnomalies  int              `json:"open_anomalies"`
	Health         *HealthSummary   `json:"health"`
	Scenario       *Scenario        `json:"scenario"`
}

// utc is a data timestamp as the JSON writes it.
func utc(unixNano int64) time.Time { return time.Unix(0, unixNano).UTC() }

func latencyOf(s *chaosconv.Stats) *Latency {
	if s.Count == 0 {
		return nil
	}
	l := &Latency{Count: s.Count, Avg: Float(s.Mean())}
	for _, q := range []struct {
		dst *Float
		q   float64
	}{{&l.P50, 0.50}, {&l.P95, 0.95}, {&l.P99, 0.99}} {
		if v, ok := s.Quantile(q.q); ok {
			*q.dst = Float(v)
		}
	}
	return l
}

func topOf(eps []chaosconv.EndpointCount) []EndpointEvents {
	out := make([]EndpointEvents, len(eps))
	for i, e := range eps {
		out[i] = EndpointEvents{Endpoint: e.Endpoint, Events: e.Events}
	}
	return out
}

func bucketOf(e *entry) Bucket {
	b := e.b
	return Bucket{
		Start: utc(b.StartUnixNano), End: utc(b.EndUnixNano()), Scope: b.Scope.String(), Key: b.Key,
		Width: Width(b.Width), Events: b.Events, Faults: b.Faults, RateLimitViolations: b.RateLimitViolations,
		TrafficEvents: b.TrafficEvents, ProbeSuccesses: b.ProbeSuccesses, ProbeFailures: b.ProbeFailures,
		LatencyMs: latencyOf(&b.Latency), Impact: e.impact, Observed: observedOf(&b.Observed),
	}
}

func anomalyOf(a *chaosconv.Anomaly) Anomaly {
	return Anomaly{ID: a.ID, Type: string(a.Type), State: string(a.State), Severity: string(a.Severity),
		Scope: a.Scope.Kind.String(), Key: a.Scope.Key, Width: Width(a.Width), Opened: utc(a.Start),
		At: utc(a.AtUnixNano), Value: Float(a.Observed), Expected: Float(a.Expected), Score: Float(a.Score),
		Description: a.Description, CloseReason: string(a.CloseReason)}
}

func healthOf(h *chaosconv.Health) Health {
	comps := make(map[string]Float, len(h.Components))
	for k, v := range h.Components {
		comps[k] = Float(v)
	}
	factors := h.Factors
	if factors == nil {
		factors = []string{}
	}
	return Health{Scope: h.Scope.Kind.String(), Key: h.Scope.Key, Score: Float(h.Score), At: utc(h.AtUnixNano),
		Components: comps, Factors: factors}
}

func trendOf(t *chaosconv.Trend) Trend {
	return Trend{Scope: t.Scope.Kind.String(), Key: t.Scope.Key, Metric: t.Metric, Direction: string(t.Direction),
		Slope: Float(t.Slope), Confidence: Float(t.Confidence), At: utc(t.AtUnixNano)}
}

func forecastOf(f *chaosconv.Forecast) Forecast {
	return Forecast{Scope: f.Scope.Kind.String(), Key: f.Scope.Key, Metric: f.Metric, Target: utc(f.TargetUnixNano),
		Value: Float(f.Value), Lower: Float(f.Low), Upper: Float(f.High), At: utc(f.AtUnixNano)}
}
