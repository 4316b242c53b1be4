// Package stats implements the streaming statistics the anomaly processor
// runs over the per-scope time series of bucket summaries: one point per
// closed bucket per metric per scope (event count, fault ratio, p95
// latency, …).
//
//   - Baseline: robust level and scale (EWMA + EW mean absolute deviation
//     with Huber-clipped updates), z-scores and bands.
//   - Window: the last W points with an OLS regression on the index (slope,
//     intercept, R², slope t statistic and p-value).
//   - MannKendall: the Mann-Kendall trend test over the last W points (S,
//     tie-corrected variance, Z, p-value, Kendall's tau-b).
//   - Trend: Window + MannKendall, classifying the window as increasing,
//     decreasing, stable or volatile.
//   - Holt: Holt's linear smoothing with h-step forecasts and prediction
//     intervals.
//   - RegIncBeta, StudentTCDF, StudentTTwoSidedP, NormalTwoSidedP: the
//     distribution functions behind the p-values.
//
// Each type's doc comment gives its formulas and their sources.
//
// # Guarantees
//
// Every update is O(1) (Window: amortized) or, for MannKendall, O(log W)
// comparisons plus a memmove of at most W values; every query is O(1)
// except the Student t p-value, a continued fraction of O(√W) terms. No
// update allocates once the value is constructed, memory is fixed at
// construction (MemoryBytes reports it), and nothing depends on randomness
// or the clock: the same points in the same order give the same results,
// bit for bit, on a given platform. Non-finite points are ignored by every
// type.
//
// Every type serializes for checkpoints with AppendBinary and restores with
// UnmarshalBinary. An encoding starts with a version byte (1) and a kind
// byte naming the type, and stores the configuration with the state. A
// restored value is Equal to the encoded one and continues bit-identically.
// UnmarshalBinary never panics: it rejects any input that is not such an
// encoding (truncated, trailing bytes, non-minimal varints, non-finite
// numbers, invalid configuration or a state that breaks an invariant of
// the type) with an error wrapping ErrCorrupt, leaving its receiver
// unchanged. Whatever it accepts re-encodes to the same bytes (the
// encoding is canonical) and is safe to keep updating (FuzzUnmarshal).
//
// # Cost per series
//
// Measured with the benchmarks in bench_test.go on the 2-core development
// VM (AMD EPYC, Go 1.26, W = 60, shared with other work, so ±15 %):
//
//	Baseline.Update                     19 ns
//	Window.Push, Push + Fit             12 ns, 30 ns
//	Window.SlopePValue                 155 ns   (incomplete beta; on demand)
//	MannKendall.Push                    40 ns   (145 ns at W = 1440)
//	Trend.Push + Classify              140 ns   (Classify 86 ns, half of it Erfc)
//	Holt.Update + Forecast(5)            8 ns
//	one point of one series            170 ns   (BenchmarkSeriesPoint; budget 1 µs)
//	memory of one series              3264 B    (Baseline 72, Trend 3120, Holt 72)
//	checkpoint of one series           623 B
//
// A series point is: Z against the baseline, the one-step Holt interval,
// Baseline.Update, Trend.Push (Window + MannKendall), Holt.Update,
// Trend.Classify and Holt.Forecast(5). No step allocates. The memory of a
// Trend is 48 bytes a point of capacity (Window 32, MannKendall 16).
package stats // import "github.com/otelcol-chaos/otelcol-chaos/internal/stats"
