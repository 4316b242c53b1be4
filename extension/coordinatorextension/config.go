package coordinatorextension

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/config/confighttp"
)

// Backends.
const (
	BackendStandalone = "standalone"
	BackendEtcd       = "etcd"
	BackendKubernetes = "kubernetes"
)

// Config is the coordinator extension's configuration.
type Config struct {
	// Backend elects the leader and tracks members: standalone (one node,
	// always leader), etcd or kubernetes.
	Backend string `mapstructure:"backend"`
	// NodeID is this node's identity; the host name when empty.
	NodeID string `mapstructure:"node_id"`
	// Priority is the node order of the `ordered` work mode.
	Priority []string `mapstructure:"priority"`
	// Status serves the JSON status endpoint.
	Status StatusConfig `mapstructure:"status"`

	// prevent unkeyed literal initialization
	_ struct{}
}

// StatusConfig is the HTTP status endpoint.
type StatusConfig struct {
	Enabled bool `mapstructure:"enabled"`
	// ServerConfig is the HTTP server (endpoint, TLS, auth…).
	ServerConfig confighttp.ServerConfig `mapstructure:",squash"`
	// Path answers GET with the status JSON.
	Path string `mapstructure:"path"`
}

var _ component.Config = (*Config)(nil)

// Errors returned by Validate.
var (
	errBackend        = errors.New("backend must be standalone, etcd or kubernetes")
	errNotYet         = errors.New("is not available in this build yet: only the standalone backend is (etcd and kubernetes are being built, see the README)")
	errPriorityDup    = errors.New("priority lists a node twice")
	errStatusPath     = errors.New("status::path must start with '/'")
	errStatusEndpoint = errors.New("status::endpoint must be set when the status endpoint is enabled")
	errNodeID         = errors.New("node_id must not contain white space")
)

// Validate checks the configuration at start-up.
func (cfg *Config) Validate() error {
	var errs []error
	switch cfg.Backend {
	case BackendStandalone:
	case BackendEtcd, BackendKubernetes:
		errs = append(errs, fmt.Errorf("backend %q %w", cfg.Backend, errNotYet))
	default:
		errs = append(errs, fmt.Errorf("%w (got %q)", errBackend, cfg.Backend))
	}
	if strings.ContainsAny(cfg.NodeID, " \t\n") {
		errs = append(errs, errNodeID)
	}
	sorted := slices.Clone(cfg.Priority)
	slices.Sort(sorted)
	if len(slices.Compact(sorted)) != len(cfg.Priority) {
		errs = append(errs, errPriorityDup)
	}
	if cfg.Status.Enabled {
		if cfg.Status.ServerConfig.NetAddr.Endpoint == "" {
			errs = append(errs, errStatusEndpoint)
		}
		if !strings.HasPrefix(cfg.Status.Path, "/") {
			errs = append(errs, errStatusPath)
		}
	}
	return errors.Join(errs...)
}
