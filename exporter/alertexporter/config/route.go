package config // import "github.com/otelcol-chaos/otelcol-chaos/exporter/alertexporter/config"

import "time"

// RouteConfig is the route: how alerts are grouped and when each group is
// notified, as in Alertmanager. Alerts with equal group_by labels form a
// group ("..." groups by every label); a new group is notified after
// group_wait, then at most every group_interval when it changed, and
// re-notified every repeat_interval while it fires.
type RouteConfig struct {
	GroupBy        []string      `mapstructure:"group_by"`
	GroupWait      time.Duration `mapstructure:"group_wait"`
	GroupInterval  time.Duration `mapstructure:"group_interval"`
	RepeatInterval time.Duration `mapstructure:"repeat_interval"`
}
