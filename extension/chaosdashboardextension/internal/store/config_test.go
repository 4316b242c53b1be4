package store

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestConfigValidate(t *testing.T) {
	tests := []struct {
		name    string
		cfg     Config
		wantErr error
		key     string
	}{
		{name: "zero takes defaults", cfg: Config{}},
		{name: "defaults", cfg: Config{}.WithDefaults()},
		{name: "negative retention", cfg: Config{Retention: -time.Hour}, wantErr: ErrNegative, key: "retention"},
		{name: "negative scope_retention", cfg: Config{ScopeRetention: -time.Second}, wantErr: ErrNegative, key: "scope_retention"},
		{name: "negative max_series", cfg: Config{MaxSeries: -1}, wantErr: ErrNegative, key: "max_series"},
		{name: "negative max_anomalies", cfg: Config{MaxAnomalies: -1}, wantErr: ErrNegative, key: "max_anomalies"},
		{name: "negative alert_history", cfg: Config{AlertHistory: -1}, wantErr: ErrNegative, key: "alert_history"},
		{name: "negative max_scenarios", cfg: Config{MaxScenarios: -1}, wantErr: ErrNegative, key: "max_scenarios"},
		{name: "max_scenarios of one", cfg: Config{MaxScenarios: 1}},
		{name: "retention below default scope_retention", cfg: Config{Retention: 30 * time.Minute},
			wantErr: ErrRetentionOrder, key: "retention (30m0s)"},
		{name: "scope_retention above default retention", cfg: Config{ScopeRetention: 48 * time.Hour},
			wantErr: ErrRetentionOrder, key: "scope_retention (48h0m0s)"},
		{name: "equal retentions", cfg: Config{Retention: time.Hour, ScopeRetention: time.Hour}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.cfg.Validate()
			if tt.wantErr == nil {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, tt.wantErr)
			require.Contains(t, err.Error(), tt.key)
		})
	}
}

func TestConfigWithDefaults(t *testing.T) {
	require.Equal(t, Config{Retention: 24 * time.Hour, ScopeRetention: time.Hour, MaxSeries: 1000,
		MaxAnomalies: 1000, AlertHistory: 1000, MaxScenarios: 1000}, Config{}.WithDefaults())
	custom := Config{Retention: 48 * time.Hour, ScopeRetention: 2 * time.Hour, MaxSeries: 5, MaxAnomalies: 6, AlertHistory: 7,
		MaxScenarios: 8}
	require.Equal(t, custom, custom.WithDefaults())
}
