package distribution

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// adapters are the chaos tools whose own output a component of the
// distribution reads, and that component's import path.
var adapters = map[string]string{
	"MockForge":     "receiver/chaosreceiver",
	"Chaos Toolkit": "receiver/chaosreceiver",
	"toxiproxy":     "receiver/toxiproxyreceiver",
	"Chaos Mesh":    "receiver/chaoskubernetesreceiver",
	"LitmusChaos":   "receiver/chaoskubernetesreceiver",
}

// toolsWithoutAdapter are chaos tools whose output no component reads.
// Claims follow the code: the README may name them only as planned.
var toolsWithoutAdapter = []string{"Gremlin", "AWS FIS", "Fault Injection Service", "Azure Chaos Studio", "Pumba",
	"Chaos Monkey", "PowerfulSeal", "Steadybit", "Harness"}

// TestREADMEListsTheAdapters: the README's first claim names every tool
// with an adapter, and each is in the distribution.
func TestREADMEListsTheAdapters(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	require.NoError(t, err)
	intro := string(raw[:strings.Index(string(raw), "\n## ")])
	intro = strings.Join(strings.Fields(intro), " ")
	manifest, err := os.ReadFile(filepath.Join("..", "..", "builder-config.yaml"))
	require.NoError(t, err)
	for tool, component := range adapters {
		require.Contains(t, intro, tool, "the README's introduction does not name %s, which has an adapter", tool)
		require.Contains(t, string(manifest), "otelcol-chaos/otelcol-chaos/"+component+"\n",
			"%s's adapter %s is not in builder-config.yaml", tool, component)
	}
}

// guardrailSection is the README's "## Guardrail…" section, up to the next
// second-level heading.
var guardrailSection = regexp.MustCompile(`(?ms)^## Guardrail.*?(^## )`)

func TestREADMEClaimsOnlyWhatIsBuilt(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	require.NoError(t, err)
	// The guardrail section names these tools as what the abort handler
	// stops (built and tested), not as sources of events.
	raw = guardrailSection.ReplaceAll(raw, nil)
	// Sentences, roughly: what a reader takes as one claim.
	for _, sentence := range regexp.MustCompile(`(?s)[^.]+\.`).FindAllString(string(raw), -1) {
		flat := strings.Join(strings.Fields(sentence), " ")
		for _, tool := range toolsWithoutAdapter {
			if strings.Contains(flat, tool) {
				require.Contains(t, flat, "planned", "README.md names %s, which has no adapter yet, without saying it is planned: %q", tool, flat)
			}
		}
	}
}
