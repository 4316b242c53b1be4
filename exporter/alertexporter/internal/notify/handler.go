package notify // import "github.com/otelcol-chaos/otelcol-chaos/exporter/alertexporter/internal/notify"

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Handler sends a notification to one destination. Notify makes one attempt:
// retrying is the Deliverer's job, so a handler only says, through a
// *DeliveryError, whether an attempt may be retried and when.
//
// Notify must honour ctx (the Deliverer cancels it at shutdown) and must not
// modify n: a retry hands it the same notification again.
type Handler interface {
	Name() string
	Notify(ctx context.Context, n *Notification) error
}

// DeliveryError is a failed attempt, classified so the Deliverer knows
// whether to retry: 5xx, 429 and network errors are retryable (with the
// server's Retry-After, if any); other 4xx and payload errors are permanent,
// since sending the same bytes again would fail the same way.
type DeliveryError struct {
	Retryable  bool
	RetryAfter time.Duration // 0 when the server gave no Retry-After
	StatusCode int           // 0 when no HTTP response was received
	Err        error
}

func (e *DeliveryError) Error() string {
	kind := "permanent"
	if e.Retryable {
		kind = "retryable"
	}
	var b strings.Builder
	b.WriteString(kind)
	b.WriteString(" delivery error")
	if e.StatusCode != 0 {
		fmt.Fprintf(&b, " (HTTP %d)", e.StatusCode)
	}
	if e.RetryAfter > 0 {
		fmt.Fprintf(&b, " (retry after %s)", e.RetryAfter)
	}
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

func (e *DeliveryError) Unwrap() error { return e.Err }

// permanent wraps err as a non-retryable DeliveryError.
func permanent(err error) error {
	return &DeliveryError{Err: err}
}

// IsRetryable tells whether the Deliverer should try err again. Errors that
// are not a *DeliveryError are treated as retryable: a handler that cannot
// classify its failure is more likely hitting something transient than
// sending a payload that can never succeed, and max_elapsed_time bounds the
// cost of being wrong.
func IsRetryable(err error) bool {
	if err == nil {
		return false
	}
	var de *DeliveryError
	if errors.As(err, &de) {
		return de.Retryable
	}
	return true
}

// retryAfter is the server's requested delay carried by err, or 0.
func retryAfter(err error) time.Duration {
	var de *DeliveryError
	if errors.As(err, &de) {
		return de.RetryAfter
	}
	return 0
}

// ParseRetryAfter reads a Retry-After header value: either delay-seconds or
// an HTTP-date (RFC 9110 §10.2.3), relative to now. An absent, malformed or
// past value yields 0 (no server-imposed delay).
func ParseRetryAfter(value string, now time.Time) time.Duration {
	value = strings.TrimSpace(value)
	if value == "" {
		return 0
	}
	if secs, err := strconv.ParseInt(value, 10, 64); err == nil {
		if secs <= 0 {
			return 0
		}
		// Cap before multiplying so an absurd value cannot overflow.
		const maxSecs = int64(24 * time.Hour / time.Second)
		return time.Duration(min(secs, maxSecs)) * time.Second
	}
	if at, err := http.ParseTime(value); err == nil {
		if d := at.Sub(now); d > 0 {
			return d
		}
	}
	return 0
}
