// Package api is the chaos_dashboard extension's JSON API (GET and HEAD
// under /api/v1/, see PROTOCOL.md next to the extension): the store's
// queries, with every parameter checked — an unknown or malformed one is a
// 400 naming it, so that a typo is never silently ignored.
//
// The handler expects the full request path (/api/v1/stats): mount it at
// "/api/v1/" without stripping the prefix. The stream (/api/v1/stream) is
// not served here: the extension routes it to the WebSocket hub first.
package api // import "github.com/otelcol-chaos/otelcol-chaos/extension/chaosdashboardextension/internal/api"
