// Package gameday runs `make demo`: the built collector on its default
// configuration, chaosgen's game day replayed in simulated time, then a
// summary of what the collector concluded, read from its own APIs (the
// chaos_dashboard's JSON API and the alert exporter's alerts API), never
// from the generator. cmd/chaosdemo is its command line; the e2e test runs
// the same path against the built binary.
package gameday // import "github.com/otelcol-chaos/otelcol-chaos/internal/gameday"
