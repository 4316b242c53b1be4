package e2e

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	alertName = "ChaosFaultStorm"

	// stormDuration of fault-storm: the fault share climbs from 5 % to 60 %
	// over the first two thirds, then holds, far above the rule's 0.3 over
	// its 2m window for longer than its 1m `for`.
	stormDuration = 10 * time.Minute
	// calmDuration of baseline (5 % faults) after the storm: more than the
	// rule's window, so the window ends up holding calm minutes only.
	calmDuration = 5 * time.Minute
	// stormShift dates the storm before the calm run's event times (see
	// shiftProxy): the calm run starts at least a minute after the storm's
	// last bucket, so none of it is late.
	stormShift = -(calmDuration + time.Minute)

	// fireTimeout and resolveTimeout bound the wait for Alertmanager to show
	// the alert active, then resolved, after the traffic was sent.
	fireTimeout    = 60 * time.Second
	resolveTimeout = 60 * time.Second
	// stayResolved is how long the alert must stay resolved: a few of the
	// exporter's evaluation and group intervals.
	stayResolved = 5 * time.Second
	// chaosgenTimeout bounds one chaosgen run (fast mode: seconds).
	chaosgenTimeout = 3 * time.Minute
)

// TestAlertFiresAndResolvesInAlertmanager runs the whole path: chaosgen's
// fault-storm → chaos receiver → chaos_analytics (1-minute buckets) → alert
// exporter → a real Alertmanager, where ChaosFaultStorm must appear active;
// then calm baseline traffic, after which the exporter resolves the alert
// and Alertmanager must report it resolved.
func TestAlertFiresAndResolvesInAlertmanager(t *testing.T) {
	env := requireEnv(t, envCollector, envAlertmanager, envChaosgen)
	collectorBin, alertmanagerBin, chaosgen := env[0], env[1], env[2]
	began := time.Now()

	am := startAlertmanager(t, alertmanagerBin)
	col := startCollector(t, collectorBin, am.url)
	proxyURL, proxy := startShiftProxy(t, col.events, stormShift)
	t.Logf("alertmanager %s, collector ready after %.1fs", am.url, time.Since(began).Seconds())

	// The storm, replayed fast and dated stormShift earlier.
	storm := runChaosgen(t, chaosgen, chaosgenTimeout,
		"-fast", "-scenario", "fault-storm", "-duration", stormDuration.String(), "-endpoint", proxyURL)
	require.EqualValues(t, storm.Accepted, proxy.shifted.Load(), "every storm event went through the shift")
	stormSent := time.Now()
	t.Logf("storm: %d events, chaosgen dated them %s to %s, sent shifted by %s", storm.Accepted, storm.EventTimeStart, storm.EventTimeEnd, stormShift)

	var firing amAlert
	var lastBody string
	poll(t, fireTimeout, 250*time.Millisecond, alertName+" active in Alertmanager", func() error {
		all, body, err := am.alerts()
		if err != nil {
			return err
		}
		lastBody = body
		got := named(all, alertName)
		if len(got) == 0 {
			return fmt.Errorf("not in GET /api/v2/alerts: %s", body)
		}
		if got[0].Status.State != "active" {
			return fmt.Errorf("state %q, want active: %s", got[0].Status.State, body)
		}
		firing = got[0]
		return nil
	})
	t.Logf("%s active in Alertmanager %.1fs after the storm was sent: %s", alertName, time.Since(stormSent).Seconds(), lastBody)
	all, body, err := am.alerts()
	require.NoError(t, err)
	require.Len(t, named(all, alertName), 1, "one alert: the rule has the global scope only: %s", body)
	assert.Equal(t, "critical", firing.Labels["severity"])
	assert.Equal(t, "global", firing.Labels["scope"])
	// scope_key is not asserted: for the global scope it may be empty, and
	// Alertmanager drops labels with an empty value.
	summary := firing.Annotations["summary"]
	assert.NotEmpty(t, summary)
	assert.True(t, strings.HasPrefix(summary, "fault ratio "), "summary %q", summary)
	assert.NotContains(t, summary, "{{", "the summary template is rendered")
	assert.Empty(t, firing.Status.SilencedBy)
	assert.Empty(t, firing.Status.InhibitedBy)
	resolvedBefore, err := am.receivedTotal("resolved")
	require.NoError(t, err)

	// Calm traffic, sent directly: its event times (now-calmDuration .. now)
	// follow the shifted storm's.
	calm := runChaosgen(t, chaosgen, chaosgenTimeout,
		"-fast", "-scenario", "baseline", "-duration", calmDuration.String(), "-endpoint", col.events)
	calmSent := time.Now()
	t.Logf("calm: %d events, dated %s to %s", calm.Accepted, calm.EventTimeStart, calm.EventTimeEnd)

	// Alertmanager 0.25 never lists an alert whose endsAt has passed: once
	// the exporter posts it with endsAt set, GET /api/v2/alerts stops
	// returning it (whatever the active/silenced/inhibited/unprocessed
	// filters), and its counter of resolved alerts received goes up. Without
	// a resolve the alert would stay listed until resolve_timeout (5m) after
	// its last post, far beyond resolveTimeout, so its going away here is
	// the exporter's doing; the counter says so too.
	poll(t, resolveTimeout, 250*time.Millisecond, alertName+" resolved in Alertmanager", func() error {
		all, body, err := am.alerts()
		if err != nil {
			return err
		}
		if got := named(all, alertName); len(got) > 0 {
			return fmt.Errorf("still listed (state %q, endsAt %s): %s", got[0].Status.State, got[0].EndsAt, body)
		}
		n, err := am.receivedTotal("resolved")
		if err != nil {
			return err
		}
		if n <= resolvedBefore {
			return fmt.Errorf("no longer listed, but Alertmanager received no resolved alert (%v)", n)
		}
		return nil
	})
	t.Logf("%s resolved in Alertmanager %.1fs after the calm traffic was sent", alertName, time.Since(calmSent).Seconds())

	// And it stays resolved: calm traffic does not make it fire again.
	time.Sleep(stayResolved)
	all, body, err = am.alerts()
	require.NoError(t, err)
	require.Empty(t, named(all, alertName), "%s fired again after it was resolved: %s", alertName, body)
	t.Logf("whole run: %.1fs", time.Since(began).Seconds())
}

