package coordinatorextension

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/config/confighttp"
	"go.opentelemetry.io/collector/config/configopaque"
	"go.opentelemetry.io/collector/config/configtls"
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
	// Group names the fleet: nodes of one group elect one leader. It is
	// part of the etcd key prefix and of the Kubernetes Lease names.
	Group string `mapstructure:"group"`
	// Priority is the node order of the `ordered` work mode.
	Priority []string `mapstructure:"priority"`

	// LeaseDuration is how long a leader's lease lasts without renewal:
	// the longest a dead leader keeps the fleet leaderless.
	LeaseDuration time.Duration `mapstructure:"lease_duration"`
	// RenewDeadline is how long a leader keeps acting without a successful
	// renewal; it steps down after it, before its lease can expire and be
	// taken by another node.
	RenewDeadline time.Duration `mapstructure:"renew_deadline"`
	// RetryPeriod is how often a follower retries to acquire (kubernetes)
	// or a lost session is re-established (etcd).
	RetryPeriod time.Duration `mapstructure:"retry_period"`

	// Membership: every node heartbeats each HeartbeatInterval; a member
	// not heard from for DegradedAfter is degraded, for FailedAfter (or
	// whose lease is gone) failed, and forgotten after ForgetAfter.
	HeartbeatInterval time.Duration `mapstructure:"heartbeat_interval"`
	DegradedAfter     time.Duration `mapstructure:"degraded_after"`
	FailedAfter       time.Duration `mapstructure:"failed_after"`
	ForgetAfter       time.Duration `mapstructure:"forget_after"`

	Etcd       EtcdConfig       `mapstructure:"etcd"`
	Kubernetes KubernetesConfig `mapstructure:"kubernetes"`

	// Status serves the JSON status endpoint.
	Status StatusConfig `mapstructure:"status"`

	// prevent unkeyed literal initialization
	_ struct{}
}

// EtcdConfig is the etcd backend's client.
type EtcdConfig struct {
	// Endpoints are the etcd client URLs (host:port or http(s)://host:port).
	Endpoints []string `mapstructure:"endpoints"`
	// Prefix is the key prefix; the group is appended to it.
	Prefix string `mapstructure:"prefix"`
	// TLS for the client connection; insecure by default.
	TLS configtls.ClientConfig `mapstructure:"tls"`
	// Username and Password for etcd authentication (optional).
	Username string              `mapstructure:"username"`
	Password configopaque.String `mapstructure:"password"`
	// DialTimeout bounds the first connection.
	DialTimeout time.Duration `mapstructure:"dial_timeout"`
	// RequestTimeout bounds one request (a renewal, a heartbeat).
	RequestTimeout time.Duration `mapstructure:"request_timeout"`
}

