// Package chaosconv is the single owner of otelcol-chaos's semantic
// conventions: the attribute keys, the record kinds (log record event names)
// and the encode/decode of every record kind that travels between the
// components as an OTel log record.
//
// No other package spells an attribute key or an event name as a string
// literal of its own: they import the constants from here, so that the
// contract documented in docs/semantic-conventions.md is the contract the
// code speaks.
package chaosconv // import "github.com/otelcol-chaos/otelcol-chaos/internal/chaosconv"
