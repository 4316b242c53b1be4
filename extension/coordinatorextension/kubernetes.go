package coordinatorextension

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"os"
	"strings"
	"sync"
	"time"

	"go.uber.org/zap"
	coordinationv1 "k8s.io/api/coordination/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/leaderelection"
	rl "k8s.io/client-go/tools/leaderelection/resourcelock"
	"k8s.io/klog/v2"

	"github.com/otelcol-chaos/otelcol-chaos/internal/kubeauth"
)

// Labels and annotation of the coordinator's Leases.
const (
	labelManagedBy   = "app.kubernetes.io/managed-by"
	managedByValue   = "otelcol-chaos"
	labelGroup       = "otelcol-chaos.io/coordinator-group"
	labelRole        = "otelcol-chaos.io/coordinator-role"
	roleLeader       = "leader"
	roleMember       = "member"
	annotationNodeID = "otelcol-chaos.io/node-id"
)

// serviceAccountNamespaceFile holds the pod's namespace in a pod (a
// variable for tests).
var serviceAccountNamespaceFile = "/var/run/secrets/kubernetes.io/serviceaccount/namespace"

var errK8sNoNamespace = errors.New("kubernetes::namespace is empty and the pod's namespace is unknown")

// kubeClientFunc builds the Kubernetes client (tests use client-go's fake).
type kubeClientFunc func(*KubernetesConfig) (kubernetes.Interface, error)

// newKubeClient builds the client: in-cluster for auth_type serviceAccount,
// from a kubeconfig (kubernetes::kubeconfig, else $KUBECONFIG, else
// ~/.kube/config, with kubernetes::context if set) for kubeConfig.
func newKubeClient(cfg *KubernetesConfig) (kubernetes.Interface, error) {
	rc, err := kubeRESTConfig(cfg)
	if err != nil {
		return nil, err
	}
	rc.UserAgent = "otelcol-chaos-coordinator"
	if rc.QPS == 0 {
		rc.QPS, rc.Burst = 20, 40
	}
	client, err := kubernetes.NewForConfig(rc)
	if err != nil {
		return nil, fmt.Errorf("kubernetes backend: cannot build the client: %w", err)
	}
	return client, nil
}

func kubeRESTConfig(cfg *KubernetesConfig) (*rest.Config, error) {
	rc, err := kubeauth.RESTConfig(kubeauth.Settings{AuthType: cfg.AuthType, KubeConfig: cfg.KubeConfig,
		Context: cfg.Context}, "kubernetes::")
	if errors.Is(err, kubeauth.ErrAuthType) {
		return nil, fmt.Errorf("%w (got %q)", errK8sAuth, cfg.AuthType)
	}
	if err != nil {
		return nil, fmt.Errorf("kubernetes backend: %w", err)
	}
	return rc, nil
}

// resolveNamespace is kubernetes::namespace, else the pod's namespace (the
// service account's namespace file, else $POD_NAMESPACE).
func resolveNamespace(cfg *KubernetesConfig) (string, error) {
	if cfg.Namespace != "" {
		return cfg.Namespace, nil
	}
	if b, err := os.ReadFile(serviceAccountNamespaceFile); err == nil {
		if ns := strings.TrimSpace(string(b)); ns != "" {
			return ns, nil
		}
	}
	if ns := strings.TrimSpace(os.Getenv("POD_NAMESPACE")); ns != "" {
		return ns, nil
	}
	return "", fmt.Errorf("%w (no %s, no $POD_NAMESPACE): set kubernetes::namespace", errK8sNoNamespace,
		serviceAccountNamespaceFile)
}

// leaderLeaseName is the election Lease of a group.
func leaderLeaseName(group string) string { return group + "-leader" }

// memberLeaseName is the membership Lease of a node: "<group>-member-<id>",
// the id made a DNS-1123 label. An id that had to be changed (upper case,
// characters other than [a-z0-9-], too long) gets a hash of the real id
// as suffix so two ids never share a Lease; the real id is the Lease's
// otelcol-chaos.io/node-id annotation.
func memberLeaseName(group, id string) string {
	const maxLen = 63
	prefix := group + "-member-"
	var sb strings.Builder
	for _, r := range strings.ToLower(id) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') || r == '-' {
			sb.WriteRune(r)
		} else {
			sb.WriteByte('-')
		}
	}
	body := strings.Trim(sb.String(), "-")
	if body == id && len(prefix)+len(body) <= maxLen {
		return prefix + body
	}
	h := fnv.New32a()
	_, _ = h.Write([]byte(id))
	suffix := fmt.Sprintf("%08x", h.Sum32())
	if room := maxLen - len(prefix) - len(suffix) - 1; len(body) > room {
		body = strings.TrimRight(body[:max(room, 0)], "-")
	}
	if body == "" {
		return prefix + suffix
	}
	return prefix + body + "-" + suffix
}

