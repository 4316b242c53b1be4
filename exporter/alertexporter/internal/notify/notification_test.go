package notify

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestAlertResolved(t *testing.T) {
	a := firingAlerts()[0]
	require.False(t, a.Resolved())
	require.Equal(t, StatusFiring, a.Status())
	a.EndsAt = t1
	require.True(t, a.Resolved())
	require.Equal(t, StatusResolved, a.Status())
}

func TestNotificationStatus(t *testing.T) {
	tests := []struct {
		name string
		n    *Notification
		want string
	}{
		{"all firing", firingNotification("r"), StatusFiring},
		{"one still firing", mixedNotification("r"), StatusFiring},
		{"all resolved", resolvedNotification("r"), StatusResolved},
		{"no alerts", &Notification{}, StatusResolved},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.Equal(t, tt.want, tt.n.Status())
		})
	}
}

func TestFiringAndResolvedAlerts(t *testing.T) {
	n := mixedNotification("r")
	require.Equal(t, []Alert{n.Alerts[1]}, n.Firing())
	require.Equal(t, []Alert{n.Alerts[0]}, n.ResolvedAlerts())
	require.Empty(t, firingNotification("r").ResolvedAlerts())
}

func TestCommonLabelsAndAnnotations(t *testing.T) {
	tests := []struct {
		name            string
		alerts          []Alert
		wantLabels      map[string]string
		wantAnnotations map[string]string
	}{
		{
			name:            "two alerts",
			alerts:          firingAlerts(),
			wantLabels:      map[string]string{"alertname": "HighLatency", "service": "checkout"},
			wantAnnotations: map[string]string{"description": "p99 above 1s for 5m"},
		},
		{
			name:            "one alert: all of its labels",
			alerts:          firingAlerts()[:1],
			wantLabels:      firingAlerts()[0].Labels,
			wantAnnotations: firingAlerts()[0].Annotations,
		},
		{
			name:            "nothing in common",
			alerts:          []Alert{{Labels: map[string]string{"a": "1"}}, {Labels: map[string]string{"a": "2"}}},
			wantLabels:      map[string]string{},
			wantAnnotations: map[string]string{},
		},
		{
			name:            "no alerts: empty, not nil",
			wantLabels:      map[string]string{},
			wantAnnotations: map[string]string{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := &Notification{Alerts: tt.alerts}
			require.Equal(t, tt.wantLabels, n.CommonLabels())
			require.Equal(t, tt.wantAnnotations, n.CommonAnnotations())
		})
	}
}

func TestCommonLabelsDoesNotAliasAlertLabels(t *testing.T) {
	n := &Notification{Alerts: firingAlerts()[:1]}
	common := n.CommonLabels()
	common["extra"] = "x"
	require.NotContains(t, n.Alerts[0].Labels, "extra")
}
