package metadatatest

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
)

// sampleScope is the instrumentation scope of the made-up component of
// testdata/metadata.yaml.
const sampleScope = "example.com/sampleprocessor"

var sampleType = component.MustNewType("sample")

func sampleStability() map[string]component.StabilityLevel {
	return map[string]component.StabilityLevel{"logs": component.StabilityLevelAlpha, "traces": component.StabilityLevelAlpha}
}

// sample is what the made-up component records; good() matches
// testdata, and each test case changes one thing.
type sample struct {
	scope       string
	itemsUnit   string
	itemsAttrs  []attribute.KeyValue
	itemsUpDown bool // a non-monotonic sum
	queueLevel  string
	skipQueue   bool
	bounds      []float64
	durationInt bool // an int64 histogram
	extra       string
}

func good() sample {
	return sample{
		scope:      sampleScope,
		itemsUnit:  "{items}",
		itemsAttrs: []attribute.KeyValue{attribute.String("outcome", "kept"), attribute.String("route", "a")},
		queueLevel: "development",
		bounds:     []float64{0.1, 1, 10},
	}
}

// record records s on a fresh Telemetry.
func (s sample) record(t *testing.T) *componenttest.Telemetry {
	t.Helper()
	tel := componenttest.NewTelemetry()
	t.Cleanup(func() { require.NoError(t, tel.Shutdown(context.Background())) })
	meter := tel.NewTelemetrySettings().MeterProvider.Meter(s.scope)
	ctx := context.Background()

	desc, unit := metric.WithDescription("Items seen, by outcome and route. [alpha]"), metric.WithUnit(s.itemsUnit)
	if s.itemsUpDown {
		c, err := meter.Int64UpDownCounter("otelcol_processor_sample_items", desc, unit)
		require.NoError(t, err)
		c.Add(ctx, 1, metric.WithAttributes(s.itemsAttrs...))
	} else {
		c, err := meter.Int64Counter("otelcol_processor_sample_items", desc, unit)
		require.NoError(t, err)
		c.Add(ctx, 1, metric.WithAttributes(s.itemsAttrs...))
	}

	if !s.skipQueue {
		_, err := meter.Int64ObservableGauge("otelcol_processor_sample_queue",
			metric.WithDescription("Items queued. ["+s.queueLevel+"]"), metric.WithUnit("{items}"),
			metric.WithInt64Callback(func(_ context.Context, o metric.Int64Observer) error { o.Observe(3); return nil }))
		require.NoError(t, err)
	}

	desc, unit = metric.WithDescription("Time to handle a batch. [alpha]"), metric.WithUnit("s")
	if s.durationInt {
		h, err := meter.Int64Histogram("otelcol_processor_sample_duration", desc, unit, metric.WithExplicitBucketBoundaries(s.bounds...))
		require.NoError(t, err)
		h.Record(ctx, 1)
	} else {
		h, err := meter.Float64Histogram("otelcol_processor_sample_duration", desc, unit, metric.WithExplicitBucketBoundaries(s.bounds...))
		require.NoError(t, err)
		h.Record(ctx, 0.5)
	}

	if s.extra != "" {
		c, err := meter.Int64Counter(s.extra)
		require.NoError(t, err)
		c.Add(ctx, 1)
	}
	return tel
}

// recorder is a testing.TB that records failures instead of failing the
// test; FailNow ends the goroutine of the check, as testing.T's does.
type recorder struct {
	testing.TB // the test's own, for the rest (Name, Cleanup, Log, ...)
	mu         sync.Mutex
	errors     []string
	failNows   int
}

func (r *recorder) Helper() {}

func (r *recorder) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}

func (r *recorder) Error(args ...any) { r.Errorf("%s", fmt.Sprint(args...)) }
func (r *recorder) Fail()             { r.Errorf("Fail") }

func (r *recorder) FailNow() {
	r.mu.Lock()
	r.failNows++
	r.mu.Unlock()
	runtime.Goexit()
}

func (r *recorder) Fatalf(format string, args ...any) { r.Errorf(format, args...); r.FailNow() }
func (r *recorder) Fatal(args ...any)                 { r.Error(args...); r.FailNow() }

func (r *recorder) Failed() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.errors) > 0 || r.failNows > 0
}

// run runs check on a recorder in a goroutine of its own (FailNow ends
// it) and returns the recorder.
func run(t *testing.T, check func(testing.TB)) *recorder {
	r := &recorder{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		check(r)
	}()
	<-done
	return r
}

// requireReported asserts that r stopped on one failure whose text
// contains want.
func requireReported(t *testing.T, r *recorder, want string) {
	t.Helper()
	require.True(t, r.Failed(), "a mismatch is reported")
	require.Equal(t, 1, r.failNows, "the check stops at the first mismatch")
	require.Len(t, r.errors, 1)
	require.Contains(t, r.errors[0], want)
}