// leaseToken identifies one heartbeat of a member Lease.
func leaseToken(l *coordinationv1.Lease) string {
	if l.Spec.RenewTime != nil {
		return l.Spec.RenewTime.UTC().Format("2006-01-02T15:04:05.000000Z07:00")
	}
	return "rv:" + l.ResourceVersion
}

// kubernetesBackend elects the leader with client-go's leaderelection on
// the Lease "<group>-leader" and keeps one Lease per node for membership.
type kubernetesBackend struct {
	*backendSettings
	client kubernetes.Interface

	ns         string
	memberName string
	reqTimeout time.Duration
	lock       *fencedLock
	klogCtx    func(context.Context) context.Context

	cancel   context.CancelFunc
	wg       sync.WaitGroup
	stopOnce sync.Once

	// Owned by the heartbeat goroutine (and start, before it runs).
	member    *coordinationv1.Lease // this node's Lease as last written
	sightings map[string]memberSighting
	hbFailing bool
	lsFailing bool
}

// memberSighting is a member Lease's last heartbeat token and the local
// time it was first seen.
type memberSighting struct {
	token string
	since time.Time
}

func newKubernetesBackend(bs *backendSettings, client kubernetes.Interface) backend {
	return &kubernetesBackend{backendSettings: bs, client: client, sightings: map[string]memberSighting{}}
}

func (b *kubernetesBackend) start(ctx context.Context) error {
	if b.client == nil {
		return errors.New("kubernetes backend: no client")
	}
	ns, err := resolveNamespace(&b.cfg.Kubernetes)
	if err != nil {
		return err
	}
	if !isDNSLabel(ns, 63) {
		return fmt.Errorf("%w (got %q)", errK8sNamespace, ns)
	}
	b.ns = ns
	b.memberName = memberLeaseName(b.cfg.Group, b.state.self)
	b.reqTimeout = max(b.cfg.RenewDeadline/2, b.cfg.RetryPeriod)

	sink := &zapLogSink{logger: b.logger.Named("leaderelection")}
	klogger := klog.New(sink)
	b.klogCtx = func(ctx context.Context) context.Context { return klog.NewContext(ctx, klogger) }

	b.lock = &fencedLock{
		inner: &rl.LeaseLock{
			LeaseMeta: metav1.ObjectMeta{Namespace: ns, Name: leaderLeaseName(b.cfg.Group)},
			Client:    b.client.CoordinationV1(),
			LockConfig: rl.ResourceLockConfig{
				Identity: b.state.self,
			},
			Labels: map[string]string{labelManagedBy: managedByValue, labelGroup: b.cfg.Group, labelRole: roleLeader},
		},
		state:         b.state,
		logger:        b.logger,
		now:           b.now,
		renewDeadline: b.cfg.RenewDeadline,
		leaseSeconds:  leaseSeconds(b.cfg.LeaseDuration),
		reqTimeout:    b.reqTimeout,
	}
	if _, err = leaderelection.NewLeaderElector(b.electionConfig()); err != nil {
		return fmt.Errorf("kubernetes backend: %w", err)
	}

	// The first heartbeat runs now: missing RBAC is a configuration error.
	if err = b.renewMember(ctx); apierrors.IsForbidden(err) || apierrors.IsUnauthorized(err) {
		return fmt.Errorf("kubernetes backend: the collector may not write Leases in namespace %q (%w); grant its "+
			"service account get, list, watch, create, update, patch and delete on coordination.k8s.io leases "+
			"there (see deploy/kubernetes/coordinator-rbac.yaml)", ns, err)
	}
	b.listMembers(ctx)
	b.publishMembers()

	runCtx, cancel := context.WithCancel(context.Background())
	b.cancel = cancel
	b.wg.Add(2)
	go b.campaign(b.klogCtx(runCtx))
	go b.heartbeatLoop(runCtx)
	b.logger.Info("coordinator: kubernetes backend started", zap.String("namespace", ns),
		zap.String("leader_lease", leaderLeaseName(b.cfg.Group)), zap.String("member_lease", b.memberName),
		zap.String("self", b.state.self))
	return nil
}

func (b *kubernetesBackend) electionConfig() leaderelection.LeaderElectionConfig {
	return leaderelection.LeaderElectionConfig{
		Lock:            b.lock,
		Name:            leaderLeaseName(b.cfg.Group),
		LeaseDuration:   b.cfg.LeaseDuration,
		RenewDeadline:   b.cfg.RenewDeadline,
		RetryPeriod:     b.cfg.RetryPeriod,
		ReleaseOnCancel: true,
		Callbacks: leaderelection.LeaderCallbacks{
			// The lock reports leadership as its writes succeed (and ends
			// it at renew_deadline), not from these asynchronous callbacks.
			OnStartedLeading: func(context.Context) {},
			OnStoppedLeading: func() { b.lock.stopped() },
		},
	}
}

