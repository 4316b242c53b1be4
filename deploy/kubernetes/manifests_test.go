// Package manifests checks the Kubernetes manifests against the API types
// (strict decoding with client-go's scheme: an unknown or misspelt field is
// an error) and against each other and the collector configuration they
// run. There is no API server here, so they are not applied.
package manifests

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/serializer"
	"k8s.io/client-go/kubernetes/scheme"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func decodeAll(t *testing.T, path string) []runtime.Object {
	t.Helper()
	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	strict := serializer.NewCodecFactory(scheme.Scheme, serializer.EnableStrict).UniversalDeserializer()
	var out []runtime.Object
	for _, doc := range strings.Split(string(raw), "\n---\n") {
		obj, _, err := strict.Decode([]byte(doc), nil, nil)
		require.NoError(t, err, "%s", path)
		out = append(out, obj)
	}
	return out
}

func TestManifests(t *testing.T) {
	rbac := decodeAll(t, "coordinator-rbac.yaml")

	var sa *corev1.ServiceAccount
	var role *rbacv1.Role
	var binding *rbacv1.RoleBinding
	for _, o := range rbac {
		switch v := o.(type) {
		case *corev1.ServiceAccount:
			sa = v
		case *rbacv1.Role:
			role = v
		case *rbacv1.RoleBinding:
			binding = v
		}
	}
	require.NotNil(t, sa)
	require.NotNil(t, role)
	require.NotNil(t, binding)
	require.Len(t, role.Rules, 1)
	require.Equal(t, []string{"coordination.k8s.io"}, role.Rules[0].APIGroups)
	require.Equal(t, []string{"leases"}, role.Rules[0].Resources)
	require.ElementsMatch(t, []string{"get", "list", "create", "update", "delete"}, role.Rules[0].Verbs,
		"what the backend uses, nothing more")
	require.Equal(t, role.Name, binding.RoleRef.Name)
	require.Equal(t, sa.Name, binding.Subjects[0].Name)
	require.Equal(t, sa.Namespace, binding.Subjects[0].Namespace)

	sts, svc, pdb := gatewayObjects(t)
	require.Equal(t, sa.Name, sts.Spec.Template.Spec.ServiceAccountName, "the gateway runs with the RBAC's account")
	require.Equal(t, sa.Namespace, sts.Namespace)
	require.Equal(t, sts.Spec.Selector.MatchLabels, svc.Spec.Selector)
	require.Equal(t, sts.Spec.Selector.MatchLabels, pdb.Spec.Selector.MatchLabels)
	require.Equal(t, svc.Name, sts.Spec.ServiceName, "the headless Service names the replicas")
	require.Equal(t, corev1.ClusterIPNone, svc.Spec.ClusterIP, "headless: one DNS name per replica, no load balancing")
	require.True(t, svc.Spec.PublishNotReadyAddresses, "a replica's name resolves while it is not ready")
	require.Equal(t, 1, pdb.Spec.MaxUnavailable.IntValue())

	// Every ${env:X} the collector configuration needs (no default) is set.
	requireEnvSet(t, "../config/gateway-kubernetes.yaml", sts.Spec.Template.Spec.Containers[0])
	env := map[string]bool{}
	for _, e := range sts.Spec.Template.Spec.Containers[0].Env {
		env[e.Name] = true
	}
	require.True(t, env["POD_NAMESPACE"], "the Leases' namespace")
	requireMounted(t, sts.Spec.Template.Spec.Containers[0], "STORAGE_DIR")
}

func gatewayObjects(t *testing.T) (*appsv1.StatefulSet, *corev1.Service, *policyv1.PodDisruptionBudget) {
	t.Helper()
	var sts *appsv1.StatefulSet
	var svc *corev1.Service
	var pdb *policyv1.PodDisruptionBudget
	for _, o := range decodeAll(t, "gateway.yaml") {
		switch v := o.(type) {
		case *appsv1.StatefulSet:
			sts = v
		case *corev1.Service:
			svc = v
		case *policyv1.PodDisruptionBudget:
			pdb = v
		}
	}
	require.NotNil(t, sts)
	require.NotNil(t, svc)
	require.NotNil(t, pdb)
	return sts, svc, pdb
}

// requireEnvSet: every ${env:X} of the collector configuration at path
// without a default is set in the container.
func requireEnvSet(t *testing.T, path string, c corev1.Container) {
	t.Helper()
	cfg, err := os.ReadFile(path)
	require.NoError(t, err)
	env := map[string]bool{}
	for _, e := range c.Env {
		env[e.Name] = true
	}
	for _, m := range regexp.MustCompile(`\$\{env:([A-Z_0-9]+)\}`).FindAllStringSubmatch(string(cfg), -1) {
		require.True(t, env[m[1]], "%s reads %s: the container must set it", path, m[1])
	}
}

// requireMounted: the directory the container's env variable names is a
// mounted volume (the state must outlive the container's filesystem).
func requireMounted(t *testing.T, c corev1.Container, variable string) {
	t.Helper()
	dir := ""
	for _, e := range c.Env {
		if e.Name == variable {
			dir = e.Value
		}
	}
	require.NotEmpty(t, dir, "%s sets %s", c.Name, variable)
	mounted := false
	for _, m := range c.VolumeMounts {
		mounted = mounted || m.MountPath == dir
	}
	require.True(t, mounted, "%s=%s is a volume of %s", variable, dir, c.Name)
}
