package kubeauth

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// A kubeconfig with two contexts pointing at two loopback servers (nothing
// listens: only the configuration is read).
const kubeconfig = `apiVersion: v1
kind: Config
clusters:
- name: a
  cluster: {server: "https://127.0.0.1:6443"}
- name: b
  cluster: {server: "https://127.0.0.1:7443"}
users:
- name: u
  user: {token: t}
contexts:
- name: ctx-a
  context: {cluster: a, user: u}
- name: ctx-b
  context: {cluster: b, user: u}
current-context: ctx-a
`

func TestRESTConfig(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config")
	require.NoError(t, os.WriteFile(path, []byte(kubeconfig), 0o600))

	rc, err := RESTConfig(Settings{AuthType: KubeConfig, KubeConfig: path}, "")
	require.NoError(t, err)
	require.Equal(t, "https://127.0.0.1:6443", rc.Host, "the current context")
	rc, err = RESTConfig(Settings{AuthType: KubeConfig, KubeConfig: path, Context: "ctx-b"}, "")
	require.NoError(t, err)
	require.Equal(t, "https://127.0.0.1:7443", rc.Host)
	require.Equal(t, "t", rc.BearerToken)

	_, err = RESTConfig(Settings{AuthType: KubeConfig, KubeConfig: path, Context: "nope"}, "kubernetes::")
	require.ErrorContains(t, err, `kubernetes::context to one of its contexts (got "nope")`)
	_, err = RESTConfig(Settings{AuthType: KubeConfig, KubeConfig: filepath.Join(t.TempDir(), "missing")}, "")
	require.ErrorContains(t, err, "set kubeconfig to a readable kubeconfig file")

	t.Setenv("KUBERNETES_SERVICE_HOST", "") // not in a pod
	_, err = RESTConfig(Settings{AuthType: ServiceAccount}, "kubernetes::")
	require.ErrorContains(t, err, "outside a cluster set kubernetes::auth_type: kubeConfig")

	_, err = RESTConfig(Settings{AuthType: "token"}, "")
	require.ErrorIs(t, err, ErrAuthType)
}
