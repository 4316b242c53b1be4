package alertexporter

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/confmap"
	"go.opentelemetry.io/collector/confmap/confmaptest"

	"github.com/otelcol-chaos/otelcol-chaos/exporter/alertexporter/internal/metadata"
	"github.com/otelcol-chaos/otelcol-chaos/exporter/alertexporter/internal/rules"
)

func load(t *testing.T, name string) (*Config, error) {
	t.Helper()
	cm, err := confmaptest.LoadConf(filepath.Join("testdata", "config.yaml"))
	require.NoError(t, err)
	cfg := createDefaultConfig().(*Config)
	id := component.NewID(metadata.Type)
	if name != "" {
		id = component.NewIDWithName(metadata.Type, name)
	}
	sub, err := cm.Sub(id.String())
	require.NoError(t, err)
	if err := sub.Unmarshal(cfg); err != nil {
		return nil, err
	}
	return cfg, confmap.Validate(cfg)
}

func TestConfigStruct(t *testing.T) {
	require.NoError(t, componenttest.CheckConfigStruct(createDefaultConfig()))
}

func TestLoadConfig(t *testing.T) {
	min, err := load(t, "")
	require.NoError(t, err)
	require.Equal(t, 15*time.Second, min.EvaluationInterval)
	require.Equal(t, "info", min.Handlers[0].Log.Level, "a bare log: {} gets the handler's defaults")

	full, err := load(t, "full")
	require.NoError(t, err)
	require.Len(t, full.Rules, 5)
	require.Equal(t, []string{"alertname", "scope_key"}, full.Route.GroupBy)
	require.Equal(t, 10*time.Second, full.Route.GroupWait)
	require.Len(t, full.Handlers, 5)
	require.False(t, full.Handlers[1].sendResolved())
	require.True(t, full.Handlers[0].sendResolved())
	require.Equal(t, "http://127.0.0.1:9000/hook", full.Handlers[1].Webhook.ClientConfig.Endpoint)
	require.Equal(t, "#chaos", full.Handlers[2].Slack.Channel)
	require.Equal(t, 30*time.Second, full.Handlers[4].ResendInterval)
	require.Equal(t, "coordinator", full.Coordinator.String())
	require.Equal(t, "chaos_dashboard/ops", full.Dashboard.String())
	require.Nil(t, min.Dashboard, "by default, the only dashboard (if any)")
	require.Equal(t, "file_storage", full.Storage.String())
	compiled, err := rules.Compile(full.Rules)
	require.NoError(t, err)
	require.Equal(t, 0.3, compiled[0].Threshold)
	require.Equal(t, "fault_ratio", compiled[0].Field, "from the preset")

	_, err = load(t, "no_handlers")
	require.ErrorIs(t, err, errNoHandlers)
	_, err = load(t, "two_kinds")
	require.ErrorIs(t, err, errHandlerKind)
	_, err = load(t, "bad_rule")
	require.ErrorIs(t, err, rules.ErrPreset)
}

func TestValidate(t *testing.T) {
	valid := func() *Config {
		c, err := load(t, "")
		require.NoError(t, err)
		return c
	}
	tests := []struct {
		name   string
		mutate func(*Config)
		want   error
	}{
		{"no rules", func(c *Config) { c.Rules = nil }, errNoRules},
		{"interval", func(c *Config) { c.EvaluationInterval = 0 }, errInterval},
		{"bucket width not whole seconds", func(c *Config) { c.BucketWidth = 1500 * time.Millisecond }, errBucketWidth},
		{"bucket width negative", func(c *Config) { c.BucketWidth = -time.Minute }, errBucketWidth},
		{"history", func(c *Config) { c.HistorySize = 0 }, errHistory},
		{"negative delay", func(c *Config) { c.DataDelay = -time.Second }, errNegative},
		{"repeat below group interval", func(c *Config) { c.Route.RepeatInterval = time.Second }, errRoute},
		{"group interval zero", func(c *Config) { c.Route.GroupInterval = 0 }, errRoute},
		{"group_by twice", func(c *Config) { c.Route.GroupBy = []string{"a", "a"} }, errGroupByRepeat},
		{"handler without name", func(c *Config) { c.Handlers[0].Name = "" }, errHandlerName},
		{"duplicate handler", func(c *Config) { c.Handlers = append(c.Handlers, c.Handlers[0]) }, errHandlerName},
		{"handler without kind", func(c *Config) { c.Handlers[0].Log = nil }, errHandlerKind},
		{"negative resend", func(c *Config) { c.Handlers[0].ResendInterval = -1 }, errResend},
		{"api without endpoint", func(c *Config) { c.API.Enabled = true; c.API.ServerConfig.NetAddr.Endpoint = "" }, errAPIEndpoint},
		{"negative drain", func(c *Config) { c.DrainTimeout = -1 }, errNegative},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := valid()
			tt.mutate(c)
			require.ErrorIs(t, c.Validate(), tt.want)
		})
	}
}
