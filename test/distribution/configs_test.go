package distribution

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
	"sigs.k8s.io/yaml"
)

// TestExampleConfigsValidate: every configuration under deploy/config, and
// the one embedded in deploy/kubernetes/agent-operator.yaml, is accepted by
// the built binary's own validation (every component's Validate), so an
// example cannot rot as components change.
func TestExampleConfigsValidate(t *testing.T) {
	bin := os.Getenv("OTELCOL_CHAOS_BINARY")
	if bin == "" {
		t.Skip("OTELCOL_CHAOS_BINARY is not set: run `make distribution-test` (part of `make test`), which builds the binary first")
	}
	files, err := filepath.Glob(filepath.Join("..", "..", "deploy", "config", "*.yaml"))
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			cmd := exec.Command(bin, "validate", "--config", f)
			// The gateway examples read these from the environment.
			cmd.Env = append(os.Environ(), "NODE_ID=gateway-1", "STORAGE_DIR="+t.TempDir(),
				"ALERTMANAGER_URL=http://127.0.0.1:9093", "PAGERDUTY_ROUTING_KEY=0123456789abcdef0123456789abcdef")
			out, err := cmd.CombinedOutput()
			require.NoError(t, err, "%s", out)
		})
	}
	// The collector configuration embedded in the OpenTelemetry Operator's
	// resource (agent-operator.yaml) is validated the same way.
	t.Run("agent-operator.yaml spec.config", func(t *testing.T) {
		raw, err := os.ReadFile(filepath.Join("..", "..", "deploy", "kubernetes", "agent-operator.yaml"))
		require.NoError(t, err)
		var cr struct {
			Spec struct {
				Config map[string]any `json:"config"`
			} `json:"spec"`
		}
		require.NoError(t, yaml.Unmarshal(raw, &cr))
		require.NotEmpty(t, cr.Spec.Config)
		embedded, err := yaml.Marshal(cr.Spec.Config)
		require.NoError(t, err)
		path := filepath.Join(t.TempDir(), "agent-operator-config.yaml")
		require.NoError(t, os.WriteFile(path, embedded, 0o600))
		out, err := exec.Command(bin, "validate", "--config", path).CombinedOutput()
		require.NoError(t, err, "%s", out)
	})
	// And validation is real: an etcd coordinator without endpoints is
	// refused with the message that says what to fix.
	bad := filepath.Join(t.TempDir(), "bad.yaml")
	require.NoError(t, os.WriteFile(bad, []byte(`
receivers:
  chaos: {}
extensions:
  coordinator:
    backend: etcd
exporters:
  debug: {}
service:
  extensions: [coordinator]
  pipelines:
    logs:
      receivers: [chaos]
      exporters: [debug]
`), 0o600))
	out, err := exec.Command(bin, "validate", "--config", bad).CombinedOutput()
	require.Error(t, err)
	require.Contains(t, string(out), "etcd::endpoints must list at least one etcd client URL")
}
