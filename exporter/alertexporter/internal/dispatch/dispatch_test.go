package dispatch

import (
	"encoding/json"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/otelcol-chaos/otelcol-chaos/exporter/alertexporter/internal/notify"
)

var t0 = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)

const (
	wait     = 30 * time.Second
	interval = 5 * time.Minute
	repeat   = time.Hour
)

var route = Config{GroupBy: []string{"alertname"}, GroupWait: wait, GroupInterval: interval, RepeatInterval: repeat}

// firing is a firing alert of rule name on scope key key.
func firing(name, key string) notify.Alert {
	l := map[string]string{"alertname": name, "severity": "warning", "scope": "service", "scope_key": key}
	return notify.Alert{Fingerprint: name + "/" + key, Labels: l, StartsAt: t0}
}

// resolved is a's resolved view.
func resolved(a notify.Alert, at time.Time) notify.Alert {
	a.EndsAt = at
	return a
}

// sent renders notifications as "receiver group: fp(status) ...",
// sorted, for exact comparison.
func sent(ns []*notify.Notification) []string {
	out := []string{}
	for _, n := range ns {
		var b strings.Builder
		b.WriteString(n.Receiver + " " + n.GroupKey + ":")
		for _, a := range n.Alerts {
			b.WriteString(" " + a.Fingerprint)
			if a.Resolved() {
				b.WriteString("(resolved)")
			}
		}
		out = append(out, b.String())
	}
	slices.Sort(out)
	return out
}

// nothing asserts no notification is due at now.
func nothing(t *testing.T, d *Dispatcher, now time.Time) {
	t.Helper()
	assert.Empty(t, sent(d.Due(now)), "at %v", now.Sub(t0))
}

const gA = `{}:{alertname="A"}`

var both = []Handler{{Name: "res", SendResolved: true}, {Name: "nores"}}

// TestGroupWait: nothing before group_wait, one notification per handler
// at group_wait, nothing again until the group changes.
func TestGroupWait(t *testing.T) {
	d := New(route, both)
	assert.True(t, d.NextFlush().IsZero(), "no groups")
	assert.Empty(t, d.Due(t0))
	d.Update([]notify.Alert{firing("A", "x")}, t0)
	assert.Equal(t, t0.Add(wait), d.NextFlush())
	nothing(t, d, t0)
	nothing(t, d, t0.Add(wait-1))
	// A second alert within group_wait joins the first notification.
	d.Update([]notify.Alert{firing("A", "x"), firing("A", "y")}, t0.Add(10*time.Second))
	assert.Equal(t, t0.Add(wait), d.NextFlush(), "group_wait is not restarted")
	ns := d.Due(t0.Add(wait))
	assert.Equal(t, []string{"nores " + gA + ": A/x A/y", "res " + gA + ": A/x A/y"}, sent(ns))
	for _, n := range ns {
		assert.Equal(t, map[string]string{"alertname": "A"}, n.GroupLabels)
		assert.Equal(t, notify.StatusFiring, n.Status())
	}
	assert.Equal(t, t0.Add(wait+interval), d.NextFlush())
	nothing(t, d, t0.Add(wait))
	nothing(t, d, t0.Add(wait+interval)) // nothing changed
}

// TestGroupInterval: a new alert in a flushed group waits for the next
// group_interval tick.
func TestGroupInterval(t *testing.T) {
	d := New(route, both)
	d.Update([]notify.Alert{firing("A", "x")}, t0)
	t1 := t0.Add(wait)
	require.Len(t, d.Due(t1), 2)
	d.Update([]notify.Alert{firing("A", "x"), firing("A", "y")}, t1.Add(10*time.Second))
	assert.Equal(t, t1.Add(interval), d.NextFlush(), "not at once, nor after group_wait")
	nothing(t, d, t1.Add(10*time.Second))
	nothing(t, d, t1.Add(wait+10*time.Second))
	nothing(t, d, t1.Add(interval-1))
	assert.Equal(t, []string{"nores " + gA + ": A/x A/y", "res " + gA + ": A/x A/y"},
		sent(d.Due(t1.Add(interval))), "the whole group, at the interval")
	nothing(t, d, t1.Add(2*interval))
}

