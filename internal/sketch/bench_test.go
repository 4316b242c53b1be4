package sketch

import (
	"math"
	"math/rand/v2"
	"testing"
)

// typicalBucket is a 1-minute bucket: 600 latencies uniform in 50..5000 ms.
func typicalBucket(seed uint64) []float64 {
	return uniform(rand.New(rand.NewPCG(seed, seed)), 600, 50, 5000)
}

func BenchmarkAdd(b *testing.B) {
	vals := lognormal(rand.New(rand.NewPCG(1, 2)), 1<<12, math.Log(200), 1)
	s := build(vals) // warmed up: the store covers the values
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		s.Add(vals[i&(len(vals)-1)])
		i++
	}
}

// BenchmarkBuildTypical builds a typical bucket sketch from scratch and
// reports its memory.
func BenchmarkBuildTypical(b *testing.B) {
	vals := typicalBucket(3)
	b.ReportAllocs()
	var s *Sketch
	for b.Loop() {
		s = build(vals)
	}
	b.ReportMetric(float64(s.MemoryBytes()), "mem-bytes/sketch")
	b.ReportMetric(float64(s.width), "bins/sketch")
	b.ReportMetric(float64(len(s.AppendBinary(nil))), "encoded-bytes/sketch")
}

// BenchmarkMerge merges a typical bucket sketch into an accumulating coarser
// one, as the aggregator rolls up finer buckets.
func BenchmarkMerge(b *testing.B) {
	src := build(typicalBucket(4))
	dst := build(typicalBucket(5))
	b.ReportAllocs()
	for b.Loop() {
		dst.Merge(src)
	}
	b.ReportMetric(float64(src.MemoryBytes()), "mem-bytes/sketch")
}

func BenchmarkQuantile(b *testing.B) {
	s := build(typicalBucket(6))
	b.ReportAllocs()
	for b.Loop() {
		_, _ = s.Quantile(0.99)
	}
}

func BenchmarkAppendBinary(b *testing.B) {
	s := build(typicalBucket(7))
	buf := s.AppendBinary(nil)
	b.ReportAllocs()
	for b.Loop() {
		buf = s.AppendBinary(buf[:0])
	}
	b.ReportMetric(float64(len(buf)), "encoded-bytes/sketch")
}

func BenchmarkUnmarshalBinary(b *testing.B) {
	buf := build(typicalBucket(8)).AppendBinary(nil)
	var s Sketch
	b.ReportAllocs()
	for b.Loop() {
		if err := s.UnmarshalBinary(buf); err != nil {
			b.Fatal(err)
		}
	}
}
