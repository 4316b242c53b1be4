package detect

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
