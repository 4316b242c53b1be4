package chaoskubernetesreceiver

// The test harness: client-go's fake dynamic client (there is no API server
// here, so nothing is applied to a real cluster), the receiver started on
// it with an injected clock, and the records it emits in a comparable form.

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/receiver/receivertest"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/dynamic"
	dynamicfake "k8s.io/client-go/dynamic/fake"
	clienttesting "k8s.io/client-go/testing"

	"github.com/otelcol-chaos/otelcol-chaos/receiver/chaoskubernetesreceiver/internal/metadata"
)

// t0 is the injected clock's start: the observation time of the first step.
var t0 = time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)

// listKinds names the list kind of every resource the receiver can watch,
// for the fake client.
func listKinds() map[schema.GroupVersionResource]string {
	out := map[schema.GroupVersionResource]string{}
	for kind, res := range chaosMeshResources {
		out[schema.GroupVersionResource{Group: chaosMeshGroup, Version: apiVersion, Resource: res}] = kind + "List"
	}
	out[schema.GroupVersionResource{Group: litmusGroup, Version: apiVersion, Resource: litmusEngines}] = "ChaosEngineList"
	out[schema.GroupVersionResource{Group: litmusGroup, Version: apiVersion, Resource: litmusResults}] = "ChaosResultList"
	return out
}

// clock is the injected clock: now() returns its time; tests move it.
type clock struct{ ns atomic.Int64 }

func (c *clock) set(t time.Time) { c.ns.Store(t.UnixNano()) }
func (c *clock) now() time.Time  { return time.Unix(0, c.ns.Load()).UTC() }

type harness struct {
	t       *testing.T
	client  *dynamicfake.FakeDynamicClient
	rcv     *chaosKubernetesReceiver
	sink    *consumertest.LogsSink
	tel     *componenttest.Telemetry
	logs    *observer.ObservedLogs
	clock   *clock
	watches atomic.Int32
	seen    int // records already returned by fresh
}

// startHarness starts the receiver on a fake client holding objs and waits
// until every informer watches, so that nothing created later is missed
// between an informer's list and its watch.
func startHarness(t *testing.T, mutate func(*Config), objs ...runtime.Object) *harness {
	t.Helper()
	h := &harness{t: t, sink: new(consumertest.LogsSink), clock: &clock{}}
	h.clock.set(t0)
	h.client = dynamicfake.NewSimpleDynamicClientWithCustomListKinds(runtime.NewScheme(), listKinds())
	tracker := h.client.Tracker()
	// Objects that exist before the receiver starts, by their real resource
	// (the tracker's own Add would guess "podchaoses" from PodChaos).
	for _, o := range objs {
		u := o.(*unstructured.Unstructured)
		require.NoError(t, tracker.Create(gvrOf(u.GetKind()), u, u.GetNamespace()))
	}
	h.client.PrependWatchReactor("*", func(action clienttesting.Action) (bool, watch.Interface, error) {
		var opts metav1.ListOptions
		if wa, ok := action.(clienttesting.WatchActionImpl); ok {
			opts = wa.ListOptions
		}
		w, err := tracker.Watch(action.GetResource(), action.GetNamespace(), opts)
		if err != nil {
			return true, nil, err
		}
		h.watches.Add(1)
		return true, w, nil
	})

	cfg := createDefaultConfig().(*Config)
	if mutate != nil {
		mutate(cfg)
	}
	require.NoError(t, cfg.Validate())
	h.tel = componenttest.NewTelemetry()
	t.Cleanup(func() { require.NoError(t, h.tel.Shutdown(context.Background())) })
	set := receivertest.NewNopSettings(metadata.Type)
	set.TelemetrySettings = h.tel.NewTelemetrySettings()
	core, logs := observer.New(zap.DebugLevel)
	set.Logger = zap.New(core)
	h.logs = logs
	rcv, err := newReceiver(cfg, set, h.sink, func(*Config) (dynamic.Interface, error) { return h.client, nil })
	require.NoError(t, err)
	rcv.now = h.clock.now
	h.rcv = rcv
	require.NoError(t, rcv.Start(context.Background(), componenttest.NewNopHost()))
	t.Cleanup(func() { require.NoError(t, rcv.Shutdown(context.Background())) })

	namespaces := max(len(cfg.Namespaces), 1)
	want := int32(len(WatchedResources(cfg)) * namespaces)
	require.Eventually(t, func() bool { return h.watches.Load() >= want }, 10*time.Second, 5*time.Millisecond,
		"every informer watches")
	return h
}

var gvrOf = func(kind string) schema.GroupVersionResource {
	switch kind {
	case "ChaosEngine":
		return schema.GroupVersionResource{Group: litmusGroup, Version: apiVersion, Resource: litmusEngines}
	case "ChaosResult":
		return schema.GroupVersionResource{Group: litmusGroup, Version: apiVersion, Resource: litmusResults}
	}
	return schema.GroupVersionResource{Group: chaosMeshGroup, Version: apiVersion, Resource: chaosMeshResources[kind]}
}

