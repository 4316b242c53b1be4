package detect

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/otelcol-chaos/otelcol-chaos/internal/chaosconv"
)

// The labelled scenario corpus (testdata/scenarios/*.json) is written by
// TestGenerateCorpus (corpus_test.go) and read by TestDetectionQuality
// (quality_test.go). A file holds one scenario: a topology of services and
// endpoints, per endpoint one entry per 1-minute bucket, and the labels a
// person would put on the series.
//
// A bucket entry stores only what rebuilds the chaos.bucket summaries: the
// count of events of each kind, probe results, and for latency injections
// their count and the lognormal distribution of their delays (median ms,
// σ of the log: the endpoint's lat_ms, lat_sd unless the entry overrides
// them), as an array whose columns the file names; the delays themselves
// are drawn again by the loader from
// a PCG seeded with (file seed, endpoint index << 32 | bucket index), so a
// file reproduces the same summaries bit for bit. A null entry is a bucket
// the endpoint did not produce: the analytics processor emits nothing for
// a scope without events. The service and global summaries are the merge
// of their endpoints' (every event has an endpoint); a service or the
// global scope without any event in a bucket has no summary either.

// scenarioFile is the JSON form of one scenario.
type scenarioFile struct {
	Name        string `json:"name"`
	Description string `json:"description"`
	// Calm scenarios have no label: any open anomaly on them is a false
	// positive (and TestDetectionQuality requires none).
	Calm          bool           `json:"calm"`
	Seed          uint64         `json:"seed"`
	Columns       []string       `json:"columns"` // of a bucket: bucketColumns
	StartUnixNano int64          `json:"start_unix_nano"`
	BucketSeconds int            `json:"bucket_seconds"`
	Buckets       int            `json:"buckets"`
	Services      []fileService  `json:"services"`
	Labels        []fileLabel    `json:"labels"`
	Endpoints     []fileEndpoint `json:"endpoints"`
}

type fileService struct {
	Name      string   `json:"name"`
	Endpoints []string `json:"endpoints"`
}

// fileLabel is one anomaly a person would mark: type, scope and the
// buckets [Start, End] (indices, inclusive) it covers. A cascading failure
// is labelled on the global scope. May marks an ambiguous one (see the
// labelling rules in corpus_test.go): a detection inside [Start, End] is
// neither credited nor counted as a false positive, and missing it is not
// a miss.
type fileLabel struct {
	Type  chaosconv.AnomalyType `json:"type"`
	Scope string                `json:"scope"`
	Key   string                `json:"key"`
	Start int                   `json:"start"`
	End   int                   `json:"end"`
	May   bool                  `json:"may,omitempty"`
	Why   string                `json:"why"`
}

type fileEndpoint struct {
	Key     string `json:"key"`
	Service string `json:"service"`
	// LatMs and LatSd are the usual lognormal delay distribution; a bucket
	// overrides them with Ms, Sd.
	LatMs   float64       `json:"lat_ms"`
	LatSd   float64       `json:"lat_sd"`
	Buckets []*fileBucket `json:"buckets"`
}

// fileBucket is one endpoint's events in one bucket, by kind. In JSON it
// is an array in the order of bucketColumns (every file repeats them in
// its "columns"): the eight counts, then the median delay and its σ only
// when they are not the endpoint's lat_ms, lat_sd.
type fileBucket struct {
	Lat   int     // latency injections
	Fault int     // fault injections
	RL    int     // rate_limit_exceeded
	TS    int     // traffic_shaping
	Proto int     // protocol_event
	Scn   int     // scenario_transition
	OK    int     // successful probes
	Fail  int     // failed probes
	Ms    float64 // median delay of this bucket's latency injections (0: the endpoint's)
	Sd    float64 // σ of their log (0: the endpoint's)
}

var bucketColumns = []string{"latency_injection", "fault_injection", "rate_limit_exceeded", "traffic_shaping",
	"protocol_event", "scenario_transition", "probe_ok", "probe_failed", "delay_median_ms", "delay_log_sigma"}

