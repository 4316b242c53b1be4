package manifests

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/otelcol-chaos/otelcol-chaos/receiver/chaoskubernetesreceiver"
)

// The chaos_kubernetes receiver's ClusterRole grants get, list and watch —
// what its informers use, nothing more — on exactly the resources its
// default configuration watches, and is bound to the collector's service
// account (the one the gateway runs with).
func TestChaosWatchRBAC(t *testing.T) {
	var sa *corev1.ServiceAccount
	var role *rbacv1.ClusterRole
	var binding *rbacv1.ClusterRoleBinding
	for _, o := range decodeAll(t, "chaos-watch-rbac.yaml") {
		switch v := o.(type) {
		case *corev1.ServiceAccount:
			sa = v
		case *rbacv1.ClusterRole:
			role = v
		case *rbacv1.ClusterRoleBinding:
			binding = v
		default:
			t.Fatalf("unexpected object %T", o)
		}
	}
	require.NotNil(t, sa)
	require.NotNil(t, role)
	require.NotNil(t, binding)

	// What the rules grant, as GVRs (the version is not part of RBAC).
	granted := map[schema.GroupResource]bool{}
	for _, r := range role.Rules {
		require.ElementsMatch(t, []string{"get", "list", "watch"}, r.Verbs, "what informers use, nothing more")
		require.Empty(t, r.ResourceNames, "informers list every object")
		require.Empty(t, r.NonResourceURLs)
		for _, g := range r.APIGroups {
			require.NotEqual(t, "*", g)
			for _, res := range r.Resources {
				require.NotEqual(t, "*", res)
				granted[schema.GroupResource{Group: g, Resource: res}] = true
			}
		}
	}
	cfg := chaoskubernetesreceiver.NewFactory().CreateDefaultConfig().(*chaoskubernetesreceiver.Config)
	var watched []schema.GroupResource
	for _, gvr := range chaoskubernetesreceiver.WatchedResources(cfg) {
		watched = append(watched, gvr.GroupResource())
		require.True(t, granted[gvr.GroupResource()], "the ClusterRole covers %s", gvr)
	}
	require.Len(t, watched, 9, "seven Chaos Mesh kinds, ChaosEngines and ChaosResults")
	for gr := range granted {
		require.True(t, slices.Contains(watched, gr), "%s is granted but not watched", gr)
	}

	require.Equal(t, "ClusterRole", binding.RoleRef.Kind)
	require.Equal(t, role.Name, binding.RoleRef.Name)
	require.Len(t, binding.Subjects, 1)
	require.Equal(t, rbacv1.ServiceAccountKind, binding.Subjects[0].Kind)
	require.Equal(t, sa.Name, binding.Subjects[0].Name)
	require.Equal(t, sa.Namespace, binding.Subjects[0].Namespace)

	// The same service account as the coordinator's RBAC and the gateway.
	var coordSA *corev1.ServiceAccount
	for _, o := range decodeAll(t, "coordinator-rbac.yaml") {
		if v, ok := o.(*corev1.ServiceAccount); ok {
			coordSA = v
		}
	}
	require.NotNil(t, coordSA)
	require.Equal(t, coordSA.Name, sa.Name)
	require.Equal(t, coordSA.Namespace, sa.Namespace)
	sts, _, _ := gatewayObjects(t)
	require.Equal(t, sa.Name, sts.Spec.Template.Spec.ServiceAccountName)
}
