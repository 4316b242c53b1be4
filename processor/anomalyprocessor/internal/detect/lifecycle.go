package detect

import (
	"encoding/binary"
	"encoding/hex"
	"hash/fnv"
	"math"

	"github.com/otelcol-chaos/otelcol-chaos/internal/chaosconv"
)

// observation is what one detector saw in one bucket.
type observation struct {
	hit      bool // anomalous
	normal   bool // clearly normal again (hysteresis); neither hit nor normal keeps the state
	unjudged bool // says nothing either way (a ratio of too few events)
	value    float64
	expected float64
	lo, hi   float64
	score    float64 // how far outside the band, in σ (or the type's own unit)
}

// lifecycle is one (scope, type): at most one open anomaly, opened after
// Persist anomalous buckets, closed after Clear buckets that are normal or
// cannot be judged, with a record on open, on each new peak, and on close.
//
// A bucket that cannot be judged (a ratio of too few events) neither keeps
// an anomaly open nor proves it over: it counts toward closing like a
// normal one, and an anomaly closed by such buckets only says so
// (insufficient_data). Otherwise an anomaly on a series whose volume fell
// after the storm would stay open for as long as the volume stays low.
// Pooling low-volume buckets until a ratio can be judged was the other
// way; it would delay the close by as many buckets as the pooling needs,
// and say less about why.
type lifecycle struct {
	streak    int   // consecutive anomalous buckets while closed
	firstAt   int64 // first bucket of the streak
	calm      int   // consecutive normal buckets while open
	unjudged  int   // consecutive buckets that could not be judged while open
	lastHitAt int64 // last anomalous bucket while open
	open      *chaosconv.Anomaly
}

func (l *lifecycle) step(cfg *TypeConfig, width int64, at int64, o observation, describe func(*chaosconv.Anomaly)) *chaosconv.Anomaly {
	if l.open == nil {
		if !o.hit {
			l.streak = 0
			return nil
		}
		if l.streak == 0 {
			l.firstAt = at
		}
		l.streak++
		if l.streak < cfg.Persist {
			return nil
		}
		l.streak, l.calm, l.lastHitAt = 0, 0, at
		a := &chaosconv.Anomaly{State: chaosconv.AnomalyOpen, Start: l.firstAt, AtUnixNano: at,
			PeakTime: at, PeakValue: o.value, Score: o.score}
		fill(a, o, cfg)
		describe(a)
		l.open = a
		return a
	}
	a := l.open
	switch {
	case o.hit:
		l.calm, l.unjudged, l.lastHitAt = 0, 0, at
		if math.Abs(o.score) > math.Abs(a.Score) {
			a.State, a.AtUnixNano, a.PeakTime, a.PeakValue, a.Score = chaosconv.AnomalyUpdate, at, at, o.value, o.score
			fill(a, o, cfg)
			describe(a)
			return a
		}
	case o.normal || o.unjudged:
		if o.normal {
			l.calm++
		} else {
			l.unjudged++
		}
		if l.calm+l.unjudged >= cfg.Clear {
			a.State, a.AtUnixNano, a.End = chaosconv.AnomalyClosed, at, l.lastHitAt+width
			a.Observed, a.Expected, a.BandLow, a.BandHigh = o.value, o.expected, o.lo, o.hi
			a.CloseReason = chaosconv.CloseNormal
			if l.calm == 0 {
				a.CloseReason = chaosconv.CloseInsufficientData
			}
			describe(a)
			l.open, l.calm, l.unjudged = nil, 0, 0
			return a
		}
	default:
		l.calm, l.unjudged = 0, 0
	}
	return nil
}

// fill copies the observation and grades the severity: critical at twice
// the opening threshold.
func fill(a *chaosconv.Anomaly, o observation, cfg *TypeConfig) {
	a.Observed, a.Expected, a.BandLow, a.BandHigh = o.value, o.expected, o.lo, o.hi
	a.Severity = chaosconv.SeverityWarning
	if cfg.Threshold > 0 && math.Abs(a.Score) >= 2*cfg.Threshold {
		a.Severity = chaosconv.SeverityCritical
	}
}

// anomalyID is stable for an anomaly's whole life and across collectors:
// the same series, type and start give the same id.
func anomalyID(t chaosconv.AnomalyType, s chaosconv.ScopeRef, metric string, start int64) string {
	h := fnv.New64a()
	_, _ = h.Write([]byte(t))
	_, _ = h.Write([]byte{0, byte(s.Kind), 0})
	_, _ = h.Write([]byte(s.Key))
	_, _ = h.Write([]byte{0})
	_, _ = h.Write([]byte(metric))
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], uint64(start))
	_, _ = h.Write(b[:])
	return hex.EncodeToString(h.Sum(nil))
}
