package dashboardtest

import (
	"context"
	"sync"

	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/pdata/plog"
)

// ChangingSink is a next consumer for a component under test that keeps a
// copy of every batch it gets and then empties the batch, as a downstream
// consumer may: a component that published a batch after handing it on,
// rather than before as the contract asks, published the emptied batch,
// and the Fake shows it. Safe for concurrent use.
type ChangingSink struct {
	mu  sync.Mutex
	got []plog.Logs
}

var _ consumer.Logs = (*ChangingSink)(nil)

// Capabilities says the sink changes what it gets.
func (*ChangingSink) Capabilities() consumer.Capabilities {
	return consumer.Capabilities{MutatesData: true}
}

// ConsumeLogs keeps a copy of ld, then empties ld.
func (s *ChangingSink) ConsumeLogs(_ context.Context, ld plog.Logs) error {
	c := plog.NewLogs()
	ld.CopyTo(c)
	s.mu.Lock()
	s.got = append(s.got, c)
	s.mu.Unlock()
	ld.ResourceLogs().RemoveIf(func(plog.ResourceLogs) bool { return true })
	return nil
}

// All is every batch received, as it was received, in order.
func (s *ChangingSink) All() []plog.Logs {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]plog.Logs, len(s.got))
	for i, ld := range s.got {
		out[i] = plog.NewLogs()
		ld.CopyTo(out[i])
	}
	return out
}

// FromScope is the batches received whose first scope is named scope: a
// component's own output (its internal/metadata.ScopeName), apart from
// what passed through it.
func (s *ChangingSink) FromScope(scope string) []plog.Logs {
	var out []plog.Logs
	for _, ld := range s.All() {
		if ld.ResourceLogs().Len() > 0 && ld.ResourceLogs().At(0).ScopeLogs().Len() > 0 &&
			ld.ResourceLogs().At(0).ScopeLogs().At(0).Scope().Name() == scope {
			out = append(out, ld)
		}
	}
	return out
}
