package chaoskubernetesreceiver // import "github.com/otelcol-chaos/otelcol-chaos/receiver/chaoskubernetesreceiver"

import (
	"context"
	"errors"
	"sync"
	"time"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/receiver"
	"go.opentelemetry.io/collector/receiver/receiverhelper"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	"go.uber.org/zap"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/dynamic/dynamicinformer"
	"k8s.io/client-go/tools/cache"

	"github.com/otelcol-chaos/otelcol-chaos/internal/chaosconv"
	"github.com/otelcol-chaos/otelcol-chaos/receiver/chaoskubernetesreceiver/internal/metadata"
)

// transport is the obsreport transport label.
const transport = "kubernetes"

// Values of the telemetry attributes (the enums of metadata.yaml).
const (
	opAdd    = "add"
	opUpdate = "update"
	opDelete = "delete"

	reasonNoStatus      = "no_status"
	reasonUnknownAction = "unknown_action"
	reasonInvalidValue  = "invalid_value"
	reasonMalformed     = "malformed"
)

// Telemetry attribute keys (metadata.yaml's attributes).
const (
	telAttrResource  = "resource"
	telAttrOperation = "operation"
	telAttrSource    = "source"
	telAttrKind      = "kind"
	telAttrReason    = "reason"
)

// objState is what the receiver remembers of one object (by uid): the
// experiment phase last emitted and the transitions already emitted, so
// that resyncs, re-lists after a watch restart and stale versions emit
// nothing twice.
type objState struct {
	phase string
	// cycle counts completed or aborted runs: a transition without a
	// lastTransitionTime is keyed by it.
	cycle int
	keys  map[string]bool
	// noStatus is set once a missing status has been counted.
	noStatus bool
	// ChaosResult: a run is in progress (fault emitted), and the probe
	// verdicts emitted during it.
	active bool
	probes map[string]string
}

// once records key and reports whether it is new.
func (s *objState) once(key string) bool {
	if s.keys[key] {
		return false
	}
	if s.keys == nil {
		s.keys = map[string]bool{}
	}
	s.keys[key] = true
	return true
}

// batch is the events of one notification, with the resource they share.
type batch struct {
	resource  string
	namespace string
	service   string
	events    []chaosconv.Event
}

// watched is one watched resource.
type watched struct {
	gvr  schema.GroupVersionResource
	kind string
}

type chaosKubernetesReceiver struct {
	cfg       *Config
	settings  receiver.Settings
	next      consumer.Logs
	newClient clientFactory
	obsrep    *receiverhelper.ObsReport
	tel       *metadata.TelemetryBuilder
	logger    *zap.Logger
	// now is the observation time: the event time when the resource gives
	// none, and every record's observed time. Injected in tests.
	now func() time.Time

	mu           sync.Mutex
	states       map[types.UID]*objState
	engineStores []cache.Store

	ctx       context.Context
	cancel    context.CancelFunc
	stop      chan struct{}
	factories []dynamicinformer.DynamicSharedInformerFactory
	stopOnce  sync.Once
}

var _ receiver.Logs = (*chaosKubernetesReceiver)(nil)

func newReceiver(cfg *Config, set receiver.Settings, next consumer.Logs, newClient clientFactory) (*chaosKubernetesReceiver, error) {
	if next == nil {
		return nil, errors.New("chaos_kubernetes: nil next consumer")
	}
	obsrep, err := receiverhelper.NewObsReport(receiverhelper.ObsReportSettings{
		ReceiverID:             set.ID,
		Transport:              transport,
		ReceiverCreateSettings: set,
	})
	if err != nil {
		return nil, err
	}
	tel, err := metadata.NewTelemetryBuilder(set.TelemetrySettings)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	return &chaosKubernetesReceiver{
		cfg: cfg, settings: set, next: next, newClient: newClient,
		obsrep: obsrep, tel: tel, logger: set.Logger, now: time.Now,
		states: map[types.UID]*objState{},
		ctx:    ctx, cancel: cancel,
	}, nil
}

// watches lists the resources to watch with their kind.
func (r *chaosKubernetesReceiver) watches() []watched {
	var out []watched
	for _, gvr := range WatchedResources(r.cfg) {
		w := watched{gvr: gvr}
		switch gvr.Resource {
		case litmusEngines:
			w.kind = "ChaosEngine"
		case litmusResults:
			w.kind = "ChaosResult"
		default:
			for k, res := range chaosMeshResources {
				if res == gvr.Resource {
					w.kind = k
				}
			}
		}
		out = append(out, w)
	}
	return out
}

// Start builds the client and starts one dynamic informer per watched
// resource and namespace. It does not wait for the caches to sync: a CRD
// that is not installed only makes its informer retry (and log).
func (r *chaosKubernetesReceiver) Start(_ context.Context, _ component.Host) error {
	client, err := r.newClient(r.cfg)
	if err != nil {
		return err
	}
	namespaces := r.cfg.Namespaces
	if len(namespaces) == 0 {
		namespaces = []string{""} // all namespaces
	}
	r.stop = make(chan struct{})
	for _, ns := range namespaces {
		f := dynamicinformer.NewFilteredDynamicSharedInformerFactory(client, r.cfg.ResyncPeriod, ns, nil)
		for _, w := range r.watches() {
			inf := f.ForResource(w.gvr).Informer()
			gvr := w.gvr
			_ = inf.SetWatchErrorHandler(func(_ *cache.Reflector, err error) {
				r.logger.Warn("chaos_kubernetes: list/watch failed; retrying (is the CRD installed and the RBAC applied?)",
					zap.String("resource", gvr.String()), zap.String("namespace", ns), zap.Error(err))
			})
			if _, err := inf.AddEventHandler(r.handler(w)); err != nil {
				return err
			}
			if w.gvr.Resource == litmusEngines {
				r.mu.Lock()
				r.engineStores = append(r.engineStores, inf.GetStore())
				r.mu.Unlock()
			}
		}
		f.Start(r.stop)
		r.factories = append(r.factories, f)
	}
	r.logger.Info("chaos_kubernetes: watching", zap.Int("resources", len(r.watches())),
		zap.Strings("namespaces", r.cfg.Namespaces))
	return nil
}

