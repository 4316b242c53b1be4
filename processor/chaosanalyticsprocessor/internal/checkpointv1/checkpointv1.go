// Package checkpointv1 is version 1 of the chaos_analytics processor's
// checkpoint: the open buckets, the partials kept for them and the
// watermark, stored through a storage extension.
//
// The stored form is OTLP protobuf (plog.Logs), laid out as:
//
//   - exactly one ResourceLogs, whose resource attributes are
//     chaos.checkpoint.version (int, Version), chaos.checkpoint.max_event_time
//     and chaos.checkpoint.closed_through (int, Unix ns), and
//     chaos.checkpoint.producers (map of producer → int Unix ns; absent when
//     no producer was heard from);
//   - one ScopeLogs holding a chaos.bucket record per open bucket (every
//     scope and width) and per partial kept (chaos.bucket.producer set).
//
// A bucket record is the chaos.bucket contract of docs/semantic-conventions.md
// (chaosconv.EncodeBucket / DecodeBucket): every field has an explicit
// attribute key, never a Go field name, and that contract must stay
// readable anyway, since agents and gateways of different releases send it
// to each other. So the checkpoint has no second encoding of a bucket to
// keep in step; what is specific to it (the resource attributes above, and
// the version) is mapped here and only here.
//
// Checkpoints written before the version attribute existed have the same
// layout and are version 1. A reader refuses any other version, or a body
// not laid out as above, and the processor starts fresh rather than
// misread it. testdata/checkpoint-v1.bin, next to the processor, holds a
// checkpoint every later version of this code must read.
package checkpointv1 // import "github.com/otelcol-chaos/otelcol-chaos/processor/chaosanalyticsprocessor/internal/checkpointv1"

import (
	"errors"
	"fmt"
	"maps"
	"slices"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/otelcol-chaos/otelcol-chaos/internal/chaosconv"
	"github.com/otelcol-chaos/otelcol-chaos/internal/checkpoint"
	"github.com/otelcol-chaos/otelcol-chaos/processor/chaosanalyticsprocessor/internal/aggregate"
)

// Version is the format version this package writes and reads.
const Version = 1

// Encode lays the open buckets (then the partials, as
// aggregate.Aggregator.Snapshot returns them) and the watermark state out
// as a checkpoint. The buckets are read now: they may change afterwards.
func Encode(buckets []*chaosconv.Bucket, st aggregate.State, impact *chaosconv.ImpactConfig) plog.Logs {
	ld := plog.NewLogs()
	rl := ld.ResourceLogs().AppendEmpty()
	attrs := rl.Resource().Attributes()
	attrs.PutInt(chaosconv.AttrCheckpointVersion, Version)
	attrs.PutInt(chaosconv.AttrCheckpointMaxEventTime, st.MaxEventTime)
	attrs.PutInt(chaosconv.AttrCheckpointClosedThrough, st.ClosedThrough)
	if len(st.Producers) > 0 {
		producers := attrs.PutEmptyMap(chaosconv.AttrCheckpointProducers)
		for _, id := range slices.Sorted(maps.Keys(st.Producers)) {
			producers.PutInt(id, st.Producers[id])
		}
	}
	records := rl.ScopeLogs().AppendEmpty().LogRecords()
	for _, b := range buckets {
		chaosconv.EncodeBucket(b, impact, records.AppendEmpty())
	}
	return ld
}

// Marshal is the stored form of an encoded checkpoint.
func Marshal(ld plog.Logs) ([]byte, error) { return (&plog.ProtoMarshaler{}).MarshalLogs(ld) }

// Unmarshal reads a stored checkpoint back: its buckets (in stored order)
// and watermark state. Another version is a *checkpoint.VersionError.
func Unmarshal(data []byte) ([]*chaosconv.Bucket, aggregate.State, error) {
	var st aggregate.State
	ld, err := (&plog.ProtoUnmarshaler{}).UnmarshalLogs(data)
	if err != nil {
		return nil, st, fmt.Errorf("not OTLP logs: %w", err)
	}
	if n := ld.ResourceLogs().Len(); n != 1 {
		return nil, st, fmt.Errorf("%d resources, a checkpoint has 1", n)
	}
	rl := ld.ResourceLogs().At(0)
	attrs := rl.Resource().Attributes()
	if v, ok := attrs.Get(chaosconv.AttrCheckpointVersion); ok {
		if v.Type() != pcommon.ValueTypeInt {
			return nil, st, fmt.Errorf("%s is %s, not an int", chaosconv.AttrCheckpointVersion, v.Type())
		}
		if v.Int() != Version {
			return nil, st, &checkpoint.VersionError{Found: int(v.Int()), Reads: Version}
		}
	}
	if st.MaxEventTime, err = intAttr(attrs, chaosconv.AttrCheckpointMaxEventTime); err != nil {
		return nil, st, err
	}
	if st.ClosedThrough, err = intAttr(attrs, chaosconv.AttrCheckpointClosedThrough); err != nil {
		return nil, st, err
	}
	if v, ok := attrs.Get(chaosconv.AttrCheckpointProducers); ok {
		if v.Type() != pcommon.ValueTypeMap {
			return nil, st, fmt.Errorf("%s is %s, not a map", chaosconv.AttrCheckpointProducers, v.Type())
		}
		st.Producers = map[string]int64{}
		for id, through := range v.Map().All() {
			if through.Type() != pcommon.ValueTypeInt {
				return nil, st, fmt.Errorf("%s[%q] is %s, not an int", chaosconv.AttrCheckpointProducers, id, through.Type())
			}
			st.Producers[id] = through.Int()
		}
	}
	var buckets []*chaosconv.Bucket
	for _, sl := range rl.ScopeLogs().All() {
		for _, lr := range sl.LogRecords().All() {
			b := &chaosconv.Bucket{}
			if err := chaosconv.DecodeBucket(lr, b); err != nil {
				return nil, st, fmt.Errorf("bucket record %d: %w", len(buckets), err)
			}
			buckets = append(buckets, b)
		}
	}
	return buckets, st, nil
}

var errMissing = errors.New("missing")

func intAttr(m pcommon.Map, k string) (int64, error) {
	v, ok := m.Get(k)
	if !ok {
		return 0, fmt.Errorf("%s: %w", k, errMissing)
	}
	if v.Type() != pcommon.ValueTypeInt {
		return 0, fmt.Errorf("%s is %s, not an int", k, v.Type())
	}
	return v.Int(), nil
}
