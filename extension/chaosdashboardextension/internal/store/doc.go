// Package store is the chaos_dashboard extension's memory: a bounded,
// in-memory store of what the collector's own components published —
// closed buckets, anomalies, health, trends, forecasts, alert and scenario
// transitions — and the queries the JSON API answers from it.
//
// Time is the data's, never the wall clock's: retention, "the last hour"
// and "now" are measured from the newest bucket stored (the health history's
// retention from the newest health record), because a game day may be
// replayed in simulated time (see Store.AsOf).
//
// Whatever is stored is also offered, as a stream.Message, to a Sink (the
// WebSocket hub). Message data is built only when the sink has a client:
// with none, publishing costs one Active call.
//
// Memory: one stored bucket costs about 2 KB of heap (a global 1-minute
// bucket with 12 endpoints, 3 fault types and latency and probe sketches;
// BenchmarkIngestBucket reports it as stored-B/bucket). With the defaults
// that is about 3 MB for a day of global 1-minute buckets, and at most
// MaxSeries × ScopeRetention/width scoped buckets — 1000 series of an hour
// of 1-minute buckets, 60 000 buckets, about 120 MB in the worst case
// (scoped buckets have fewer endpoints and are usually smaller).
package store // import "github.com/otelcol-chaos/otelcol-chaos/extension/chaosdashboardextension/internal/store"
