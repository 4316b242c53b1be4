package notify // import "github.com/otelcol-chaos/otelcol-chaos/exporter/alertexporter/internal/notify"

import (
	"context"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// LogHandler writes one structured line per alert. It never fails, so it
// never retries.
type LogHandler struct {
	name   string
	level  zapcore.Level
	logger *zap.Logger
}

var _ Handler = (*LogHandler)(nil)

// NewLogHandler returns a log handler named name that writes to logger.
func NewLogHandler(name string, cfg *LogConfig, logger *zap.Logger) (*LogHandler, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	lvl, _ := zapcore.ParseLevel(cfg.Level)
	return &LogHandler{name: name, level: lvl, logger: logger}, nil
}

// Name returns the handler's name.
func (h *LogHandler) Name() string { return h.name }

// Notify logs each alert of n: status, alertname, severity, fingerprint,
// labels, annotations, plus the group and the fencing term so a log reader
// can tell which leader sent it.
func (h *LogHandler) Notify(_ context.Context, n *Notification) error {
	for i := range n.Alerts {
		a := &n.Alerts[i]
		if ce := h.logger.Check(h.level, "alert notification"); ce != nil {
			ce.Write(
				zap.String("receiver", n.Receiver),
				zap.String("status", a.Status()),
				zap.String(LabelAlertName, a.Labels[LabelAlertName]),
				zap.String(LabelSeverity, a.Labels[LabelSeverity]),
				zap.String("fingerprint", a.Fingerprint),
				zap.Object("labels", sortedMap(a.Labels)),
				zap.Object("annotations", sortedMap(a.Annotations)),
				zap.Time("starts_at", a.StartsAt),
				zap.Time("ends_at", a.EndsAt),
				zap.String("group_key", n.GroupKey),
				zap.Uint64("term", n.Term),
			)
		}
	}
	return nil
}

// sortedMap logs a string map with its keys in order, so identical alerts
// produce identical lines (zap.Any would follow Go's random map order).
type sortedMap map[string]string

func (m sortedMap) MarshalLogObject(enc zapcore.ObjectEncoder) error {
	for _, p := range sortedPairs(m) {
		enc.AddString(p.Name, p.Value)
	}
	return nil
}
