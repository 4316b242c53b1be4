package distribution

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// toolsWithoutAdapter are chaos tools whose output no component reads yet
// (issue 15). Claims follow the code: the README may name them only as
// planned.
var toolsWithoutAdapter = []string{"Chaos Mesh", "LitmusChaos", "Chaos Toolkit", "toxiproxy"}

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
