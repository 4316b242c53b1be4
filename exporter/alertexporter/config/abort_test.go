package config

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func validAbort() AbortConfig {
	c := NewDefaultAbortConfig()
	c.Rules = []string{"SteadyStateBroken"}
	mf := NewDefaultMockForgeTargetConfig()
	mf.ClientConfig.Endpoint = "http://mockforge:3000"
	c.Target.MockForge = &mf
	return c
}

func TestAbortConfigValidate(t *testing.T) {
	cm := func(mutate func(*ChaosMeshTargetConfig)) func(*AbortConfig) {
		return func(c *AbortConfig) {
			t := NewDefaultChaosMeshTargetConfig()
			t.Namespace, t.Kind, t.Name = "chaos", "PodChaos", "{{ .CommonLabels.experiment }}"
			mutate(&t)
			c.Target.MockForge, c.Target.ChaosMesh = nil, &t
		}
	}
	tests := []struct {
		name   string
		mutate func(*AbortConfig)
		want   error  // nil: valid
		msg    string // in the error
	}{
		{name: "valid", mutate: func(*AbortConfig) {}},
		{name: "no rules", mutate: func(c *AbortConfig) { c.Rules = nil }, want: ErrAbortNoRules},
		{name: "empty rule", mutate: func(c *AbortConfig) { c.Rules = []string{""} }, want: ErrAbortRequired},
		{name: "rule twice", mutate: func(c *AbortConfig) { c.Rules = []string{"a", "a"} }, msg: `"a" is listed twice`},
		{name: "negative once_per", mutate: func(c *AbortConfig) { c.OncePer = -1 }, msg: "once_per must be >= 0"},
		{name: "no target", mutate: func(c *AbortConfig) { c.Target.MockForge = nil }, want: ErrAbortTarget},
		{name: "two targets", mutate: func(c *AbortConfig) { h := NewDefaultHTTPTargetConfig(); c.Target.HTTP = &h }, want: ErrAbortTarget},
		{name: "mockforge endpoint", mutate: func(c *AbortConfig) { c.Target.MockForge.ClientConfig.Endpoint = "mockforge:3000" }, msg: "mockforge: endpoint must be an http"},
		{name: "mockforge template", mutate: func(c *AbortConfig) { c.Target.MockForge.Scenario = "{{ .Nope }}" }, msg: "scenario:"},
		{name: "feedback endpoint", mutate: func(c *AbortConfig) { c.Feedback.ClientConfig.Endpoint = "localhost:4320" }, msg: `feedback::endpoint must be an http:// or https:// URL (or "" to disable`},
		{name: "feedback disabled", mutate: func(c *AbortConfig) { c.Feedback.ClientConfig.Endpoint = "" }},
		{name: "chaos mesh valid", mutate: cm(func(*ChaosMeshTargetConfig) {})},
		{name: "chaos mesh schedule", mutate: cm(func(t *ChaosMeshTargetConfig) { t.Kind = "Schedule" })},
		{name: "chaos mesh kind", mutate: cm(func(t *ChaosMeshTargetConfig) { t.Kind = "podchaos" }), want: ErrAbortKind},
		{name: "chaos mesh namespace", mutate: cm(func(t *ChaosMeshTargetConfig) { t.Namespace = "" }), msg: "chaos_mesh: namespace must not be empty"},
		{name: "chaos mesh name", mutate: cm(func(t *ChaosMeshTargetConfig) { t.Name = "" }), want: ErrAbortRequired},
		{name: "auth type", mutate: cm(func(t *ChaosMeshTargetConfig) { t.Auth.AuthType = "token" }), want: ErrAbortAuthType},
		{name: "kubeconfig without kubeConfig", mutate: cm(func(t *ChaosMeshTargetConfig) { t.Auth.KubeConfig = "/k" }), msg: "apply only with auth_type: kubeConfig"},
		{name: "litmus name", mutate: func(c *AbortConfig) {
			l := NewDefaultLitmusTargetConfig()
			l.Namespace = "litmus"
			c.Target.MockForge, c.Target.Litmus = nil, &l
		}, msg: "litmus: name must not be empty"},
		{name: "http method", mutate: func(c *AbortConfig) {
			h := NewDefaultHTTPTargetConfig()
			h.ClientConfig.Endpoint, h.Method = "http://x/stop", "post"
			c.Target.MockForge, c.Target.HTTP = nil, &h
		}, want: ErrAbortHTTPMethod},
		{name: "http body template", mutate: func(c *AbortConfig) {
			h := NewDefaultHTTPTargetConfig()
			h.ClientConfig.Endpoint, h.Body = "http://x/stop", "{{ .Alerts"
			c.Target.MockForge, c.Target.HTTP = nil, &h
		}, msg: "http: body:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := validAbort()
			tt.mutate(&c)
			err := c.Validate()
			if tt.want == nil && tt.msg == "" {
				require.NoError(t, err)
				return
			}
			require.Error(t, err)
			if tt.want != nil {
				require.ErrorIs(t, err, tt.want)
			}
			require.ErrorContains(t, err, tt.msg)
		})
	}
}
