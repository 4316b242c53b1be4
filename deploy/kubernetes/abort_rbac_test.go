package manifests

import (
	"maps"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"

	"github.com/otelcol-chaos/otelcol-chaos/exporter/alertexporter/config"
)

// The abort handler's Role grants get and patch, nothing more, on every
// Chaos Mesh resource it can pause and on Litmus ChaosEngines, and is bound
// to the collector's service account.
func TestAbortRBAC(t *testing.T) {
	var role *rbacv1.Role
	var binding *rbacv1.RoleBinding
	for _, o := range decodeAll(t, "abort-rbac.yaml") {
		switch v := o.(type) {
		case *rbacv1.Role:
			role = v
		case *rbacv1.RoleBinding:
			binding = v
		}
	}
	require.NotNil(t, role)
	require.NotNil(t, binding)
	require.Len(t, role.Rules, 2)
	require.Equal(t, []string{"chaos-mesh.org"}, role.Rules[0].APIGroups)
	require.ElementsMatch(t, slices.Collect(maps.Values(config.ChaosMeshKinds)), role.Rules[0].Resources,
		"every kind the handler accepts")
	require.Equal(t, []string{"litmuschaos.io"}, role.Rules[1].APIGroups)
	require.Equal(t, []string{"chaosengines"}, role.Rules[1].Resources)
	for _, r := range role.Rules {
		require.ElementsMatch(t, []string{"get", "patch"}, r.Verbs, "what the handler uses, nothing more")
	}
	require.Equal(t, role.Name, binding.RoleRef.Name)
	require.Equal(t, "Role", binding.RoleRef.Kind)
	require.Equal(t, role.Namespace, binding.Namespace)

	// Bound to the service account the gateway runs with.
	var sa *corev1.ServiceAccount
	for _, o := range decodeAll(t, "coordinator-rbac.yaml") {
		if v, ok := o.(*corev1.ServiceAccount); ok {
			sa = v
		}
	}
	require.NotNil(t, sa)
	require.Len(t, binding.Subjects, 1)
	require.Equal(t, rbacv1.ServiceAccountKind, binding.Subjects[0].Kind)
	require.Equal(t, sa.Name, binding.Subjects[0].Name)
	require.Equal(t, sa.Namespace, binding.Subjects[0].Namespace)
}
