// Package metadatatest checks a component's hand-kept internal/metadata
// package, the telemetry it records and its README against its
// metadata.yaml, the single source mdatagen would generate them from.
// Only tests import it.
//
// A component's metadata_test.go keeps what is its own: how to exercise
// every instrument, and checks of its own (a README naming every value of
// an enum, gauges unregistered at Shutdown, ...):
//
//	md := metadatatest.Load(t, ".")
//	metadatatest.CheckStatus(t, md, "processor", metadata.Type,
//		map[string]component.StabilityLevel{"logs": metadata.LogsStability})
//	// ... exercise every instrument, recording on tel ...
//	metadatatest.CheckTelemetry(t, md, tel, metadata.ScopeName)
package metadatatest // import "github.com/otelcol-chaos/otelcol-chaos/internal/metadatatest"

import (
	"context"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/confmap"
	"go.opentelemetry.io/collector/confmap/confmaptest"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
)

// Distribution is the one distribution every component of this
// repository declares.
const Distribution = "otelcol-chaos"

// Prefix is what the collector puts before a telemetry.metrics key to name
// the instrument.
const Prefix = "otelcol_"

// Metadata is a component's metadata.yaml (the parts these checks read)
// and its README.
type Metadata struct {
	Type       string               `mapstructure:"type"`
	Status     Status               `mapstructure:"status"`
	Attributes map[string]Attribute `mapstructure:"attributes"`
	Telemetry  struct {
		// Metrics are the instruments by key: the name without Prefix.
		Metrics map[string]Metric `mapstructure:"metrics"`
	} `mapstructure:"telemetry"`
	// README is the text of the README.md next to metadata.yaml.
	README string `mapstructure:"-"`
}

// Metrics are the declared instruments by key (telemetry.metrics).
func (md Metadata) Metrics() map[string]Metric { return md.Telemetry.Metrics }

// Status is metadata.yaml's status.
type Status struct {
	Class string `mapstructure:"class"`
	// Stability lists the signals of each level, as in the yaml.
	Stability     map[string][]string `mapstructure:"stability"`
	Distributions []string            `mapstructure:"distributions"`
}

// Attribute is an entry of metadata.yaml's attributes.
type Attribute struct {
	NameOverride string   `mapstructure:"name_override"`
	Description  string   `mapstructure:"description"`
	Type         string   `mapstructure:"type"`
	Enum         []string `mapstructure:"enum"`
}

// Name is the attribute key the instruments carry: name_override, else
// the attribute's key in metadata.yaml.
func (a Attribute) Name(key string) string {
	if a.NameOverride != "" {
		return a.NameOverride
	}
	return key
}

// Metric is an entry of metadata.yaml's telemetry.metrics.
type Metric struct {
	Enabled   bool `mapstructure:"enabled"`
	Stability struct {
		Level string `mapstructure:"level"`
	} `mapstructure:"stability"`
	Description string     `mapstructure:"description"`
	Unit        string     `mapstructure:"unit"`
	Sum         *Sum       `mapstructure:"sum"`
	Gauge       *Gauge     `mapstructure:"gauge"`
	Histogram   *Histogram `mapstructure:"histogram"`
	// Attributes are keys of Metadata.Attributes.
	Attributes []string `mapstructure:"attributes"`
}

// Sum is a metric's sum declaration.
type Sum struct {
	ValueType string `mapstructure:"value_type"`
	Monotonic *bool  `mapstructure:"monotonic"`
	Async     bool   `mapstructure:"async"`
}

// Gauge is a metric's gauge declaration.
type Gauge struct {
	ValueType string `mapstructure:"value_type"`
	Async     bool   `mapstructure:"async"`
}

// Histogram is a metric's histogram declaration.
type Histogram struct {
	ValueType        string    `mapstructure:"value_type"`
	BucketBoundaries []float64 `mapstructure:"bucket_boundaries"`
	Async            bool      `mapstructure:"async"`
}

// Async tells whether the metric is declared asynchronous (observed by a
// callback).
func (m Metric) Async() bool {
	switch {
	case m.Sum != nil:
		return m.Sum.Async
	case m.Gauge != nil:
		return m.Gauge.Async
	case m.Histogram != nil:
		return m.Histogram.Async
	}
	return false
}

// Load reads dir's metadata.yaml and README.md.
func Load(t testing.TB, dir string) Metadata {
	t.Helper()
	conf, err := confmaptest.LoadConf(filepath.Join(dir, "metadata.yaml"))
	require.NoError(t, err)
	var md Metadata
	require.NoError(t, conf.Unmarshal(&md, confmap.WithIgnoreUnused()), "metadata.yaml")
	readme, err := os.ReadFile(filepath.Join(dir, "README.md"))
	require.NoError(t, err)
	md.README = string(readme)
	return md
}

