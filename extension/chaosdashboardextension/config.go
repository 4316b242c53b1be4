package chaosdashboardextension

import (
	"errors"
	"fmt"
	"time"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/config/confighttp"

	"github.com/otelcol-chaos/otelcol-chaos/extension/chaosdashboardextension/internal/store"
	"github.com/otelcol-chaos/otelcol-chaos/extension/chaosdashboardextension/internal/stream"
)

// Config is the chaos_dashboard extension's configuration. The HTTP server
// settings (endpoint, tls, auth, cors, …) sit at the top level, as in the
// collector's zpages extension.
type Config struct {
	ServerConfig confighttp.ServerConfig `mapstructure:",squash"`

	// Coordinator names the coordinator extension whose leader, term and
	// members /api/v1/fleet shows; nil: the only one, if any.
	Coordinator *component.ID `mapstructure:"coordinator"`
	// LeadershipPollInterval is how often the leader and term are read to
	// stream a leadership message when they change.
	LeadershipPollInterval time.Duration `mapstructure:"leadership_poll_interval"`

	// Store bounds what is kept: retention by data time, series, closed
	// anomalies, alert history and scenario transitions.
	Store store.Config `mapstructure:"store"`
	// Stream configures the WebSocket stream's per-client queue and
	// timeouts.
	Stream stream.Config `mapstructure:"stream"`
	// Impact parameterises the impact of a window (/api/v1/impact), which
	// is computed again from the window's merged buckets.
	Impact ImpactConfig `mapstructure:"impact"`
}

// ImpactConfig is the impact formula's parameters (see
// docs/semantic-conventions.md). Set them as in the analytics processor so
// that a window's impact agrees with its buckets'.
type ImpactConfig struct {
	// LatencyBudget is the p95 injected delay that counts as fully
	// degrading.
	LatencyBudget time.Duration `mapstructure:"latency_budget"`
	// TopEndpoints is how many endpoints an impact lists.
	TopEndpoints int `mapstructure:"top_endpoints"`
}

// Sentinel errors of Validate.
var (
	errNoEndpoint    = errors.New("endpoint must be set (host:port the dashboard listens on)")
	errPollInterval  = errors.New("leadership_poll_interval must be positive")
	errLatencyBudget = errors.New("impact.latency_budget must be positive")
	errTopEndpoints  = errors.New("impact.top_endpoints must not be negative")
)

// Validate reports every problem at once, each naming its key.
func (c *Config) Validate() error {
	var errs []error
	if c.ServerConfig.NetAddr.Endpoint == "" {
		errs = append(errs, errNoEndpoint)
	}
	if c.LeadershipPollInterval <= 0 {
		errs = append(errs, fmt.Errorf("%w, got %s", errPollInterval, c.LeadershipPollInterval))
	}
	if c.Impact.LatencyBudget <= 0 {
		errs = append(errs, fmt.Errorf("%w, got %s", errLatencyBudget, c.Impact.LatencyBudget))
	}
	if c.Impact.TopEndpoints < 0 {
		errs = append(errs, fmt.Errorf("%w, got %d", errTopEndpoints, c.Impact.TopEndpoints))
	}
	if err := c.Store.Validate(); err != nil {
		errs = append(errs, fmt.Errorf("store: %w", err))
	}
	if err := c.Stream.Validate(); err != nil {
		errs = append(errs, fmt.Errorf("stream: %w", err))
	}
	return errors.Join(errs...)
}
