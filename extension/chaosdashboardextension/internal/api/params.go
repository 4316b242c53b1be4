package api

import (
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/otelcol-chaos/otelcol-chaos/extension/chaosdashboardextension/internal/store"
	"github.com/otelcol-chaos/otelcol-chaos/internal/chaosconv"
)

// Parameter names.
const (
	paramScope = "scope"
	paramKey   = "key"
	paramWidth = "width"
	paramFrom  = "from"
	paramTo    = "to"
	paramSince = "since"
	paramState = "state"
	paramLimit = "limit"
)

// Limits of the limit parameter.
const (
	minLimit = 1
	maxLimit = 10000
)

// defaultWindow is the window of a route given neither from nor to: the
// last hour of data (or the retention, when shorter).
const defaultWindow = time.Hour

// params is a request's query, checked against the route's parameters.
// An empty value is an absent one (`?key=&from=` as PROTOCOL.md writes
// defaults).
type params struct{ v url.Values }

// parseParams refuses a malformed query, unknown parameter names and
// repeated ones, naming the first in alphabetical order (so that the
// answer does not depend on map order).
func parseParams(rawQuery string, allowed []string) (params, error) {
	v, err := url.ParseQuery(rawQuery)
	if err != nil {
		return params{}, badParam("query", "malformed query string: %v", err)
	}
	names := make([]string, 0, len(v))
	for name := range v {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		if !slices.Contains(allowed, name) {
			if len(allowed) == 0 {
				return params{}, badParam(name, "unknown parameter: this route takes none")
			}
			return params{}, badParam(name, "unknown parameter: this route takes %s", strings.Join(allowed, ", "))
		}
		if n := len(v[name]); n > 1 {
			return params{}, badParam(name, "given %d times, at most once allowed", n)
		}
	}
	return params{v: v}, nil
}

func (p params) get(name string) string { return p.v.Get(name) }

// scope reads scope (default global) and key: required for a service or
// an endpoint, empty for global.
func (p params) scope() (chaosconv.ScopeKind, string, error) {
	scope := chaosconv.ScopeGlobal
	if s := p.get(paramScope); s != "" {
		if scope = chaosconv.ParseScopeKind(s); scope == chaosconv.ScopeUnknown {
			return 0, "", badParam(paramScope, "want global, service or endpoint, got %q", s)
		}
	}
	key := p.get(paramKey)
	switch {
	case scope == chaosconv.ScopeGlobal && key != "":
		return 0, "", badParam(paramKey, "must be empty for the global scope, got %q", key)
	case scope != chaosconv.ScopeGlobal && key == "":
		return 0, "", badParam(paramKey, "required for the %s scope (the %s's name)", scope, scope)
	}
	return scope, key, nil
}

// width reads a positive Go duration (0 when absent: the finest held).
func (p params) width() (time.Duration, error) {
	s := p.get(paramWidth)
	if s == "" {
		return 0, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return 0, badParam(paramWidth, "want a positive Go duration such as 1m, 5m, 1h, got %q", s)
	}
	return d, nil
}

// time reads an RFC 3339 time; ok is false when absent.
func (p params) time(name string) (t time.Time, ok bool, err error) {
	s := p.get(name)
	if s == "" {
		return time.Time{}, false, nil
	}
	t, err = time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, false, badParam(name, "want an RFC 3339 time such as 2026-11-30T10:00:00Z, got %q", s)
	}
	return t, true, nil
}

// bounds reads from and to (zero and not ok when absent); when both are
// given from must be before to.
func (p params) bounds() (from, to time.Time, hasFrom, hasTo bool, err error) {
	if from, hasFrom, err = p.time(paramFrom); err != nil {
		return from, to, hasFrom, hasTo, err
	}
	if to, hasTo, err = p.time(paramTo); err != nil {
		return from, to, hasFrom, hasTo, err
	}
	if hasFrom && hasTo && !from.Before(to) {
		return from, to, hasFrom, hasTo, badParam(paramFrom, "must be before to (%s), got %s",
			to.UTC().Format(time.RFC3339Nano), from.UTC().Format(time.RFC3339Nano))
	}
	return from, to, hasFrom, hasTo, nil
}

// window reads from and to. Without to, the window ends at the data's
// "now" (store.AsOf); without from, it starts defaultWindow (at most the
// retention) before to. Explicit bounds must be ordered and span no more
// than the scope's retention: nothing older is held.
func (p params) window(s *store.Store, scope chaosconv.ScopeKind) (from, to time.Time, err error) {
	from, to, hasFrom, hasTo, err := p.bounds()
	if err != nil {
		return from, to, err
	}
	retention := s.Retention(scope)
	if !hasTo {
		asOf, ok := s.AsOf()
		switch {
		case ok && (!hasFrom || asOf.After(from)):
			to = asOf
		case hasFrom:
			to = from // no data after from: an empty window
		default:
			to = time.Unix(0, 0) // no data at all
		}
	}
	if !hasFrom {
		from = to.Add(-min(defaultWindow, retention))
	}
	if span := to.Sub(from); span > retention {
		return from, to, badParam(paramFrom, "the window (%s) is longer than the %s scope's retention (%s)",
			store.FormatWidth(span), scope, store.FormatWidth(retention))
	}
	return from.UTC(), to.UTC(), nil
}

// state reads open, closed or all (default open).
func (p params) state() (store.StateFilter, error) {
	s := p.get(paramState)
	if s == "" {
		return store.StateOpen, nil
	}
	f, ok := store.ParseStateFilter(s)
	if !ok {
		return 0, badParam(paramState, "want open, closed or all, got %q", s)
	}
	return f, nil
}

// limit reads an integer in [minLimit, maxLimit] (0 when absent: all).
func (p params) limit() (int, error) {
	s := p.get(paramLimit)
	if s == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < minLimit || n > maxLimit {
		return 0, badParam(paramLimit, "want an integer from %d to %d, got %q", minLimit, maxLimit, s)
	}
	return n, nil
}