// CheckStatus compares metadata.yaml's type and status with the
// component's internal/metadata (its Type, and the stability level of
// each signal it supports), and finds them in the README's status table:
// the Stability, Distributions and Type rows, and the link of each
// stability level.
func CheckStatus(t testing.TB, md Metadata, class string, typ component.Type, stability map[string]component.StabilityLevel) {
	t.Helper()
	require.Equal(t, typ.String(), md.Type, "type")
	require.Equal(t, class, md.Status.Class, "status.class")
	require.Equal(t, []string{Distribution}, md.Status.Distributions, "status.distributions")
	require.NotEmpty(t, stability, "the component's signals")

	want := map[string][]string{}
	for signal, level := range stability {
		lvl := strings.ToLower(level.String())
		want[lvl] = append(want[lvl], signal)
	}
	got := map[string][]string{}
	for lvl, signals := range md.Status.Stability {
		got[lvl] = slices.Sorted(slices.Values(signals))
	}
	for lvl := range want {
		slices.Sort(want[lvl])
	}
	require.Equal(t, want, got, "status.stability")

	levels := slices.Sorted(maps.Keys(md.Status.Stability))
	for i, lvl := range levels {
		// mdatagen's README header names no signal for an extension, and
		// labels only the first of several levels' rows.
		cell := "[" + lvl + "]"
		if class != "extension" {
			cell += ": " + strings.Join(md.Status.Stability[lvl], ", ")
		}
		row := "| " + cell + " |"
		if len(levels) == 1 {
			row = "| Stability     " + row
		} else if i == 0 {
			readmeHas(t, md, "| Stability     | [", "its Stability row")
		}
		readmeHas(t, md, row, "the Stability row of "+lvl)
		readmeHas(t, md, "["+lvl+"]: https://github.com/open-telemetry/opentelemetry-collector/blob/main/docs/component-stability.md#"+lvl,
			"the link of stability level "+lvl)
	}
	readmeHas(t, md, "| Distributions | "+Distribution+" |", "its Distributions row")
	readmeHas(t, md, "| Type          | `"+md.Type+"` |", "its Type row")
}

// CheckTelemetry collects what tel has recorded and checks every declared
// metric with CheckMetric: each must have been recorded, in scope (the
// component's internal/metadata.ScopeName). Every metric recorded in
// scope must be declared.
func CheckTelemetry(t testing.TB, md Metadata, tel *componenttest.Telemetry, scope string) {
	t.Helper()
	var rm metricdata.ResourceMetrics
	require.NoError(t, tel.Reader.Collect(context.Background(), &rm))
	recorded := map[string]metricdata.Metrics{}
	scopeOf := map[string]string{}
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			recorded[m.Name] = m
			scopeOf[m.Name] = sm.Scope.Name
			if sm.Scope.Name == scope {
				_, ok := md.Metrics()[strings.TrimPrefix(m.Name, Prefix)]
				require.True(t, ok && strings.HasPrefix(m.Name, Prefix),
					"%s is recorded in scope %s but not declared in telemetry.metrics", m.Name, scope)
			}
		}
	}
	require.NotEmpty(t, md.Metrics(), "telemetry.metrics")
	for _, key := range slices.Sorted(maps.Keys(md.Metrics())) {
		name := Prefix + key
		got, ok := recorded[name]
		require.True(t, ok, "%s is declared but was not recorded", name)
		require.Equal(t, scope, scopeOf[name], "instrumentation scope of %s", name)
		CheckMetric(t, md, key, got)
	}
}

