package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestPrometheusRules: deploy/prometheus/rules.yaml passes `promtool check
// rules`, its unit tests `promtool test rules`, and every alert it defines
// is expected to fire in at least one of those tests.
func TestPrometheusRules(t *testing.T) {
	promtool := requireEnv(t, envPromtool)[0]
	dir := filepath.Join("..", "..", "deploy", "prometheus")
	out, err := exec.Command(promtool, "check", "rules", filepath.Join(dir, "rules.yaml")).CombinedOutput()
	require.NoError(t, err, "%s", out)
	require.Contains(t, string(out), "SUCCESS")
	cmd := exec.Command(promtool, "test", "rules", "rules_test.yaml")
	cmd.Dir = dir
	out, err = cmd.CombinedOutput()
	require.NoError(t, err, "%s", out)
	require.Contains(t, string(out), "SUCCESS")
	t.Logf("promtool: %s", strings.TrimSpace(string(out)))

	rules, err := os.ReadFile(filepath.Join(dir, "rules.yaml"))
	require.NoError(t, err)
	tests, err := os.ReadFile(filepath.Join(dir, "rules_test.yaml"))
	require.NoError(t, err)
	alerts := regexp.MustCompile(`(?m)^\s+- alert: (\S+)$`).FindAllStringSubmatch(string(rules), -1)
	require.GreaterOrEqual(t, len(alerts), 9, "the six presets, anomaly, health and absent")
	for _, a := range alerts {
		fires := regexp.MustCompile(`(?m)^\s+alertname: ` + regexp.QuoteMeta(a[1]) + `\n\s+exp_alerts:\n\s+- exp_labels:`)
		require.Regexp(t, fires, string(tests), "no test of rules_test.yaml expects %s to fire", a[1])
	}
}
