package detect

import "github.com/otelcol-chaos/otelcol-chaos/internal/chaosconv"

// OpenAnomalies is the number of anomalies open now, all scopes and types.
func (e *Engine) OpenAnomalies() int {
	n := 0
	for _, s := range e.order {
		for i := range s.life {
			if s.life[i].open != nil {
				n++
			}
		}
	}
	if e.cascade.open != nil {
		n++
	}
	return n
}

// MaxAt is the start of the newest bucket observed (math.MinInt64 before any).
func (e *Engine) MaxAt() int64 { return e.maxAt }

// Open returns copies of the anomalies open now: scope by scope in the
// order they were first seen, each in detector order, the cascade last.
func (e *Engine) Open() []chaosconv.Anomaly {
	var out []chaosconv.Anomaly
	for _, s := range e.order {
		for i := range s.life {
			if a := s.life[i].open; a != nil {
				out = append(out, *a)
			}
		}
	}
	if a := e.cascade.open; a != nil {
		out = append(out, *a)
	}
	return out
}
