package toxiproxyreceiver // import "github.com/otelcol-chaos/otelcol-chaos/receiver/toxiproxyreceiver"

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/config/confighttp"
)

const (
	// defaultEndpoint is toxiproxy-server's default API address.
	defaultEndpoint     = "http://localhost:8474"
	defaultPollInterval = time.Second
	// defaultTimeout bounds one GET /proxies, so that a hung server
	// delays the next poll by at most this.
	defaultTimeout = 5 * time.Second
)

// Config is the toxiproxy receiver's configuration.
type Config struct {
	// ClientConfig is the HTTP client of toxiproxy's API: endpoint (its
	// base URL), timeout, TLS, headers, auth… A named field, not an
	// embedded one: embedding would promote ClientConfig's own methods to
	// Config.
	ClientConfig confighttp.ClientConfig `mapstructure:",squash"`

	// PollInterval is how often GET /proxies is polled.
	PollInterval time.Duration `mapstructure:"poll_interval"`

	// Services maps a proxy name to the service.name of the events of its
	// toxics; a proxy not in the map is its own service.
	Services map[string]string `mapstructure:"services"`

	// prevent unkeyed literal initialization
	_ struct{}
}

var _ component.Config = (*Config)(nil)

// Errors returned by Validate.
var (
	errEndpointEmpty   = errors.New("endpoint must not be empty: set toxiproxy's API URL, e.g. http://localhost:8474")
	errEndpointInvalid = errors.New("endpoint must be an http:// or https:// URL with a host")
	errPollInterval    = errors.New("poll_interval must be positive")
	errTimeout         = errors.New("timeout must be >= 0 (0 means no timeout)")
	errEmptyProxyName  = errors.New("services: proxy name must not be empty")
	errEmptyService    = errors.New("services: service name must not be empty")
)

// Validate checks the configuration at start-up.
func (cfg *Config) Validate() error {
	var errs []error
	endpoint := strings.TrimSpace(cfg.ClientConfig.Endpoint)
	if endpoint == "" {
		errs = append(errs, errEndpointEmpty)
	} else if u, err := url.Parse(endpoint); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		errs = append(errs, fmt.Errorf("endpoint %q: %w", endpoint, errEndpointInvalid))
	}
	if cfg.PollInterval <= 0 {
		errs = append(errs, errPollInterval)
	}
	if cfg.ClientConfig.Timeout < 0 {
		errs = append(errs, errTimeout)
	}
	for proxy, service := range cfg.Services {
		if proxy == "" {
			errs = append(errs, errEmptyProxyName)
		}
		if service == "" {
			errs = append(errs, fmt.Errorf("proxy %q: %w", proxy, errEmptyService))
		}
	}
	return errors.Join(errs...)
}

// serviceOf is the service.name of proxy's events.
func (cfg *Config) serviceOf(proxy string) string {
	if s, ok := cfg.Services[proxy]; ok {
		return s
	}
	return proxy
}
