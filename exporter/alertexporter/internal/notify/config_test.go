package notify

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/otelcol-chaos/otelcol-chaos/exporter/alertexporter/config"
)

func TestConstructorsValidate(t *testing.T) {
	ctx := t.Context()
	wh := config.NewDefaultWebhookConfig()
	_, err := NewWebhookHandler(ctx, "w", &wh, nopHost(), nopSettings())
	require.ErrorContains(t, err, "endpoint")
	sl := config.NewDefaultSlackConfig()
	_, err = NewSlackHandler(ctx, "s", &sl, nopHost(), nopSettings())
	require.ErrorContains(t, err, "webhook_url")
	pd := config.NewDefaultPagerDutyConfig()
	_, err = NewPagerDutyHandler(ctx, "p", &pd, nopHost(), nopSettings())
	require.ErrorContains(t, err, "routing_key")
	am := config.NewDefaultAlertmanagerConfig()
	_, err = NewAlertmanagerHandler(ctx, "a", &am, nopHost(), nopSettings())
	require.ErrorContains(t, err, "endpoint")
	lg := LogConfig{Level: "nope"}
	_, err = NewLogHandler("l", &lg, nil)
	require.True(t, strings.Contains(err.Error(), "level"))
}
