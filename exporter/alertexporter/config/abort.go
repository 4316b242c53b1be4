package config // import "github.com/otelcol-chaos/otelcol-chaos/exporter/alertexporter/config"

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"go.opentelemetry.io/collector/config/confighttp"
	"go.opentelemetry.io/collector/confmap"

	"github.com/otelcol-chaos/otelcol-chaos/exporter/alertexporter/internal/templating"
)

// Abort handler defaults.
const (
	// DefaultAbortOncePer is how long a target stopped for an experiment is
	// not stopped again for that experiment.
	DefaultAbortOncePer = time.Hour
	// DefaultAbortFeedbackEndpoint is the chaos receiver's default events
	// URL, where the aborted experiment event is posted.
	DefaultAbortFeedbackEndpoint = "http://localhost:4320/v1/chaos/events"
)

// Kubernetes authentication types of the chaos_mesh and litmus targets.
const (
	KubeAuthServiceAccount = "serviceAccount"
	KubeAuthKubeConfig     = "kubeConfig"
)

// Errors of the abort handler's configuration.
var (
	ErrAbortNoRules    = errors.New("rules must list at least one rule name: only firing alerts of these rules stop the chaos")
	ErrAbortTarget     = errors.New("target must set exactly one of mockforge, chaos_mesh, litmus, http")
	ErrAbortKind       = errors.New("kind is not a Chaos Mesh kind that can be paused")
	ErrAbortAuthType   = errors.New("auth_type must be serviceAccount (in-cluster) or kubeConfig")
	ErrAbortRequired   = errors.New("must not be empty")
	ErrAbortHTTPMethod = errors.New("method must be one of POST, PUT, PATCH, DELETE, GET")
)

// ChaosMeshKinds maps each Chaos Mesh kind the pause annotation applies to
// to its resource (the CRD's lowercase plural) in chaos-mesh.org/v1alpha1.
var ChaosMeshKinds = map[string]string{
	"PodChaos":             "podchaos",
	"NetworkChaos":         "networkchaos",
	"StressChaos":          "stresschaos",
	"IOChaos":              "iochaos",
	"HTTPChaos":            "httpchaos",
	"TimeChaos":            "timechaos",
	"DNSChaos":             "dnschaos",
	"KernelChaos":          "kernelchaos",
	"JVMChaos":             "jvmchaos",
	"AWSChaos":             "awschaos",
	"GCPChaos":             "gcpchaos",
	"AzureChaos":           "azurechaos",
	"BlockChaos":           "blockchaos",
	"PhysicalMachineChaos": "physicalmachinechaos",
	"Schedule":             "schedules",
	"Workflow":             "workflows",
}

// AbortConfig configures the abort handler: the guardrail that stops the
// chaos when one of its rules fires. It acts on firing alerts of Rules only
// (any other notification is ignored, a resolved alert never aborts), stops
// each target once per experiment, and reports every abort back into the
// pipeline as a chaos.event (kind experiment, phase aborted).
type AbortConfig struct {
	// Rules names the rules whose firing alerts stop the chaos (required).
	Rules []string `mapstructure:"rules"`
	// DryRun logs what would be sent (info), sends nothing to the target,
	// and still records and reports the abort (marked dry_run).
	DryRun bool `mapstructure:"dry_run"`
	// OncePer: a target stopped for an experiment is not stopped again for
	// that experiment within this long (default 1h), nor while the alert
	// that stopped it stays firing. 0 keeps only the latter.
	OncePer time.Duration `mapstructure:"once_per"`
	// Target is what to stop: exactly one kind.
	Target AbortTargetConfig `mapstructure:"target"`
	// Feedback is where the aborted event is posted: the chaos receiver's
	// events URL. An empty endpoint disables the feedback.
	Feedback AbortFeedbackConfig `mapstructure:"feedback"`

	// prevent unkeyed literal initialization
	_ struct{}
}

// NewDefaultAbortConfig returns the abort handler's defaults.
func NewDefaultAbortConfig() AbortConfig {
	fb := confighttp.NewDefaultClientConfig()
	fb.Endpoint = DefaultAbortFeedbackEndpoint
	fb.Timeout = defaultHTTPTimeout
	return AbortConfig{OncePer: DefaultAbortOncePer, Feedback: AbortFeedbackConfig{ClientConfig: fb}}
}

