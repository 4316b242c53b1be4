package chaosconv

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/plog"
)

// The documentation is the table users read: every name in code must be in it.
func readConventions(t *testing.T) string {
	b, err := os.ReadFile(filepath.Join("..", "..", "docs", "semantic-conventions.md"))
	require.NoError(t, err)
	return string(b)
}

func TestEveryKeyIsDocumented(t *testing.T) {
	doc := readConventions(t)
	keys := append(append(append(append(append([]string{}, EventKeys...), BucketKeys...), AnalysisKeys...), ObservedKeys...),
		AttrServiceName,
		AttrCheckpointVersion, AttrCheckpointMaxEventTime, AttrCheckpointClosedThrough, AttrCheckpointProducers,
		AttrServiceInstanceID)
	for _, k := range keys {
		require.Contains(t, doc, "| `"+k+"`", "attribute %s is not in docs/semantic-conventions.md", k)
	}
	for _, k := range AlertLabels {
		require.Contains(t, doc, "| `"+k+"`", "alert label %s is not in docs/semantic-conventions.md", k)
	}
	for _, keys := range [][]string{ToxiproxyMetaKeys, ChaosToolkitMetaKeys, KubernetesChaosMetaKeys} {
		for _, k := range keys {
			require.Contains(t, doc, "| `"+k+"`", "adapter metadata key %s is not in docs/semantic-conventions.md", k)
		}
	}
	for _, s := range []string{SourceToxiproxy, SourceChaosToolkit, SourceChaosMesh, SourceLitmus} {
		require.Contains(t, doc, "| `"+s+"`", "chaos.source %s is not in the per-tool table", s)
	}
	for _, k := range AbortMetaKeys {
		require.Contains(t, doc, "| `"+k+"`", "aborted event metadata key %s is not in docs/semantic-conventions.md", k)
	}
	for _, k := range MetricLabelKeys {
		require.Contains(t, doc, "| `"+k+"`", "metric label %s is not in docs/semantic-conventions.md", k)
	}
	for _, m := range MetricNames {
		require.Contains(t, doc, "| `"+m+"`", "metric %s is not in docs/semantic-conventions.md", m)
	}
	for _, k := range RecordKinds {
		require.Contains(t, doc, "| `"+k+"`", "record kind %s is not documented", k)
	}
	for _, k := range Kinds() {
		require.Contains(t, doc, "| `"+k.String()+"`", "kind %s is not documented", k)
		if n := k.MockForgeName(); n != "" {
			require.Contains(t, doc, "`"+n+"`", "MockForge variant %s is not documented", n)
		}
	}
	for _, a := range AnomalyTypes {
		require.Contains(t, doc, "`"+string(a)+"`", "anomaly type %s is not documented", a)
	}
	for s := ScopeGlobal; s < scopeCount; s++ {
		require.Contains(t, doc, "`"+s.String()+"`", "scope %s is not documented", s)
	}
	for _, p := range []string{PhaseStarted, PhaseCompleted, PhaseAborted} {
		require.Contains(t, doc, "`"+p+"`")
	}
}

// TestDocumentedOTLPExampleDecodes keeps the plain-OTLP example honest: it
// is parsed as OTLP JSON and must decode as a valid chaos event.
func TestDocumentedOTLPExampleDecodes(t *testing.T) {
	doc := readConventions(t)
	start := strings.Index(doc, "```json\n")
	require.GreaterOrEqual(t, start, 0)
	body := doc[start+len("```json\n"):]
	body = body[:strings.Index(body, "```")]

	logs, err := (&plog.JSONUnmarshaler{}).UnmarshalLogs([]byte(body))
	require.NoError(t, err)
	lr := logs.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords().At(0)
	var e Event
	require.NoError(t, DecodeEvent(lr, &e))
	require.Equal(t, KindFaultInjection, e.Kind)
	require.Equal(t, "http_503", e.FaultType)
	require.Equal(t, "/api/orders", e.Endpoint)
	require.Equal(t, "toxiproxy", e.Source)
}
