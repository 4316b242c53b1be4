package alertexporter

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/otelcol-chaos/otelcol-chaos/exporter/alertexporter/config"
)

func TestLoadAbortHandlers(t *testing.T) {
	cfg, err := load(t, "guardrail")
	require.NoError(t, err)
	require.Len(t, cfg.Handlers, 4)

	mf := cfg.Handlers[0].Abort
	require.NotNil(t, mf)
	require.Equal(t, []string{"SteadyStateBroken"}, mf.Rules)
	require.False(t, mf.DryRun)
	require.Equal(t, time.Hour, mf.OncePer, "default once_per")
	require.Equal(t, "http://localhost:4320/v1/chaos/events", mf.Feedback.ClientConfig.Endpoint, "default feedback")
	require.Equal(t, "mockforge", mf.Target.Kind())
	require.Equal(t, "http://mockforge:3000", mf.Target.MockForge.ClientConfig.Endpoint)
	require.Equal(t, 10*time.Second, mf.Target.MockForge.ClientConfig.Timeout, "the target's client defaults")

	cm := cfg.Handlers[1].Abort
	require.True(t, cm.DryRun)
	require.Equal(t, 30*time.Minute, cm.OncePer)
	require.Empty(t, cm.Feedback.ClientConfig.Endpoint, `feedback: {endpoint: ""} disables it`)
	require.Equal(t, "NetworkChaos", cm.Target.ChaosMesh.Kind)
	require.Equal(t, config.KubeAuthServiceAccount, cm.Target.ChaosMesh.Auth.AuthType, "default auth_type")

	l := cfg.Handlers[2].Abort.Target.Litmus
	require.Equal(t, config.KubeAuthConfig{AuthType: config.KubeAuthKubeConfig, KubeConfig: "/etc/kube/config", Context: "staging"}, l.Auth)

	h := cfg.Handlers[3].Abort
	require.Equal(t, "PUT", h.Target.HTTP.Method)
	require.Len(t, h.Target.HTTP.ClientConfig.Headers, 1)
	require.Equal(t, "application/json", h.Target.HTTP.ContentType)
	require.Equal(t, 2*time.Second, h.Feedback.ClientConfig.Timeout)

	_, err = load(t, "abort_unknown_rule")
	require.ErrorIs(t, err, errAbortRule)
	require.ErrorContains(t, err, `"SteadyStateBrokn"`)
}