// Validate checks the rules, the target and the feedback endpoint.
func (cfg *AbortConfig) Validate() error {
	var errs []error
	if len(cfg.Rules) == 0 {
		errs = append(errs, ErrAbortNoRules)
	}
	for i, r := range cfg.Rules {
		if strings.TrimSpace(r) == "" {
			errs = append(errs, fmt.Errorf("rules[%d]: %w", i, ErrAbortRequired))
		} else if slices.Index(cfg.Rules, r) != i {
			errs = append(errs, fmt.Errorf("rules[%d]: %q is listed twice", i, r))
		}
	}
	if cfg.OncePer < 0 {
		errs = append(errs, errors.New("once_per must be >= 0 (0: only while the alert that stopped it stays firing)"))
	}
	if err := cfg.Target.Validate(); err != nil {
		errs = append(errs, fmt.Errorf("target: %w", err))
	}
	if cfg.Feedback.ClientConfig.Endpoint != "" {
		if err := validateHTTPURL("feedback::endpoint", cfg.Feedback.ClientConfig.Endpoint); err != nil {
			errs = append(errs, fmt.Errorf("%w (or \"\" to disable the feedback)", err))
		}
	}
	return errors.Join(errs...)
}

// AbortTargetConfig is the chaos to stop: exactly one kind.
type AbortTargetConfig struct {
	MockForge *MockForgeTargetConfig `mapstructure:"mockforge"`
	ChaosMesh *ChaosMeshTargetConfig `mapstructure:"chaos_mesh"`
	Litmus    *LitmusTargetConfig    `mapstructure:"litmus"`
	HTTP      *HTTPTargetConfig      `mapstructure:"http"`
}

// Unmarshal gives the target kind that is set its defaults before the
// user's settings are applied over them.
func (t *AbortTargetConfig) Unmarshal(conf *confmap.Conf) error {
	if conf.IsSet("mockforge") {
		c := NewDefaultMockForgeTargetConfig()
		t.MockForge = &c
	}
	if conf.IsSet("chaos_mesh") {
		c := NewDefaultChaosMeshTargetConfig()
		t.ChaosMesh = &c
	}
	if conf.IsSet("litmus") {
		c := NewDefaultLitmusTargetConfig()
		t.Litmus = &c
	}
	if conf.IsSet("http") {
		c := NewDefaultHTTPTargetConfig()
		t.HTTP = &c
	}
	return conf.Unmarshal(t)
}

// Kind names the target kind that is set ("" when none or several).
func (t *AbortTargetConfig) Kind() string {
	var kinds []string
	if t.MockForge != nil {
		kinds = append(kinds, "mockforge")
	}
	if t.ChaosMesh != nil {
		kinds = append(kinds, "chaos_mesh")
	}
	if t.Litmus != nil {
		kinds = append(kinds, "litmus")
	}
	if t.HTTP != nil {
		kinds = append(kinds, "http")
	}
	if len(kinds) != 1 {
		return ""
	}
	return kinds[0]
}

// Validate checks that exactly one kind is set, and that kind.
func (t *AbortTargetConfig) Validate() error {
	switch t.Kind() {
	case "mockforge":
		return prefix("mockforge", t.MockForge.Validate())
	case "chaos_mesh":
		return prefix("chaos_mesh", t.ChaosMesh.Validate())
	case "litmus":
		return prefix("litmus", t.Litmus.Validate())
	case "http":
		return prefix("http", t.HTTP.Validate())
	}
	return ErrAbortTarget
}

func prefix(key string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%s: %w", key, err)
}

