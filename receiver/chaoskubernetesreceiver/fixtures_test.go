package chaoskubernetesreceiver

// Objects shaped as the projects' CRDs define them: Chaos Mesh's
// api/v1alpha1 (spec with selector/mode/action and the kind's own fields;
// status.conditions of type Selected, AllInjected, AllRecovered, Paused
// and status.experiment with desiredPhase and containerRecords) and
// LitmusChaos's chaos-operator api/litmuschaos/v1alpha1 (ChaosEngine
// spec.engineState/appinfo/experiments, status.engineStatus/experiments;
// ChaosResult spec.engine/experiment, status.experimentStatus,
// probeStatuses, history). Values are the JSON forms an API server returns:
// numbers are int64, times RFC 3339 strings.

// chaosMeshObject is a Chaos Mesh experiment of kind in namespace shop.
func chaosMeshObject(kind, name string, spec, status map[string]any) map[string]any {
	obj := map[string]any{
		"apiVersion": chaosMeshGroup + "/" + apiVersion,
		"kind":       kind,
		"metadata": map[string]any{
			"name": name, "namespace": "shop", "uid": "uid-" + name,
			"creationTimestamp": "2026-11-30T08:59:58Z",
		},
		"spec": spec,
	}
	if status != nil {
		obj["status"] = status
	}
	return obj
}

// selector is a Chaos Mesh pod selector on app=web in shop, mode one.
func withSelector(spec map[string]any) map[string]any {
	spec["mode"] = "one"
	spec["selector"] = map[string]any{
		"namespaces":     []any{"shop"},
		"labelSelectors": map[string]any{"app": "web", "tier": "frontend"},
	}
	return spec
}

// cmState is a Chaos Mesh status: the four conditions, desiredPhase and one
// container record. at, when set, is every condition's lastTransitionTime
// (Chaos Mesh's own ChaosCondition carries type, status and reason only).
type cmState struct {
	selected, injected, recovered, paused bool
	desired                               string
	at                                    string
}

func (s cmState) status() map[string]any {
	cond := func(typ string, v bool) map[string]any {
		c := map[string]any{"type": typ, "status": "False"}
		if v {
			c["status"] = "True"
		}
		if s.at != "" {
			c["lastTransitionTime"] = s.at
		}
		return c
	}
	phase := "Not Injected"
	if s.injected {
		phase = "Injected"
	}
	return map[string]any{
		"conditions": []any{
			cond(condSelected, s.selected), cond(condAllInjected, s.injected),
			cond(condAllRecovered, s.recovered), cond(condPaused, s.paused),
		},
		"experiment": map[string]any{
			"desiredPhase": s.desired,
			"containerRecords": []any{map[string]any{
				"id": "shop/web-7d9f-abcde", "selectorKey": ".", "phase": phase,
				"injectedCount": int64(1), "recoveredCount": int64(0),
			}},
		},
	}
}

var (
	running   = cmState{selected: true, injected: true, desired: "Run"}
	recovered = cmState{selected: true, recovered: true, desired: "Stop"}
	paused    = cmState{selected: true, recovered: true, paused: true, desired: "Stop"}
	selected  = cmState{selected: true, recovered: true, desired: "Run"}
)

func (s cmState) at2(at string) cmState { s.at = at; return s }

// networkDelay is the NetworkChaos of Chaos Mesh's delay example.
func networkDelaySpec(latency string) map[string]any {
	return withSelector(map[string]any{
		"action":    "delay",
		"duration":  "30s",
		"direction": "to",
		"delay":     map[string]any{"latency": latency, "correlation": "100", "jitter": "0ms"},
	})
}

// litmusEngine is a ChaosEngine in shop running experiment against
// app=nginx; status nil leaves status out.
func litmusEngineObject(name, experiment string, env []any, probes []any, state string, status map[string]any) map[string]any {
	exp := map[string]any{"name": experiment, "spec": map[string]any{
		"components": map[string]any{"env": env},
	}}
	if probes != nil {
		exp["spec"].(map[string]any)["probe"] = probes
	}
	obj := map[string]any{
		"apiVersion": litmusGroup + "/" + apiVersion,
		"kind":       "ChaosEngine",
		"metadata":   map[string]any{"name": name, "namespace": "shop", "uid": "uid-" + name},
		"spec": map[string]any{
			"engineState":         state,
			"appinfo":             map[string]any{"appns": "shop", "applabel": "app=nginx", "appkind": "deployment"},
			"chaosServiceAccount": experiment + "-sa",
			"jobCleanUpPolicy":    "retain",
			"experiments":         []any{exp},
		},
	}
	if status != nil {
		obj["status"] = status
	}
	return obj
}

func engineStatus(status, experiment, expStatus string) map[string]any {
	return map[string]any{
		"engineStatus": status,
		"experiments": []any{map[string]any{
			"name": experiment, "runner": "nginx-chaos-runner", "experimentPod": experiment + "-abcde",
			"status": expStatus, "lastUpdateTime": "2026-11-30T10:00:05Z", "verdict": "Awaited",
		}},
	}
}

var httpProbeDef = map[string]any{
	"name": "check-frontend",
	"type": "httpProbe",
	"mode": "Continuous",
	"httpProbe/inputs": map[string]any{
		"url":    "http://frontend.shop.svc:80/healthz",
		"method": map[string]any{"get": map[string]any{"criteria": "==", "responseCode": "200"}},
	},
	"runProperties": map[string]any{"probeTimeout": "5s", "interval": "2s"},
}

var cmdProbeDef = map[string]any{
	"name": "check-db",
	"type": "cmdProbe",
	"mode": "EOT",
	"cmdProbe/inputs": map[string]any{
		"command":    "pg_isready -h db",
		"comparator": map[string]any{"type": "string", "criteria": "contains", "value": "accepting"},
	},
	"runProperties": map[string]any{"probeTimeout": "5s", "interval": "2s"},
}

func probeStatus(name, typ, mode, verdict, description string) map[string]any {
	return map[string]any{"name": name, "type": typ, "mode": mode,
		"status": map[string]any{"verdict": verdict, "description": description}}
}

// litmusResultObject is the ChaosResult "<engine>-<experiment>".
func litmusResultObject(engine, experiment, phase, verdict string, probes []any) map[string]any {
	name := engine + "-" + experiment
	obj := map[string]any{
		"apiVersion": litmusGroup + "/" + apiVersion,
		"kind":       "ChaosResult",
		"metadata": map[string]any{"name": name, "namespace": "shop", "uid": "uid-" + name,
			"labels": map[string]any{"chaosUID": "uid-" + engine, "name": name}},
		"spec": map[string]any{"engine": engine, "experiment": experiment},
	}
	if phase != "" {
		status := map[string]any{
			"experimentStatus": map[string]any{"phase": phase, "verdict": verdict, "probeSuccessPercentage": "Awaited"},
			"history":          map[string]any{"passedRuns": int64(0), "failedRuns": int64(0), "stoppedRuns": int64(0)},
		}
		if probes != nil {
			status["probeStatuses"] = probes
		}
		obj["status"] = status
	}
	return obj
}
