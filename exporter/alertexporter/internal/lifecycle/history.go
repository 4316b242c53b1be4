package lifecycle

// History is a bounded ring of transitions, queried newest first.
type History struct {
	buf  []Transition
	next int
	full bool
}

// NewHistory keeps the last size transitions (at least 1).
func NewHistory(size int) *History { return &History{buf: make([]Transition, max(size, 1))} }

// Add records a transition, evicting the oldest when full.
func (h *History) Add(t Transition) {
	h.buf[h.next] = t
	h.next = (h.next + 1) % len(h.buf)
	if h.next == 0 {
		h.full = true
	}
}

// Len is how many transitions are held.
func (h *History) Len() int {
	if h.full {
		return len(h.buf)
	}
	return h.next
}

// Newest returns up to limit transitions (all when limit ≤ 0) accepted by
// keep (all when nil), newest first.
func (h *History) Newest(limit int, keep func(*Transition) bool) []Transition {
	var out []Transition
	for i := range h.Len() {
		t := &h.buf[(h.next-1-i+len(h.buf))%len(h.buf)]
		if keep != nil && !keep(t) {
			continue
		}
		out = append(out, *t)
		if limit > 0 && len(out) == limit {
			break
		}
	}
	return out
}