func TestLoad(t *testing.T) {
	md := Load(t, "testdata")
	require.Equal(t, "sample", md.Type)
	require.Equal(t, Status{Class: "processor", Stability: map[string][]string{"alpha": {"logs", "traces"}},
		Distributions: []string{"otelcol-chaos"}}, md.Status)
	require.Equal(t, "outcome", md.Attributes["item_outcome"].Name("item_outcome"))
	require.Equal(t, "route", md.Attributes["route"].Name("route"))
	require.Equal(t, []string{"kept", "dropped"}, md.Attributes["item_outcome"].Enum)
	require.Len(t, md.Metrics(), 3)
	items := md.Metrics()["processor_sample_items"]
	require.True(t, *items.Sum.Monotonic)
	require.False(t, items.Async())
	require.True(t, md.Metrics()["processor_sample_queue"].Async())
	require.Equal(t, []float64{0.1, 1, 10}, md.Metrics()["processor_sample_duration"].Histogram.BucketBoundaries)
	require.Contains(t, md.README, "# sample processor")
}

// The checks pass on a component that matches its metadata.yaml, with the
// test's T and with the recorder (which records nothing then).
func TestChecksPass(t *testing.T) {
	md := Load(t, "testdata")
	CheckStatus(t, md, "processor", sampleType, sampleStability())
	CheckTelemetry(t, md, good().record(t), sampleScope)

	r := run(t, func(tb testing.TB) {
		CheckStatus(tb, md, "processor", sampleType, sampleStability())
		CheckTelemetry(tb, md, good().record(t), sampleScope)
	})
	require.False(t, r.Failed(), "%v", r.errors)
}

// An extension's README names no signal in its Stability row.
func TestCheckStatusOfAnExtension(t *testing.T) {
	md := Load(t, "testdata")
	md.Status.Class = "extension"
	md.README = strings.Replace(md.README, "| [alpha]: logs, traces |", "| [alpha] |", 1)
	r := run(t, func(tb testing.TB) { CheckStatus(tb, md, "extension", sampleType, sampleStability()) })
	require.False(t, r.Failed(), "%v", r.errors)
}

func TestCheckStatusReportsAMismatch(t *testing.T) {
	for name, tt := range map[string]struct {
		class     string
		typ       component.Type
		stability map[string]component.StabilityLevel
		readme    func(string) string
		want      string
	}{
		"class":          {class: "exporter", want: "status.class"},
		"type":           {typ: component.MustNewType("other"), want: "type"},
		"stability":      {stability: map[string]component.StabilityLevel{"logs": component.StabilityLevelAlpha}, want: "status.stability"},
		"level":          {stability: map[string]component.StabilityLevel{"logs": component.StabilityLevelBeta, "traces": component.StabilityLevelAlpha}, want: "status.stability"},
		"README row":     {readme: func(s string) string { return strings.Replace(s, "logs, traces |", "logs |", 1) }, want: "the Stability row of alpha"},
		"README link":    {readme: func(s string) string { return strings.Replace(s, "md#alpha", "md", 1) }, want: "the link of stability level alpha"},
		"README type":    {readme: func(s string) string { return strings.Replace(s, "`sample` |", "sample |", 1) }, want: "its Type row"},
		"README distros": {readme: func(s string) string { return strings.Replace(s, "| Distributions |", "| Distribution |", 1) }, want: "its Distributions row"},
	} {
		t.Run(name, func(t *testing.T) {
			md := Load(t, "testdata")
			class, typ, stability := "processor", sampleType, sampleStability()
			if tt.class != "" {
				class = tt.class
			}
			if tt.typ.String() != "" {
				typ = tt.typ
			}
			if tt.stability != nil {
				stability = tt.stability
			}
			if tt.readme != nil {
				md.README = tt.readme(md.README)
			}
			requireReported(t, run(t, func(tb testing.TB) { CheckStatus(tb, md, class, typ, stability) }), tt.want)
		})
	}
}

