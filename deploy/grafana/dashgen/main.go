// Command dashgen writes the otelcol-chaos Grafana dashboards as JSON:
//
//	go run ./deploy/grafana/dashgen -out deploy/grafana/dashboards
//
// The dashboards are built with the Grafana Foundation SDK; the JSON under
// deploy/grafana/dashboards is generated and committed, and a test fails
// when it no longer matches what this command writes.
package main

// The SDK's dashboard package builds the classic dashboard JSON that
// Grafana's file provisioning and "Import dashboard" read. The SDK marks it
// deprecated in favour of dashboardv2, which they do not read (yet).
//lint:file-ignore SA1019 classic dashboard JSON on purpose (see above)

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
)

// dashboards are the files written, in a fixed order.
var dashboards = []struct {
	file  string
	build func() *dashboard.DashboardBuilder
}{
	{"chaos-overview.json", overview},
	{"chaos-anomalies-health.json", anomaliesHealth},
	{"chaos-alerts-fleet.json", alertsFleet},
}

func main() {
	out := flag.String("out", "deploy/grafana/dashboards", "directory to write the dashboard JSON files to")
	flag.Parse()
	if err := generate(*out); err != nil {
		fmt.Fprintln(os.Stderr, "dashgen:", err)
		os.Exit(1)
	}
}

// generate writes every dashboard into dir.
func generate(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, d := range dashboards {
		b, err := render(d.build())
		if err != nil {
			return fmt.Errorf("%s: %w", d.file, err)
		}
		if err := os.WriteFile(filepath.Join(dir, d.file), b, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// render builds a dashboard and encodes it as indented JSON with a trailing
// newline. The output is deterministic: struct fields keep their order and
// encoding/json sorts map keys.
func render(b *dashboard.DashboardBuilder) ([]byte, error) {
	d, err := b.Build()
	if err != nil {
		return nil, err
	}
	numberPanels(&d)
	controlsInTopBar(&d)
	raw, err := json.Marshal(d)
	if err != nil {
		return nil, err
	}
	var out bytes.Buffer
	if err := json.Indent(&out, []byte(unescapeHTML.Replace(string(raw))), "", "  "); err != nil {
		return nil, err
	}
	out.WriteByte('\n')
	return out.Bytes(), nil
}

// numberPanels gives every panel and row an id, in layout order. Grafana
// would invent them on load, but links to a panel (viewPanel=<id>) need
// ids that stay the same from one generation to the next.
func numberPanels(d *dashboard.Dashboard) {
	var id uint32
	for _, p := range d.Panels {
		id++
		switch {
		case p.Panel != nil:
			panelID := id
			p.Panel.Id = &panelID
		case p.RowPanel != nil:
			p.RowPanel.Id = id
		}
	}
}

// controlsInTopBar clears the placement the SDK gives every annotation
// toggle and dashboard link by default ("inControlsMenu"), which newer
// Grafana versions fold into a menu: the scenario and experiment toggles
// and the links to the other dashboards belong next to the variables.
func controlsInTopBar(d *dashboard.Dashboard) {
	for i := range d.Annotations.List {
		d.Annotations.List[i].Placement = nil
	}
	for i := range d.Links {
		d.Links[i].Placement = nil
	}
}

// unescapeHTML undoes encoding/json's escaping of <, > and & so that PromQL
// reads as written ("> 0", not "\u003e 0"). Encoder.SetEscapeHTML(false)
// is not enough: the SDK's own MarshalJSON methods call json.Marshal. An
// escaped backslash is matched first and kept, so `\\u003e` (a literal
// backslash followed by "u003e") is left alone.
var unescapeHTML = strings.NewReplacer(`\\`, `\\`, `\u003c`, "<", `\u003e`, ">", `\u0026`, "&")
