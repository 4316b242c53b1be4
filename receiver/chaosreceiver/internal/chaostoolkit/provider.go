package chaostoolkit

import "encoding/json"

// Provider types an activity's provider may have (chaoslib's
// ensure_activity_is_valid accepts these three).
const (
	providerPython  = "python"
	providerProcess = "process"
	providerHTTP    = "http"
)

// providerJSON is the part of an activity's provider that says what it
// called; arguments, timeouts and secrets are not kept.
type providerJSON struct {
	Type   json.RawMessage `json:"type"`
	URL    json.RawMessage `json:"url"`
	Module json.RawMessage `json:"module"`
	Func   json.RawMessage `json:"func"`
	Path   json.RawMessage `json:"path"`
}

// provider is what an event says about the provider: its type and what
// it called, as one string (the probe's target, an action's target).
type provider struct {
	kind   string
	target string
}

// readProvider reads activity.provider: an http provider's target is its
// url, a python provider's module.func (the qualified name, since func
// alone is ambiguous across extensions), a process provider's path.
func readProvider(raw json.RawMessage, field string) (provider, *fieldError) {
	var p providerJSON
	ok, err := object(raw, field, &p)
	if err != nil {
		return provider{}, err
	}
	if !ok {
		return provider{}, expected(field, "an object (the activity's provider)", raw)
	}
	kind, ferr := requiredStr(p.Type, field+".type")
	if ferr != nil {
		return provider{}, ferr
	}
	var target string
	switch kind {
	case providerHTTP:
		target, ferr = requiredStr(p.URL, field+".url")
	case providerProcess:
		target, ferr = requiredStr(p.Path, field+".path")
	case providerPython:
		target, ferr = requiredStr(p.Func, field+".func")
		if ferr == nil {
			module, _, merr := str(p.Module, field+".module")
			if merr != nil {
				return provider{}, merr
			}
			if module != "" {
				target = module + "." + target
			}
		}
	default:
		return provider{}, errAt(field+".type", "unknown provider type %q: want python, process or http", kind)
	}
	if ferr != nil {
		return provider{}, ferr
	}
	return provider{kind: kind, target: target}, nil
}
