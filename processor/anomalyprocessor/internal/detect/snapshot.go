package detect

import (
	"bytes"
	"encoding/gob"
	"errors"
	"fmt"
	"time"

	"github.com/otelcol-chaos/otelcol-chaos/internal/chaosconv"
)

// snapshotVersion changes whenever the snapshot's shape does; an old
// snapshot is then refused (and the engine starts afresh) rather than
// misread.
const snapshotVersion = 1

// ErrSnapshot is returned for a snapshot this engine cannot restore.
var ErrSnapshot = errors.New("detector snapshot unusable")

// The snapshot is gob-encoded: every field exported, floats exact, NaN
// and ±Inf allowed (JSON has neither). The series' statistics are their
// own versioned binary encodings (internal/stats).
type snapshot struct {
	Version  int
	Width    int64
	MaxAt    int64
	Scopes   []scopeSnapshot
	Affected map[int64]spreadSnapshot
	Cascade  lifecycleSnapshot
}

type spreadSnapshot struct {
	Affected, Joined [2]int
	Endpoints        bool
}

type scopeSnapshot struct {
	Kind     chaosconv.ScopeKind
	Key      string
	Last     int64
	Seen     bool
	Series   [metricCount][3][]byte // baseline, trend, holt
	Life     [5]lifecycleSnapshot
	RunZ     [5]float64
	RunN     [5]int
	Since    int
	Held     [metricCount]int
	Affected bool
}

type lifecycleSnapshot struct {
	Streak, Calm       int
	Unjudged           int // absent from snapshots before it: 0
	FirstAt, LastHitAt int64
	Open               *chaosconv.Anomaly
}

func (l *lifecycle) snapshot() lifecycleSnapshot {
	return lifecycleSnapshot{Streak: l.streak, Calm: l.calm, Unjudged: l.unjudged, FirstAt: l.firstAt, LastHitAt: l.lastHitAt, Open: l.open}
}

func (l *lifecycle) restore(s lifecycleSnapshot) {
	l.streak, l.calm, l.unjudged, l.firstAt, l.lastHitAt, l.open = s.Streak, s.Calm, s.Unjudged, s.FirstAt, s.LastHitAt, s.Open
}

// MarshalBinary snapshots every scope's detector state: baselines, trend
// windows, forecasters, open anomalies, streaks, and pending cascades.
func (e *Engine) MarshalBinary() ([]byte, error) {
	snap := snapshot{Version: snapshotVersion, Width: e.width, MaxAt: e.maxAt,
		Affected: map[int64]spreadSnapshot{}, Cascade: e.cascade.snapshot()}
	for t, s := range e.affected {
		snap.Affected[t] = spreadSnapshot{Affected: s.affected, Joined: s.joined, Endpoints: s.endpoints}
	}
	for _, s := range e.order {
		ss := scopeSnapshot{Kind: s.ref.Kind, Key: s.ref.Key, Last: s.last, Seen: s.seen, RunZ: s.runZ,
			RunN: s.runN, Since: s.since, Held: s.held, Affected: s.affected}
		for m, sr := range s.series {
			ss.Series[m] = [3][]byte{sr.base.AppendBinary(nil), sr.trend.AppendBinary(nil), sr.holt.AppendBinary(nil)}
		}
		for i := range s.life {
			ss.Life[i] = s.life[i].snapshot()
		}
		snap.Scopes = append(snap.Scopes, ss)
	}
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(&snap); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// UnmarshalBinary restores a snapshot into an engine just made by New
// with the same width. On error the engine is left empty.
func (e *Engine) UnmarshalBinary(data []byte) error {
	var snap snapshot
	if err := gob.NewDecoder(bytes.NewReader(data)).Decode(&snap); err != nil {
		return fmt.Errorf("%w: %w", ErrSnapshot, err)
	}
	if snap.Version != snapshotVersion {
		return fmt.Errorf("%w: version %d, want %d", ErrSnapshot, snap.Version, snapshotVersion)
	}
	if snap.Width != e.width {
		return fmt.Errorf("%w: width %s, configured %s", ErrSnapshot, time.Duration(snap.Width), time.Duration(e.width))
	}
	fresh := New(e.cfg, time.Duration(e.width))
	for _, ss := range snap.Scopes {
		s := fresh.scope(chaosconv.ScopeRef{Kind: ss.Kind, Key: ss.Key})
		if s == nil {
			continue // max_scopes shrank: the excess starts afresh
		}
		s.last, s.seen, s.runZ, s.runN, s.since, s.held, s.affected = ss.Last, ss.Seen, ss.RunZ, ss.RunN, ss.Since, ss.Held, ss.Affected
		for m, enc := range ss.Series {
			sr := s.series[m]
			for i, err := range []error{sr.base.UnmarshalBinary(enc[0]), sr.trend.UnmarshalBinary(enc[1]), sr.holt.UnmarshalBinary(enc[2])} {
				if err != nil {
					return fmt.Errorf("%w: scope %s %q series %s part %d: %w", ErrSnapshot, ss.Kind, ss.Key, Metrics[m], i, err)
				}
			}
		}
		for i := range s.life {
			s.life[i].restore(ss.Life[i])
		}
	}
	fresh.maxAt = snap.MaxAt
	for t, sp := range snap.Affected {
		fresh.affected[t] = &spread{affected: sp.Affected, joined: sp.Joined, endpoints: sp.Endpoints}
	}
	fresh.cascade.restore(snap.Cascade)
	fresh.stats = e.stats
	*e = *fresh
	return nil
}