func TestCheckTelemetryReportsAMismatch(t *testing.T) {
	for name, tt := range map[string]struct {
		edit   func(*sample)
		readme func(string) string
		want   string
	}{
		"unit":       {edit: func(s *sample) { s.itemsUnit = "{item}" }, want: "otelcol_processor_sample_items: unit"},
		"level":      {edit: func(s *sample) { s.queueLevel = "alpha" }, want: "otelcol_processor_sample_queue: description"},
		"monotonic":  {edit: func(s *sample) { s.itemsUpDown = true }, want: "otelcol_processor_sample_items: monotonic"},
		"value type": {edit: func(s *sample) { s.durationInt = true }, want: "is declared a double histogram"},
		"bounds":     {edit: func(s *sample) { s.bounds = []float64{0.1, 1} }, want: "otelcol_processor_sample_duration: bounds [0.1 1], declared [0.1 1 10]"},
		"enum": {edit: func(s *sample) { s.itemsAttrs[0] = attribute.String("outcome", "lost") },
			want: "otelcol_processor_sample_items: outcome=lost is not in its enum"},
		"undeclared attribute": {edit: func(s *sample) { s.itemsAttrs = append(s.itemsAttrs, attribute.String("tenant", "x")) },
			want: "otelcol_processor_sample_items: undeclared attribute tenant"},
		"missing attribute": {edit: func(s *sample) { s.itemsAttrs = s.itemsAttrs[:1] },
			want: "otelcol_processor_sample_items: a point without attribute route"},
		"not recorded": {edit: func(s *sample) { s.skipQueue = true }, want: "otelcol_processor_sample_queue is declared but was not recorded"},
		"undeclared metric": {edit: func(s *sample) { s.extra = "otelcol_processor_sample_extra" },
			want: "otelcol_processor_sample_extra is recorded in scope " + sampleScope + " but not declared"},
		"another scope": {edit: func(s *sample) { s.scope = "example.com/other" }, want: "instrumentation scope of otelcol_processor_sample_duration"},
		"README row": {readme: func(s string) string { return strings.Replace(s, "`outcome`, `route`", "`route`, `outcome`", 1) },
			want: "the README lacks the telemetry row of otelcol_processor_sample_items"},
		"README kind": {readme: func(s string) string { return strings.Replace(s, "| histogram |", "| counter |", 1) },
			want: "the README lacks the telemetry row of otelcol_processor_sample_duration"},
	} {
		t.Run(name, func(t *testing.T) {
			md := Load(t, "testdata")
			s := good()
			if tt.edit != nil {
				tt.edit(&s)
			}
			if tt.readme != nil {
				md.README = tt.readme(md.README)
			}
			tel := s.record(t)
			requireReported(t, run(t, func(tb testing.TB) { CheckTelemetry(tb, md, tel, sampleScope) }), tt.want)
		})
	}
}

// A declaration that is itself wrong is reported too.
func TestCheckMetricReportsABadDeclaration(t *testing.T) {
	for name, tt := range map[string]struct {
		edit func(*Metric)
		want string
	}{
		"no kind":              {edit: func(m *Metric) { m.Sum = nil }, want: "exactly one of sum, gauge and histogram"},
		"two kinds":            {edit: func(m *Metric) { m.Gauge = &Gauge{ValueType: "int"} }, want: "exactly one of sum, gauge and histogram"},
		"no monotonic":         {edit: func(m *Metric) { m.Sum = &Sum{ValueType: "int"} }, want: "sum.monotonic is declared"},
		"unknown value type":   {edit: func(m *Metric) { m.Sum = &Sum{ValueType: "long", Monotonic: m.Sum.Monotonic} }, want: `value_type "long"`},
		"no stability level":   {edit: func(m *Metric) { m.Stability.Level = "" }, want: "stability.level"},
		"undeclared attribute": {edit: func(m *Metric) { m.Attributes = append(m.Attributes, "tenant") }, want: "attribute tenant is not declared"},
	} {
		t.Run(name, func(t *testing.T) {
			md := Load(t, "testdata")
			metrics := map[string]Metric{}
			for k, m := range md.Metrics() {
				metrics[k] = m
			}
			m := metrics["processor_sample_items"]
			m.Attributes = append([]string(nil), m.Attributes...)
			tt.edit(&m)
			metrics["processor_sample_items"] = m
			md.Telemetry.Metrics = metrics
			got, err := good().record(t).GetMetric("otelcol_processor_sample_items")
			require.NoError(t, err)
			requireReported(t, run(t, func(tb testing.TB) { CheckMetric(tb, md, "processor_sample_items", got) }), tt.want)
		})
	}
}

// What the SDK does not record, made by hand: a metric without points, a
// histogram point that counts nothing.
func TestCheckMetricReportsEmptyData(t *testing.T) {
	md := Load(t, "testdata")
	for name, tt := range map[string]struct {
		got  metricdata.Metrics
		want string
	}{
		"no point": {metricdata.Metrics{Name: "otelcol_processor_sample_queue", Description: "Items queued. [development]",
			Unit: "{items}", Data: metricdata.Gauge[int64]{}}, "otelcol_processor_sample_queue: no point recorded"},
		"empty histogram point": {metricdata.Metrics{Name: "otelcol_processor_sample_duration",
			Description: "Time to handle a batch. [alpha]", Unit: "s", Data: metricdata.Histogram[float64]{
				Temporality: metricdata.CumulativeTemporality,
				DataPoints:  []metricdata.HistogramDataPoint[float64]{{Bounds: []float64{0.1, 1, 10}, BucketCounts: make([]uint64, 4)}},
			}}, "otelcol_processor_sample_duration: a histogram point that counts nothing"},
	} {
		t.Run(name, func(t *testing.T) {
			key := strings.TrimPrefix(tt.got.Name, Prefix)
			requireReported(t, run(t, func(tb testing.TB) { CheckMetric(tb, md, key, tt.got) }), tt.want)
		})
	}
}
