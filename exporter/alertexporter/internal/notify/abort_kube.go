package notify // import "github.com/otelcol-chaos/otelcol-chaos/exporter/alertexporter/internal/notify"

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"text/template"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/dynamic"

	"github.com/otelcol-chaos/otelcol-chaos/exporter/alertexporter/config"
	"github.com/otelcol-chaos/otelcol-chaos/internal/kubeauth"
)

// KubeClientFunc builds the dynamic Kubernetes client of a target.
type KubeClientFunc func(auth config.KubeAuthConfig) (dynamic.Interface, error)

// NewKubeClient builds a dynamic client from the target's auth settings:
// the pod's service account (serviceAccount), or a kubeconfig file and
// context (kubeConfig).
func NewKubeClient(auth config.KubeAuthConfig) (dynamic.Interface, error) {
	rc, err := kubeauth.RESTConfig(kubeauth.Settings{AuthType: auth.AuthType, KubeConfig: auth.KubeConfig,
		Context: auth.Context}, "")
	if errors.Is(err, kubeauth.ErrAuthType) {
		return nil, config.ErrAbortAuthType
	}
	if err != nil {
		return nil, err
	}
	rc.UserAgent = userAgent
	return dynamic.NewForConfig(rc)
}

// Kubernetes API coordinates of the objects the abort handler patches.
const (
	// ChaosMeshPauseAnnotation pauses a Chaos Mesh experiment or Schedule
	// while it is "true" (Chaos Mesh: "Pause a chaos experiment",
	// kubectl annotate … experiment.chaos-mesh.org/pause=true).
	ChaosMeshPauseAnnotation = "experiment.chaos-mesh.org/pause"
	// LitmusEngineStateStop stops a ChaosEngine (spec.engineState).
	LitmusEngineStateStop = "stop"
)

var (
	chaosMeshGroupVersion = schema.GroupVersion{Group: "chaos-mesh.org", Version: "v1alpha1"}
	// LitmusChaosEngines is the ChaosEngine resource.
	LitmusChaosEngines = schema.GroupVersionResource{Group: "litmuschaos.io", Version: "v1alpha1", Resource: "chaosengines"}
)

// The exact merge patches (RFC 7386) sent.
var (
	chaosMeshPausePatch = []byte(`{"metadata":{"annotations":{"` + ChaosMeshPauseAnnotation + `":"true"}}}`)
	litmusStopPatch     = []byte(`{"spec":{"engineState":"` + LitmusEngineStateStop + `"}}`)
)

// kubeTarget patches one namespaced object, after a get that tells whether
// it is stopped already.
type kubeTarget struct {
	kindName  string // chaos_mesh or litmus
	objKind   string // PodChaos…, ChaosEngine
	gvr       schema.GroupVersionResource
	namespace string
	name      *template.Template
	patch     []byte
	client    dynamic.Interface
	isStopped func(*unstructured.Unstructured) bool
}

func newChaosMeshTarget(cfg *config.ChaosMeshTargetConfig, newClient KubeClientFunc) (*kubeTarget, error) {
	t, err := newKubeTarget(AbortTargetChaosMesh, cfg.Name, cfg.Auth, newClient)
	if err != nil {
		return nil, err
	}
	t.objKind = cfg.Kind
	t.gvr = chaosMeshGroupVersion.WithResource(config.ChaosMeshKinds[cfg.Kind])
	t.namespace = cfg.Namespace
	t.patch = chaosMeshPausePatch
	t.isStopped = func(u *unstructured.Unstructured) bool {
		return u.GetAnnotations()[ChaosMeshPauseAnnotation] == "true"
	}
	return t, nil
}

func newLitmusTarget(cfg *config.LitmusTargetConfig, newClient KubeClientFunc) (*kubeTarget, error) {
	t, err := newKubeTarget(AbortTargetLitmus, cfg.Name, cfg.Auth, newClient)
	if err != nil {
		return nil, err
	}
	t.objKind = "ChaosEngine"
	t.gvr = LitmusChaosEngines
	t.namespace = cfg.Namespace
	t.patch = litmusStopPatch
	t.isStopped = func(u *unstructured.Unstructured) bool {
		s, _, _ := unstructured.NestedString(u.Object, "spec", "engineState")
		return s == LitmusEngineStateStop
	}
	return t, nil
}

func newKubeTarget(kind, name string, auth config.KubeAuthConfig, newClient KubeClientFunc) (*kubeTarget, error) {
	tm, err := parseTemplate("name", name)
	if err != nil {
		return nil, err
	}
	client, err := newClient(auth)
	if err != nil {
		return nil, err
	}
	return &kubeTarget{kindName: kind, name: tm, client: client}, nil
}

func (t *kubeTarget) kind() string { return t.kindName }
func (t *kubeTarget) close()       {}

func (t *kubeTarget) plan(n *Notification) (*abortPlan, error) {
	name, err := renderNonEmpty("name", t.name, n)
	if err != nil {
		return nil, err
	}
	ref := t.objKind + " " + t.namespace + "/" + name
	gv := t.gvr.GroupVersion().String()
	p := &abortPlan{
		identity: t.kindName + " " + ref,
		ref:      ref,
		name:     name,
		requests: []string{
			fmt.Sprintf("GET %s %s %s/%s", gv, t.gvr.Resource, t.namespace, name),
			fmt.Sprintf("PATCH %s %s %s/%s (%s) %s", gv, t.gvr.Resource, t.namespace, name, types.MergePatchType, t.patch),
		},
	}
	p.run = func(ctx context.Context) (bool, error) {
		res := t.client.Resource(t.gvr).Namespace(t.namespace)
		obj, err := res.Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			return false, t.classify(err, "get", ref)
		}
		if t.isStopped(obj) {
			return true, nil
		}
		if _, err := res.Patch(ctx, name, types.MergePatchType, t.patch, metav1.PatchOptions{FieldManager: userAgent}); err != nil {
			return false, t.classify(err, "patch", ref)
		}
		return false, nil
	}
	return p, nil
}

// classify turns an API error into a DeliveryError: 429, 5xx, timeouts and
// network errors are retried; other 4xx (not found, forbidden, invalid) are
// permanent and say what to fix.
func (t *kubeTarget) classify(err error, verb, ref string) error {
	var status apierrors.APIStatus
	if !errors.As(err, &status) {
		return &DeliveryError{Retryable: true, Err: fmt.Errorf("%s %s: %w", verb, ref, err)}
	}
	code := int(status.Status().Code)
	de := &DeliveryError{StatusCode: code}
	switch {
	case apierrors.IsNotFound(err):
		de.Err = fmt.Errorf("%s %s: %w: check namespace, kind and name (and that the %s CRD is installed)", verb, ref, err, t.gvr.Group)
	case apierrors.IsForbidden(err) || apierrors.IsUnauthorized(err):
		de.Err = fmt.Errorf("%s %s: %w: grant the collector's service account get and patch on %s (deploy/kubernetes/abort-rbac.yaml)", verb, ref, err, t.gvr.GroupResource())
	default:
		de.Err = fmt.Errorf("%s %s: %w", verb, ref, err)
	}
	if code == http.StatusTooManyRequests || code >= 500 || code == 0 {
		de.Retryable = true
		if secs, ok := apierrors.SuggestsClientDelay(err); ok {
			de.RetryAfter = time.Duration(secs) * time.Second
		}
	}
	return de
}
