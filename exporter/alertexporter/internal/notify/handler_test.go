package notify

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		value string
		want  time.Duration
	}{
		{"", 0},
		{"1", time.Second},
		{" 120 ", 2 * time.Minute},
		{"0", 0},
		{"-5", 0},
		{"soon", 0},
		{"1.5", 0},
		{"99999999999999", 24 * time.Hour},
		{now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second},
		{now.Add(-time.Minute).Format(http.TimeFormat), 0},
		{"Sun, 01 Mar 2026 10:00:30 GMT", 30 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.value, func(t *testing.T) {
			require.Equal(t, tt.want, ParseRetryAfter(tt.value, now))
		})
	}
}

func TestDeliveryError(t *testing.T) {
	inner := errors.New("boom")
	err := fmt.Errorf("wrapped: %w", &DeliveryError{Retryable: true, RetryAfter: 3 * time.Second, StatusCode: 503, Err: inner})
	require.ErrorIs(t, err, inner)
	var de *DeliveryError
	require.ErrorAs(t, err, &de)
	require.Equal(t, 503, de.StatusCode)
	require.True(t, IsRetryable(err))
	require.Equal(t, 3*time.Second, retryAfter(err))
	require.Equal(t, "wrapped: retryable delivery error (HTTP 503) (retry after 3s): boom", err.Error())

	p := permanent(inner)
	require.False(t, IsRetryable(p))
	require.Equal(t, "permanent delivery error: boom", p.Error())

	require.True(t, IsRetryable(errors.New("unclassified")), "unclassified errors are retried")
	require.False(t, IsRetryable(nil))
	require.Zero(t, retryAfter(inner))
}

func TestClassifyStatus(t *testing.T) {
	tests := []struct {
		code       int
		retryAfter string
		wantErr    bool
		retryable  bool
		wantAfter  time.Duration
	}{
		{200, "", false, false, 0},
		{202, "", false, false, 0},
		{204, "", false, false, 0},
		{301, "", true, false, 0},
		{400, "", true, false, 0},
		{401, "", true, false, 0},
		{403, "", true, false, 0},
		{404, "", true, false, 0},
		{410, "", true, false, 0},
		{413, "", true, false, 0},
		{429, "7", true, true, 7 * time.Second},
		{429, "", true, true, 0},
		{500, "", true, true, 0},
		{502, "", true, true, 0},
		{503, "2", true, true, 2 * time.Second},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.code), func(t *testing.T) {
			resp := &http.Response{StatusCode: tt.code, Header: http.Header{}, Body: io.NopCloser(strings.NewReader(""))}
			if tt.retryAfter != "" {
				resp.Header.Set("Retry-After", tt.retryAfter)
			}
			err := classify(resp, []byte("invalid_payload"))
			if !tt.wantErr {
				require.NoError(t, err)
				return
			}
			var de *DeliveryError
			require.ErrorAs(t, err, &de)
			require.Equal(t, tt.code, de.StatusCode)
			require.Equal(t, tt.retryable, de.Retryable)
			require.Equal(t, tt.wantAfter, de.RetryAfter)
			require.Contains(t, err.Error(), "invalid_payload", "the server's answer helps the operator")
		})
	}
}