// MockForgeTargetConfig stops MockForge's chaos through its chaos
// management API (mockforge-chaos src/api.rs): POST /api/chaos/disable,
// then DELETE /api/chaos/scenarios/{scenario} (or DELETE
// /api/chaos/scenarios when scenario is empty: every active scenario).
type MockForgeTargetConfig struct {
	// ClientConfig is the HTTP client; endpoint (required) is the base URL
	// the chaos API is served under, e.g. http://mockforge:3000 (a path
	// prefix is kept; /api/chaos/… is appended).
	ClientConfig confighttp.ClientConfig `mapstructure:",squash"`
	// Scenario is the scenario to stop, a Go template over the alert's
	// notification (e.g. "{{ .CommonLabels.experiment }}"); empty stops
	// every active scenario.
	Scenario string `mapstructure:"scenario"`

	// prevent unkeyed literal initialization
	_ struct{}
}

// NewDefaultMockForgeTargetConfig returns the MockForge target's defaults.
func NewDefaultMockForgeTargetConfig() MockForgeTargetConfig {
	cc := confighttp.NewDefaultClientConfig()
	cc.Timeout = defaultHTTPTimeout
	return MockForgeTargetConfig{ClientConfig: cc}
}

// Validate checks the endpoint and the scenario template.
func (cfg *MockForgeTargetConfig) Validate() error {
	var errs []error
	if err := validateHTTPURL("endpoint", cfg.ClientConfig.Endpoint); err != nil {
		errs = append(errs, err)
	}
	if err := checkAbortTemplate("scenario", cfg.Scenario); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// KubeAuthConfig is how the chaos_mesh and litmus targets reach the
// Kubernetes API.
type KubeAuthConfig struct {
	// AuthType is serviceAccount (in-cluster, the default) or kubeConfig.
	AuthType string `mapstructure:"auth_type"`
	// KubeConfig is the kubeconfig file for auth_type kubeConfig (default:
	// $KUBECONFIG, then ~/.kube/config).
	KubeConfig string `mapstructure:"kubeconfig"`
	// Context is the kubeconfig context (default: its current context).
	Context string `mapstructure:"context"`
}

// Validate checks the auth type.
func (cfg *KubeAuthConfig) Validate() error {
	switch cfg.AuthType {
	case KubeAuthServiceAccount:
		if cfg.KubeConfig != "" || cfg.Context != "" {
			return errors.New("kubeconfig and context apply only with auth_type: kubeConfig")
		}
		return nil
	case KubeAuthKubeConfig:
		return nil
	}
	return fmt.Errorf("%w (got %q)", ErrAbortAuthType, cfg.AuthType)
}

// ChaosMeshTargetConfig pauses a Chaos Mesh experiment (or Schedule): a
// merge patch setting the annotation experiment.chaos-mesh.org/pause:
// "true" on the object.
type ChaosMeshTargetConfig struct {
	// Namespace of the object (required).
	Namespace string `mapstructure:"namespace"`
	// Kind of the object (required): PodChaos, NetworkChaos, StressChaos,
	// IOChaos, HTTPChaos, TimeChaos, DNSChaos, …, Schedule, Workflow.
	Kind string `mapstructure:"kind"`
	// Name of the object (required), a Go template over the alert's
	// notification, e.g. "{{ .CommonLabels.experiment }}".
	Name string `mapstructure:"name"`
	// Auth is how the Kubernetes API is reached.
	Auth KubeAuthConfig `mapstructure:",squash"`

	// prevent unkeyed literal initialization
	_ struct{}
}

// NewDefaultChaosMeshTargetConfig returns the Chaos Mesh target's defaults.
func NewDefaultChaosMeshTargetConfig() ChaosMeshTargetConfig {
	return ChaosMeshTargetConfig{Auth: KubeAuthConfig{AuthType: KubeAuthServiceAccount}}
}

// Validate checks namespace, kind, name and auth.
func (cfg *ChaosMeshTargetConfig) Validate() error {
	var errs []error
	if cfg.Namespace == "" {
		errs = append(errs, fmt.Errorf("namespace %w", ErrAbortRequired))
	}
	if _, ok := ChaosMeshKinds[cfg.Kind]; !ok {
		kinds := make([]string, 0, len(ChaosMeshKinds))
		for k := range ChaosMeshKinds {
			kinds = append(kinds, k)
		}
		slices.Sort(kinds)
		errs = append(errs, fmt.Errorf("%w (got %q; one of %s)", ErrAbortKind, cfg.Kind, strings.Join(kinds, ", ")))
	}
	if cfg.Name == "" {
		errs = append(errs, fmt.Errorf("name %w (the object's name, e.g. \"{{ .CommonLabels.experiment }}\")", ErrAbortRequired))
	} else if err := checkAbortTemplate("name", cfg.Name); err != nil {
		errs = append(errs, err)
	}
	if err := cfg.Auth.Validate(); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// LitmusTargetConfig stops a LitmusChaos ChaosEngine: a merge patch
// {"spec":{"engineState":"stop"}} on litmuschaos.io/v1alpha1 chaosengines.
type LitmusTargetConfig struct {
	// Namespace of the ChaosEngine (required).
	Namespace string `mapstructure:"namespace"`
	// Name of the ChaosEngine (required), a Go template over the alert's
	// notification.
	Name string `mapstructure:"name"`
	// Auth is how the Kubernetes API is reached.
	Auth KubeAuthConfig `mapstructure:",squash"`

	// prevent unkeyed literal initialization
	_ struct{}
}

// NewDefaultLitmusTargetConfig returns the Litmus target's defaults.
func NewDefaultLitmusTargetConfig() LitmusTargetConfig {
	return LitmusTargetConfig{Auth: KubeAuthConfig{AuthType: KubeAuthServiceAccount}}
}

// Validate checks namespace, name and auth.
func (cfg *LitmusTargetConfig) Validate() error {
	var errs []error
	if cfg.Namespace == "" {
		errs = append(errs, fmt.Errorf("namespace %w", ErrAbortRequired))
	}
	if cfg.Name == "" {
		errs = append(errs, fmt.Errorf("name %w (the ChaosEngine's name, e.g. \"{{ .CommonLabels.experiment }}\")", ErrAbortRequired))
	} else if err := checkAbortTemplate("name", cfg.Name); err != nil {
		errs = append(errs, err)
	}
	if err := cfg.Auth.Validate(); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// HTTPTargetConfig is a generic stop call: method, URL, headers (the
// client's headers) and a body template.
type HTTPTargetConfig struct {
	// ClientConfig is the HTTP client: endpoint (required, the URL called),
	// headers, tls, auth, timeout…
	ClientConfig confighttp.ClientConfig `mapstructure:",squash"`
	// Method is the HTTP method (default POST).
	Method string `mapstructure:"method"`
	// Body is a Go template over the alert's notification (.Alerts,
	// .CommonLabels…); empty sends no body.
	Body string `mapstructure:"body"`
	// ContentType of a non-empty body (default application/json).
	ContentType string `mapstructure:"content_type"`

	// prevent unkeyed literal initialization
	_ struct{}
}

// NewDefaultHTTPTargetConfig returns the HTTP target's defaults.
func NewDefaultHTTPTargetConfig() HTTPTargetConfig {
	cc := confighttp.NewDefaultClientConfig()
	cc.Timeout = defaultHTTPTimeout
	return HTTPTargetConfig{ClientConfig: cc, Method: http.MethodPost, ContentType: "application/json"}
}

// Validate checks the endpoint, the method and the body template.
func (cfg *HTTPTargetConfig) Validate() error {
	var errs []error
	if err := validateHTTPURL("endpoint", cfg.ClientConfig.Endpoint); err != nil {
		errs = append(errs, err)
	}
	switch cfg.Method {
	case http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete, http.MethodGet:
	default:
		errs = append(errs, fmt.Errorf("%w (got %q)", ErrAbortHTTPMethod, cfg.Method))
	}
	if err := checkAbortTemplate("body", cfg.Body); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// AbortFeedbackConfig is where aborts are reported: the chaos receiver's
// events URL (native JSON events).
type AbortFeedbackConfig struct {
	// ClientConfig is the HTTP client; endpoint defaults to
	// http://localhost:4320/v1/chaos/events; "" disables the feedback.
	ClientConfig confighttp.ClientConfig `mapstructure:",squash"`
}

// checkAbortTemplate parses and executes text once on a sample notification.
func checkAbortTemplate(key, text string) error {
	if text == "" {
		return nil
	}
	if err := templating.Check(key, text, templating.SampleNotification()); err != nil {
		return fmt.Errorf("%s: %w", key, err)
	}
	return nil
}
