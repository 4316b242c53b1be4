package chaoskubernetesreceiver // import "github.com/otelcol-chaos/otelcol-chaos/receiver/chaoskubernetesreceiver"

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/otelcol-chaos/otelcol-chaos/internal/chaosconv"
)

// Helpers that read unstructured content (decoded JSON: maps, slices,
// strings, int64, float64, bool) without copying it.

func field(m map[string]any, path ...string) (any, bool) {
	var cur any = m
	for _, p := range path {
		mm, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		cur, ok = mm[p]
		if !ok {
			return nil, false
		}
	}
	return cur, cur != nil
}

func mapField(m map[string]any, path ...string) map[string]any {
	v, _ := field(m, path...)
	mm, _ := v.(map[string]any)
	return mm
}

func strField(m map[string]any, path ...string) string {
	v, _ := field(m, path...)
	s, _ := v.(string)
	return s
}

// scalarText renders a scalar as text (numbers in decimal); "" for anything else.
func scalarText(m map[string]any, path ...string) string {
	v, _ := field(m, path...)
	switch x := v.(type) {
	case string:
		return x
	case int64:
		return strconv.FormatInt(x, 10)
	case int:
		return strconv.Itoa(x)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(x)
	}
	return ""
}

// listText joins a list of strings with commas.
func listText(m map[string]any, path ...string) string {
	v, _ := field(m, path...)
	l, _ := v.([]any)
	parts := make([]string, 0, len(l))
	for _, e := range l {
		if s, ok := e.(string); ok && s != "" {
			parts = append(parts, s)
		}
	}
	return strings.Join(parts, ",")
}

var errNotInteger = errors.New("not a non-negative integer")

// intField reads a non-negative integer (a JSON number, or a decimal string).
func intField(m map[string]any, path ...string) (int64, bool, error) {
	v, ok := field(m, path...)
	if !ok {
		return 0, false, nil
	}
	var n int64
	switch x := v.(type) {
	case int64:
		n = x
	case int:
		n = int64(x)
	case float64:
		if x != math.Trunc(x) || x > math.MaxInt64 {
			return 0, true, fmt.Errorf("%v: %w", x, errNotInteger)
		}
		n = int64(x)
	case string:
		p, err := strconv.ParseInt(x, 10, 64)
		if err != nil {
			return 0, true, fmt.Errorf("%q: %w", x, errNotInteger)
		}
		n = p
	default:
		return 0, true, fmt.Errorf("%T: %w", v, errNotInteger)
	}
	if n < 0 {
		return 0, true, fmt.Errorf("%d: %w", n, errNotInteger)
	}
	return n, true, nil
}

var errNegativeDuration = errors.New("must not be negative")

// durationMs parses a Go duration string ("10ms", "1.5s") into whole
// milliseconds, rounded half up.
func durationMs(s string) (int64, error) {
	d, err := time.ParseDuration(strings.TrimSpace(s))
	if err != nil {
		return 0, err
	}
	if d < 0 {
		return 0, fmt.Errorf("%q: %w", s, errNegativeDuration)
	}
	return int64(math.Round(float64(d) / float64(time.Millisecond))), nil
}

// metaList builds an event's chaos.metadata, leaving out empty values.
type metaList []chaosconv.KV

func (m *metaList) add(k, v string) {
	if v != "" {
		*m = append(*m, chaosconv.KV{Key: k, Value: v})
	}
}

// with returns a copy of m followed by more.
func (m metaList) with(more metaList) []chaosconv.KV {
	out := make([]chaosconv.KV, 0, len(m)+len(more))
	return append(append(out, m...), more...)
}

// fault is the fault part of an event, before the common fields are set.
type fault struct {
	kind          chaosconv.Kind
	delayMs       int64
	faultType     string
	trafficAction string
	trafficBytes  int64
	endpoint      string
	meta          metaList
}

// event turns f into an event of source at time t for experiment exp.
func (f fault) event(source, exp string, t int64, base metaList) chaosconv.Event {
	e := chaosconv.Event{TimeUnixNano: t, Kind: f.kind, Source: source, Endpoint: f.endpoint,
		Experiment: exp, Metadata: base.with(f.meta)}
	switch f.kind {
	case chaosconv.KindLatencyInjection:
		e.DelayMs, e.Fields = f.delayMs, chaosconv.FieldDelayMs
	case chaosconv.KindFaultInjection:
		e.FaultType, e.Fields = f.faultType, chaosconv.FieldFaultType
	case chaosconv.KindTrafficShaping:
		e.TrafficAction, e.TrafficBytes = f.trafficAction, f.trafficBytes
		e.Fields = chaosconv.FieldTrafficAction | chaosconv.FieldTrafficBytes
	}
	if exp != "" {
		e.Fields |= chaosconv.FieldExperimentName
	}
	return e
}

// experimentEvent is an experiment phase event.
func experimentEvent(source, exp string, phase chaosconv.Phase, t int64, meta []chaosconv.KV) chaosconv.Event {
	return chaosconv.Event{TimeUnixNano: t, Kind: chaosconv.KindExperiment, Source: source, Experiment: exp,
		ExperimentPhase: phase, Metadata: meta,
		Fields: chaosconv.FieldExperimentName | chaosconv.FieldExperimentPhase}
}

var errMissing = errors.New("missing")
