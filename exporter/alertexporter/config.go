package alertexporter

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/confmap"

	"github.com/otelcol-chaos/otelcol-chaos/exporter/alertexporter/config"
	"github.com/otelcol-chaos/otelcol-chaos/exporter/alertexporter/internal/rules"
)

// Config is the alert exporter's configuration.
type Config struct {
	// EvaluationInterval is how often rules are evaluated on the wall
	// clock; they are also evaluated whenever new buckets arrive.
	EvaluationInterval time.Duration `mapstructure:"evaluation_interval"`
	// DataDelay is how long data must have stopped before the wall clock
	// moves evaluation on (to now − data_delay): while summaries arrive,
	// evaluation follows their event time alone, so a replay is walked
	// through as a live run; once they stop, windows slide on so that
	// conditions on stale data resolve.
	DataDelay time.Duration `mapstructure:"data_delay"`
	// BucketWidth is the chaos.bucket width the rules read; 0 reads the
	// finest width the records carry (whatever widths the analytics
	// processor is configured with).
	BucketWidth time.Duration `mapstructure:"bucket_width"`
	// ResolvedRetention keeps resolved alerts visible (and a re-fire of
	// the same labels a continuation) for this long.
	ResolvedRetention time.Duration `mapstructure:"resolved_retention"`
	// HistorySize bounds the alert transition history.
	HistorySize int `mapstructure:"history_size"`

	Rules    []config.RuleConfig `mapstructure:"rules"`
	Route    config.RouteConfig  `mapstructure:"route"`
	Handlers []HandlerConfig     `mapstructure:"handlers"`
	// Delivery is the per-handler queue and retry policy.
	Delivery config.DeliveryConfig `mapstructure:"delivery"`

	// Coordinator names the coordinator extension; with one, only the
	// leader notifies. Without it, the exporter uses the only coordinator
	// extension configured, or notifies on its own when there is none.
	Coordinator *component.ID `mapstructure:"coordinator"`
	// TakeoverResend: a node that gains leadership re-sends what fell due
	// within this long before and the leader of the time was not heard
	// from after (it may have died before sending it). Keep it above the
	// coordinator's lease_duration.
	TakeoverResend time.Duration `mapstructure:"takeover_resend"`
	// DrainTimeout is how long shutdown waits for queued notifications to
	// be delivered before it stops delivery (what is left is checkpointed).
	DrainTimeout time.Duration `mapstructure:"drain_timeout"`
	// Dashboard names the chaos_dashboard extension to publish every
	// alert transition to. Without it the exporter publishes to the only
	// one configured, or to none.
	Dashboard *component.ID `mapstructure:"dashboard"`
	// Storage names a storage extension that keeps alert state and
	// undelivered notifications across restarts.
	Storage *component.ID `mapstructure:"storage"`
	// API serves the current alerts and their history (read-only JSON).
	API APIConfig `mapstructure:"api"`
	// ExternalURL is where notifications link to (e.g. a Grafana dashboard).
	ExternalURL string `mapstructure:"external_url"`

	// prevent unkeyed literal initialization
	_ struct{}
}

// HandlerConfig is one notification handler: a name and exactly one kind.
type HandlerConfig struct {
	Name string `mapstructure:"name"`
	// SendResolved sends resolved notifications (default true).
	SendResolved *bool `mapstructure:"send_resolved"`
	// ResendInterval re-sends firing alerts this often (default: the
	// route's repeat_interval; 1m for the alertmanager handler, well within
	// Alertmanager's resolve_timeout).
	ResendInterval time.Duration `mapstructure:"resend_interval"`

	Log          *config.LogConfig          `mapstructure:"log"`
	Webhook      *config.WebhookConfig      `mapstructure:"webhook"`
	Slack        *config.SlackConfig        `mapstructure:"slack"`
	PagerDuty    *config.PagerDutyConfig    `mapstructure:"pagerduty"`
	Alertmanager *config.AlertmanagerConfig `mapstructure:"alertmanager"`
	// Abort stops the chaos when its rules fire (the guardrail handler).
	Abort *config.AbortConfig `mapstructure:"abort"`
}

var _ component.Config = (*Config)(nil)

// Errors returned by Validate.
var (
	errNoRules       = errors.New("rules: at least one rule is needed")
	errNoHandlers    = errors.New("handlers: at least one handler is needed (e.g. `- name: log` with `log: {}`)")
	errHandlerName   = errors.New("handler needs a unique, non-empty name")
	errHandlerKind   = errors.New("handler must set exactly one of log, webhook, slack, pagerduty, alertmanager, abort")
	errAbortRule     = errors.New("abort::rules names a rule that is not configured")
	errInterval      = errors.New("evaluation_interval must be positive")
	errBucketWidth   = errors.New("bucket_width must be 0 (the finest width the records carry) or a whole number of seconds")
	errRoute         = errors.New("route")
	errHistory       = errors.New("history_size must be positive")
	errNegative      = errors.New("data_delay, resolved_retention, takeover_resend and drain_timeout must not be negative")
	errResend        = errors.New("resend_interval must not be negative")
	errGroupByRepeat = errors.New("route::group_by lists a label twice")
	errAPIEndpoint   = errors.New("api::endpoint must be set when the alerts API is enabled")
)

