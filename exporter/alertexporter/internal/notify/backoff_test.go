package notify

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/otelcol-chaos/otelcol-chaos/exporter/alertexporter/config"
)

func TestBackoffSequence(t *testing.T) {
	tests := []struct {
		name string
		cfg  BackoffConfig
		want []time.Duration
	}{
		{
			name: "defaults double up to 30s",
			cfg:  config.NewDefaultBackoffConfig(),
			want: []time.Duration{1 * time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 16 * time.Second, 30 * time.Second, 30 * time.Second},
		},
		{
			name: "multiplier 1 is constant",
			cfg:  BackoffConfig{Enabled: true, InitialInterval: 3 * time.Second, MaxInterval: 10 * time.Second, Multiplier: 1},
			want: []time.Duration{3 * time.Second, 3 * time.Second, 3 * time.Second},
		},
		{
			name: "fractional multiplier",
			cfg:  BackoffConfig{Enabled: true, InitialInterval: time.Second, MaxInterval: 2 * time.Second, Multiplier: 1.5},
			want: []time.Duration{time.Second, 1500 * time.Millisecond, 2 * time.Second, 2 * time.Second},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := newBackoff(tt.cfg)
			got := make([]time.Duration, len(tt.want))
			for i := range got {
				got[i] = b.next()
			}
			require.Equal(t, tt.want, got)
		})
	}
}

func TestBackoffHugeMultiplierDoesNotOverflow(t *testing.T) {
	b := newBackoff(BackoffConfig{Enabled: true, InitialInterval: time.Hour, MaxInterval: 24 * time.Hour, Multiplier: 1e12})
	for range 10 {
		require.Positive(t, b.next())
	}
	require.Equal(t, 24*time.Hour, b.next())
}

func TestBackoffJitterStaysInBounds(t *testing.T) {
	cfg := config.NewDefaultBackoffConfig()
	cfg.RandomizationFactor = 0.5
	cfg.MaxInterval = cfg.InitialInterval // constant base: 1s
	b := newBackoff(cfg)
	seen := map[time.Duration]bool{}
	for range 200 {
		d := b.next()
		require.GreaterOrEqual(t, d, 500*time.Millisecond)
		require.LessOrEqual(t, d, 1500*time.Millisecond)
		seen[d] = true
	}
	require.Greater(t, len(seen), 1, "jitter varies the waits")
}