func (b *fileBucket) MarshalJSON() ([]byte, error) {
	v := []any{b.Lat, b.Fault, b.RL, b.TS, b.Proto, b.Scn, b.OK, b.Fail}
	if b.Ms != 0 || b.Sd != 0 {
		v = append(v, b.Ms, b.Sd)
	}
	return json.Marshal(v)
}

func (b *fileBucket) UnmarshalJSON(data []byte) error {
	var v []float64
	if err := json.Unmarshal(data, &v); err != nil {
		return err
	}
	if len(v) != 8 && len(v) != 10 {
		return fmt.Errorf("bucket %s: want 8 or 10 columns", data)
	}
	for i, p := range []*int{&b.Lat, &b.Fault, &b.RL, &b.TS, &b.Proto, &b.Scn, &b.OK, &b.Fail} {
		if v[i] < 0 || v[i] != math.Trunc(v[i]) {
			return fmt.Errorf("bucket %s: column %s is not a count", data, bucketColumns[i])
		}
		*p = int(v[i])
	}
	if len(v) == 10 {
		b.Ms, b.Sd = v[8], v[9]
	}
	return nil
}

func (b *fileBucket) events() int {
	return b.Lat + b.Fault + b.RL + b.TS + b.Proto + b.Scn + b.OK + b.Fail
}

const scenarioDir = "testdata/scenarios"

// encodeScenario writes f as JSON with one bucket or label per line, so
// that the files stay readable and diffs stay small.
func encodeScenario(f *scenarioFile) []byte {
	var w bytes.Buffer
	j := func(v any) string {
		b, err := json.Marshal(v)
		if err != nil {
			panic(err)
		}
		return string(b)
	}
	fmt.Fprintf(&w, "{\n  \"name\": %s,\n  \"description\": %s,\n  \"calm\": %v,\n  \"seed\": %d,\n", j(f.Name), j(f.Description), f.Calm, f.Seed)
	fmt.Fprintf(&w, "  \"columns\": %s,\n", j(f.Columns))
	fmt.Fprintf(&w, "  \"start_unix_nano\": %d,\n  \"bucket_seconds\": %d,\n  \"buckets\": %d,\n", f.StartUnixNano, f.BucketSeconds, f.Buckets)
	list := func(name string, n int, item func(int) string, last bool) {
		fmt.Fprintf(&w, "  %q: [", name)
		for i := range n {
			if i > 0 {
				w.WriteString(",")
			}
			w.WriteString("\n    " + item(i))
		}
		if n > 0 {
			w.WriteString("\n  ")
		}
		w.WriteString("]")
		if !last {
			w.WriteString(",")
		}
		w.WriteString("\n")
	}
	list("services", len(f.Services), func(i int) string { return j(f.Services[i]) }, false)
	list("labels", len(f.Labels), func(i int) string { return j(f.Labels[i]) }, false)
	list("endpoints", len(f.Endpoints), func(i int) string {
		e := &f.Endpoints[i]
		var s strings.Builder
		fmt.Fprintf(&s, "{\"key\": %s, \"service\": %s, \"lat_ms\": %s, \"lat_sd\": %s, \"buckets\": [", j(e.Key), j(e.Service), j(e.LatMs), j(e.LatSd))
		for k, b := range e.Buckets {
			if k > 0 {
				s.WriteString(",")
			}
			s.WriteString("\n  " + j(b))
		}
		s.WriteString("\n    ]}")
		return s.String()
	}, true)
	w.WriteString("}\n")
	return w.Bytes()
}

func readScenario(path string) (*scenarioFile, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	f := &scenarioFile{}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(f); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if !slices.Equal(f.Columns, bucketColumns) {
		return nil, fmt.Errorf("%s: columns %v, want %v", path, f.Columns, bucketColumns)
	}
	for _, e := range f.Endpoints {
		if len(e.Buckets) != f.Buckets {
			return nil, fmt.Errorf("%s: endpoint %s has %d buckets, want %d", path, e.Key, len(e.Buckets), f.Buckets)
		}
	}
	return f, nil
}

func scenarioPaths() ([]string, error) {
	paths, err := filepath.Glob(filepath.Join(scenarioDir, "*.json"))
	slices.Sort(paths)
	return paths, err
}