// create, update and delete change an object through the fake API and
// wait until the receiver has handled the notification (and sent its
// records): every record of the change is in the sink when they return.
func (h *harness) create(obj map[string]any) {
	h.t.Helper()
	u := &unstructured.Unstructured{Object: obj}
	h.handled(u.GetKind(), func() error {
		_, err := h.client.Resource(gvrOf(u.GetKind())).Namespace(u.GetNamespace()).Create(context.Background(), u, metav1.CreateOptions{})
		return err
	})
}

func (h *harness) update(obj map[string]any) {
	h.t.Helper()
	u := &unstructured.Unstructured{Object: obj}
	h.handled(u.GetKind(), func() error {
		_, err := h.client.Resource(gvrOf(u.GetKind())).Namespace(u.GetNamespace()).Update(context.Background(), u, metav1.UpdateOptions{})
		return err
	})
}

func (h *harness) delete(obj map[string]any) {
	h.t.Helper()
	u := &unstructured.Unstructured{Object: obj}
	h.handled(u.GetKind(), func() error {
		return h.client.Resource(gvrOf(u.GetKind())).Namespace(u.GetNamespace()).Delete(context.Background(), u.GetName(), metav1.DeleteOptions{})
	})
}

func (h *harness) handled(kind string, change func() error) {
	h.t.Helper()
	resource := gvrOf(kind).Resource
	before := h.seenCount(resource)
	require.NoError(h.t, change())
	require.Eventually(h.t, func() bool { return h.seenCount(resource) > before }, 10*time.Second, 2*time.Millisecond,
		"the receiver handles the change of a %s", kind)
}

// record is an emitted record in comparable form.
type record struct {
	Resource map[string]any
	Time     time.Time
	Severity string
	Body     string
	Attrs    map[string]any
	// Observed is checked by fresh (the clock's time), then cleared.
	Observed time.Time
}

func (h *harness) all() []record {
	var out []record
	for _, l := range h.sink.AllLogs() {
		for i := 0; i < l.ResourceLogs().Len(); i++ {
			rl := l.ResourceLogs().At(i)
			for j := 0; j < rl.ScopeLogs().Len(); j++ {
				sl := rl.ScopeLogs().At(j)
				require.Equal(h.t, metadata.ScopeName, sl.Scope().Name())
				for k := 0; k < sl.LogRecords().Len(); k++ {
					lr := sl.LogRecords().At(k)
					require.Equal(h.t, "chaos.event", lr.EventName())
					out = append(out, record{Observed: lr.ObservedTimestamp().AsTime().UTC(),
						Resource: rl.Resource().Attributes().AsRaw(), Time: lr.Timestamp().AsTime().UTC(),
						Severity: lr.SeverityText(), Body: lr.Body().Str(), Attrs: lr.Attributes().AsRaw()})
				}
			}
		}
	}
	return out
}

// fresh returns the records emitted since the last call.
func (h *harness) fresh() []record {
	h.t.Helper()
	all := h.all()
	got := all[h.seen:]
	h.seen = len(all)
	for i := range got {
		require.Equal(h.t, h.clock.now(), got[i].Observed, "observed time is the clock's")
		got[i].Observed = time.Time{}
	}
	return got
}

// seenCount is how many notifications about resource the receiver handled.
func (h *harness) seenCount(resource string) int64 {
	return h.counter("otelcol_receiver_chaos_kubernetes_objects_seen", map[string]string{telAttrResource: resource})
}

// skipped is the objects_skipped count of resource and reason.
func (h *harness) skipped(resource, reason string) int64 {
	return h.counter("otelcol_receiver_chaos_kubernetes_objects_skipped",
		map[string]string{telAttrResource: resource, telAttrReason: reason})
}

// counter sums the points of metric name whose attributes include want.
func (h *harness) counter(name string, want map[string]string) int64 {
	var rm metricdata.ResourceMetrics
	require.NoError(h.t, h.tel.Reader.Collect(context.Background(), &rm))
	var n int64
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			if m.Name != name {
				continue
			}
			sum, ok := m.Data.(metricdata.Sum[int64])
			require.True(h.t, ok)
		points:
			for _, dp := range sum.DataPoints {
				for k, v := range want {
					if got, ok := dp.Attributes.Value(attribute.Key(k)); !ok || got.AsString() != v {
						continue points
					}
				}
				n += dp.Value
			}
		}
	}
	return n
}

var createOpts = metav1.CreateOptions{}

func toUnstructured(obj map[string]any) *unstructured.Unstructured {
	return &unstructured.Unstructured{Object: obj}
}

func toRuntime(objs ...map[string]any) []runtime.Object {
	out := make([]runtime.Object, len(objs))
	for i, o := range objs {
		out[i] = toUnstructured(o)
	}
	return out
}
