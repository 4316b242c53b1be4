// Package config holds the configuration types of the alert exporter
// (alertexporter.Config's rules, route, delivery policy and notification
// handlers) with their defaults and their validation, so that a program
// building or checking an alert exporter configuration can name every type
// it holds. The rule engine, the dispatcher and the handlers that use them
// stay internal to the exporter.
package config // import "github.com/otelcol-chaos/otelcol-chaos/exporter/alertexporter/config"
