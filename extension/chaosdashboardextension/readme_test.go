package chaosdashboardextension

import (
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestReadmeExamplesAreGenerated: the README's API examples are copies of
// sections of internal/api/EXAMPLES.md, which the API's tests generate
// and check, so the README cannot show an answer the API no longer gives.
func TestReadmeExamplesAreGenerated(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	require.NoError(t, err)
	examples, err := os.ReadFile("internal/api/EXAMPLES.md")
	require.NoError(t, err)
	sections := strings.Split(string(readme), "\n#### ")[1:]
	require.GreaterOrEqual(t, len(sections), 3)
	for _, s := range sections {
		// A section ends at the next heading of any level.
		if i := strings.Index(s, "\n## "); i >= 0 {
			s = s[:i]
		}
		s = strings.TrimRight(s, "\n")
		require.Contains(t, string(examples), "### "+s, "README section %q", strings.SplitN(s, "\n", 2)[0])
	}
}
