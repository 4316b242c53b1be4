package alertexporter

import (
	"sync"
	"time"

	"github.com/otelcol-chaos/otelcol-chaos/exporter/alertexporter/internal/notify"
)

// abortLog keeps the newest abort decisions for the alerts API, beside the
// transition history: an abort is not a state of an alert but what a
// handler did about one. Bounded by history_size; in memory only.
//
// Every stopped, dry_run and failed decision is kept. already_stopped is
// kept only when the log holds no decision for the same handler, target
// and experiment: the handler reports it at every re-notification of an
// alert that already stopped the chaos (and for each other alert of the
// experiment), which the aborts counter counts but a history need not
// repeat; what remains are the stops the chaos tool itself reported done
// (Chaos Mesh paused, Litmus stopped) or that a restart forgot.
type abortLog struct {
	mu   sync.Mutex
	buf  []notify.AbortRecord
	next int
	full bool
}

func newAbortLog(size int) *abortLog { return &abortLog{buf: make([]notify.AbortRecord, max(size, 1))} }

// add records r, evicting the oldest record when full. Handlers call it
// from their delivery goroutines.
func (l *abortLog) add(r notify.AbortRecord) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if r.Outcome == notify.AbortAlreadyStopped && l.holdsLocked(&r) {
		return
	}
	l.buf[l.next] = r
	l.next = (l.next + 1) % len(l.buf)
	if l.next == 0 {
		l.full = true
	}
}

// holdsLocked reports whether a decision for r's handler, target and
// experiment is held (a linear scan: history_size records at most, and
// only for already_stopped reports).
func (l *abortLog) holdsLocked(r *notify.AbortRecord) bool {
	for i := range l.buf {
		h := &l.buf[i]
		if h.Handler == r.Handler && h.Handler != "" && h.TargetRef == r.TargetRef && h.Experiment == r.Experiment {
			return true
		}
	}
	return false
}

// newest returns up to limit records (all when limit ≤ 0), newest first.
func (l *abortLog) newest(limit int) []notify.AbortRecord {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := l.next
	if l.full {
		n = len(l.buf)
	}
	if limit > 0 && limit < n {
		n = limit
	}
	out := make([]notify.AbortRecord, 0, n)
	for i := range n {
		out = append(out, l.buf[(l.next-1-i+len(l.buf))%len(l.buf)])
	}
	return out
}

// apiAbort is an abort as the alerts API shows it.
type apiAbort struct {
	At          string `json:"at"`
	Handler     string `json:"handler"`
	Target      string `json:"target"`
	TargetRef   string `json:"target_ref,omitempty"`
	Experiment  string `json:"experiment,omitempty"`
	Rule        string `json:"rule,omitempty"`
	Fingerprint string `json:"fingerprint,omitempty"`
	Outcome     string `json:"outcome"`
	DryRun      bool   `json:"dry_run"`
	Error       string `json:"error,omitempty"`
}

func toAPIAbort(r *notify.AbortRecord) apiAbort {
	a := apiAbort{At: r.At.UTC().Format(time.RFC3339Nano), Handler: r.Handler, Target: r.Target, TargetRef: r.TargetRef,
		Experiment: r.Experiment, Rule: r.Rule, Fingerprint: r.Fingerprint, Outcome: r.Outcome, DryRun: r.DryRun}
	if r.Err != nil {
		a.Error = r.Err.Error()
	}
	return a
}
