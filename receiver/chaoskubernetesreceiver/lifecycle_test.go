package chaoskubernetesreceiver

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pipeline"
	"go.opentelemetry.io/collector/receiver/receivertest"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/dynamic"
	dynamicfake "k8s.io/client-go/dynamic/fake"
	clienttesting "k8s.io/client-go/testing"

	"github.com/otelcol-chaos/otelcol-chaos/receiver/chaoskubernetesreceiver/internal/metadata"
)

// The shape of contrib's generated component tests: type and stability,
// the default configuration, create → shutdown, create → start → consume
// → shutdown (goleak in TestMain checks the informers stopped). The client
// is client-go's fake dynamic client: there is no API server here.
func TestComponentLifecycle(t *testing.T) {
	fakeClient := func(*Config) (dynamic.Interface, error) {
		return dynamicfake.NewSimpleDynamicClientWithCustomListKinds(runtime.NewScheme(), listKinds()), nil
	}
	f := newFactory(fakeClient)
	require.Equal(t, metadata.Type, f.Type())
	require.Equal(t, metadata.LogsStability, f.LogsStability())
	require.Equal(t, metadata.Type, NewFactory().Type())
	ctx := context.Background()
	set := receivertest.NewNopSettings(metadata.Type)

	t.Run("default config", func(t *testing.T) {
		cfg := f.CreateDefaultConfig()
		require.NoError(t, componenttest.CheckConfigStruct(cfg))
		require.NoError(t, cfg.(*Config).Validate())
	})
	t.Run("create-shutdown", func(t *testing.T) {
		r, err := f.CreateLogs(ctx, set, f.CreateDefaultConfig(), consumertest.NewNop())
		require.NoError(t, err)
		require.NoError(t, r.Shutdown(ctx))
	})
	t.Run("start-consume-shutdown", func(t *testing.T) {
		sink := new(consumertest.LogsSink)
		client := dynamicfake.NewSimpleDynamicClientWithCustomListKinds(runtime.NewScheme(), listKinds())
		obj := toUnstructured(chaosMeshObject("PodChaos", "kill", withSelector(map[string]any{"action": "pod-kill"}), running.status()))
		require.NoError(t, client.Tracker().Create(gvrOf("PodChaos"), obj, "shop"))
		f := newFactory(func(*Config) (dynamic.Interface, error) { return client, nil })
		r, err := f.CreateLogs(ctx, set, f.CreateDefaultConfig(), sink)
		require.NoError(t, err)
		require.NoError(t, r.Start(ctx, componenttest.NewNopHost()))
		require.Eventually(t, func() bool { return sink.LogRecordCount() == 2 }, 10*time.Second, 5*time.Millisecond)
		require.NoError(t, r.Shutdown(ctx))
		require.NoError(t, r.Shutdown(ctx), "idempotent")
	})
	t.Run("client failure fails Start", func(t *testing.T) {
		boom := errors.New("no cluster")
		f := newFactory(func(*Config) (dynamic.Interface, error) { return nil, boom })
		r, err := f.CreateLogs(ctx, set, f.CreateDefaultConfig(), consumertest.NewNop())
		require.NoError(t, err)
		require.ErrorIs(t, r.Start(ctx, componenttest.NewNopHost()), boom)
		require.NoError(t, r.Shutdown(ctx))
	})
	t.Run("other signals are refused", func(t *testing.T) {
		_, err := f.CreateTraces(ctx, set, f.CreateDefaultConfig(), consumertest.NewNop())
		require.ErrorIs(t, err, pipeline.ErrSignalNotSupported)
		_, err = f.CreateMetrics(ctx, set, f.CreateDefaultConfig(), consumertest.NewNop())
		require.ErrorIs(t, err, pipeline.ErrSignalNotSupported)
	})
}

// A pipeline that refuses data: logged, nothing counted as emitted, the
// receiver goes on.
func TestPipelineRefusal(t *testing.T) {
	client := dynamicfake.NewSimpleDynamicClientWithCustomListKinds(runtime.NewScheme(), listKinds())
	obj := toUnstructured(chaosMeshObject("PodChaos", "kill", withSelector(map[string]any{"action": "pod-kill"}), running.status()))
	require.NoError(t, client.Tracker().Create(gvrOf("PodChaos"), obj, "shop"))
	tel := componenttest.NewTelemetry()
	defer func() { require.NoError(t, tel.Shutdown(context.Background())) }()
	set := receivertest.NewNopSettings(metadata.Type)
	set.TelemetrySettings = tel.NewTelemetrySettings()
	r, err := newReceiver(createDefaultConfig().(*Config), set, consumertest.NewErr(errors.New("memory limiter")),
		func(*Config) (dynamic.Interface, error) { return client, nil })
	require.NoError(t, err)
	require.NoError(t, r.Start(context.Background(), componenttest.NewNopHost()))
	h := &harness{t: t, tel: tel}
	require.Eventually(t, func() bool { return h.seenCount("podchaos") == 1 }, 10*time.Second, 5*time.Millisecond)
	require.NoError(t, r.Shutdown(context.Background()))
	require.Zero(t, h.counter("otelcol_receiver_chaos_kubernetes_events_emitted", nil))
	require.EqualValues(t, 2, h.counter("otelcol_receiver_refused_log_records", nil))
}

// A tool that is not installed (its CRDs absent: list fails) is a warning,
// retried; the other tool's events still come through, and Shutdown stops
// the retrying informers.
func TestMissingCRD(t *testing.T) {
	client := dynamicfake.NewSimpleDynamicClientWithCustomListKinds(runtime.NewScheme(), listKinds())
	client.PrependReactor("list", "*", func(action clienttesting.Action) (bool, runtime.Object, error) {
		if action.GetResource().Group == litmusGroup {
			return true, nil, apierrors.NewNotFound(action.GetResource().GroupResource(), "")
		}
		return false, nil, nil
	})
	obj := toUnstructured(chaosMeshObject("PodChaos", "kill", withSelector(map[string]any{"action": "pod-kill"}), running.status()))
	require.NoError(t, client.Tracker().Create(gvrOf("PodChaos"), obj, "shop"))
	core, logs := observer.New(zap.WarnLevel)
	set := receivertest.NewNopSettings(metadata.Type)
	set.Logger = zap.New(core)
	sink := new(consumertest.LogsSink)
	r, err := newReceiver(createDefaultConfig().(*Config), set, sink, func(*Config) (dynamic.Interface, error) { return client, nil })
	require.NoError(t, err)
	require.NoError(t, r.Start(context.Background(), componenttest.NewNopHost()))
	require.Eventually(t, func() bool {
		return sink.LogRecordCount() == 2 && logs.FilterMessageSnippet("is the CRD installed").Len() >= 2
	}, 10*time.Second, 5*time.Millisecond, "Chaos Mesh's events, and a warning per Litmus resource")
	require.NoError(t, r.Shutdown(context.Background()))
}