// Shutdown stops the informers and waits for their goroutines.
func (r *chaosKubernetesReceiver) Shutdown(context.Context) error {
	r.stopOnce.Do(func() {
		r.cancel()
		if r.stop != nil {
			close(r.stop)
		}
		for _, f := range r.factories {
			f.Shutdown()
		}
		r.tel.Shutdown()
	})
	return nil
}

func (r *chaosKubernetesReceiver) handler(w watched) cache.ResourceEventHandler {
	return cache.ResourceEventHandlerFuncs{
		AddFunc:    func(obj any) { r.observe(w, opAdd, obj) },
		UpdateFunc: func(_, obj any) { r.observe(w, opUpdate, obj) },
		DeleteFunc: func(obj any) { r.observe(w, opDelete, obj) },
	}
}

// observe handles one notification: it derives the events of the object's
// new state under the lock, then sends them.
func (r *chaosKubernetesReceiver) observe(w watched, op string, obj any) {
	// Counted once handled (tests wait for the count to know a
	// notification's records have been sent).
	defer r.tel.ReceiverChaosKubernetesObjectsSeen.Add(r.ctx, 1, metric.WithAttributes(
		attribute.String(telAttrResource, w.gvr.Resource), attribute.String(telAttrOperation, op)))
	if tomb, ok := obj.(cache.DeletedFinalStateUnknown); ok {
		obj = tomb.Obj
	}
	u, ok := obj.(*unstructured.Unstructured)
	if !ok || u.GetUID() == "" {
		r.skip(w.gvr.Resource, reasonMalformed, "not an object with a uid", zap.String("type", typeName(obj)))
		return
	}
	deleted := op == opDelete
	r.mu.Lock()
	var b batch
	switch w.gvr.Resource {
	case litmusEngines:
		b = r.litmusEngine(u, deleted)
	case litmusResults:
		b = r.litmusResult(u, deleted)
	default:
		b = r.chaosMesh(w.kind, w.gvr.Resource, u, deleted)
	}
	r.mu.Unlock()
	r.send(b)
}

// state returns the state of uid, creating it; fresh tells a first sighting.
func (r *chaosKubernetesReceiver) state(uid types.UID) (st *objState, fresh bool) {
	st, ok := r.states[uid]
	if !ok {
		st = &objState{}
		r.states[uid] = st
	}
	return st, !ok
}

// skip counts and logs something that gave no event.
func (r *chaosKubernetesReceiver) skip(resource, reason, msg string, fields ...zap.Field) {
	r.tel.ReceiverChaosKubernetesObjectsSkipped.Add(r.ctx, 1, metric.WithAttributes(
		attribute.String(telAttrResource, resource), attribute.String(telAttrReason, reason)))
	fields = append(fields, zap.String("resource", resource), zap.String("reason", reason))
	if reason == reasonNoStatus {
		r.logger.Debug("chaos_kubernetes: "+msg, fields...)
		return
	}
	r.logger.Warn("chaos_kubernetes: "+msg, fields...)
}

// send validates, encodes and consumes the events of b as one plog.Logs
// with one resource (service.name and k8s.namespace.name).
func (r *chaosKubernetesReceiver) send(b batch) {
	if len(b.events) == 0 {
		return
	}
	logs := plog.NewLogs()
	rl := logs.ResourceLogs().AppendEmpty()
	attrs := rl.Resource().Attributes()
	if b.service != "" {
		attrs.PutStr(chaosconv.AttrServiceName, b.service)
	}
	if b.namespace != "" {
		attrs.PutStr(chaosconv.AttrK8sNamespaceName, b.namespace)
	}
	sl := rl.ScopeLogs().AppendEmpty()
	sl.Scope().SetName(metadata.ScopeName)
	sl.Scope().SetVersion(r.settings.BuildInfo.Version)
	observed := pcommon.NewTimestampFromTime(r.now())
	valid := make([]*chaosconv.Event, 0, len(b.events))
	for i := range b.events {
		e := &b.events[i]
		if err := e.Validate(); err != nil {
			// A mapping bug, never the user's input: say so loudly.
			r.skip(b.resource, reasonMalformed, "built an invalid event", zap.Error(err),
				zap.String("experiment", e.Experiment))
			continue
		}
		valid = append(valid, e)
		lr := sl.LogRecords().AppendEmpty()
		chaosconv.EncodeEvent(e, lr)
		lr.SetObservedTimestamp(observed)
	}
	n := len(valid)
	if n == 0 {
		return
	}
	ctx := r.obsrep.StartLogsOp(r.ctx)
	err := r.next.ConsumeLogs(ctx, logs)
	r.obsrep.EndLogsOp(ctx, "unstructured", n, err)
	if err != nil {
		r.logger.Error("chaos_kubernetes: the pipeline refused events", zap.Int("events", n), zap.Error(err))
		return
	}
	for _, e := range valid {
		r.tel.ReceiverChaosKubernetesEventsEmitted.Add(r.ctx, 1, metric.WithAttributes(
			attribute.String(telAttrSource, e.Source), attribute.String(telAttrKind, e.Kind.String())))
	}
}

func typeName(obj any) string {
	if obj == nil {
		return "nil"
	}
	switch obj.(type) {
	case *unstructured.Unstructured:
		return "unstructured (no uid)"
	}
	return "unexpected type"
}