// tick calls Due at every flush time up to until and returns what was
// sent, keyed by the time since from.
func tick(d *Dispatcher, from, until time.Time) map[time.Duration][]string {
	out := map[time.Duration][]string{}
	for next := d.NextFlush(); !next.IsZero() && !next.After(until); next = d.NextFlush() {
		if ns := d.Due(next); len(ns) > 0 {
			out[next.Sub(from)] = sent(ns)
		}
	}
	return out
}

// TestRepeatInterval: a firing group is re-sent exactly when
// repeat_interval has passed (at the group_interval tick), not before;
// a handler's Repeat overrides the route's.
func TestRepeatInterval(t *testing.T) {
	d := New(route, []Handler{{Name: "route"}, {Name: "fast", Repeat: 10 * time.Minute},
		{Name: "odd", Repeat: 7 * time.Minute}})
	d.Update([]notify.Alert{firing("A", "x")}, t0)
	t1 := t0.Add(wait)
	assert.Len(t, d.Due(t1), 3)
	got := tick(d, t1, t1.Add(2*repeat))
	want := map[time.Duration][]string{}
	for m := 10 * time.Minute; m <= 2*repeat; m += 10 * time.Minute {
		want[m] = append(want[m], "fast "+gA+": A/x")
	}
	// 7 minutes is due at the first tick after: every 10 minutes too.
	for m := 10 * time.Minute; m <= 2*repeat; m += 10 * time.Minute {
		want[m] = append(want[m], "odd "+gA+": A/x")
	}
	want[repeat] = append(want[repeat], "route "+gA+": A/x")
	want[2*repeat] = append(want[2*repeat], "route "+gA+": A/x")
	for k := range want {
		slices.Sort(want[k])
	}
	assert.Equal(t, want, got)
}

// TestRepeatNotBeforeDue: Due called off the tick (a late or early
// timer) still repeats only once repeat_interval has passed.
func TestRepeatNotBeforeDue(t *testing.T) {
	cfg := route
	cfg.GroupInterval = 7 * time.Minute
	d := New(cfg, []Handler{{Name: "h"}})
	d.Update([]notify.Alert{firing("A", "x")}, t0)
	t1 := t0.Add(wait)
	require.Len(t, d.Due(t1), 1)
	nothing(t, d, t1.Add(repeat-1)) // due (interval passed), repeat not
	nothing(t, d, t1.Add(repeat+7*time.Minute-2))
	assert.Equal(t, []string{"h " + gA + ": A/x"}, sent(d.Due(t1.Add(repeat+7*time.Minute-1))))
}

// TestSendResolved: a resolved notification goes only to handlers with
// send_resolved that were told the alert was firing.
func TestSendResolved(t *testing.T) {
	d := New(route, both)
	x, y := firing("A", "x"), firing("A", "y")
	d.Update([]notify.Alert{x}, t0)
	t1 := t0.Add(wait)
	require.Len(t, d.Due(t1), 2)
	// y joins, x resolves before the next tick.
	d.Update([]notify.Alert{resolved(x, t1.Add(time.Minute)), y}, t1.Add(time.Minute))
	ns := d.Due(t1.Add(interval))
	assert.Equal(t, []string{"nores " + gA + ": A/y", "res " + gA + ": A/y A/x(resolved)"}, sent(ns))
	// y resolves: only res hears of it; the group is then empty and removed.
	d.Update([]notify.Alert{resolved(y, t1.Add(6*time.Minute))}, t1.Add(6*time.Minute))
	ns = d.Due(t1.Add(2 * interval))
	assert.Equal(t, []string{"res " + gA + ": A/y(resolved)"}, sent(ns))
	assert.Equal(t, notify.StatusResolved, ns[0].Status())
	assert.Empty(t, d.Groups())
	assert.True(t, d.NextFlush().IsZero())
	nothing(t, d, t1.Add(repeat))

	// x fires again: a new group, both handlers are told anew.
	d.Update([]notify.Alert{x}, t1.Add(time.Hour))
	assert.Equal(t, []string{"nores " + gA + ": A/x", "res " + gA + ": A/x"}, sent(d.Due(t1.Add(time.Hour+wait))))
}

