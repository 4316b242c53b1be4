package api

import (
	"encoding/json"
	"time"
)

// Fleet is the answer of /api/v1/fleet: the coordinator's view of the
// collectors, or this one alone (Standalone) without a coordinator.
type Fleet struct {
	Self       string   `json:"self"`
	Leader     string   `json:"leader"`
	Term       uint64   `json:"term"`
	IsLeader   bool     `json:"is_leader"`
	Standalone bool     `json:"standalone,omitempty"`
	Members    []Member `json:"members"`
}

// Member is one collector of the fleet. LastHeartbeat is written null
// when unknown (this node alone, without a coordinator).
type Member struct {
	ID            string    `json:"id"`
	Status        string    `json:"status"`
	LastHeartbeat time.Time `json:"-"`
}

// MarshalJSON writes last_heartbeat in UTC, or null for the zero time.
func (m Member) MarshalJSON() ([]byte, error) {
	var hb *time.Time
	if !m.LastHeartbeat.IsZero() {
		t := m.LastHeartbeat.UTC()
		hb = &t
	}
	return json.Marshal(struct {
		ID            string     `json:"id"`
		Status        string     `json:"status"`
		LastHeartbeat *time.Time `json:"last_heartbeat"`
	}{m.ID, m.Status, hb})
}

// normalized returns f as written: members never null, times in UTC.
func (f Fleet) normalized() Fleet {
	members := make([]Member, len(f.Members))
	for i, m := range f.Members {
		m.LastHeartbeat = m.LastHeartbeat.UTC()
		members[i] = m
	}
	f.Members = members
	return f
}
