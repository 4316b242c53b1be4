package config

import (
	"math"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/confmap/confmaptest"
)

func loadRule(t *testing.T, section string) RuleConfig {
	t.Helper()
	cm, err := confmaptest.LoadConf(filepath.Join("testdata", "rules.yaml"))
	require.NoError(t, err)
	sub, err := cm.Sub(section)
	require.NoError(t, err)
	var rc RuleConfig
	require.NoError(t, sub.Unmarshal(&rc))
	return rc
}

// TestSteadyStateConfigLoads: the keys as users write them, an explicit
// 0 kept apart from "unset", and the defaults of an absent section.
func TestSteadyStateConfigLoads(t *testing.T) {
	rc := loadRule(t, "steady_state_defaults")
	require.Nil(t, rc.SteadyState)
	require.NoError(t, rc.SteadyState.Check())
	d := rc.SteadyState.Resolved()
	assert.InDelta(t, 0.05, *d.SuccessRatioDrop, 0)
	assert.InDelta(t, 0.5, *d.P95LatencyGrowth, 0)
	assert.Equal(t, 10*time.Minute, d.BaselineWindow)
	assert.Equal(t, 5, d.MinProbes)
	assert.Zero(t, d.MaxImpactSeverity)
	assert.False(t, d.AllowEstimated)

	rc = loadRule(t, "steady_state_full")
	require.NotNil(t, rc.SteadyState)
	require.NoError(t, rc.SteadyState.Check())
	assert.Equal(t, "steady_state", rc.Preset)
	assert.Equal(t, time.Minute, rc.Window)
	assert.Equal(t, 30*time.Second, rc.For)
	r := rc.SteadyState.Resolved()
	require.NotNil(t, r.SuccessRatioDrop)
	assert.Zero(t, *r.SuccessRatioDrop, "0 said explicitly: any drop fires")
	assert.InDelta(t, 1.5, *r.P95LatencyGrowth, 0)
	assert.Equal(t, 5*time.Minute, r.BaselineWindow)
	assert.Equal(t, 20, r.MinProbes)
	assert.InDelta(t, 0.8, r.MaxImpactSeverity, 0)
	assert.True(t, r.AllowEstimated)
	assert.Equal(t, *rc.SteadyState, r, "nothing left to default")
}

func TestSteadyStateConfigCheck(t *testing.T) {
	f := func(v float64) *float64 { return &v }
	tests := []struct {
		name string
		cfg  SteadyStateConfig
		key  string // "" = valid
	}{
		{name: "zero value"},
		{name: "bounds", cfg: SteadyStateConfig{SuccessRatioDrop: f(1), P95LatencyGrowth: f(0), MaxImpactSeverity: 0.99}},
		{name: "drop above 1", cfg: SteadyStateConfig{SuccessRatioDrop: f(1.01)}, key: "success_ratio_drop"},
		{name: "drop NaN", cfg: SteadyStateConfig{SuccessRatioDrop: f(math.NaN())}, key: "success_ratio_drop"},
		{name: "growth negative", cfg: SteadyStateConfig{P95LatencyGrowth: f(-1)}, key: "p95_latency_growth"},
		{name: "baseline negative", cfg: SteadyStateConfig{BaselineWindow: -time.Second}, key: "baseline_window"},
		{name: "min_probes negative", cfg: SteadyStateConfig{MinProbes: -1}, key: "min_probes"},
		{name: "severity 1", cfg: SteadyStateConfig{MaxImpactSeverity: 1}, key: "max_impact_severity"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.cfg.Check()
			if tt.key == "" {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, ErrSteadyState)
			assert.Contains(t, err.Error(), "steady_state."+tt.key)
		})
	}
}