// TestResolvedOnlyToHandlersTold: a handler that never heard an alert
// fire (added by a restart with a new configuration) is not told it
// resolved; one without send_resolved that forgot it is told again when
// it fires again.
func TestResolvedOnlyToHandlersTold(t *testing.T) {
	d := New(route, []Handler{{Name: "old", SendResolved: true}})
	x, y := firing("A", "x"), firing("A", "y")
	d.Update([]notify.Alert{x, y}, t0)
	t1 := t0.Add(wait)
	require.Len(t, d.Due(t1), 1)

	d2 := New(route, []Handler{{Name: "old", SendResolved: true}, {Name: "new", SendResolved: true}})
	d2.Restore(roundTrip(t, d.Groups()))
	d2.Update([]notify.Alert{resolved(x, t1.Add(time.Minute)), y}, t1.Add(time.Minute))
	assert.Equal(t, []string{"new " + gA + ": A/y", "old " + gA + ": A/y A/x(resolved)"}, sent(d2.Due(t1.Add(interval))),
		"new hears of y firing, not of x resolving")

	// A handler without send_resolved forgets a resolved alert, so a
	// re-fire (same fingerprint) is news to it, while the group lives on.
	d3 := New(route, []Handler{{Name: "nores"}})
	d3.Update([]notify.Alert{x, y}, t0)
	require.Len(t, d3.Due(t1), 1)
	d3.Update([]notify.Alert{resolved(x, t1.Add(time.Minute))}, t1.Add(time.Minute))
	nothing(t, d3, t1.Add(interval))
	d3.Update([]notify.Alert{x}, t1.Add(6*time.Minute))
	assert.Equal(t, []string{"nores " + gA + ": A/x A/y"}, sent(d3.Due(t1.Add(2*interval))))
}

// TestResolvedBeforeFlush: an alert that resolves before anyone was told
// of it produces nothing.
func TestResolvedBeforeFlush(t *testing.T) {
	d := New(route, both)
	x := firing("A", "x")
	// Already resolved when first seen: no group at all.
	d.Update([]notify.Alert{resolved(x, t0)}, t0)
	assert.Empty(t, d.Groups())
	assert.True(t, d.NextFlush().IsZero())

	// Fires, then resolves within group_wait.
	d.Update([]notify.Alert{x}, t0)
	d.Update([]notify.Alert{resolved(x, t0.Add(10*time.Second))}, t0.Add(10*time.Second))
	nothing(t, d, t0.Add(wait))
	assert.Empty(t, d.Groups(), "the empty group is removed")

	// In a group already notified: a new alert that fires and resolves
	// between two ticks is never mentioned.
	y := firing("A", "y")
	d.Update([]notify.Alert{y}, t0.Add(time.Minute))
	require.Len(t, d.Due(t0.Add(time.Minute+wait)), 2)
	d.Update([]notify.Alert{y, x}, t0.Add(2*time.Minute))
	d.Update([]notify.Alert{y, resolved(x, t0.Add(3*time.Minute))}, t0.Add(3*time.Minute))
	nothing(t, d, t0.Add(time.Minute+wait+interval))
	require.Len(t, d.Groups(), 1)
	assert.Equal(t, []string{"A/y"}, slices.Sorted(maps.Keys(d.Groups()[0].Alerts)), "x left the group")
}

