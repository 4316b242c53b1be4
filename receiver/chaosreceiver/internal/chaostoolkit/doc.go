// Package chaostoolkit turns a Chaos Toolkit journal — the journal.json that
// `chaos run` writes, unmodified — into chaosconv.Events: the experiment's
// started and completed/aborted phases, one fault_injection event per
// action of the method, and one probe event per probe run (steady-state
// hypothesis before, during and after, and probes of the method).
//
// It uses encoding/json rather than the receiver's hand-written scanner: a
// journal is one small document per experiment run, not a stream of
// events, so decoding cost does not matter, while its shape (Python
// dictionaries with nulls, nested activities) is easier to check field by
// field from json.RawMessage.
//
// Faults are handled at two levels. The journal's skeleton — a JSON
// object, experiment.title, start, end, status, and the containers run,
// rollbacks and steady_states — must be right, or nothing is taken
// (*JournalError, the receiver answers 400 naming the field). One entry of
// a container (an activity run) that cannot become an event is skipped
// and listed in Result.Skipped with its JSON path, and the rest is kept:
// one broken activity must not cost the whole run's record.
package chaostoolkit // import "github.com/otelcol-chaos/otelcol-chaos/receiver/chaosreceiver/internal/chaostoolkit"