// bucketTime is the summaries of one bucket time, global first, then
// services, then endpoints (the order a processor would see them in).
type bucketTime struct {
	index   int
	buckets []*chaosconv.Bucket
}

// latencySeed is the PCG seed of an endpoint's delays in one bucket.
func latencySeed(ep, bucket int) uint64 { return uint64(ep)<<32 | uint64(bucket) }

// drawDelay is one injected delay in whole ms (chaos events carry integer
// delay_ms).
func drawDelay(r *rand.Rand, ms, sd float64) int64 {
	return max(1, int64(math.Round(ms*math.Exp(sd*r.NormFloat64()))))
}

// buckets rebuilds the summaries of every bucket time that has at least
// one. Endpoint buckets are fed events; service and global buckets are the
// merge of their endpoints' (exactly the bucket of all their events).
func (f *scenarioFile) buckets() []bucketTime {
	width := time.Duration(f.BucketSeconds) * time.Second
	svcOf := map[string]int{}
	for i, s := range f.Services {
		svcOf[s.Name] = i
	}
	lim := &chaosconv.Limits{}
	var out []bucketTime
	for t := range f.Buckets {
		start := f.StartUnixNano + int64(t)*int64(width)
		global := chaosconv.NewBucket(chaosconv.ScopeGlobal, "", start, width)
		services := make([]*chaosconv.Bucket, len(f.Services))
		var endpoints []*chaosconv.Bucket
		for i, e := range f.Endpoints {
			fb := e.Buckets[t]
			if fb == nil || fb.events() == 0 {
				continue
			}
			b := chaosconv.NewBucket(chaosconv.ScopeEndpoint, e.Key, start, width)
			ev := chaosconv.Event{TimeUnixNano: start, Endpoint: e.Key, Source: "scenario"}
			add := func(k chaosconv.Kind, n int) {
				ev.Kind = k
				for range n {
					b.AddEvent(&ev, lim)
				}
			}
			ms, sd := e.LatMs, e.LatSd
			if fb.Ms > 0 {
				ms = fb.Ms
			}
			if fb.Sd > 0 {
				sd = fb.Sd
			}
			r := rand.New(rand.NewPCG(f.Seed, latencySeed(i, t)))
			ev.Kind = chaosconv.KindLatencyInjection
			for range fb.Lat {
				ev.DelayMs = drawDelay(r, ms, sd)
				b.AddEvent(&ev, lim)
			}
			ev.DelayMs = 0
			ev.FaultType = "http_500"
			add(chaosconv.KindFaultInjection, fb.Fault)
			ev.FaultType = ""
			add(chaosconv.KindRateLimitExceeded, fb.RL)
			ev.TrafficBytes = 1024
			add(chaosconv.KindTrafficShaping, fb.TS)
			ev.TrafficBytes = 0
			ev.Protocol = "http"
			add(chaosconv.KindProtocolEvent, fb.Proto)
			ev.Protocol = ""
			add(chaosconv.KindScenarioTransition, fb.Scn)
			ev.ProbeSuccess, ev.HasProbeLatency, ev.ProbeLatencyMs = true, true, 20
			add(chaosconv.KindProbe, fb.OK)
			ev.ProbeSuccess = false
			add(chaosconv.KindProbe, fb.Fail)

			s := svcOf[e.Service]
			if services[s] == nil {
				services[s] = chaosconv.NewBucket(chaosconv.ScopeService, e.Service, start, width)
			}
			services[s].Merge(b, lim)
			global.Merge(b, lim)
			// An endpoint bucket does not list itself as affected (see
			// Bucket.AffectedEndpoints); its service and the global scope do.
			services[s].Endpoints[e.Key] += b.Events
			global.Endpoints[e.Key] += b.Events
			endpoints = append(endpoints, b)
		}
		if global.Events == 0 {
			continue
		}
		bt := bucketTime{index: t, buckets: []*chaosconv.Bucket{global}}
		for _, s := range services {
			if s != nil {
				bt.buckets = append(bt.buckets, s)
			}
		}
		bt.buckets = append(bt.buckets, endpoints...)
		out = append(out, bt)
	}
	return out
}