// KubernetesConfig is the kubernetes backend's client.
type KubernetesConfig struct {
	// AuthType is serviceAccount (in a pod) or kubeConfig.
	AuthType string `mapstructure:"auth_type"`
	// KubeConfig is the kubeconfig path for auth_type kubeConfig ($KUBECONFIG
	// or ~/.kube/config when empty); Context selects one of its contexts.
	KubeConfig string `mapstructure:"kubeconfig"`
	Context    string `mapstructure:"context"`
	// Namespace holds the Leases; the pod's namespace when empty.
	Namespace string `mapstructure:"namespace"`
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

// Kubernetes auth types.
const (
	AuthServiceAccount = "serviceAccount"
	AuthKubeConfig     = "kubeConfig"
)

// jitterFactor is client-go leaderelection's JitterFactor: its constraint
// renew_deadline > jitterFactor × retry_period is enforced for both backends.
const jitterFactor = 1.2

// Errors returned by Validate.
var (
	errBackend        = errors.New("backend must be standalone, etcd or kubernetes")
	errPriorityDup    = errors.New("priority lists a node twice")
	errStatusPath     = errors.New("status::path must start with '/'")
	errStatusEndpoint = errors.New("status::endpoint must be set when the status endpoint is enabled")
	errNodeID         = errors.New("node_id must not contain white space or '/'")
	errGroup          = errors.New("group must be a DNS-1123 label: lower-case letters, digits and '-', at most 40 characters, starting and ending with a letter or digit")
	errLeaseTiming    = errors.New("lease timing")
	errMembership     = errors.New("membership timing")
	errEtcdEndpoints  = errors.New("etcd::endpoints must list at least one etcd client URL")
	errEtcdEndpoint   = errors.New("etcd::endpoints: bad endpoint")
	errEtcdPrefix     = errors.New("etcd::prefix must start with '/' and must not end with '/'")
	errEtcdTimeout    = errors.New("etcd timeouts")
	errEtcdLeaseWhole = errors.New("lease_duration must be a whole number of seconds with the etcd backend (etcd leases are in seconds)")
	errK8sAuth        = errors.New("kubernetes::auth_type must be serviceAccount or kubeConfig")
	errK8sNamespace   = errors.New("kubernetes::namespace must be a DNS-1123 label")
)

// Validate checks the configuration at start-up.
func (cfg *Config) Validate() error {
	var errs []error
	switch cfg.Backend {
	case BackendStandalone:
	case BackendEtcd:
		errs = append(errs, cfg.validateTiming()...)
		errs = append(errs, cfg.Etcd.validate(cfg.LeaseDuration, cfg.RenewDeadline)...)
	case BackendKubernetes:
		errs = append(errs, cfg.validateTiming()...)
		errs = append(errs, cfg.Kubernetes.validate()...)
	default:
		errs = append(errs, fmt.Errorf("%w (got %q)", errBackend, cfg.Backend))
	}
	if strings.ContainsAny(cfg.NodeID, " \t\n/") {
		errs = append(errs, errNodeID)
	}
	if !isDNSLabel(cfg.Group, 40) {
		errs = append(errs, fmt.Errorf("%w (got %q)", errGroup, cfg.Group))
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

// validateTiming applies client-go leaderelection's constraints
// (lease_duration > renew_deadline > 1.2 × retry_period > 0) and orders
// the membership thresholds.
func (cfg *Config) validateTiming() []error {
	var errs []error
	if cfg.RetryPeriod <= 0 {
		errs = append(errs, fmt.Errorf("%w: retry_period must be positive (got %s)", errLeaseTiming, cfg.RetryPeriod))
	}
	if cfg.RenewDeadline <= time.Duration(jitterFactor*float64(cfg.RetryPeriod)) {
		errs = append(errs, fmt.Errorf("%w: renew_deadline (%s) must be greater than %.1f × retry_period (%s)",
			errLeaseTiming, cfg.RenewDeadline, jitterFactor, cfg.RetryPeriod))
	}
	if cfg.LeaseDuration <= cfg.RenewDeadline {
		errs = append(errs, fmt.Errorf("%w: lease_duration (%s) must be greater than renew_deadline (%s), so a leader steps down before its lease can be taken",
			errLeaseTiming, cfg.LeaseDuration, cfg.RenewDeadline))
	}
	if cfg.HeartbeatInterval <= 0 {
		errs = append(errs, fmt.Errorf("%w: heartbeat_interval must be positive (got %s)", errMembership, cfg.HeartbeatInterval))
	}
	if cfg.DegradedAfter <= cfg.HeartbeatInterval {
		errs = append(errs, fmt.Errorf("%w: degraded_after (%s) must be greater than heartbeat_interval (%s)",
			errMembership, cfg.DegradedAfter, cfg.HeartbeatInterval))
	}
	if cfg.FailedAfter <= cfg.DegradedAfter {
		errs = append(errs, fmt.Errorf("%w: failed_after (%s) must be greater than degraded_after (%s)",
			errMembership, cfg.FailedAfter, cfg.DegradedAfter))
	}
	if cfg.ForgetAfter <= cfg.FailedAfter {
		errs = append(errs, fmt.Errorf("%w: forget_after (%s) must be greater than failed_after (%s)",
			errMembership, cfg.ForgetAfter, cfg.FailedAfter))
	}
	return errs
}

func (e *EtcdConfig) validate(lease, renew time.Duration) []error {
	var errs []error
	if len(e.Endpoints) == 0 {
		errs = append(errs, errEtcdEndpoints)
	}
	for _, ep := range e.Endpoints {
		if ep == "" || strings.ContainsAny(ep, " \t\n") || (strings.Contains(ep, "://") &&
			!strings.HasPrefix(ep, "http://") && !strings.HasPrefix(ep, "https://") && !strings.HasPrefix(ep, "unix://")) {
			errs = append(errs, fmt.Errorf("%w %q: want host:port or http(s)://host:port", errEtcdEndpoint, ep))
		}
	}
	if !strings.HasPrefix(e.Prefix, "/") || strings.HasSuffix(e.Prefix, "/") {
		errs = append(errs, fmt.Errorf("%w (got %q)", errEtcdPrefix, e.Prefix))
	}
	if lease%time.Second != 0 || lease < time.Second {
		errs = append(errs, fmt.Errorf("%w (got %s)", errEtcdLeaseWhole, lease))
	}
	if e.DialTimeout <= 0 {
		errs = append(errs, fmt.Errorf("%w: dial_timeout must be positive", errEtcdTimeout))
	}
	if e.RequestTimeout <= 0 || e.RequestTimeout >= renew {
		errs = append(errs, fmt.Errorf("%w: request_timeout (%s) must be positive and less than renew_deadline (%s)",
			errEtcdTimeout, e.RequestTimeout, renew))
	}
	return errs // etcd::tls validates itself (confmap.Validate walks nested configs)
}

func (k *KubernetesConfig) validate() []error {
	var errs []error
	if k.AuthType != AuthServiceAccount && k.AuthType != AuthKubeConfig {
		errs = append(errs, fmt.Errorf("%w (got %q)", errK8sAuth, k.AuthType))
	}
	if k.Namespace != "" && !isDNSLabel(k.Namespace, 63) {
		errs = append(errs, fmt.Errorf("%w (got %q)", errK8sNamespace, k.Namespace))
	}
	return errs
}

// isDNSLabel reports whether s is a DNS-1123 label of at most max bytes.
func isDNSLabel(s string, maxLen int) bool {
	if s == "" || len(s) > maxLen || s[0] == '-' || s[len(s)-1] == '-' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '-' {
			return false
		}
	}
	return true
}
