package notify // import "github.com/otelcol-chaos/otelcol-chaos/exporter/alertexporter/internal/notify"

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"text/template"

	"go.opentelemetry.io/collector/component"

	"github.com/otelcol-chaos/otelcol-chaos/exporter/alertexporter/config"
)

// ErrAbortTemplateEmpty is a target template that rendered empty for an
// alert (typically: the alert lacks the label the template reads).
var ErrAbortTemplateEmpty = errors.New("rendered empty")

// abortTarget is one kind of chaos to stop.
type abortTarget interface {
	kind() string
	// plan resolves the target for n, a notification narrowed to one alert.
	plan(n *Notification) (*abortPlan, error)
	close()
}

// abortPlan is a resolved target and how to stop it.
type abortPlan struct {
	identity string   // what idempotency is keyed on
	ref      string   // the target as logs and the aborted event name it
	name     string   // the experiment name to report when the alert has none
	requests []string // the exact requests, for logs (dry run) and errors
	// run makes one attempt; already reports that the tool said it was
	// stopped before (no change made).
	run func(ctx context.Context) (already bool, err error)
}

func newAbortTarget(ctx context.Context, cfg *config.AbortTargetConfig, host component.Host, ts component.TelemetrySettings, kube KubeClientFunc) (abortTarget, error) {
	switch {
	case cfg.MockForge != nil:
		return newMockForgeTarget(ctx, cfg.MockForge, host, ts)
	case cfg.ChaosMesh != nil:
		return newChaosMeshTarget(cfg.ChaosMesh, kube)
	case cfg.Litmus != nil:
		return newLitmusTarget(cfg.Litmus, kube)
	case cfg.HTTP != nil:
		return newHTTPTarget(ctx, cfg.HTTP, host, ts)
	}
	return nil, config.ErrAbortTarget
}

// renderNonEmpty renders a template; a template that renders
// empty is an error naming the key.
func renderNonEmpty(key string, t *template.Template, n *Notification) (string, error) {
	s, err := render(t, n)
	if err != nil {
		return "", err
	}
	if s == "" {
		return "", fmt.Errorf("%s %w for this alert: does the alert carry the label the template reads?", key, ErrAbortTemplateEmpty)
	}
	return s, nil
}

// MockForge's chaos management API, as mockforge-chaos serves it
// (crates/mockforge-chaos/src/api.rs, create_chaos_api_router):
//
//	POST   /api/chaos/disable          → 200 {"message":"Chaos engineering disabled"}
//	                                     (sets the chaos config's enabled = false:
//	                                     no more latency, faults, rate limits…)
//	DELETE /api/chaos/scenarios/{name} → 200 {"message":"Scenario '<name>' stopped"}, or
//	                                     404 {"error":"Scenario '<name>' not found or not running"}
//	DELETE /api/chaos/scenarios        → 200 {"message":"All scenarios stopped"}
//
// None takes a body. Starting a scenario replaces the chaos config with the
// scenario's, and stopping it does not restore it, so disable comes first:
// it is what stops the injection; stopping the scenario then ends its run.
const (
	mockForgeDisablePath   = "/api/chaos/disable"
	mockForgeScenariosPath = "/api/chaos/scenarios"
)

type mockForgeTarget struct {
	base     string
	scenario *template.Template // nil: every active scenario
	sender   *httpSender
}

func newMockForgeTarget(ctx context.Context, cfg *config.MockForgeTargetConfig, host component.Host, ts component.TelemetrySettings) (*mockForgeTarget, error) {
	scenario, err := parseOptionalTemplate("scenario", cfg.Scenario)
	if err != nil {
		return nil, err
	}
	cc := cfg.ClientConfig
	s, err := newHTTPSender(ctx, &cc, host, ts)
	if err != nil {
		return nil, err
	}
	return &mockForgeTarget{base: strings.TrimRight(cc.Endpoint, "/"), scenario: scenario, sender: s}, nil
}

func (t *mockForgeTarget) kind() string { return AbortTargetMockForge }
func (t *mockForgeTarget) close()       { t.sender.close() }