// TestGroupBy: groups by the group_by labels' values, flushed
// independently; "..." groups by every label.
func TestGroupBy(t *testing.T) {
	t.Run("by alertname", func(t *testing.T) {
		d := New(route, []Handler{{Name: "h", SendResolved: true}})
		d.Update([]notify.Alert{firing("A", "x"), firing("A", "y")}, t0)
		d.Update([]notify.Alert{firing("B", "x")}, t0.Add(10*time.Second))
		require.Len(t, d.Groups(), 2)
		assert.Equal(t, t0.Add(wait), d.NextFlush())
		ns := d.Due(t0.Add(wait))
		assert.Equal(t, []string{"h " + gA + ": A/x A/y"}, sent(ns))
		assert.Equal(t, t0.Add(10*time.Second+wait), d.NextFlush())
		ns = d.Due(t0.Add(10*time.Second + wait))
		assert.Equal(t, []string{`h {}:{alertname="B"}: B/x`}, sent(ns))
		assert.Equal(t, map[string]string{"alertname": "B"}, ns[0].GroupLabels)

		// B resolves: only B's group is flushed and removed.
		d.Update([]notify.Alert{resolved(firing("B", "x"), t0.Add(time.Minute))}, t0.Add(time.Minute))
		assert.Equal(t, []string{`h {}:{alertname="B"}: B/x(resolved)`}, sent(d.Due(t0.Add(10*time.Second+wait+interval))))
		require.Len(t, d.Groups(), 1)
		assert.Equal(t, gA, d.Groups()[0].Key)
	})
	t.Run("by several labels", func(t *testing.T) {
		d := New(Config{GroupBy: []string{"alertname", "scope_key"}, GroupWait: wait, GroupInterval: interval,
			RepeatInterval: repeat}, []Handler{{Name: "h"}})
		d.Update([]notify.Alert{firing("A", "x"), firing("A", "y"), firing("B", "x")}, t0)
		ns := d.Due(t0.Add(wait))
		assert.Equal(t, []string{
			`h {}:{alertname="A",scope_key="x"}: A/x`,
			`h {}:{alertname="A",scope_key="y"}: A/y`,
			`h {}:{alertname="B",scope_key="x"}: B/x`,
		}, sent(ns))
		for _, n := range ns {
			assert.Len(t, n.GroupLabels, 2)
		}
	})
	t.Run("everything", func(t *testing.T) {
		d := New(Config{GroupBy: []string{"..."}, GroupWait: wait, GroupInterval: interval, RepeatInterval: repeat},
			[]Handler{{Name: "h"}})
		alerts := []notify.Alert{firing("A", "x"), firing("A", "y"), firing("B", "x")}
		d.Update(alerts, t0)
		require.Len(t, d.Groups(), 3, "one group per label set")
		ns := d.Due(t0.Add(wait))
		require.Len(t, ns, 3)
		for _, n := range ns {
			require.Len(t, n.Alerts, 1)
			assert.Equal(t, n.Alerts[0].Labels, n.GroupLabels)
		}
		assert.Equal(t, `{}:{alertname="A",scope="service",scope_key="x",severity="warning"}`, ns[0].GroupKey)
	})
	t.Run("no group_by", func(t *testing.T) {
		d := New(Config{GroupWait: wait, GroupInterval: interval, RepeatInterval: repeat}, []Handler{{Name: "h"}})
		d.Update([]notify.Alert{firing("A", "x"), firing("B", "y")}, t0)
		assert.Equal(t, []string{"h {}:{}: A/x B/y"}, sent(d.Due(t0.Add(wait))))
	})
	t.Run("label values are quoted", func(t *testing.T) {
		d := New(Config{GroupBy: []string{"scope_key"}, GroupWait: wait}, []Handler{{Name: "h"}})
		d.Update([]notify.Alert{firing("A", `a",b="c`), firing("A", "a"), firing("A", `a,b=c`)}, t0)
		assert.Len(t, d.Groups(), 3)
	})
}

// roundTrip passes groups through JSON, as a checkpoint does.
func roundTrip(t *testing.T, groups []*Group) []*Group {
	t.Helper()
	body, err := json.Marshal(groups)
	require.NoError(t, err)
	var out []*Group
	require.NoError(t, json.Unmarshal(body, &out))
	return out
}

