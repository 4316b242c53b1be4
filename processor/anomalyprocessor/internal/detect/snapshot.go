package detect

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/otelcol-chaos/otelcol-chaos/internal/chaosconv"
	"github.com/otelcol-chaos/otelcol-chaos/processor/anomalyprocessor/internal/checkpointv2"
)

// ErrSnapshot is returned for a snapshot this engine cannot restore.
var ErrSnapshot = errors.New("detector snapshot unusable")

// The snapshot is the schema of internal/checkpointv2 (JSON, version 2);
// this file maps the engine's state to it and back. No engine type is
// encoded as is: renaming a field here changes nothing stored.

func (l *lifecycle) snapshot() checkpointv2.Lifecycle {
	out := checkpointv2.Lifecycle{Streak: l.streak, Calm: l.calm, Unjudged: l.unjudged, FirstAt: l.firstAt,
		LastHitAt: l.lastHitAt}
	if l.open != nil {
		a := anomalyOut(l.open)
		out.Open = &a
	}
	return out
}

func (l *lifecycle) restore(s checkpointv2.Lifecycle) error {
	l.streak, l.calm, l.unjudged, l.firstAt, l.lastHitAt, l.open = s.Streak, s.Calm, s.Unjudged, s.FirstAt, s.LastHitAt, nil
	if s.Open != nil {
		a, err := anomalyIn(s.Open)
		if err != nil {
			return err
		}
		l.open = a
	}
	return nil
}

func anomalyOut(a *chaosconv.Anomaly) checkpointv2.Anomaly {
	return checkpointv2.Anomaly{ID: a.ID, Type: string(a.Type), State: string(a.State), ScopeKind: a.Scope.Kind.String(),
		ScopeKey: a.Scope.Key, Metric: a.Metric, At: a.AtUnixNano, WidthNs: int64(a.Width), Start: a.Start, End: a.End,
		PeakTime: a.PeakTime, PeakValue: checkpointv2.Float(a.PeakValue), Observed: checkpointv2.Float(a.Observed),
		Expected: checkpointv2.Float(a.Expected), BandLow: checkpointv2.Float(a.BandLow),
		BandHigh: checkpointv2.Float(a.BandHigh), Score: checkpointv2.Float(a.Score), Severity: string(a.Severity),
		Description: a.Description, Actions: a.Actions, CloseReason: string(a.CloseReason)}
}

func anomalyIn(a *checkpointv2.Anomaly) (*chaosconv.Anomaly, error) {
	kind := chaosconv.ParseScopeKind(a.ScopeKind)
	if kind == chaosconv.ScopeUnknown {
		return nil, fmt.Errorf("anomaly %s: unknown scope kind %q", a.ID, a.ScopeKind)
	}
	return &chaosconv.Anomaly{ID: a.ID, Type: chaosconv.AnomalyType(a.Type), State: chaosconv.AnomalyState(a.State),
		Scope: chaosconv.ScopeRef{Kind: kind, Key: a.ScopeKey}, Metric: a.Metric, AtUnixNano: a.At,
		Width: time.Duration(a.WidthNs), Start: a.Start, End: a.End, PeakTime: a.PeakTime,
		PeakValue: float64(a.PeakValue), Observed: float64(a.Observed), Expected: float64(a.Expected),
		BandLow: float64(a.BandLow), BandHigh: float64(a.BandHigh), Score: float64(a.Score),
		Severity: chaosconv.Severity(a.Severity), Description: a.Description, Actions: a.Actions,
		CloseReason: chaosconv.CloseReason(a.CloseReason)}, nil
}

// MarshalBinary snapshots every scope's detector state: baselines, trend
// windows, forecasters, open anomalies, streaks, and pending cascades.
func (e *Engine) MarshalBinary() ([]byte, error) {
	cp := checkpointv2.Checkpoint{WidthNs: e.width, MaxAt: e.maxAt, Cascade: e.cascade.snapshot(),
		Scopes: make([]checkpointv2.Scope, 0, len(e.order)), Spreads: make([]checkpointv2.Spread, 0, len(e.affected))}
	for _, t := range slices.Sorted(maps.Keys(e.affected)) {
		sp := e.affected[t]
		cp.Spreads = append(cp.Spreads, checkpointv2.Spread{At: t, AffectedServices: sp.affected[0],
			AffectedEndpoints: sp.affected[1], JoinedServices: sp.joined[0], JoinedEndpoints: sp.joined[1],
			Endpoints: sp.endpoints})
	}
	for _, s := range e.order {
		sc := checkpointv2.Scope{Kind: s.ref.Kind.String(), Key: s.ref.Key, Last: s.last, Seen: s.seen, Since: s.since,
			Affected: s.affected, Series: make([]checkpointv2.Series, 0, metricCount),
			Detectors: make([]checkpointv2.Detector, 0, len(perScopeDetectors))}
		for m, sr := range s.series {
			sc.Series = append(sc.Series, checkpointv2.Series{Metric: Metrics[m], Held: s.held[m],
				Baseline: sr.base.AppendBinary(nil), Trend: sr.trend.AppendBinary(nil), Holt: sr.holt.AppendBinary(nil)})
		}
		for i, d := range perScopeDetectors {
			sc.Detectors = append(sc.Detectors, checkpointv2.Detector{Type: d.name,
				RunZ: checkpointv2.Float(s.runZ[i]), RunN: s.runN[i], Lifecycle: s.life[i].snapshot()})
		}
		cp.Scopes = append(cp.Scopes, sc)
	}
	return checkpointv2.Marshal(&cp)
}

