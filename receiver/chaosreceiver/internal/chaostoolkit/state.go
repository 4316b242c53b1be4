package chaostoolkit

import "encoding/json"

// state is one run of the steady-state hypothesis: chaoslib's
// run_steady_state_hypothesis returns {"steady_state_met": …, "probes":
// [runs…]}, stored as steady_states.before, .after and each entry of
// .during. steady_state_met is not read: it is the conjunction of the
// probes' tolerance_met, which each probe event carries.
type state struct {
	path      string // JSON path of the state, for problems
	stage     string // a chaosconv.ChaosToolkitStage… value
	iteration int    // index in steady_states.during, else -1
	probes    []json.RawMessage
}

type stateJSON struct {
	Probes json.RawMessage `json:"probes"`
}

// readState reads one hypothesis run. null is no run (CTK leaves
// before/after null when the hypothesis did not run: no hypothesis, or the
// run stopped before it).
func (h *header) readState(raw json.RawMessage, path, stage string, iteration int, report func(*fieldError)) {
	var s stateJSON
	ok, err := object(raw, path, &s)
	if err != nil || !ok {
		report(err)
		return
	}
	probes, _, err := array(s.Probes, path+".probes")
	if err != nil {
		report(err)
		return
	}
	h.states = append(h.states, state{path: path, stage: stage, iteration: iteration, probes: probes})
}
