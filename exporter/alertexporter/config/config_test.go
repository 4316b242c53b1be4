package config

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/config/configopaque"
	"go.opentelemetry.io/collector/confmap"
	"go.opentelemetry.io/collector/confmap/confmaptest"
)

// unmarshalSection decodes one section of testdata/config.yaml into cfg
// (pre-filled with defaults) and runs the collector's recursive validation.
func unmarshalSection(t *testing.T, section string, cfg any) {
	t.Helper()
	cm, err := confmaptest.LoadConf(filepath.Join("testdata", "config.yaml"))
	require.NoError(t, err)
	sub, err := cm.Sub(section)
	require.NoError(t, err)
	require.NoError(t, sub.Unmarshal(cfg))
	require.NoError(t, confmap.Validate(cfg))
}

func TestLoadConfig(t *testing.T) {
	t.Run("webhook", func(t *testing.T) {
		cfg := NewDefaultWebhookConfig()
		unmarshalSection(t, "webhook", &cfg)
		require.Equal(t, "https://hooks.example.com/alerts", cfg.ClientConfig.Endpoint)
		require.Equal(t, 5*time.Second, cfg.ClientConfig.Timeout)
		v, ok := cfg.ClientConfig.Headers.Get("X-Team")
		require.True(t, ok)
		require.Equal(t, configopaque.String("sre"), v)
		require.False(t, cfg.SendResolved)
		require.Equal(t, 10, cfg.MaxAlerts)
		require.Contains(t, cfg.Template, "json .Status")
		require.Equal(t, "application/vnd.example+json", cfg.ContentType)
	})
	t.Run("slack", func(t *testing.T) {
		cfg := NewDefaultSlackConfig()
		unmarshalSection(t, "slack", &cfg)
		require.Equal(t, configopaque.String("https://hooks.slack.com/services/T000/B000/XXXX"), cfg.WebhookURL)
		require.Equal(t, "#chaos", cfg.Channel)
		require.Equal(t, "chaos-bot", cfg.Username)
		require.Equal(t, ":fire:", cfg.IconEmoji)
		require.Equal(t, "{{ .Status }} {{ .GroupKey }}", cfg.Title)
		require.Empty(t, cfg.Text, "empty means the default text")
		require.True(t, cfg.SendResolved, "default kept")
	})
	t.Run("pagerduty", func(t *testing.T) {
		cfg := NewDefaultPagerDutyConfig()
		unmarshalSection(t, "pagerduty", &cfg)
		require.Equal(t, DefaultPagerDutyURL, cfg.ClientConfig.Endpoint, "default kept")
		require.Equal(t, configopaque.String(testRoutingKey), cfg.RoutingKey)
		require.Equal(t, "{{ .Labels.endpoint }}", cfg.Component)
		require.Equal(t, DefaultPagerDutySummary, cfg.Summary)
		require.True(t, cfg.SendResolved)
	})
	t.Run("alertmanager", func(t *testing.T) {
		cfg := NewDefaultAlertmanagerConfig()
		unmarshalSection(t, "alertmanager", &cfg)
		require.Equal(t, "http://localhost:9093", cfg.ClientConfig.Endpoint)
		require.Equal(t, defaultHTTPTimeout, cfg.ClientConfig.Timeout)
	})
	t.Run("log", func(t *testing.T) {
		cfg := NewDefaultLogConfig()
		unmarshalSection(t, "log", &cfg)
		require.Equal(t, "warn", cfg.Level)
	})
	t.Run("delivery", func(t *testing.T) {
		cfg := NewDefaultDeliveryConfig()
		unmarshalSection(t, "delivery", &cfg)
		require.Equal(t, 50, cfg.QueueSize)
		require.Equal(t, BackoffConfig{
			Enabled: true, InitialInterval: 2 * time.Second, MaxInterval: time.Minute,
			MaxElapsedTime: 10 * time.Minute, Multiplier: 1.5, RandomizationFactor: 0.2,
		}, cfg.Retry)
	})
}