// TestRestore: a dispatcher restored from Groups() (through JSON) neither
// repeats what was sent nor loses what was pending.
func TestRestore(t *testing.T) {
	restart := func(t *testing.T, d *Dispatcher) *Dispatcher {
		t.Helper()
		r := New(route, both)
		r.Restore(roundTrip(t, d.Groups()))
		assert.Equal(t, d.NextFlush(), r.NextFlush())
		return r
	}
	t.Run("pending group", func(t *testing.T) {
		d := New(route, both)
		d.Update([]notify.Alert{firing("A", "x")}, t0)
		d = restart(t, d)
		nothing(t, d, t0.Add(wait-1))
		assert.Len(t, d.Due(t0.Add(wait)), 2, "not lost")
	})
	t.Run("sent group", func(t *testing.T) {
		d := New(route, both)
		d.Update([]notify.Alert{firing("A", "x")}, t0)
		t1 := t0.Add(wait)
		require.Len(t, d.Due(t1), 2)
		d = restart(t, d)
		d.Update([]notify.Alert{firing("A", "x")}, t1.Add(time.Minute)) // the engine's next view
		got := tick(d, t1, t1.Add(repeat))
		assert.Equal(t, map[time.Duration][]string{
			repeat: {"nores " + gA + ": A/x", "res " + gA + ": A/x"},
		}, got, "only the repeat, on time")
	})
	t.Run("late restart", func(t *testing.T) {
		d := New(route, both)
		d.Update([]notify.Alert{firing("A", "x")}, t0)
		t1 := t0.Add(wait)
		require.Len(t, d.Due(t1), 2)
		d = restart(t, d)
		nothing(t, d, t1.Add(30*time.Minute)) // down for 30 minutes: due, nothing new
		assert.Len(t, d.Due(t1.Add(repeat)), 2)
	})
	t.Run("pending change in a sent group", func(t *testing.T) {
		d := New(route, both)
		d.Update([]notify.Alert{firing("A", "x")}, t0)
		t1 := t0.Add(wait)
		require.Len(t, d.Due(t1), 2)
		d.Update([]notify.Alert{resolved(firing("A", "x"), t1.Add(time.Minute)), firing("A", "y")}, t1.Add(time.Minute))
		d = restart(t, d)
		assert.Equal(t, []string{"nores " + gA + ": A/y", "res " + gA + ": A/y A/x(resolved)"},
			sent(d.Due(t1.Add(interval))))
	})
	t.Run("empty checkpoint", func(t *testing.T) {
		d := New(route, both)
		d.Restore(nil)
		assert.True(t, d.NextFlush().IsZero())
		d.Update([]notify.Alert{firing("A", "x")}, t0)
		assert.Len(t, d.Due(t0.Add(wait)), 2)
	})
	t.Run("group without Sent", func(t *testing.T) {
		d := New(route, both)
		d.Restore([]*Group{{Key: gA, Labels: map[string]string{"alertname": "A"},
			Alerts: map[string]notify.Alert{"A/x": firing("A", "x")}, NextFlush: t0}})
		assert.Len(t, d.Due(t0), 2)
	})
}

// TestNotificationsAreIndependent: a notification's alerts and labels
// are not changed by later updates.
func TestNotificationsAreIndependent(t *testing.T) {
	d := New(route, both)
	d.Update([]notify.Alert{firing("A", "x")}, t0)
	ns := d.Due(t0.Add(wait))
	require.Len(t, ns, 2)
	ns[0].GroupLabels["alertname"] = "mangled"
	ns[0].Alerts[0].Fingerprint = "mangled"
	assert.Equal(t, "A", d.Groups()[0].Labels["alertname"])
	assert.Equal(t, "A/x", ns[1].Alerts[0].Fingerprint)
	d.Update([]notify.Alert{resolved(firing("A", "x"), t0.Add(time.Minute))}, t0.Add(time.Minute))
	assert.False(t, ns[1].Alerts[0].Resolved())
}

// TestGroupKeyMissingLabel: a group_by label an alert lacks is left out
// of its group key and labels, like Alertmanager.
func TestGroupKeyMissingLabel(t *testing.T) {
	d := New(Config{GroupBy: []string{"team", "alertname", "cluster", "scope_key"}, GroupWait: wait},
		[]Handler{{Name: "h"}})
	d.Update([]notify.Alert{firing("A", "x")}, t0)
	ns := d.Due(t0.Add(wait))
	require.Len(t, ns, 1)
	assert.Equal(t, `{}:{alertname="A",scope_key="x"}`, ns[0].GroupKey)
	assert.Equal(t, map[string]string{"alertname": "A", "scope_key": "x"}, ns[0].GroupLabels)
}
