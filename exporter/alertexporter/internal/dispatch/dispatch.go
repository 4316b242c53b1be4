// Package dispatch groups alerts and times their notifications the way
// Alertmanager does: alerts with equal group_by labels form a group; a new
// group is notified after group_wait, then at most every group_interval
// when it changed, and re-notified every repeat_interval while it fires.
// Each handler keeps its own record of what it was sent, so one handler's
// failure or send_resolved setting does not change another's.
package dispatch // import "github.com/otelcol-chaos/otelcol-chaos/exporter/alertexporter/internal/dispatch"

import (
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/otelcol-chaos/otelcol-chaos/exporter/alertexporter/config"
	"github.com/otelcol-chaos/otelcol-chaos/exporter/alertexporter/internal/notify"
)

// Config is the route: the exported config package's RouteConfig.
type Config = config.RouteConfig

// Handler is how one handler wants notifications.
type Handler struct {
	Name         string
	SendResolved bool
	// Repeat overrides the route's repeat_interval for this handler (the
	// Alertmanager handler re-sends firing alerts well within
	// Alertmanager's resolve_timeout). 0 = the route's.
	Repeat time.Duration
}

// Dispatcher is the groups. Not safe for concurrent use.
type Dispatcher struct {
	cfg      Config
	handlers []Handler
	groups   map[string]*Group
}

// Group is one group's alerts and per-handler notification record. Its
// fields are exported for checkpoints, which store them in their own
// schema (internal/checkpointv1).
type Group struct {
	Key       string
	Labels    map[string]string
	Alerts    map[string]notify.Alert // fingerprint → latest view
	NextFlush time.Time
	Sent      map[string]*Sent // handler → what it was last sent
}

// Sent is what a handler was last notified of in a group.
type Sent struct {
	Firing   map[string]bool
	Resolved map[string]bool
	At       time.Time
}

// New returns a dispatcher for the route and handlers.
func New(cfg Config, handlers []Handler) *Dispatcher {
	return &Dispatcher{cfg: cfg, handlers: handlers, groups: map[string]*Group{}}
}

// groupOf is the group key and labels of an alert: the values of the
// group_by labels ("..." groups by every label, like Alertmanager).
func (d *Dispatcher) groupOf(a *notify.Alert) (string, map[string]string) {
	names := d.cfg.GroupBy
	if slices.Contains(names, "...") {
		names = slices.Sorted(maps.Keys(a.Labels))
	}
	labels := make(map[string]string, len(names))
	var b strings.Builder
	b.WriteString("{}:{")
	for _, n := range names {
		v, ok := a.Labels[n]
		if !ok {
			continue
		}
		if len(labels) > 0 {
			b.WriteByte(',')
		}
		labels[n] = v
		b.WriteString(n + "=" + strconv.Quote(v))
	}
	b.WriteByte('}')
	return b.String(), labels
}

// Update records the current view of alerts (firing ones, and resolved
// ones with EndsAt set) at wall time now. A new group flushes after
// group_wait.
func (d *Dispatcher) Update(alerts []notify.Alert, now time.Time) {
	for i := range alerts {
		a := alerts[i]
		key, labels := d.groupOf(&a)
		g := d.groups[key]
		if g == nil {
			if a.Resolved() {
				continue // resolved before anyone was told: nothing to say
			}
			g = &Group{Key: key, Labels: labels, Alerts: map[string]notify.Alert{}, NextFlush: now.Add(d.cfg.GroupWait),
				Sent: map[string]*Sent{}}
			d.groups[key] = g
		}
		g.Alerts[a.Fingerprint] = a
	}
}

// NextFlush is the earliest time a group is due (zero when none).
func (d *Dispatcher) NextFlush() time.Time {
	var next time.Time
	for _, g := range d.groups {
		if next.IsZero() || g.NextFlush.Before(next) {
			next = g.NextFlush
		}
	}
	return next
}

