package chaosconv

import (
	"math"
	"slices"
	"strings"
	"time"
)

// ImpactConfig parameterises the impact formula.
type ImpactConfig struct {
	// LatencyBudget is the p95 injected latency at which the latency factor
	// reaches 1 (a delay of that size is taken as fully degrading).
	LatencyBudget time.Duration
	// TopEndpoints is how many endpoints the impact lists.
	TopEndpoints int
	// ObservedMinRequests is how many requests (adjusted count) a bucket's
	// observed traffic and its baseline each need for the degradation to be
	// measured from spans.
	ObservedMinRequests float64
}

// DefaultImpactConfig is a 1 s latency budget, the top 5 endpoints and 20
// requests for a measurement from spans.
func DefaultImpactConfig() ImpactConfig {
	return ImpactConfig{LatencyBudget: time.Second, TopEndpoints: 5, ObservedMinRequests: DefaultObservedMinRequests}
}

// DefaultObservedMinRequests is ImpactConfig.ObservedMinRequests's default.
const DefaultObservedMinRequests = 20

// Values of Impact.Source: what the degradation comes from.
const (
	ImpactSourceSpans     = "spans"     // the scope's own requests against their pre-chaos baseline
	ImpactSourceProbes    = "probes"    // steady-state probes
	ImpactSourceEstimated = "estimated" // the injected chaos alone
)

// Weights of the severity formula (see Impact).
const (
	weightFault     = 0.6
	weightLatency   = 0.3
	weightRateLimit = 0.1
	// weightEstimatedLatency is the share of latency-affected traffic taken
	// as degraded when no probe measured it.
	weightEstimatedLatency = 0.5
)

// EndpointCount is one affected endpoint and its event count.
type EndpointCount struct {
	Endpoint string
	Events   uint64
}

// Impact is what a window of chaos did. See docs/semantic-conventions.md
// for the formula; in short, with
//
//	f = faults / events               (injected fault share)
//	r = rate-limit violations / events
//	l = min(1, p95 injected delay / latency budget)
//	p = failed probes / probes        (measured steady-state violations)
//
// severity = 1 − (1 − max(p, e))(1 − 0.6 f)(1 − 0.3 max(l, s))(1 − 0.1 r),
// in [0, 1]: each factor is read as an independent chance that the system
// is degraded, a failed probe or request fully, an injected fault or delay
// partly (not every one surfaces to users). e and s are what the scope's
// own requests showed against their pre-chaos baseline (0 without one):
//
//	e = max(0, error ratio − baseline error ratio)
//	s = min(1, max(0, p95 / baseline p95 − 1))
//
// The degradation percentage comes, in this order, from the spans —
// 100 × (1 − (1 − e)(1 − 0.5 s)), when the bucket and its baseline have
// ObservedMinRequests each —, from probes — 100 × (failed + slow
// successful probes) / probes —, or is estimated from the injected chaos:
// 100 × (1 − (1 − f)(1 − 0.5 l)). Source says which.
type Impact struct {
	Severity       float64
	DegradationPct float64
	Measured       bool // DegradationPct comes from spans or probes
	Source         string
	// ObservedErrorIncrease (e) and ObservedLatencyFactor (s): what the
	// scope's requests showed against their baseline (Source spans).
	ObservedErrorIncrease float64
	ObservedLatencyFactor float64
	FaultRatio            float64
	RateLimitRatio        float64
	LatencyFactor         float64
	ProbeFailureRatio     float64
	// TopEndpoints are the most affected endpoints, most events first,
	// ties by name: the order never depends on map iteration.
	TopEndpoints []EndpointCount
	// PeakStartUnixNano and PeakEvents are the busiest finest-width bucket.
	PeakStartUnixNano int64
	PeakEvents        uint64
}

