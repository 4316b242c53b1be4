package chaostoolkit

import (
	"encoding/json"
	"sort"
	"strconv"

	"github.com/otelcol-chaos/otelcol-chaos/internal/chaosconv"
)

// events builds the journal's events: the started phase, every probe of
// every hypothesis run, every action and probe of the method, the end
// phase. Rollbacks are not events (see rollbackSummary).
func (h *header) events(opts Options) (*Result, error) {
	res := &Result{Events: make([]chaosconv.Event, 0, 2+len(h.run)+h.probeCount())}
	var skipped problems
	skip := func(index int, err *fieldError) {
		res.SkippedCount++
		skipped.add(index, err.field, err.msg+"; this activity was skipped, the rest of the journal was taken")
	}

	res.Events = append(res.Events, h.phase(h.start, chaosconv.PhaseStarted))
	for _, s := range h.states {
		for i, raw := range s.probes {
			h.addRun(res, raw, indexPath(s.path+".probes", i), i, s.stage, s.iteration, skip)
		}
	}
	for i, raw := range h.run {
		h.addRun(res, raw, indexPath("run", i), i, chaosconv.ChaosToolkitStageMethod, -1, skip)
	}
	ran, failed := h.rollbackSummary(skip)
	end := h.phase(h.end, h.endPhase())
	end.Metadata = append(end.Metadata,
		chaosconv.KV{Key: chaosconv.ChaosToolkitMetaStatus, Value: h.status},
		chaosconv.KV{Key: chaosconv.ChaosToolkitMetaDeviated, Value: strconv.FormatBool(h.deviated)},
		chaosconv.KV{Key: chaosconv.ChaosToolkitMetaRollbacks, Value: strconv.Itoa(ran)},
		chaosconv.KV{Key: chaosconv.ChaosToolkitMetaRollbacksFailed, Value: strconv.Itoa(failed)})
	if h.hasDuration {
		end.Metadata = append(end.Metadata, chaosconv.KV{Key: chaosconv.ChaosToolkitMetaDurationMs, Value: formatMillis(h.duration)})
	}
	res.Events = append(res.Events, end)

	if opts.MaxEvents > 0 && len(res.Events) > opts.MaxEvents {
		return nil, &JournalError{Kind: ErrTooManyEvents, Problems: []Problem{{Index: -1,
			Message: "the journal makes " + strconv.Itoa(len(res.Events)) + " events, more than max_events_per_request (" + strconv.Itoa(opts.MaxEvents) + ")"}}}
	}
	// Time order: the runs of steady_states.during interleave with the
	// method's, and downstream windows (buckets, watermarks) expect time
	// order within a request. Stable, so ties keep the journal's order.
	sort.SliceStable(res.Events, func(i, j int) bool { return res.Events[i].TimeUnixNano < res.Events[j].TimeUnixNano })
	res.Skipped = skipped.list
	return res, nil
}

// probeCount sizes the event slice.
func (h *header) probeCount() int {
	n := 0
	for _, s := range h.states {
		n += len(s.probes)
	}
	return n
}

// addRun appends the event of one activity run, or skips it.
func (h *header) addRun(res *Result, raw json.RawMessage, path string, index int, stage string, iteration int, skip func(int, *fieldError)) {
	a, err := readRun(raw, path)
	if err != nil {
		skip(index, err)
		return
	}
	var e chaosconv.Event
	a.toEvent(&e, h.title, stage, iteration)
	// The same check every decoder ends with: what passes it is a
	// chaos.event every consumer accepts.
	if verr := e.Validate(); verr != nil {
		skip(index, errAt(path, "cannot become a chaos.event: %v", verr))
		return
	}
	res.Events = append(res.Events, e)
}

// rollbackSummary counts the rollbacks that ran and failed, for the end
// phase's metadata. A rollback undoes an action: it is the end of the
// chaos, not more of it, so it is not a fault_injection event (that would
// double the fault counts); the end phase, at the journal's end, already
// marks when the chaos stopped. A malformed entry is skipped and named.
func (h *header) rollbackSummary(skip func(int, *fieldError)) (ran, failed int) {
	for i, raw := range h.rollbacks {
		a, err := readRun(raw, indexPath("rollbacks", i))
		if err != nil {
			skip(i, err)
			continue
		}
		ran++
		if a.status == runFailed {
			failed++
		}
	}
	return ran, failed
}

// endPhase maps the journal's status to the experiment's end phase: only
// "completed" — CTK ran the whole experiment — is completed. "failed"
// (the hypothesis did not hold before the method, so CTK stopped, or after
// it, so the run deviated), "aborted" (an unexpected error) and
// "interrupted" (a signal or a control) are aborted: the experiment did
// not end as planned. chaostoolkit.status and chaostoolkit.deviated keep
// CTK's own words, so a deviated run is told from an interrupted one.
func (h *header) endPhase() chaosconv.Phase {
	if h.status == statusCompleted {
		return chaosconv.PhaseCompleted
	}
	return chaosconv.PhaseAborted
}

// phase builds an experiment event; the started one carries where the
// experiment ran.
func (h *header) phase(at int64, p chaosconv.Phase) chaosconv.Event {
	e := chaosconv.Event{
		TimeUnixNano:    at,
		Kind:            chaosconv.KindExperiment,
		Source:          chaosconv.SourceChaosToolkit,
		Experiment:      h.title,
		ExperimentPhase: p,
		Fields:          chaosconv.FieldExperimentName | chaosconv.FieldExperimentPhase,
	}
	if p == chaosconv.PhaseStarted {
		for _, kv := range [...]chaosconv.KV{
			{Key: chaosconv.ChaosToolkitMetaChaoslibVersion, Value: h.chaoslib},
			{Key: chaosconv.ChaosToolkitMetaPlatform, Value: h.platform},
			{Key: chaosconv.ChaosToolkitMetaNode, Value: h.node},
		} {
			if kv.Value != "" {
				e.Metadata = append(e.Metadata, kv)
			}
		}
	}
	return e
}
