package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// expression is one PromQL expression of a dashboard, and where it is.
type expression struct {
	dashboard string // the dashboard's title
	where     string // "panel <title>", "annotation <name>", "variable <name>"
	expr      string
	variable  string // for a template variable: its name
}

func (e expression) String() string {
	return fmt.Sprintf("%s / %s: %s", e.dashboard, e.where, e.expr)
}

// loadDashboards reads every dashboard JSON of deploy/grafana/dashboards.
func loadDashboards(t *testing.T) map[string]map[string]any {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("..", "..", "deploy", "grafana", "dashboards", "*.json"))
	require.NoError(t, err)
	require.NotEmpty(t, files, "no dashboard under deploy/grafana/dashboards")
	out := map[string]map[string]any{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		var d map[string]any
		require.NoError(t, json.Unmarshal(b, &d), f)
		out[filepath.Base(f)] = d
	}
	return out
}

// extractExpressions finds every PromQL expression of a dashboard: panel
// targets (rows' panels included), annotation queries and query template
// variables. It fails the test on a panel that shows data but has no
// expression, so that a change of the JSON layout cannot make it find
// nothing and pass.
func extractExpressions(t *testing.T, d map[string]any) []expression {
	t.Helper()
	title, _ := d["title"].(string)
	var out []expression
	var walkPanels func(panels []any)
	walkPanels = func(panels []any) {
		for _, p := range panels {
			panel, _ := p.(map[string]any)
			ptitle, _ := panel["title"].(string)
			ptype, _ := panel["type"].(string)
			n := 0
			for _, tg := range asList(panel["targets"]) {
				if expr, _ := asMap(tg)["expr"].(string); expr != "" {
					out = append(out, expression{dashboard: title, where: "panel " + ptitle, expr: expr})
					n++
				}
			}
			if ptype != "row" && ptype != "text" {
				require.Positive(t, n, "%s: panel %q (%s) has no PromQL expression", title, ptitle, ptype)
			}
			walkPanels(asList(panel["panels"]))
		}
	}
	walkPanels(asList(d["panels"]))
	for _, a := range asList(asMap(d["annotations"])["list"]) {
		ann := asMap(a)
		name, _ := ann["name"].(string)
		expr, _ := ann["expr"].(string)
		if expr == "" {
			expr, _ = asMap(ann["target"])["expr"].(string)
		}
		if builtIn, _ := ann["builtIn"].(float64); builtIn == 1 {
			continue // Grafana's own annotations, not a query
		}
		require.NotEmpty(t, expr, "%s: annotation %q has no expression", title, name)
		out = append(out, expression{dashboard: title, where: "annotation " + name, expr: expr})
	}
	for _, v := range asList(asMap(d["templating"])["list"]) {
		tv := asMap(v)
		if tv["type"] != "query" {
			continue
		}
		name, _ := tv["name"].(string)
		q, ok := tv["query"].(string)
		if !ok {
			q, _ = asMap(tv["query"])["query"].(string)
		}
		require.NotEmpty(t, q, "%s: variable %q has no query", title, name)
		out = append(out, expression{dashboard: title, where: "variable " + name, expr: q, variable: name})
	}
	return out
}

func asList(v any) []any {
	l, _ := v.([]any)
	return l
}

func asMap(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}

// labelValuesQuery is Grafana's label_values(selector, label).
var labelValuesQuery = regexp.MustCompile(`^\s*label_values\((.+),\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*\)\s*$`)

// grafanaVars are the values substituted for Grafana's variables, as
// Grafana would for the time range of the test.
type grafanaVars map[string]string

// substitute replaces $name and ${name} by the values of vars, longest
// names first ($__range before $__r…).
func (v grafanaVars) substitute(expr string) string {
	names := make([]string, 0, len(v))
	for n := range v {
		names = append(names, n)
	}
	sort.Slice(names, func(i, j int) bool { return len(names[i]) > len(names[j]) })
	for _, n := range names {
		expr = strings.ReplaceAll(expr, "${"+n+"}", v[n])
		expr = strings.ReplaceAll(expr, "$"+n, v[n])
	}
	return expr
}

// regexValue is a variable's value as Grafana writes it into a PromQL
// regex matcher: regex-escaped, then escaped for a PromQL string.
func regexValue(s string) string {
	return strings.ReplaceAll(regexp.QuoteMeta(s), `\`, `\\`)
}
