package chaosreceiver // import "github.com/otelcol-chaos/otelcol-chaos/receiver/chaosreceiver"

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/config/confighttp"
)

const (
	defaultEndpoint   = "localhost:4320"
	defaultEventsPath = "/v1/chaos/events"
	defaultHealthPath = "/v1/chaos/health"
	// defaultChaosToolkitPath is where Chaos Toolkit journals are POSTed.
	defaultChaosToolkitPath = "/v1/chaostoolkit/journal"
	defaultMaxEvents        = 10_000
	defaultRetryAfter       = 5 * time.Second
	// defaultServiceHeader lets a sender name the service under test per
	// request without touching the collector's configuration.
	defaultServiceHeader = "X-Chaos-Service"
)

// Config is the chaos receiver's configuration.
type Config struct {
	// ServerConfig is the HTTP server: endpoint, TLS, auth, CORS,
	// max_request_body_size, compression_algorithms… A named field, not an
	// embedded one: embedding would promote ServerConfig's own Unmarshal to
	// Config and confmap would then decode nothing but the server settings.
	ServerConfig confighttp.ServerConfig `mapstructure:",squash"`

	// EventsPath is where events are POSTed.
	EventsPath string `mapstructure:"events_path"`
	// HealthPath answers GET with 200 while the receiver runs.
	HealthPath string `mapstructure:"health_path"`
	// ChaosToolkitPath is where Chaos Toolkit journals (journal.json, as
	// `chaos run` writes it) are POSTed.
	ChaosToolkitPath string `mapstructure:"chaostoolkit_path"`
	// MaxEventsPerRequest bounds the events of one request (413 above it);
	// 0 means no bound beyond max_request_body_size.
	MaxEventsPerRequest int `mapstructure:"max_events_per_request"`
	// RetryAfter is the Retry-After a refused request carries when the
	// pipeline refuses data (503), so that senders back off.
	RetryAfter time.Duration `mapstructure:"retry_after"`
	// ResourceAttributes are set on the resource of every record.
	ResourceAttributes map[string]string `mapstructure:"resource_attributes"`
	// ResourceFromHeaders maps request header names to resource attribute
	// keys; a header present on the request sets that attribute (over
	// resource_attributes). A native event's own "service" wins over both
	// for service.name.
	ResourceFromHeaders map[string]string `mapstructure:"resource_from_headers"`

	// prevent unkeyed literal initialization
	_ struct{}
}

var _ component.Config = (*Config)(nil)

// Errors returned by Validate.
var (
	errEndpointEmpty  = errors.New("endpoint must not be empty: set e.g. localhost:4320")
	errPathInvalid    = errors.New("must be an absolute URL path starting with '/'")
	errPathsCollide   = errors.New("events_path and health_path must differ")
	errPathTaken      = errors.New("must differ from events_path and health_path")
	errNegativeLimit  = errors.New("max_events_per_request must be >= 0 (0 means unbounded)")
	errRetryAfter     = errors.New("retry_after must be at least 1s (Retry-After is whole seconds)")
	errEmptyAttrKey   = errors.New("resource attribute key must not be empty")
	errBadHeaderName  = errors.New("resource_from_headers: invalid header name")
	errNegativeBodyMx = errors.New("max_request_body_size must be >= 0")
)

// Validate checks the configuration at start-up.
func (cfg *Config) Validate() error {
	var errs []error
	if strings.TrimSpace(cfg.ServerConfig.NetAddr.Endpoint) == "" {
		errs = append(errs, errEndpointEmpty)
	}
	for name, p := range map[string]string{"events_path": cfg.EventsPath, "health_path": cfg.HealthPath, "chaostoolkit_path": cfg.ChaosToolkitPath} {
		if !strings.HasPrefix(p, "/") || strings.ContainsAny(p, " ?#") {
			errs = append(errs, fmt.Errorf("%s %q: %w", name, p, errPathInvalid))
		}
	}
	if cfg.EventsPath == cfg.HealthPath {
		errs = append(errs, errPathsCollide)
	}
	if cfg.ChaosToolkitPath == cfg.EventsPath || cfg.ChaosToolkitPath == cfg.HealthPath {
		errs = append(errs, fmt.Errorf("chaostoolkit_path %q: %w", cfg.ChaosToolkitPath, errPathTaken))
	}
	if cfg.MaxEventsPerRequest < 0 {
		errs = append(errs, errNegativeLimit)
	}
	if cfg.RetryAfter < time.Second {
		errs = append(errs, errRetryAfter)
	}
	if cfg.ServerConfig.MaxRequestBodySize < 0 {
		errs = append(errs, errNegativeBodyMx)
	}
	for k := range cfg.ResourceAttributes {
		if k == "" {
			errs = append(errs, fmt.Errorf("resource_attributes: %w", errEmptyAttrKey))
		}
	}
	for h, k := range cfg.ResourceFromHeaders {
		if !validHeaderName(h) {
			errs = append(errs, fmt.Errorf("%w %q", errBadHeaderName, h))
		}
		if k == "" {
			errs = append(errs, fmt.Errorf("resource_from_headers[%q]: %w", h, errEmptyAttrKey))
		}
	}
	return errors.Join(errs...)
}

// validHeaderName accepts an RFC 9110 token.
func validHeaderName(h string) bool {
	if h == "" {
		return false
	}
	for _, c := range h {
		if c > 0x7e || c <= 0x20 || strings.ContainsRune(`"(),/:;<=>?@[\]{}`, c) {
			return false
		}
	}
	return http.CanonicalHeaderKey(h) != ""
}
