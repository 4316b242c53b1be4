package chaostoolkit

import (
	"encoding/json"
	"strings"
	"unicode/utf8"
)

// Activity types (chaoslib accepts these two).
const (
	activityAction = "action"
	activityProbe  = "probe"
)

// Run statuses chaoslib's execute_activity writes.
const (
	runSucceeded = "succeeded"
	runFailed    = "failed"
)

// maxExceptionLen bounds the exception text kept in metadata: a traceback
// line can be long, and metadata is copied into every downstream record.
const maxExceptionLen = 512

// runJSON is one activity run, as chaoslib's execute_activity writes it
// into run[], rollbacks[] and each steady state's probes[]. output is not
// kept: it is whatever the provider returned, of any size and shape.
type runJSON struct {
	Activity     json.RawMessage `json:"activity"`
	Status       json.RawMessage `json:"status"`
	Start        json.RawMessage `json:"start"`
	End          json.RawMessage `json:"end"`
	Duration     json.RawMessage `json:"duration"`
	ToleranceMet json.RawMessage `json:"tolerance_met"`
	Exception    json.RawMessage `json:"exception"`
}

type activityJSON struct {
	Type     json.RawMessage `json:"type"`
	Name     json.RawMessage `json:"name"`
	Provider json.RawMessage `json:"provider"`
}

// activityRun is a run entry read and checked, before it becomes an event.
type activityRun struct {
	kind      string // action or probe
	name      string
	provider  provider
	status    string
	start     int64
	end       int64 // 0 when absent
	duration  float64
	hasDur    bool
	tolerance bool // tolerance_met
	hasTol    bool
	exception string
}

// readRun reads the run entry at path. Every fault is returned, none
// panics: the caller skips the entry and names path.
func readRun(raw json.RawMessage, path string) (activityRun, *fieldError) {
	var r runJSON
	ok, err := object(raw, path, &r)
	if err != nil {
		return activityRun{}, err
	}
	if !ok {
		return activityRun{}, expected(path, "an object (an activity run)", raw)
	}
	var a activityJSON
	if ok, err = object(r.Activity, path+".activity", &a); err != nil {
		return activityRun{}, err
	}
	if !ok {
		return activityRun{}, expected(path+".activity", "an object (the activity that ran)", r.Activity)
	}
	var out activityRun
	if out.kind, err = requiredStr(a.Type, path+".activity.type"); err != nil {
		return activityRun{}, err
	}
	if out.kind != activityAction && out.kind != activityProbe {
		return activityRun{}, errAt(path+".activity.type", "unknown activity type %q: want action or probe", out.kind)
	}
	if out.name, err = requiredStr(a.Name, path+".activity.name"); err != nil {
		return activityRun{}, err
	}
	if out.provider, err = readProvider(a.Provider, path+".activity.provider"); err != nil {
		return activityRun{}, err
	}
	if out.status, err = requiredStr(r.Status, path+".status"); err != nil {
		return activityRun{}, err
	}
	if out.status != runSucceeded && out.status != runFailed {
		return activityRun{}, errAt(path+".status", "unknown run status %q: want succeeded or failed", out.status)
	}
	// A background activity CTK stopped waiting for has start, end and
	// duration null: it has no time, so it cannot be an event.
	if absent(r.Start) {
		return activityRun{}, errAt(path+".start", "required: the run has no start time (CTK leaves it null for a background activity it stopped waiting for)")
	}
	if out.start, err = timestamp(r.Start, path+".start"); err != nil {
		return activityRun{}, err
	}
	if !absent(r.End) {
		if out.end, err = timestamp(r.End, path+".end"); err != nil {
			return activityRun{}, err
		}
	}
	if out.duration, out.hasDur, err = seconds(r.Duration, path+".duration"); err != nil {
		return activityRun{}, err
	}
	if out.tolerance, out.hasTol, err = boolean(r.ToleranceMet, path+".tolerance_met"); err != nil {
		return activityRun{}, err
	}
	out.exception = lastLine(r.Exception)
	return out, nil
}

// lastLine keeps the last non-empty line of a run's exception — chaoslib
// writes Python's traceback.format_exception list, whose last line is
// "ExceptionType: message" — bounded to maxExceptionLen bytes.
func lastLine(raw json.RawMessage) string {
	var lines []string
	if absent(raw) || json.Unmarshal(raw, &lines) != nil {
		var one string
		if absent(raw) || json.Unmarshal(raw, &one) != nil {
			return ""
		}
		lines = []string{one}
	}
	for i := len(lines) - 1; i >= 0; i-- {
		parts := strings.Split(strings.TrimSpace(lines[i]), "\n")
		if s := strings.TrimSpace(parts[len(parts)-1]); s != "" {
			return truncate(s, maxExceptionLen)
		}
	}
	return ""
}

// truncate cuts s to at most n bytes on a rune boundary.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}
