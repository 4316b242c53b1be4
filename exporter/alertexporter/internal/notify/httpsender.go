package notify // import "github.com/otelcol-chaos/otelcol-chaos/exporter/alertexporter/internal/notify"

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/config/confighttp"
)

const (
	userAgent = "otelcol-chaos"
	// TermHeader carries the fencing term on webhook requests, so a receiver
	// can reject a notification from a deposed leader without parsing the body.
	TermHeader = "X-Otelcol-Chaos-Term"
	// maxErrorBody bounds how much of an error response ends up in the
	// error message (and so in logs).
	maxErrorBody    = 512
	contentTypeJSON = "application/json"
)

// httpSender is the HTTP plumbing the HTTP handlers share: one client built
// from confighttp (TLS, proxy, auth extensions, headers, timeout) and one way
// to turn a response into nil or a classified *DeliveryError.
type httpSender struct {
	client *http.Client
}

func newHTTPSender(ctx context.Context, cfg *confighttp.ClientConfig, host component.Host, set component.TelemetrySettings) (*httpSender, error) {
	var exts map[component.ID]component.Component
	if host != nil {
		exts = host.GetExtensions()
	}
	client, err := cfg.ToClient(ctx, exts, set)
	if err != nil {
		return nil, err
	}
	return &httpSender{client: client}, nil
}

// post sends body to target and classifies the outcome. Any 2xx is success
// (each destination documents its own: 200 Slack/Alertmanager, 202
// PagerDuty); 429 and 5xx are retryable with the server's Retry-After;
// anything else (4xx, or a 3xx the client did not follow) is permanent.
func (s *httpSender) post(ctx context.Context, target, contentType string, body []byte, header http.Header) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(body))
	if err != nil {
		return permanent(fmt.Errorf("building request: %w", err))
	}
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("User-Agent", userAgent)
	for k, vs := range header {
		req.Header[k] = vs
	}
	resp, err := s.client.Do(req)
	if err != nil {
		// Network errors (refused, reset, timeout) are worth retrying.
		// The *url.Error would print the URL, a secret for Slack, so
		// redactURLError drops it.
		return &DeliveryError{Retryable: true, Err: redactURLError(err)}
	}
	defer resp.Body.Close()
	snippet, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	// Drain the rest so the connection can be reused.
	_, _ = io.Copy(io.Discard, resp.Body)
	return classify(resp, snippet)
}

func classify(resp *http.Response, snippet []byte) error {
	code := resp.StatusCode
	if code >= 200 && code < 300 {
		return nil
	}
	err := fmt.Errorf("HTTP %d %s: %s", code, http.StatusText(code), strings.TrimSpace(string(snippet)))
	de := &DeliveryError{StatusCode: code, Err: err}
	if code == http.StatusTooManyRequests || code >= 500 {
		de.Retryable = true
		de.RetryAfter = ParseRetryAfter(resp.Header.Get("Retry-After"), time.Now())
	}
	return de
}

// redactURLError drops the URL from a *url.Error: a Slack webhook URL or a
// URL with credentials is a secret and must not reach the logs.
func redactURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return fmt.Errorf("%s request failed: %w", ue.Op, ue.Err)
	}
	return err
}

func (s *httpSender) close() {
	s.client.CloseIdleConnections()
}
