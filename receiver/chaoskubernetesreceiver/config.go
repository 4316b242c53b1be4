package chaoskubernetesreceiver // import "github.com/otelcol-chaos/otelcol-chaos/receiver/chaoskubernetesreceiver"

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"go.opentelemetry.io/collector/component"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/validation"
)

// Auth types.
const (
	// AuthServiceAccount uses the pod's service account (in-cluster).
	AuthServiceAccount = "serviceAccount"
	// AuthKubeConfig uses a kubeconfig file (kubeconfig, else $KUBECONFIG,
	// else ~/.kube/config) and optionally one of its contexts.
	AuthKubeConfig = "kubeConfig"
)

const (
	defaultServiceLabel = "app"
	defaultResync       = 10 * time.Minute
)

// API groups and versions watched.
const (
	chaosMeshGroup = "chaos-mesh.org"
	litmusGroup    = "litmuschaos.io"
	apiVersion     = "v1alpha1"
)

// chaosMeshResources maps each Chaos Mesh kind the receiver understands to
// its resource (plural) name, as the CRDs declare them.
var chaosMeshResources = map[string]string{
	"PodChaos":     "podchaos",
	"NetworkChaos": "networkchaos",
	"StressChaos":  "stresschaos",
	"IOChaos":      "iochaos",
	"HTTPChaos":    "httpchaos",
	"TimeChaos":    "timechaos",
	"DNSChaos":     "dnschaos",
}

// ChaosMeshKinds are the kinds the receiver can watch, in documentation
// order (the default of chaos_mesh::kinds).
var ChaosMeshKinds = []string{"PodChaos", "NetworkChaos", "StressChaos", "IOChaos", "HTTPChaos", "TimeChaos", "DNSChaos"}

// Litmus resources.
const (
	litmusEngines = "chaosengines"
	litmusResults = "chaosresults"
)

// Config is the chaos_kubernetes receiver's configuration.
type Config struct {
	// AuthType is serviceAccount (in a pod) or kubeConfig.
	AuthType string `mapstructure:"auth_type"`
	// KubeConfig is the kubeconfig path for auth_type kubeConfig ($KUBECONFIG
	// or ~/.kube/config when empty).
	KubeConfig string `mapstructure:"kubeconfig"`
	// Context is the kubeconfig context (its current context when empty).
	Context string `mapstructure:"context"`
	// Namespaces to watch; empty means all namespaces (cluster-wide).
	Namespaces []string `mapstructure:"namespaces"`
	// ServiceLabel is the label key whose value, in the custom resource's
	// pod selector, names the service under test (service.name); the
	// namespace when the selector lacks it.
	ServiceLabel string `mapstructure:"service_label"`
	// ResyncPeriod is the informers' resync period (0: none). A resync
	// emits nothing new: transitions are deduplicated.
	ResyncPeriod time.Duration `mapstructure:"resync_period"`
	// ChaosMesh selects the Chaos Mesh kinds watched.
	ChaosMesh ChaosMeshConfig `mapstructure:"chaos_mesh"`
	// Litmus turns the LitmusChaos watch on or off.
	Litmus LitmusConfig `mapstructure:"litmus"`

	// prevent unkeyed literal initialization
	_ struct{}
}

// ChaosMeshConfig is the chaos_mesh section.
type ChaosMeshConfig struct {
	// Enabled watches Chaos Mesh resources.
	Enabled bool `mapstructure:"enabled"`
	// Kinds are the experiment kinds watched (default: all of ChaosMeshKinds).
	Kinds []string `mapstructure:"kinds"`
}

// LitmusConfig is the litmus section.
type LitmusConfig struct {
	// Enabled watches ChaosEngines and ChaosResults.
	Enabled bool `mapstructure:"enabled"`
}

var _ component.Config = (*Config)(nil)

// Errors returned by Validate.
var (
	errAuthType          = errors.New("auth_type must be serviceAccount or kubeConfig")
	errKubeConfigOnly    = errors.New("kubeconfig and context apply only with auth_type kubeConfig")
	errNothingWatched    = errors.New("nothing to watch: enable chaos_mesh (with at least one kind) or litmus")
	errUnknownKind       = errors.New("chaos_mesh::kinds: unknown kind")
	errDuplicateKind     = errors.New("chaos_mesh::kinds: duplicate kind")
	errBadNamespace      = errors.New("namespaces: not a valid namespace name")
	errDuplicateNS       = errors.New("namespaces: duplicate namespace")
	errServiceLabel      = errors.New("service_label must not be empty")
	errNegativeResync    = errors.New("resync_period must be >= 0 (0 disables resyncs)")
	errEmptyKindsEnabled = errors.New("chaos_mesh::kinds is empty while chaos_mesh::enabled is true")
)

// Validate checks the configuration at start-up.
func (cfg *Config) Validate() error {
	var errs []error
	switch cfg.AuthType {
	case AuthServiceAccount:
		if cfg.KubeConfig != "" || cfg.Context != "" {
			errs = append(errs, errKubeConfigOnly)
		}
	case AuthKubeConfig:
	default:
		errs = append(errs, fmt.Errorf("%w (got %q)", errAuthType, cfg.AuthType))
	}
	if !cfg.ChaosMesh.Enabled && !cfg.Litmus.Enabled {
		errs = append(errs, errNothingWatched)
	}
	if cfg.ChaosMesh.Enabled && len(cfg.ChaosMesh.Kinds) == 0 {
		errs = append(errs, errEmptyKindsEnabled)
	}
	seen := map[string]bool{}
	for _, k := range cfg.ChaosMesh.Kinds {
		if _, ok := chaosMeshResources[k]; !ok {
			errs = append(errs, fmt.Errorf("%w %q (known: %s)", errUnknownKind, k, strings.Join(ChaosMeshKinds, ", ")))
		} else if seen[k] {
			errs = append(errs, fmt.Errorf("%w %q", errDuplicateKind, k))
		}
		seen[k] = true
	}
	seenNS := map[string]bool{}
	for _, ns := range cfg.Namespaces {
		if msgs := validation.IsDNS1123Label(ns); len(msgs) > 0 {
			errs = append(errs, fmt.Errorf("%w %q: %s", errBadNamespace, ns, strings.Join(msgs, "; ")))
		} else if seenNS[ns] {
			errs = append(errs, fmt.Errorf("%w %q", errDuplicateNS, ns))
		}
		seenNS[ns] = true
	}
	if strings.TrimSpace(cfg.ServiceLabel) == "" {
		errs = append(errs, errServiceLabel)
	}
	if cfg.ResyncPeriod < 0 {
		errs = append(errs, errNegativeResync)
	}
	return errors.Join(errs...)
}

// WatchedResources returns the resources cfg makes the receiver list and
// watch, Chaos Mesh kinds first, in configuration order. The RBAC manifest
// (deploy/kubernetes/chaos-watch-rbac.yaml) is tested against it.
func WatchedResources(cfg *Config) []schema.GroupVersionResource {
	var out []schema.GroupVersionResource
	if cfg.ChaosMesh.Enabled {
		for _, k := range cfg.ChaosMesh.Kinds {
			if r, ok := chaosMeshResources[k]; ok {
				out = append(out, schema.GroupVersionResource{Group: chaosMeshGroup, Version: apiVersion, Resource: r})
			}
		}
	}
	if cfg.Litmus.Enabled {
		out = append(out,
			schema.GroupVersionResource{Group: litmusGroup, Version: apiVersion, Resource: litmusEngines},
			schema.GroupVersionResource{Group: litmusGroup, Version: apiVersion, Resource: litmusResults})
	}
	return slices.Clip(out)
}
