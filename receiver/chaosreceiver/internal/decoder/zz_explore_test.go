package decoder

import (
	"fmt"
	"strings"
	"testing"
)

func TestZZExplore(t *testing.T) {
	ok := `{"timestamp":"2025-10-07T14:03:21Z","event_type":{"type":"RateLimitExceeded"}}`
	for _, body := range []string{
		`[` + ok + `,]`,
		`[` + ok + ` ` + ok + `]`,
		`[` + ok,
		ok + ` x`,
		`{"timestamp":"2025-10-07T14:03:21Z","kind":"experiment","experiment":"x","phase":"paused"}`,
		`{"timestamp":"2025-10-07T14:03:21Z","event_type":{"type":"FaultInjection","fault_type":""}}`,
		`{"timestamp":"2025-10-07T14:03:21Z","event_type":{"type":"RateLimitExceeded"},"x":` + strings.Repeat("[", 70) + strings.Repeat("]", 70) + `}`,
		`{"events": 5}`,
		`{"timestamp":"2025-10-07T14:03:21Z","event_type":{"type":"RateLimitExceeded"},}`,
		"{\"timestamp\":\"2025-10-07T14:03:21Z\",\"event_type\":{\"type\":\"Rate\xffLimitExceeded\"}}",
	} {
		var b Batch
		err := Decode(body, Options{}, &b)
		fmt.Printf("%.60q\n   -> %v %#v\n", body, err, b.Events)
	}
}