func TestDefaultConfigs(t *testing.T) {
	require.True(t, NewDefaultWebhookConfig().SendResolved)
	require.Equal(t, defaultHTTPTimeout, NewDefaultWebhookConfig().ClientConfig.Timeout)
	require.Equal(t, "info", NewDefaultLogConfig().Level)
	d := NewDefaultDeliveryConfig()
	require.NoError(t, d.Validate())
	require.Equal(t, 100, d.QueueSize)
	require.Equal(t, BackoffConfig{Enabled: true, InitialInterval: time.Second, MaxInterval: 30 * time.Second,
		MaxElapsedTime: 5 * time.Minute, Multiplier: 2}, d.Retry)
	log := NewDefaultLogConfig()
	require.NoError(t, log.Validate())
	am := NewDefaultAlertmanagerConfig()
	require.ErrorContains(t, am.Validate(), "endpoint must not be empty", "no default Alertmanager")
}

// validator is any of the config structs.
type validator interface{ Validate() error }

func TestValidateErrors(t *testing.T) {
	webhook := func(mut func(*WebhookConfig)) validator {
		c := NewDefaultWebhookConfig()
		c.ClientConfig.Endpoint = "https://hooks.example.com"
		mut(&c)
		return &c
	}
	slack := func(mut func(*SlackConfig)) validator {
		c := NewDefaultSlackConfig()
		c.WebhookURL = "https://hooks.slack.com/services/T/B/X"
		mut(&c)
		return &c
	}
	pd := func(mut func(*PagerDutyConfig)) validator {
		c := NewDefaultPagerDutyConfig()
		c.RoutingKey = testRoutingKey
		mut(&c)
		return &c
	}
	backoff := func(mut func(*BackoffConfig)) validator {
		c := NewDefaultBackoffConfig()
		mut(&c)
		return &c
	}
	tests := []struct {
		name string
		cfg  validator
		want string // substring of the error; "" for valid
	}{
		{"webhook ok", webhook(func(*WebhookConfig) {}), ""},
		{"webhook missing endpoint", webhook(func(c *WebhookConfig) { c.ClientConfig.Endpoint = "" }), "endpoint must not be empty"},
		{"webhook relative endpoint", webhook(func(c *WebhookConfig) { c.ClientConfig.Endpoint = "hooks.example.com/x" }), "endpoint must be an http:// or https:// URL"},
		{"webhook negative max_alerts", webhook(func(c *WebhookConfig) { c.MaxAlerts = -1 }), "max_alerts must be >= 0"},
		{"webhook template syntax", webhook(func(c *WebhookConfig) { c.Template = `{{ .Status ` }), "template:"},
		{"webhook template unknown field", webhook(func(c *WebhookConfig) { c.Template = `{{ .Nope }}` }), "can't evaluate field Nope"},
		{"webhook template unknown function", webhook(func(c *WebhookConfig) { c.Template = `{{ shout .Status }}` }), `function "shout" not defined`},
		{"webhook content_type without template", webhook(func(c *WebhookConfig) { c.ContentType = "text/plain" }), "content_type applies only with template"},
		{"webhook template ok", webhook(func(c *WebhookConfig) {
			c.Template = `{{ range .Alerts }}{{ .Labels.alertname }}{{ end }} {{ .TruncatedAlerts }}`
		}), ""},

		{"slack ok", slack(func(*SlackConfig) {}), ""},
		{"slack missing webhook_url", slack(func(c *SlackConfig) { c.WebhookURL = "" }), "webhook_url must not be empty"},
		{"slack bad webhook_url", slack(func(c *SlackConfig) { c.WebhookURL = "hooks.slack.com/x" }), "webhook_url must be an http:// or https:// URL"},
		{"slack endpoint set", slack(func(c *SlackConfig) { c.ClientConfig.Endpoint = "https://x" }), "endpoint must be empty for slack"},
		{"slack bad title", slack(func(c *SlackConfig) { c.Title = `{{ if }}` }), "title:"},
		{"slack bad text", slack(func(c *SlackConfig) { c.Text = `{{ .Alerts.Nope }}` }), "text:"},

		{"pagerduty ok", pd(func(*PagerDutyConfig) {}), ""},
		{"pagerduty missing routing_key", pd(func(c *PagerDutyConfig) { c.RoutingKey = "" }), "routing_key must not be empty"},
		{"pagerduty short routing_key", pd(func(c *PagerDutyConfig) { c.RoutingKey = "abc" }), "routing_key must be 32 characters (PagerDuty integration key), got 3"},
		{"pagerduty long routing_key", pd(func(c *PagerDutyConfig) { c.RoutingKey = testRoutingKey + "x" }), "got 33"},
		{"pagerduty missing endpoint", pd(func(c *PagerDutyConfig) { c.ClientConfig.Endpoint = "" }), "endpoint must not be empty"},
		{"pagerduty bad client_url", pd(func(c *PagerDutyConfig) { c.ClientURL = "not a url" }), "client_url"},
		{"pagerduty empty summary", pd(func(c *PagerDutyConfig) { c.Summary = "" }), "summary must not be empty"},
		{"pagerduty bad source template", pd(func(c *PagerDutyConfig) { c.Source = `{{ .Labels.x ` }), "source:"},
		{"pagerduty bad group field", pd(func(c *PagerDutyConfig) { c.Group = `{{ .Notification.Nope }}` }), "group:"},

		{"log bad level", &LogConfig{Level: "loud"}, `level "loud"`},
		{"log empty level", &LogConfig{}, `level ""`},
		{"log fatal refused", &LogConfig{Level: "fatal"}, `level "fatal"`},

		{"backoff ok", backoff(func(*BackoffConfig) {}), ""},
		{"backoff disabled needs nothing", &BackoffConfig{Enabled: false}, ""},
		{"backoff zero initial", backoff(func(c *BackoffConfig) { c.InitialInterval = 0 }), "initial_interval must be > 0"},
		{"backoff max below initial", backoff(func(c *BackoffConfig) { c.MaxInterval = 500 * time.Millisecond }), "max_interval must be >= initial_interval"},
		{"backoff negative elapsed", backoff(func(c *BackoffConfig) { c.MaxElapsedTime = -time.Second }), "max_elapsed_time must be >= 0"},
		{"backoff multiplier", backoff(func(c *BackoffConfig) { c.Multiplier = 0.5 }), "multiplier must be >= 1"},
		{"backoff jitter", backoff(func(c *BackoffConfig) { c.RandomizationFactor = 1 }), "randomization_factor must be in [0, 1)"},

		{"delivery queue", &DeliveryConfig{QueueSize: 0, Retry: NewDefaultBackoffConfig()}, "queue_size must be >= 1"},
		{"delivery retry", &DeliveryConfig{QueueSize: 1, Retry: BackoffConfig{Enabled: true}}, "retry_on_failure: initial_interval must be > 0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.cfg.Validate()
			if tt.want == "" {
				require.NoError(t, err)
				return
			}
			require.ErrorContains(t, err, tt.want)
		})
	}
}

