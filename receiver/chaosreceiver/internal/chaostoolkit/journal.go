package chaostoolkit

import (
	"bytes"
	"encoding/json"
	"errors"
	"strconv"

	"github.com/otelcol-chaos/otelcol-chaos/internal/chaosconv"
)

// Journal statuses (the CTK journal specification allows these four).
const (
	statusCompleted   = "completed"
	statusFailed      = "failed"
	statusAborted     = "aborted"
	statusInterrupted = "interrupted"
)

// journalJSON is the journal's top level. Only what becomes an event is
// read; everything else CTK or its controls add is ignored, so journals
// of newer versions keep being accepted.
type journalJSON struct {
	ChaoslibVersion json.RawMessage `json:"chaoslib-version"`
	Platform        json.RawMessage `json:"platform"`
	Node            json.RawMessage `json:"node"`
	Experiment      json.RawMessage `json:"experiment"`
	Start           json.RawMessage `json:"start"`
	End             json.RawMessage `json:"end"`
	Duration        json.RawMessage `json:"duration"`
	Status          json.RawMessage `json:"status"`
	Deviated        json.RawMessage `json:"deviated"`
	SteadyStates    json.RawMessage `json:"steady_states"`
	Run             json.RawMessage `json:"run"`
	Rollbacks       json.RawMessage `json:"rollbacks"`
}

type experimentJSON struct {
	Title json.RawMessage `json:"title"`
}

// Options bound what one journal may make.
type Options struct {
	// MaxEvents is the most events one journal may make (0: no limit).
	MaxEvents int
}

// Result is what a readable journal made.
type Result struct {
	// Events are in time order (the started phase first, the end phase
	// last when times tie), ready for chaosconv.EncodeEvent.
	Events []chaosconv.Event
	// Skipped lists activity runs that could not become events (at most
	// MaxProblems of them); SkippedCount counts them all.
	Skipped      []Problem
	SkippedCount int
}

// header is the journal's skeleton, read and checked, with the containers
// of activity runs still raw: their entries are read one by one, so that a
// bad one is skipped alone.
type header struct {
	title          string
	start, end     int64
	status         string
	deviated       bool
	duration       float64
	hasDuration    bool
	chaoslib, node string
	platform       string
	run, rollbacks []json.RawMessage
	states         []state // before, during…, after: in the order CTK ran them
}

// Decode reads a journal. A *JournalError means nothing of it can be
// taken; otherwise Result has its events and the runs it skipped.
func Decode(body []byte, opts Options) (*Result, error) {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil, &JournalError{Kind: ErrEmpty, Problems: []Problem{{Index: -1,
			Message: "the body is empty: POST the journal.json that `chaos run` wrote"}}}
	}
	body, grew := nullNonFinite(body)
	var top json.RawMessage
	if err := json.Unmarshal(body, &top); err != nil {
		p := Problem{Index: -1, Message: err.Error()}
		var se *json.SyntaxError
		if errors.As(err, &se) {
			p.Offset = originalOffset(se.Offset, grew)
		}
		return nil, &JournalError{Kind: ErrSyntax, Problems: []Problem{p}}
	}
	var ps problems
	h := readHeader(top, &ps)
	if len(ps.list) > 0 {
		return nil, &JournalError{Kind: ErrInvalid, Problems: ps.list, Truncated: ps.truncated}
	}
	return h.events(opts)
}

// readHeader reads and checks the journal's skeleton, reporting every
// fault it finds into ps.
func readHeader(top json.RawMessage, ps *problems) *header {
	report := func(err *fieldError) {
		if err != nil {
			ps.add(-1, err.field, err.msg)
		}
	}
	var j journalJSON
	if top[0] != '{' || json.Unmarshal(top, &j) != nil {
		ps.add(-1, "", "the body must be a JSON object, a Chaos Toolkit journal (the journal.json `chaos run` writes); got "+describe(top))
		return nil
	}
	h := &header{}
	var exp experimentJSON
	ok, err := object(j.Experiment, "experiment", &exp)
	report(err)
	if err == nil && !ok {
		report(expected("experiment", "an object (the experiment that was run)", j.Experiment))
	}
	if ok {
		h.title, err = requiredStr(exp.Title, "experiment.title")
		report(err)
	}
	h.start, err = timestamp(j.Start, "start")
	report(err)
	h.end, err = timestamp(j.End, "end")
	report(err)
	if h.start != 0 && h.end != 0 && h.end < h.start {
		ps.add(-1, "end", "the run ends before it starts: end must not be earlier than start")
	}
	h.status, err = requiredStr(j.Status, "status")
	report(err)
	switch h.status {
	case "", statusCompleted, statusFailed, statusAborted, statusInterrupted:
	default:
		ps.add(-1, "status", "unknown journal status "+strconv.Quote(h.status)+": want completed, failed, aborted or interrupted")
	}
	// deviated and duration are required by the current specification
	// but absent from journals of older chaoslib versions: optional here.
	h.deviated, _, err = boolean(j.Deviated, "deviated")
	report(err)
	h.duration, h.hasDuration, err = seconds(j.Duration, "duration")
	report(err)
	h.chaoslib, _, err = str(j.ChaoslibVersion, "chaoslib-version")
	report(err)
	h.platform, _, err = str(j.Platform, "platform")
	report(err)
	h.node, _, err = str(j.Node, "node")
	report(err)

	h.run, _, err = array(j.Run, "run")
	report(err)
	h.rollbacks, _, err = array(j.Rollbacks, "rollbacks")
	report(err)
	var ss struct {
		Before json.RawMessage `json:"before"`
		After  json.RawMessage `json:"after"`
		During json.RawMessage `json:"during"`
	}
	_, err = object(j.SteadyStates, "steady_states", &ss)
	report(err)
	h.readState(ss.Before, "steady_states.before", chaosconv.ChaosToolkitStageHypothesisBefore, -1, report)
	during, _, err := array(ss.During, "steady_states.during")
	report(err)
	for i, raw := range during {
		h.readState(raw, indexPath("steady_states.during", i), chaosconv.ChaosToolkitStageHypothesisDuring, i, report)
	}
	h.readState(ss.After, "steady_states.after", chaosconv.ChaosToolkitStageHypothesisAfter, -1, report)
	return h
}