// UnmarshalBinary restores a snapshot into an engine just made by New
// with the same width, or with width 0 (not known yet: the snapshot's is
// taken). On error the engine is left empty.
func (e *Engine) UnmarshalBinary(data []byte) error {
	cp, err := checkpointv2.Unmarshal(data)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrSnapshot, err)
	}
	if e.width == 0 && cp.WidthNs > 0 {
		e.width = cp.WidthNs
	}
	if cp.WidthNs != e.width {
		return fmt.Errorf("%w: width %s, configured %s", ErrSnapshot, time.Duration(cp.WidthNs), time.Duration(e.width))
	}
	fresh := New(e.cfg, time.Duration(e.width))
	for _, sc := range cp.Scopes {
		kind := chaosconv.ParseScopeKind(sc.Kind)
		if kind == chaosconv.ScopeUnknown {
			return fmt.Errorf("%w: unknown scope kind %q", ErrSnapshot, sc.Kind)
		}
		s := fresh.scope(chaosconv.ScopeRef{Kind: kind, Key: sc.Key})
		if s == nil {
			continue // max_scopes shrank: the excess starts afresh
		}
		if err := s.restore(&sc); err != nil {
			return fmt.Errorf("%w: scope %s %q: %w", ErrSnapshot, sc.Kind, sc.Key, err)
		}
	}
	fresh.maxAt = cp.MaxAt
	for _, sp := range cp.Spreads {
		fresh.affected[sp.At] = &spread{affected: [2]int{sp.AffectedServices, sp.AffectedEndpoints},
			joined: [2]int{sp.JoinedServices, sp.JoinedEndpoints}, endpoints: sp.Endpoints}
	}
	if err := fresh.cascade.restore(cp.Cascade); err != nil {
		return fmt.Errorf("%w: cascade: %w", ErrSnapshot, err)
	}
	fresh.stats = e.stats
	*e = *fresh
	return nil
}

// restore puts a scope's state back. The checkpoint names the engine's
// metrics and detectors, each once, or it is refused: a series or a
// detector the code no longer has would leave the scope half restored. The
// one exception is the series of the scope's own requests and their
// detectors, added after checkpoints of this version were first written:
// absent from a checkpoint, they start afresh (they warm up on the next
// buckets with spans).
func (s *scopeState) restore(sc *checkpointv2.Scope) error {
	s.last, s.seen, s.since, s.affected = sc.Last, sc.Seen, sc.Since, sc.Affected
	var metrics [metricCount]bool
	for _, sr := range sc.Series {
		m := slices.Index(Metrics, sr.Metric)
		if m < 0 || metrics[m] {
			return fmt.Errorf("unknown or repeated metric %q", sr.Metric)
		}
		metrics[m] = true
		s.held[m] = sr.Held
		ser := s.series[m]
		for i, err := range []error{ser.base.UnmarshalBinary(sr.Baseline), ser.trend.UnmarshalBinary(sr.Trend),
			ser.holt.UnmarshalBinary(sr.Holt)} {
			if err != nil {
				return fmt.Errorf("series %s part %d: %w", sr.Metric, i, err)
			}
		}
	}
	for m, ok := range metrics {
		if !ok && !addedLater(m) {
			return fmt.Errorf("metric %s missing: %d metrics, the engine keeps %d", Metrics[m], len(sc.Series), metricCount)
		}
	}
	var restored [detectorCount]bool
	for _, d := range sc.Detectors {
		i, ok := detectorIndex[d.Type]
		if !ok || restored[i] {
			return fmt.Errorf("unknown or repeated detector %q", d.Type)
		}
		restored[i] = true
		s.runZ[i], s.runN[i] = float64(d.RunZ), d.RunN
		if err := s.life[i].restore(d.Lifecycle); err != nil {
			return err
		}
	}
	for i, ok := range restored {
		if !ok && !addedLater(perScopeDetectors[i].metric) {
			return fmt.Errorf("detector %s missing: %d detectors, the engine runs %d", perScopeDetectors[i].name,
				len(sc.Detectors), detectorCount)
		}
	}
	return nil
}

// addedLater reports whether metric m is one of the series of the scope's
// own requests, which checkpoints written before them lack.
func addedLater(m int) bool { return m == mRequests || m == mReqErrors || m == mReqLatency }