// campaign runs client-go's elector until shutdown; Run returns when this
// node loses the lease, and it campaigns again.
func (b *kubernetesBackend) campaign(ctx context.Context) {
	defer b.wg.Done()
	for {
		le, err := leaderelection.NewLeaderElector(b.electionConfig())
		if err != nil { // validated in start
			b.logger.Error("coordinator: leader election stopped", zap.Error(err))
			return
		}
		le.Run(ctx)
		if !sleepCtx(ctx, b.cfg.RetryPeriod) {
			return
		}
	}
}

// heartbeatLoop renews this node's Lease and reads the others' each
// heartbeat_interval.
func (b *kubernetesBackend) heartbeatLoop(ctx context.Context) {
	defer b.wg.Done()
	t := time.NewTicker(b.cfg.HeartbeatInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		_ = b.renewMember(ctx)
		b.listMembers(ctx)
		b.lock.refresh()
		b.publishMembers()
	}
}

// renewMember creates or renews this node's member Lease.
func (b *kubernetesBackend) renewMember(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, b.reqTimeout)
	defer cancel()
	leases := b.client.CoordinationV1().Leases(b.ns)
	now := metav1.NewMicroTime(b.now())
	err := func() error {
		if b.member != nil {
			l := b.member.DeepCopy()
			l.Spec.RenewTime = &now
			upd, err := leases.Update(ctx, l, metav1.UpdateOptions{})
			if err == nil {
				b.member = upd
				return nil
			}
			if !apierrors.IsNotFound(err) && !apierrors.IsConflict(err) {
				return err
			}
			b.member = nil
		}
		cur, err := leases.Get(ctx, b.memberName, metav1.GetOptions{})
		if apierrors.IsNotFound(err) {
			created, err := leases.Create(ctx, b.memberLease(nil, now), metav1.CreateOptions{})
			if err != nil {
				return err
			}
			b.member = created
			return nil
		}
		if err != nil {
			return err
		}
		upd, err := leases.Update(ctx, b.memberLease(cur, now), metav1.UpdateOptions{})
		if err != nil {
			return err
		}
		b.member = upd
		return nil
	}()
	if err != nil {
		b.hb.missed.Add(1)
		if !b.hbFailing {
			b.hbFailing = true
			b.logger.Warn("coordinator: cannot renew this node's member lease", zap.String("lease", b.ns+"/"+b.memberName),
				zap.Error(err))
		}
		return err
	}
	b.hb.sent.Add(1)
	if b.hbFailing {
		b.hbFailing = false
		b.logger.Info("coordinator: member lease renewed again", zap.String("lease", b.ns+"/"+b.memberName))
	}
	return nil
}

// memberLease is this node's Lease: cur (when it exists) with this node's
// labels, annotation and spec, renewed at now.
func (b *kubernetesBackend) memberLease(cur *coordinationv1.Lease, now metav1.MicroTime) *coordinationv1.Lease {
	l := &coordinationv1.Lease{ObjectMeta: metav1.ObjectMeta{Name: b.memberName, Namespace: b.ns}}
	if cur != nil {
		l = cur.DeepCopy()
	}
	if l.Labels == nil {
		l.Labels = map[string]string{}
	}
	l.Labels[labelManagedBy] = managedByValue
	l.Labels[labelGroup] = b.cfg.Group
	l.Labels[labelRole] = roleMember
	if l.Annotations == nil {
		l.Annotations = map[string]string{}
	}
	l.Annotations[annotationNodeID] = b.state.self
	self := b.state.self
	seconds := int32(leaseSeconds(b.cfg.FailedAfter))
	l.Spec.HolderIdentity = &self
	l.Spec.LeaseDurationSeconds = &seconds
	if l.Spec.AcquireTime == nil || cur == nil {
		l.Spec.AcquireTime = &now
	}
	l.Spec.RenewTime = &now
	return l
}

