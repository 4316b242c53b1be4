package notify // import "github.com/otelcol-chaos/otelcol-chaos/exporter/alertexporter/internal/notify"

import (
	"math/rand/v2"
	"time"
)

// backoff yields the successive waits of one notification's retries.
type backoff struct {
	cfg     BackoffConfig
	current time.Duration
}

func newBackoff(cfg BackoffConfig) *backoff {
	return &backoff{cfg: cfg, current: cfg.InitialInterval}
}

// next returns the wait before the next attempt and grows the interval.
func (b *backoff) next() time.Duration {
	d := b.current
	grown := float64(b.current) * b.cfg.Multiplier
	if grown >= float64(b.cfg.MaxInterval) {
		b.current = b.cfg.MaxInterval
	} else {
		b.current = time.Duration(grown)
	}
	if rf := b.cfg.RandomizationFactor; rf > 0 {
		delta := rf * float64(d)
		d = time.Duration(float64(d) - delta + rand.Float64()*2*delta)
	}
	return d
}
