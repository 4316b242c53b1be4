// Command chaosdemo is `make demo`: the built collector on its default
// configuration, chaosgen's game day replayed in simulated time, and a
// summary of what the collector concluded, read from its own APIs. The
// collector's output (every record the debug exporter printed) goes to a
// log file only.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"os"
	"os/signal"
	"time"

	"github.com/otelcol-chaos/otelcol-chaos/internal/gameday"
)

func main() {
	os.Exit(run(os.Args[1:]))
}

func run(args []string) int {
	fs := flag.NewFlagSet("chaosdemo", flag.ContinueOnError)
	collector := fs.String("collector", "build/otelcol-chaos/otelcol-chaos", "the built collector")
	chaosgen := fs.String("chaosgen", "build/chaosgen", "the built chaosgen")
	config := fs.String("config", "deploy/config/single-node.yaml", "the collector's configuration (its endpoints must be the URLs below)")
	logPath := fs.String("log", "build/demo-collector.log", "where the collector's output goes")
	jsonPath := fs.String("json", "", "also write the summary as JSON to this file")
	events := fs.String("events", "http://localhost:4320/v1/chaos/events", "the chaos receiver's events URL")
	health := fs.String("health", "http://localhost:4320/v1/chaos/health", "the chaos receiver's health URL")
	dashboard := fs.String("dashboard", "http://localhost:4323", "the chaos_dashboard extension's URL")
	alerts := fs.String("alerts", "http://localhost:4322", "the alert exporter's alerts API URL")
	settle := fs.Duration("settle", 90*time.Second, "how long the collector may take to conclude the replay")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	logf, err := os.Create(*logPath)
	if err != nil {
		fmt.Fprintf(os.Stderr, "chaosdemo: %v\n", err)
		return 1
	}
	defer logf.Close()
	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt)
	defer cancel()

	fmt.Fprintf(os.Stderr, "chaosdemo: replaying a game day (about an hour of event time) into %s; its output goes to %s\n",
		*collector, *logPath)
	start := time.Now()
	client := &http.Client{Timeout: 10 * time.Second}
	s, err := gameday.Run(ctx, gameday.Options{
		Collector: *collector, Chaosgen: *chaosgen, Config: *config, Log: logf,
		Events: *events, Health: *health, Settle: *settle,
		APIs: gameday.APIs{Dashboard: *dashboard, Alerts: *alerts, Client: client},
	})
	if err != nil {
		fmt.Fprintf(os.Stderr, "chaosdemo: %v (collector output: %s)\n", err, *logPath)
		return 1
	}
	fmt.Fprintf(os.Stderr, "chaosdemo: done in %.0f s\n\n", time.Since(start).Seconds())
	s.Render(os.Stdout)
	if *jsonPath != "" {
		b, _ := json.MarshalIndent(s, "", "  ")
		if err := os.WriteFile(*jsonPath, b, 0o644); err != nil {
			fmt.Fprintf(os.Stderr, "chaosdemo: %v\n", err)
			return 1
		}
	}
	return 0
}