// Impact computes the impact of the bucket's window.
func (b *Bucket) Impact(cfg *ImpactConfig) Impact {
	im := Impact{PeakStartUnixNano: b.PeakStartUnixNano, PeakEvents: b.PeakEvents}
	if b.Events > 0 {
		im.FaultRatio = float64(b.Faults) / float64(b.Events)
		im.RateLimitRatio = float64(b.RateLimitViolations) / float64(b.Events)
	}
	if p95, ok := b.Latency.Quantile(0.95); ok && cfg.LatencyBudget > 0 {
		im.LatencyFactor = math.Min(1, p95/(float64(cfg.LatencyBudget)/float64(time.Millisecond)))
	}
	probes := b.ProbeSuccesses + b.ProbeFailures
	if probes > 0 {
		im.ProbeFailureRatio = float64(b.ProbeFailures) / float64(probes)
	}
	spans := b.observedAgainstBaseline(cfg, &im)
	switch {
	case spans:
		im.Measured, im.Source = true, ImpactSourceSpans
		im.DegradationPct = 100 * (1 - (1-im.ObservedErrorIncrease)*(1-weightEstimatedLatency*im.ObservedLatencyFactor))
	case probes > 0:
		im.Measured, im.Source = true, ImpactSourceProbes
		im.DegradationPct = 100 * float64(b.ProbeFailures+b.ProbeSlow) / float64(probes)
	default:
		im.Source = ImpactSourceEstimated
		im.DegradationPct = 100 * (1 - (1-im.FaultRatio)*(1-weightEstimatedLatency*im.LatencyFactor))
	}
	im.Severity = 1 - (1-math.Max(im.ProbeFailureRatio, im.ObservedErrorIncrease))*(1-weightFault*im.FaultRatio)*
		(1-weightLatency*math.Max(im.LatencyFactor, im.ObservedLatencyFactor))*(1-weightRateLimit*im.RateLimitRatio)
	im.TopEndpoints = topEndpoints(b.AffectedEndpoints(), cfg.TopEndpoints)
	return im
}

// observedAgainstBaseline sets e and s (see Impact) when the bucket's
// observed traffic and its baseline both have the minimum of requests, and
// reports whether they did.
func (b *Bucket) observedAgainstBaseline(cfg *ImpactConfig, im *Impact) bool {
	base, o := &b.ObservedBaseline, &b.Observed
	if o.Requests < cfg.ObservedMinRequests || base.Requests < cfg.ObservedMinRequests || o.Requests <= 0 ||
		base.Requests <= 0 {
		return false
	}
	im.ObservedErrorIncrease = math.Max(0, o.ErrorRatio()-base.ErrorRatio)
	if p95, ok := o.Latency.Quantile(0.95); ok && base.P95Ms > 0 {
		im.ObservedLatencyFactor = math.Min(1, math.Max(0, p95/base.P95Ms-1))
	}
	return true
}

func topEndpoints(c Counter, n int) []EndpointCount {
	if n <= 0 || len(c) == 0 {
		return nil
	}
	all := make([]EndpointCount, 0, len(c))
	for k, v := range c {
		all = append(all, EndpointCount{Endpoint: k, Events: v})
	}
	slices.SortFunc(all, func(a, b EndpointCount) int {
		if a.Events != b.Events {
			if a.Events > b.Events {
				return -1
			}
			return 1
		}
		return strings.Compare(a.Endpoint, b.Endpoint)
	})
	return all[:min(n, len(all))]
}

// ImpactOver is the impact of any window made of buckets of one scope
// (for example every 1-minute bucket of the last hour): their merge, and
// the impact of that merge. The window spans from the earliest start to the
// latest end.
func ImpactOver(buckets []*Bucket, lim *Limits, cfg *ImpactConfig) (*Bucket, Impact) {
	if len(buckets) == 0 {
		return nil, Impact{}
	}
	start, end := buckets[0].StartUnixNano, buckets[0].EndUnixNano()
	for _, b := range buckets[1:] {
		start, end = min(start, b.StartUnixNano), max(end, b.EndUnixNano())
	}
	w := NewBucket(buckets[0].Scope, buckets[0].Key, start, time.Duration(end-start))
	for _, b := range buckets {
		w.Merge(b, lim)
	}
	return w, w.Impact(cfg)
}