// TestAlertmanagerAPI pins down how the Alertmanager we test against treats
// what a client posts to /api/v2/alerts — the behaviour the test above
// relies on.
func TestAlertmanagerAPI(t *testing.T) {
	bin := requireEnv(t, envAlertmanager)[0]
	am := startAlertmanager(t, bin)

	labels := map[string]string{"alertname": "HarnessCheck", "severity": "critical", "scope": "global", "scope_key": ""}
	annotations := map[string]string{"summary": "fault ratio 0.5 over 0.3"}
	startsAt := time.Now().UTC().Add(-time.Minute).Truncate(time.Millisecond)

	// Firing, without endsAt (as our exporter and Prometheus send it).
	am.post(t, []map[string]any{{"labels": labels, "annotations": annotations, "startsAt": startsAt}})
	all, body, err := am.alerts()
	require.NoError(t, err)
	got := named(all, "HarnessCheck")
	require.Len(t, got, 1, body)
	a := got[0]
	assert.Equal(t, "active", a.Status.State, body)
	assert.Equal(t, map[string]string{"alertname": "HarnessCheck", "severity": "critical", "scope": "global"}, a.Labels,
		"a label with an empty value is dropped")
	assert.Equal(t, annotations, a.Annotations)
	assert.True(t, a.StartsAt.Equal(startsAt), "startsAt %s, want %s", a.StartsAt, startsAt)
	assert.WithinDuration(t, time.Now().Add(5*time.Minute), a.EndsAt, 30*time.Second,
		"no endsAt posted: Alertmanager sets it resolve_timeout (5m) ahead")
	n, err := am.receivedTotal("firing")
	require.NoError(t, err)
	assert.Equal(t, 1.0, n)

	// Resolved: the same labels, endsAt in the past.
	am.post(t, []map[string]any{{"labels": labels, "annotations": annotations, "startsAt": startsAt, "endsAt": time.Now().UTC().Add(-time.Second)}})
	all, body, err = am.alerts()
	require.NoError(t, err)
	assert.Empty(t, named(all, "HarnessCheck"), "a resolved alert is not listed: %s", body)
	code, raw, err := get(am.client, am.url+"/api/v2/alerts?active=true&silenced=true&inhibited=true&unprocessed=true")
	require.NoError(t, err)
	require.Equal(t, 200, code)
	assert.NotContains(t, string(raw), "HarnessCheck", "whatever the filters")
	n, err = am.receivedTotal("resolved")
	require.NoError(t, err)
	assert.Equal(t, 1.0, n, "counted as a resolved alert received")

	// Firing again after the resolve: listed (and active) again.
	am.post(t, []map[string]any{{"labels": labels, "annotations": annotations, "startsAt": startsAt}})
	all, body, err = am.alerts()
	require.NoError(t, err)
	got = named(all, "HarnessCheck")
	require.Len(t, got, 1, body)
	assert.Equal(t, "active", got[0].Status.State)
	assert.Equal(t, a.Fingerprint, got[0].Fingerprint, "same labels, same alert")
}
