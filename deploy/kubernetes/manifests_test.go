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
	gateway := decodeAll(t, "gateway.yaml")

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

	var dep *appsv1.Deployment
	var svc *corev1.Service
	for _, o := range gateway {
		switch v := o.(type) {
		case *appsv1.Deployment:
			dep = v
		case *corev1.Service:
			svc = v
		}
	}
	require.NotNil(t, dep)
	require.NotNil(t, svc)
	require.Equal(t, sa.Name, dep.Spec.Template.Spec.ServiceAccountName, "the gateway runs with the RBAC's account")
	require.Equal(t, sa.Namespace, dep.Namespace)
	require.Equal(t, dep.Spec.Selector.MatchLabels, svc.Spec.Selector)

	// Every ${env:X} the collector configuration needs (no default) is set.
	cfg, err := os.ReadFile("../config/gateway-kubernetes.yaml")
	require.NoError(t, err)
	env := map[string]bool{}
	for _, e := range dep.Spec.Template.Spec.Containers[0].Env {
		env[e.Name] = true
	}
	for _, m := range regexp.MustCompile(`\$\{env:([A-Z_]+)\}`).FindAllStringSubmatch(string(cfg), -1) {
		require.True(t, env[m[1]], "the configuration reads %s: the Deployment must set it", m[1])
	}
	require.True(t, env["POD_NAMESPACE"], "the Leases' namespace")
}
