package manifests

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/yaml"
)

// collectorConfig reads a collector configuration with every ${env:X:-d}
// replaced by its default d.
func collectorConfig(t *testing.T, raw []byte) map[string]any {
	t.Helper()
	withDefaults := regexp.MustCompile(`\$\{env:[A-Z_0-9]+:-([^}]*)\}`).ReplaceAll(raw, []byte("$1"))
	var cfg map[string]any
	require.NoError(t, yaml.Unmarshal(withDefaults, &cfg))
	return cfg
}

func asMap(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}

// replicaAddresses are the gateways' OTLP/HTTP URLs: one stable name per
// StatefulSet replica under the headless Service.
func replicaAddresses(t *testing.T) []string {
	t.Helper()
	sts, svc, _ := gatewayObjects(t)
	var port int32
	for _, p := range svc.Spec.Ports {
		if p.Name == "otlp-http" {
			port = p.Port
		}
	}
	require.NotZero(t, port)
	out := make([]string, *sts.Spec.Replicas)
	for i := range out {
		out[i] = fmt.Sprintf("http://%s-%d.%s.%s.svc.cluster.local:%d", sts.Name, i, svc.Name, sts.Namespace, port)
	}
	return out
}

// requireFanOut: the agent configuration sends its logs to one otlp_http
// exporter per gateway replica — every replica, none twice — each with its
// own in-order queue and retry.
func requireFanOut(t *testing.T, cfg map[string]any, persistent bool) {
	t.Helper()
	exporters := asMap(cfg["exporters"])
	pipeline := asMap(asMap(asMap(cfg["service"])["pipelines"])["logs"])
	var endpoints []string
	for _, name := range pipeline["exporters"].([]any) {
		e := asMap(exporters[name.(string)])
		require.True(t, strings.HasPrefix(name.(string), "otlp_http/"), "%s: the fan-out is otlp_http exporters", name)
		endpoints = append(endpoints, e["endpoint"].(string))
		q := asMap(e["sending_queue"])
		require.Equal(t, true, q["enabled"], "%s has its own queue", name)
		require.EqualValues(t, 1, q["num_consumers"], "%s delivers in order", name)
		if persistent {
			require.Equal(t, "file_storage", q["storage"], "%s's queue survives a restart", name)
		}
		require.Equal(t, true, asMap(e["retry_on_failure"])["enabled"], "%s retries", name)
	}
	slices.Sort(endpoints)
	require.Equal(t, replicaAddresses(t), endpoints, "one exporter per gateway replica")
	analytics := asMap(asMap(cfg["processors"])["chaos_analytics"])
	require.Equal(t, []any{"1m"}, analytics["widths"], "only the finest width merges exactly")
	require.Equal(t, true, analytics["drop_events"], "summaries, not raw events")
}

func TestAgentConfigFansOutToEveryReplica(t *testing.T) {
	raw, err := os.ReadFile("../config/agent.yaml")
	require.NoError(t, err)
	requireFanOut(t, collectorConfig(t, raw), true)
}

func TestAgentSidecar(t *testing.T) {
	objs := decodeAll(t, "agent-sidecar.yaml")
	require.Len(t, objs, 1)
	dep, ok := objs[0].(*appsv1.Deployment)
	require.True(t, ok)
	spec := dep.Spec.Template.Spec
	require.Len(t, spec.InitContainers, 1)
	agent := spec.InitContainers[0]
	require.NotNil(t, agent.RestartPolicy)
	require.Equal(t, corev1.ContainerRestartPolicyAlways, *agent.RestartPolicy,
		"a native sidecar: started before the workload, stopped after it")
	requireEnvSet(t, "../config/agent.yaml", agent)
	requireMounted(t, agent, "STORAGE_DIR")
	require.Equal(t, []string{"--config", "/etc/otelcol-chaos/config.yaml"}, agent.Args)
	var configMap string
	for _, v := range spec.Volumes {
		if v.ConfigMap != nil {
			configMap = v.ConfigMap.Name
		}
	}
	require.Equal(t, "otelcol-chaos-agent", configMap)
	header, err := os.ReadFile("agent-sidecar.yaml")
	require.NoError(t, err)
	require.Contains(t, string(header), "create configmap "+configMap+" \\\n#     --from-file=config.yaml=deploy/config/agent.yaml",
		"the header creates the ConfigMap the pod mounts, from the agent configuration")
	var workloadEnv []string
	for _, c := range spec.Containers {
		for _, e := range c.Env {
			workloadEnv = append(workloadEnv, e.Value)
		}
	}
	require.Contains(t, workloadEnv, "http://localhost:4320/v1/chaos/events", "the workload's chaos tool posts to the agent")
}

// openTelemetryCollector mirrors the fields of the OpenTelemetry Operator's
// OpenTelemetryCollector (opentelemetry.io/v1beta1) that agent-operator.yaml
// uses. The operator's Go module is not served here: decoding strictly
// against this subset catches a misspelt or misplaced field, not one the
// operator would reject for another reason.
type openTelemetryCollector struct {
	APIVersion string            `json:"apiVersion"`
	Kind       string            `json:"kind"`
	Metadata   metav1.ObjectMeta `json:"metadata"`
	Spec       struct {
		Mode      string                      `json:"mode"`
		Image     string                      `json:"image"`
		Resources corev1.ResourceRequirements `json:"resources"`
		Config    map[string]any              `json:"config"`
	} `json:"spec"`
}

func decodeCollectorCR(t *testing.T) openTelemetryCollector {
	t.Helper()
	raw, err := os.ReadFile("agent-operator.yaml")
	require.NoError(t, err)
	js, err := yaml.YAMLToJSON(raw)
	require.NoError(t, err)
	dec := json.NewDecoder(bytes.NewReader(js))
	dec.DisallowUnknownFields()
	var cr openTelemetryCollector
	require.NoError(t, dec.Decode(&cr))
	return cr
}

func TestAgentOperatorResource(t *testing.T) {
	cr := decodeCollectorCR(t)
	require.Equal(t, "opentelemetry.io/v1beta1", cr.APIVersion)
	require.Equal(t, "OpenTelemetryCollector", cr.Kind)
	require.Equal(t, "sidecar", cr.Spec.Mode)
	requireFanOut(t, cr.Spec.Config, false)
	require.NotContains(t, cr.Spec.Config, "extensions", "no volume in the injected container: no file_storage")
}