// listMembers reads every member Lease of the group into the roster. A
// Lease counts as a heartbeat only when its renew time changed since it
// was last read, so a crashed node's left-over Lease is never taken for a
// live member, on any node's clock.
func (b *kubernetesBackend) listMembers(ctx context.Context) {
	ctx, cancel := context.WithTimeout(ctx, b.reqTimeout)
	defer cancel()
	sel := labels.SelectorFromSet(labels.Set{labelGroup: b.cfg.Group, labelRole: roleMember}).String()
	list, err := b.client.CoordinationV1().Leases(b.ns).List(ctx, metav1.ListOptions{LabelSelector: sel})
	if err != nil {
		if !b.lsFailing {
			b.lsFailing = true
			b.logger.Warn("coordinator: cannot list member leases", zap.String("namespace", b.ns), zap.Error(err))
		}
		return
	}
	if b.lsFailing {
		b.lsFailing = false
		b.logger.Info("coordinator: member leases listed again", zap.String("namespace", b.ns))
	}
	now := b.now()
	present := make(map[string]bool, len(list.Items))
	for i := range list.Items {
		l := &list.Items[i]
		id := l.Annotations[annotationNodeID]
		if id == "" && l.Spec.HolderIdentity != nil {
			id = *l.Spec.HolderIdentity
		}
		if id == "" {
			continue
		}
		present[id] = true
		token := leaseToken(l)
		prev, ok := b.sightings[id]
		switch {
		case !ok:
			b.sightings[id] = memberSighting{token: token, since: now}
		case prev.token != token:
			b.sightings[id] = memberSighting{token: token, since: now}
			b.roster.heartbeat(id, token, now)
		case id != b.state.self && now.Sub(prev.since) > b.cfg.ForgetAfter && b.state.IsLeader():
			b.deleteStale(ctx, l)
		}
	}
	for id := range b.sightings {
		if !present[id] {
			delete(b.sightings, id)
			b.roster.gone(id)
		}
	}
}

// deleteStale removes the Lease of a member not heard from for
// forget_after, unless it changed meanwhile.
func (b *kubernetesBackend) deleteStale(ctx context.Context, l *coordinationv1.Lease) {
	pre := metav1.Preconditions{UID: &l.UID, ResourceVersion: &l.ResourceVersion}
	err := b.client.CoordinationV1().Leases(b.ns).Delete(ctx, l.Name, metav1.DeleteOptions{Preconditions: &pre})
	if err != nil {
		// Gone already, or renewed meanwhile (a conflict): nothing to do.
		b.logger.Debug("coordinator: stale member lease not deleted", zap.String("lease", l.Name), zap.Error(err))
		return
	}
	b.logger.Info("coordinator: deleted the lease of a member gone for forget_after", zap.String("lease", l.Name))
}

// shutdown steps down, releases the leader lease, stops the loops and
// deletes this node's member Lease so the others see it gone at once.
func (b *kubernetesBackend) shutdown(ctx context.Context) error {
	var err error
	b.stopOnce.Do(func() {
		if b.cancel == nil {
			return // never started
		}
		b.lock.close()
		b.cancel()
		done := make(chan struct{})
		go func() {
			b.wg.Wait()
			close(done)
		}()
		select {
		case <-done:
		case <-ctx.Done():
			err = fmt.Errorf("kubernetes backend: stopping: %w", ctx.Err())
			return
		}
		dctx, cancel := context.WithTimeout(ctx, b.reqTimeout)
		defer cancel()
		derr := b.client.CoordinationV1().Leases(b.ns).Delete(dctx, b.memberName, metav1.DeleteOptions{})
		if derr != nil && !apierrors.IsNotFound(derr) {
			b.logger.Warn("coordinator: cannot delete this node's member lease; the others see it fail after failed_after",
				zap.String("lease", b.ns+"/"+b.memberName), zap.Error(derr))
		}
	})
	return err
}

// sleepCtx waits d; false when ctx ended first.
func sleepCtx(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// zapLogSink sends client-go's leaderelection logs (klog/logr) to the
// collector's logger: informational messages at debug, errors at debug
// too (the backend logs the state changes that matter).
type zapLogSink struct {
	logger *zap.Logger
}

func (s *zapLogSink) Init(klog.RuntimeInfo) {}

func (s *zapLogSink) Enabled(level int) bool {
	return level == 0 && s.logger.Core().Enabled(zap.DebugLevel)
}

func (s *zapLogSink) Info(_ int, msg string, kv ...any) {
	s.logger.Debug(msg, kvFields(kv)...)
}

func (s *zapLogSink) Error(err error, msg string, kv ...any) {
	s.logger.Debug(msg, append(kvFields(kv), zap.Error(err))...)
}

func (s *zapLogSink) WithValues(kv ...any) klog.LogSink {
	return &zapLogSink{logger: s.logger.With(kvFields(kv)...)}
}

func (s *zapLogSink) WithName(name string) klog.LogSink {
	return &zapLogSink{logger: s.logger.Named(name)}
}

func kvFields(kv []any) []zap.Field {
	fields := make([]zap.Field, 0, len(kv)/2)
	for i := 0; i+1 < len(kv); i += 2 {
		key, ok := kv[i].(string)
		if !ok {
			key = fmt.Sprint(kv[i])
		}
		fields = append(fields, zap.Any(key, kv[i+1]))
	}
	return fields
}