func TestValidateNeverEchoesSecrets(t *testing.T) {
	pd := NewDefaultPagerDutyConfig()
	pd.RoutingKey = "R0123456789secret"
	require.NotContains(t, pd.Validate().Error(), "secret")

	sl := NewDefaultSlackConfig()
	sl.WebhookURL = "slack.com/services/T/B/secret"
	require.NotContains(t, sl.Validate().Error(), "secret")
}

func TestValidateHTTPURL(t *testing.T) {
	require.NoError(t, validateHTTPURL("endpoint", "https://example.com/hook"))
	require.NoError(t, validateHTTPURL("endpoint", "http://127.0.0.1:9093"))
	for _, bad := range []string{"", "  ", "example.com/hook", "ftp://example.com", "http://", "://x"} {
		require.Error(t, validateHTTPURL("endpoint", bad), bad)
	}
	err := validateHTTPURL("webhook_url", "ftp://secret-token@example.com")
	require.NotContains(t, err.Error(), "secret-token", "a URL may be a secret: never echoed")
}

func TestPagerDutyTemplates(t *testing.T) {
	cfg := NewDefaultPagerDutyConfig()
	var keys []string
	for _, f := range cfg.Templates() {
		keys = append(keys, f.Key)
	}
	require.Equal(t, []string{"summary", "source", "component", "group", "class"}, keys)
	require.Equal(t, PagerDutyTemplate{Key: "summary", Text: DefaultPagerDutySummary, Required: true}, cfg.Templates()[0])
}

const testRoutingKey = "0123456789abcdef0123456789abcdef" // 32 characters