// Due flushes every group due at now and returns the notifications owed,
// one per handler that has something new (or a repeat) to be told.
// Resolved alerts every handler has been told of leave the group; an
// empty group is removed.
func (d *Dispatcher) Due(now time.Time) []*notify.Notification {
	var out []*notify.Notification
	for _, key := range slices.Sorted(maps.Keys(d.groups)) {
		g := d.groups[key]
		if now.Before(g.NextFlush) {
			continue
		}
		out = append(out, d.flush(g, now)...)
		g.NextFlush = now.Add(d.cfg.GroupInterval)
		if len(g.Alerts) == 0 {
			delete(d.groups, key)
		}
	}
	return out
}

func (d *Dispatcher) flush(g *Group, now time.Time) []*notify.Notification {
	var firing, resolved []notify.Alert
	for _, fp := range slices.Sorted(maps.Keys(g.Alerts)) {
		if a := g.Alerts[fp]; a.Resolved() {
			resolved = append(resolved, a)
		} else {
			firing = append(firing, a)
		}
	}
	var out []*notify.Notification
	for _, h := range d.handlers {
		s := g.Sent[h.Name]
		if s == nil {
			s = &Sent{Firing: map[string]bool{}, Resolved: map[string]bool{}}
			g.Sent[h.Name] = s
		}
		// Resolved alerts this handler was told were firing.
		var told []notify.Alert
		for _, a := range resolved {
			if s.Firing[a.Fingerprint] && !s.Resolved[a.Fingerprint] {
				told = append(told, a)
			}
		}
		newFiring := slices.ContainsFunc(firing, func(a notify.Alert) bool { return !s.Firing[a.Fingerprint] })
		repeat := h.Repeat
		if repeat == 0 {
			repeat = d.cfg.RepeatInterval
		}
		due := newFiring || (len(firing) > 0 && now.Sub(s.At) >= repeat)
		if h.SendResolved && len(told) > 0 {
			due = true
		}
		// A handler not sending resolved notifications still forgets a
		// resolved alert, so it is told again if it fires again.
		for _, a := range resolved {
			if !h.SendResolved && s.Firing[a.Fingerprint] {
				delete(s.Firing, a.Fingerprint)
			}
		}
		if !due {
			continue
		}
		alerts := slices.Clone(firing)
		if h.SendResolved {
			alerts = append(alerts, told...)
		}
		s.Firing = map[string]bool{}
		for _, a := range firing {
			s.Firing[a.Fingerprint] = true
		}
		for _, a := range told {
			s.Resolved[a.Fingerprint] = true
		}
		s.At = now
		out = append(out, &notify.Notification{Receiver: h.Name, GroupKey: g.Key, GroupLabels: maps.Clone(g.Labels),
			Alerts: alerts})
	}
	// Resolved alerts are done once flushed: handlers that send resolved
	// notifications were just told, the others forgot them above.
	for _, a := range resolved {
		delete(g.Alerts, a.Fingerprint)
		for _, s := range g.Sent {
			delete(s.Resolved, a.Fingerprint)
		}
	}
	return out
}

// Groups returns copies of the groups (for checkpoints), ordered by key:
// the dispatcher goes on changing its own.
func (d *Dispatcher) Groups() []*Group {
	out := make([]*Group, 0, len(d.groups))
	for _, k := range slices.Sorted(maps.Keys(d.groups)) {
		g := d.groups[k]
		c := &Group{Key: g.Key, Labels: maps.Clone(g.Labels), Alerts: maps.Clone(g.Alerts), NextFlush: g.NextFlush,
			Sent: make(map[string]*Sent, len(g.Sent))}
		for h, s := range g.Sent {
			c.Sent[h] = &Sent{Firing: maps.Clone(s.Firing), Resolved: maps.Clone(s.Resolved), At: s.At}
		}
		out = append(out, c)
	}
	return out
}

// Restore replaces the groups (from a checkpoint).
func (d *Dispatcher) Restore(groups []*Group) {
	d.groups = make(map[string]*Group, len(groups))
	for _, g := range groups {
		if g.Sent == nil {
			g.Sent = map[string]*Sent{}
		}
		d.groups[g.Key] = g
	}
}