// Validate checks the configuration at start-up.
func (cfg *Config) Validate() error {
	var errs []error
	if cfg.EvaluationInterval <= 0 {
		errs = append(errs, errInterval)
	}
	if cfg.BucketWidth < 0 || cfg.BucketWidth%time.Second != 0 {
		errs = append(errs, fmt.Errorf("%w (got %s)", errBucketWidth, cfg.BucketWidth))
	}
	if cfg.HistorySize <= 0 {
		errs = append(errs, errHistory)
	}
	if cfg.DataDelay < 0 || cfg.ResolvedRetention < 0 || cfg.TakeoverResend < 0 || cfg.DrainTimeout < 0 {
		errs = append(errs, errNegative)
	}
	if len(cfg.Rules) == 0 {
		errs = append(errs, errNoRules)
	} else if _, err := rules.Compile(cfg.Rules); err != nil {
		errs = append(errs, err)
	}
	r := cfg.Route
	if r.GroupWait < 0 || r.GroupInterval <= 0 || r.RepeatInterval < r.GroupInterval {
		errs = append(errs, fmt.Errorf("%w: group_wait must not be negative, group_interval must be positive and repeat_interval at least group_interval (got %s, %s, %s)",
			errRoute, r.GroupWait, r.GroupInterval, r.RepeatInterval))
	}
	sorted := slices.Clone(r.GroupBy)
	slices.Sort(sorted)
	if len(slices.Compact(sorted)) != len(r.GroupBy) {
		errs = append(errs, errGroupByRepeat)
	}
	if cfg.API.Enabled && cfg.API.ServerConfig.NetAddr.Endpoint == "" {
		errs = append(errs, errAPIEndpoint)
	}
	if len(cfg.Handlers) == 0 {
		errs = append(errs, errNoHandlers)
	}
	names := map[string]bool{}
	for i, h := range cfg.Handlers {
		if h.Name == "" || names[h.Name] {
			errs = append(errs, fmt.Errorf("handlers[%d]: %w (got %q)", i, errHandlerName, h.Name))
		}
		names[h.Name] = true
		if h.kinds() != 1 {
			errs = append(errs, fmt.Errorf("handlers[%d] (%s): %w", i, h.Name, errHandlerKind))
		}
		if h.ResendInterval < 0 {
			errs = append(errs, fmt.Errorf("handlers[%d] (%s): %w", i, h.Name, errResend))
		}
		if h.Abort != nil {
			errs = append(errs, cfg.validateAbort(i, &h)...)
		}
	}
	return errors.Join(errs...)
}

// validateAbort checks an abort handler's settings and that each rule it
// names is configured (a typo would leave the guardrail silently unarmed).
func (cfg *Config) validateAbort(i int, h *HandlerConfig) []error {
	var errs []error
	if err := h.Abort.Validate(); err != nil {
		errs = append(errs, fmt.Errorf("handlers[%d] (%s): abort: %w", i, h.Name, err))
	}
	for _, name := range h.Abort.Rules {
		if name != "" && !slices.ContainsFunc(cfg.Rules, func(r config.RuleConfig) bool { return r.Name == name }) {
			errs = append(errs, fmt.Errorf("handlers[%d] (%s): %w: %q (add it under rules, or fix the name)", i, h.Name, errAbortRule, name))
		}
	}
	return errs
}

func (h *HandlerConfig) kinds() int {
	n := 0
	for _, set := range []bool{h.Log != nil, h.Webhook != nil, h.Slack != nil, h.PagerDuty != nil, h.Alertmanager != nil, h.Abort != nil} {
		if set {
			n++
		}
	}
	return n
}

func (h *HandlerConfig) sendResolved() bool { return h.SendResolved == nil || *h.SendResolved }

// Unmarshal gives the handler kind that is set its defaults before the
// user's settings are applied over them (a bare `log: {}` is a usable
// log handler, `webhook:` sends resolved notifications by default…).
func (h *HandlerConfig) Unmarshal(conf *confmap.Conf) error {
	if conf.IsSet("log") {
		c := config.NewDefaultLogConfig()
		h.Log = &c
	}
	if conf.IsSet("webhook") {
		c := config.NewDefaultWebhookConfig()
		h.Webhook = &c
	}
	if conf.IsSet("slack") {
		c := config.NewDefaultSlackConfig()
		h.Slack = &c
	}
	if conf.IsSet("pagerduty") {
		c := config.NewDefaultPagerDutyConfig()
		h.PagerDuty = &c
	}
	if conf.IsSet("alertmanager") {
		c := config.NewDefaultAlertmanagerConfig()
		h.Alertmanager = &c
	}
	if conf.IsSet("abort") {
		c := config.NewDefaultAbortConfig()
		h.Abort = &c
	}
	return conf.Unmarshal(h)
}
