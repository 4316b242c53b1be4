package api

import (
	"errors"
	"net/http"
	"strings"

	"github.com/otelcol-chaos/otelcol-chaos/extension/chaosdashboardextension/internal/store"
)

// Prefix is the path the handler serves under.
const Prefix = "/api/v1/"

// allow is the Allow header of a 405: every route is read-only.
const allow = "GET, HEAD"

// route answers one path from its checked parameters.
type route struct {
	params []string
	serve  func(p params) (any, error)
}

type handler struct {
	store  *store.Store
	fleet  func() Fleet
	routes map[string]route
}

// New returns the API handler over s. fleet gives /api/v1/fleet's content;
// nil is a standalone collector of unknown identity.
func New(s *store.Store, fleet func() Fleet) http.Handler {
	if fleet == nil {
		fleet = func() Fleet { return Fleet{Standalone: true, IsLeader: true} }
	}
	h := &handler{store: s, fleet: fleet}
	h.routes = map[string]route{
		"stats":     {serve: h.stats},
		"buckets":   {params: []string{paramScope, paramKey, paramWidth, paramFrom, paramTo}, serve: h.buckets},
		"impact":    {params: []string{paramScope, paramKey, paramFrom, paramTo}, serve: h.impact},
		"anomalies": {params: []string{paramSince, paramState}, serve: h.anomalies},
		"health":    {serve: h.health},
		// Paths are looked up whole, never by prefix: /health and
		// /health/history are two routes, /health/ is neither.
		"health/history": {params: []string{paramScope, paramKey, paramFrom, paramTo}, serve: h.healthHistory},
		"trends":         {serve: h.trends},
		"alerts":         {params: []string{paramLimit}, serve: h.alerts},
		"scenarios":      {params: []string{paramFrom, paramTo}, serve: h.scenarios},
		"fleet":          {serve: h.fleetView},
	}
	return h
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	name, ok := strings.CutPrefix(r.URL.Path, Prefix)
	rt, found := h.routes[name]
	if !ok || !found {
		writeError(w, http.StatusNotFound, errorBody{Error: CodeNotFound, Message: "no API path " + r.URL.Path})
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", allow)
		writeError(w, http.StatusMethodNotAllowed, errorBody{Error: CodeMethodNotAllowed,
			Message: "the API is read-only: " + allow + " only, got " + r.Method})
		return
	}
	p, err := parseParams(r.URL.RawQuery, rt.params)
	var v any
	if err == nil {
		v, err = rt.serve(p)
	}
	if pe := (*paramError)(nil); errors.As(err, &pe) {
		writeError(w, http.StatusBadRequest, errorBody{Error: CodeBadParameter, Message: pe.msg, Parameter: pe.param})
		return
	}
	// A HEAD answer is the GET's headers; the server drops the body.
	writeJSON(w, http.StatusOK, v)
}