// CheckMetric compares got, the recorded instrument of telemetry.metrics
// key, with its declaration: name Prefix+key, description with its
// " [level]" suffix, unit, kind (sum, gauge or histogram) and value type
// (int: int64, double: float64), monotonicity, histogram bounds; every
// point (there must be one) carries exactly the declared attributes (by
// their name_override), with values in their enums, and every histogram
// point counts something. Last, it finds the metric's row in the README's
// telemetry table: "| `name` | counter, gauge or histogram | `attr`, … |"
// ("—" when there are no attributes).
func CheckMetric(t testing.TB, md Metadata, key string, got metricdata.Metrics) {
	t.Helper()
	decl, ok := md.Metrics()[key]
	require.True(t, ok, "%s is not declared in telemetry.metrics", key)
	name := Prefix + key
	require.Equal(t, name, got.Name)
	require.NotEmpty(t, decl.Stability.Level, "%s: stability.level", name)
	require.NotEmpty(t, decl.Description, "%s: description", name)
	require.Equal(t, decl.Description+" ["+decl.Stability.Level+"]", got.Description, "%s: description", name)
	require.Equal(t, decl.Unit, got.Unit, "%s: unit", name)

	kinds := 0
	var kind, valueType string
	if decl.Sum != nil {
		kinds++
		kind, valueType = "counter", decl.Sum.ValueType
		require.NotNil(t, decl.Sum.Monotonic, "%s: sum.monotonic is declared", name)
	}
	if decl.Gauge != nil {
		kinds++
		kind, valueType = "gauge", decl.Gauge.ValueType
	}
	if decl.Histogram != nil {
		kinds++
		kind, valueType = "histogram", decl.Histogram.ValueType
	}
	require.Equal(t, 1, kinds, "%s: exactly one of sum, gauge and histogram is declared", name)

	var sets []attribute.Set
	switch valueType {
	case "int":
		sets = points[int64](t, name, decl, got.Data)
	case "double":
		sets = points[float64](t, name, decl, got.Data)
	default:
		require.Failf(t, "unknown value_type", "%s: value_type %q, not int or double", name, valueType)
	}
	require.NotEmpty(t, sets, "%s: no point recorded", name)

	enums := map[string][]string{}
	names := make([]string, 0, len(decl.Attributes))
	for _, a := range decl.Attributes {
		def, ok := md.Attributes[a]
		require.True(t, ok, "%s: attribute %s is not declared under attributes", name, a)
		n := def.Name(a)
		require.NotContains(t, names, n, "%s: two attributes named %s", name, n)
		names = append(names, n)
		enums[n] = def.Enum
	}
	for _, set := range sets {
		for _, kv := range set.ToSlice() {
			require.Contains(t, names, string(kv.Key), "%s: undeclared attribute %s", name, kv.Key)
		}
		for _, n := range names {
			v, ok := set.Value(attribute.Key(n))
			require.True(t, ok, "%s: a point without attribute %s", name, n)
			if enum := enums[n]; enum != nil {
				require.Contains(t, enum, v.String(), "%s: %s=%s is not in its enum", name, n, v.String())
			}
		}
	}

	cells := make([]string, len(names))
	for i, n := range names {
		cells[i] = "`" + n + "`"
	}
	attrText := strings.Join(cells, ", ")
	if attrText == "" {
		attrText = "—"
	}
	readmeHas(t, md, "| `"+name+"` | "+kind+" | "+attrText+" |", "the telemetry row of "+name)
}

// readmeHas fails unless the README contains text (what it is).
func readmeHas(t testing.TB, md Metadata, text, what string) {
	t.Helper()
	if !strings.Contains(md.README, text) {
		require.Failf(t, "README", "the README lacks %s: %q", what, text)
	}
}

// points checks data against decl's kind for values of type N and returns
// the attribute sets of its points.
func points[N int64 | float64](t testing.TB, name string, decl Metric, data metricdata.Aggregation) []attribute.Set {
	t.Helper()
	var sets []attribute.Set
	switch {
	case decl.Sum != nil:
		sum, ok := data.(metricdata.Sum[N])
		require.True(t, ok, "%s is declared a %s sum, not %T", name, decl.Sum.ValueType, data)
		require.Equal(t, *decl.Sum.Monotonic, sum.IsMonotonic, "%s: monotonic", name)
		for _, dp := range sum.DataPoints {
			sets = append(sets, dp.Attributes)
		}
	case decl.Gauge != nil:
		gauge, ok := data.(metricdata.Gauge[N])
		require.True(t, ok, "%s is declared a %s gauge, not %T", name, decl.Gauge.ValueType, data)
		for _, dp := range gauge.DataPoints {
			sets = append(sets, dp.Attributes)
		}
	case decl.Histogram != nil:
		h, ok := data.(metricdata.Histogram[N])
		require.True(t, ok, "%s is declared a %s histogram, not %T", name, decl.Histogram.ValueType, data)
		for _, dp := range h.DataPoints {
			require.True(t, slices.Equal(decl.Histogram.BucketBoundaries, dp.Bounds),
				"%s: bounds %v, declared %v", name, dp.Bounds, decl.Histogram.BucketBoundaries)
			require.Positive(t, dp.Count, "%s: a histogram point that counts nothing", name)
			sets = append(sets, dp.Attributes)
		}
	}
	return sets
}