func (t *mockForgeTarget) plan(n *Notification) (*abortPlan, error) {
	scenario := ""
	if t.scenario != nil {
		s, err := renderNonEmpty("scenario", t.scenario, n)
		if err != nil {
			return nil, err
		}
		scenario = s
	}
	disable := t.base + mockForgeDisablePath
	stop := t.base + mockForgeScenariosPath
	ref := "all scenarios"
	if scenario != "" {
		stop += "/" + url.PathEscape(scenario)
		ref = "scenario " + scenario
	}
	p := &abortPlan{
		identity: AbortTargetMockForge + " " + t.base + " " + ref,
		ref:      ref + " at " + t.base,
		name:     scenario,
		requests: []string{http.MethodPost + " " + disable, http.MethodDelete + " " + stop},
	}
	if p.name == "" {
		p.name = AbortTargetMockForge
	}
	p.run = func(ctx context.Context) (bool, error) {
		if _, _, err := t.sender.do(ctx, http.MethodPost, disable, "", nil, nil); err != nil {
			return false, mockForgeError(err, "POST "+mockForgeDisablePath)
		}
		code, body, err := t.sender.do(ctx, http.MethodDelete, stop, "", nil, nil)
		if code == http.StatusNotFound && scenario != "" && mockForgeJSONError(body) {
			return false, nil // the scenario is not running (any more): chaos is disabled, which is what counts
		}
		if err != nil {
			return false, mockForgeError(err, "DELETE "+strings.TrimPrefix(stop, t.base))
		}
		return false, nil
	}
	return p, nil
}

// mockForgeJSONError tells MockForge's own 404 ({"error": "..."}, a
// scenario not running) from a route that does not exist (empty body).
func mockForgeJSONError(body []byte) bool {
	var e struct {
		Error string `json:"error"`
	}
	return json.Unmarshal(body, &e) == nil && e.Error != ""
}

func mockForgeError(err error, call string) error {
	var de *DeliveryError
	if errors.As(err, &de) && de.StatusCode == http.StatusNotFound {
		de.Err = fmt.Errorf("%s: %w: is endpoint MockForge's base URL, where its chaos API (/api/chaos/...) is served?", call, de.Err)
		return de
	}
	if errors.As(err, &de) {
		de.Err = fmt.Errorf("%s: %w", call, de.Err)
		return de
	}
	return fmt.Errorf("%s: %w", call, err)
}

// do sends one request and classifies the outcome as post does; it also
// returns the status code (0 without a response) and the start of the body.
func (s *httpSender) do(ctx context.Context, method, target, contentType string, body []byte, header http.Header) (int, []byte, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, target, rd)
	if err != nil {
		return 0, nil, permanent(fmt.Errorf("building request: %w", err))
	}
	if contentType != "" && body != nil {
		req.Header.Set("Content-Type", contentType)
	}
	req.Header.Set("User-Agent", userAgent)
	for k, vs := range header {
		req.Header[k] = vs
	}
	resp, err := s.client.Do(req)
	if err != nil {
		return 0, nil, &DeliveryError{Retryable: true, Err: redactURLError(err)}
	}
	defer resp.Body.Close()
	snippet, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode, snippet, classify(resp, snippet)
}

// httpTarget is the generic stop call.
type httpTarget struct {
	method      string
	endpoint    string
	contentType string
	body        *template.Template // nil: no body
	sender      *httpSender
}

func newHTTPTarget(ctx context.Context, cfg *config.HTTPTargetConfig, host component.Host, ts component.TelemetrySettings) (*httpTarget, error) {
	t := &httpTarget{method: cfg.Method, endpoint: cfg.ClientConfig.Endpoint, contentType: cfg.ContentType}
	if t.contentType == "" {
		t.contentType = contentTypeJSON
	}
	var err error
	if t.body, err = parseOptionalTemplate("body", cfg.Body); err != nil {
		return nil, err
	}
	cc := cfg.ClientConfig
	if t.sender, err = newHTTPSender(ctx, &cc, host, ts); err != nil {
		return nil, err
	}
	return t, nil
}

func (t *httpTarget) kind() string { return AbortTargetHTTP }
func (t *httpTarget) close()       { t.sender.close() }

func (t *httpTarget) plan(n *Notification) (*abortPlan, error) {
	var body []byte
	if t.body != nil {
		s, err := render(t.body, n)
		if err != nil {
			return nil, err
		}
		body = []byte(s)
	}
	sum := sha256.Sum256(body)
	redacted := redactURL(t.endpoint)
	p := &abortPlan{
		identity: AbortTargetHTTP + " " + t.method + " " + t.endpoint + " " + hex.EncodeToString(sum[:]),
		ref:      t.method + " " + redacted,
		name:     redacted,
		requests: []string{t.method + " " + redacted + " " + string(body)},
	}
	p.run = func(ctx context.Context) (bool, error) {
		_, _, err := t.sender.do(ctx, t.method, t.endpoint, t.contentType, body, nil)
		return false, err
	}
	return p, nil
}

// redactURL drops the userinfo and the query of a URL for logs.
func redactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return "(invalid URL)"
	}
	u.User = nil
	if u.RawQuery != "" {
		u.RawQuery = "..."
	}
	return u.String()
}

// parseOptionalTemplate parses text, or returns nil for an empty one (the
// target then does without: every scenario, no body).
func parseOptionalTemplate(name, text string) (*template.Template, error) {
	if text == "" {
		return nil, nil
	}
	return parseTemplate(name, text)
}
