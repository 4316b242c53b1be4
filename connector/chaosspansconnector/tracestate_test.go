package chaosspansconnector

import (
	"testing"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/attribute"
)

func attributeScope(s string) attribute.KeyValue { return attribute.String("scope", s) }

func TestAdjustedCount(t *testing.T) {
	for _, tc := range []struct {
		ts    string
		want  float64
		state thresholdState
	}{
		{"", 0, noThreshold},
		{"vendor=abc", 0, noThreshold},
		{"ot=rv:abcdef01234567", 0, noThreshold},
		{"ot=th:0", 1, hasThreshold},
		{"ot=th:00000000000000", 1, hasThreshold},
		{"ot=th:8", 2, hasThreshold},
		{"ot=th:c", 4, hasThreshold},
		{"ot=th:e", 8, hasThreshold},
		{"ot=th:ff", 256, hasThreshold},
		{"ot=th:ffffffffffffff", 1 << 56, hasThreshold},
		{"a=1, ot=rv:01;th:8 ,b=2", 2, hasThreshold},
		{"a=1,\tot=th:c", 4, hasThreshold},
		{"ot=th:", 0, badThreshold},
		{"ot=th:xyz", 0, badThreshold},
		{"ot=th:C", 4, hasThreshold}, // hexdigit = DIGIT / A-F / a-f
		{"ot=th:g", 0, badThreshold},
		{"ot=th:0123456789abcde", 0, badThreshold},
		{"ot=th:-1", 0, badThreshold},
	} {
		got, st := adjustedCount(tc.ts)
		require.Equal(t, tc.state, st, tc.ts)
		require.Equal(t, tc.want, got, tc.ts)
	}
}

func attributeOutcome(s string) attribute.KeyValue { return attribute.String("outcome", s) }

// FuzzAdjustedCount: any tracestate yields a state, and a threshold an
// adjusted count in [1, 2^56].
func FuzzAdjustedCount(f *testing.F) {
	for _, s := range []string{"", "ot=th:0", "ot=th:8", "a=1,ot=rv:01;th:fd70a3d70a3d7", "ot=th:", "ot=th:ffffffffffffff", "ot=;;th", ",,ot=th:1,"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, ts string) {
		n, st := adjustedCount(ts)
		switch st {
		case hasThreshold:
			if !(n >= 1 && n <= maxThreshold) {
				t.Fatalf("%q: adjusted count %v", ts, n)
			}
		case noThreshold, badThreshold:
			if n != 0 {
				t.Fatalf("%q: %v without a threshold", ts, n)
			}
		default:
			t.Fatalf("%q: state %d", ts, st)
		}
	})
}
