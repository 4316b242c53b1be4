# otelcol-chaos — build, run and test the distribution.
# Pinned tool versions live here and agree with go.mod / builder-config.yaml.

GO            ?= go
OCB_VERSION   := 0.161.0
STATICCHECK_VERSION := v0.8.2
BENCHSTAT_VERSION   := v0.0.0-20260908200009-22c9c6c9d4da

BIN        := $(CURDIR)/bin
OCB        := $(BIN)/ocb
STATICCHECK := $(BIN)/staticcheck
BENCHSTAT  := $(BIN)/benchstat
DIST_DIR   := $(CURDIR)/build/otelcol-chaos
COLLECTOR  := $(DIST_DIR)/otelcol-chaos
CONFIG     ?= deploy/config/single-node.yaml

# Bounded fuzzing inside `make test`; `make fuzz FUZZTIME=5m` for longer runs.
# Each entry is package:target.
FUZZTIME   ?= 10s
FUZZ_TARGETS := \
	./receiver/chaosreceiver/internal/decoder:FuzzDecode \
	./receiver/chaosreceiver/internal/decoder:FuzzParseTimestamp \
	./receiver/chaosreceiver/internal/decoder:FuzzScanString \
	./receiver/chaosreceiver/internal/chaostoolkit:FuzzDecode \
	./connector/chaosspansconnector:FuzzAdjustedCount \
	./internal/sketch:FuzzUnmarshal \
	./internal/sketch:FuzzBoundsCounts \
	./internal/stats:FuzzUnmarshal

GO_SOURCES := $(shell find . -name '*.go' -not -path './build/*' -not -path './bin/*') go.mod go.sum

.PHONY: all build run test unit fuzz distribution-test e2e e2e-fleet soak bench benchstat bench-throughput bench-failover lint demo clean tools

all: build

$(OCB):
	@mkdir -p $(BIN)
	GOBIN=$(BIN) $(GO) install go.opentelemetry.io/collector/cmd/builder@v$(OCB_VERSION)
	mv $(BIN)/builder $(OCB)

$(STATICCHECK):
	GOBIN=$(BIN) $(GO) install honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION)

$(BENCHSTAT):
	GOBIN=$(BIN) $(GO) install golang.org/x/perf/cmd/benchstat@$(BENCHSTAT_VERSION)

tools: $(OCB) $(STATICCHECK) $(BENCHSTAT)

## build: the otelcol-chaos binary, with ocb, into build/otelcol-chaos/
build: $(COLLECTOR)

$(COLLECTOR): $(OCB) builder-config.yaml $(GO_SOURCES)
	@mkdir -p $(dir $(DIST_DIR))
	$(OCB) --config builder-config.yaml
	@touch $(COLLECTOR)

## run: build, then run the collector on the single-node default config
run: build
	$(COLLECTOR) --config $(CONFIG)

## test: race-checked unit tests, bounded fuzzing, and the binary's end-to-end test
test: unit fuzz distribution-test

unit:
	$(GO) test -race -count=1 ./...

fuzz:
	FUZZTIME=$(FUZZTIME) GO=$(GO) scripts/fuzz-bounded.sh $(FUZZ_TARGETS)

# Starts the built binary, posts events over HTTP and checks every one
# arrives downstream with the right attributes.
distribution-test: build
	OTELCOL_CHAOS_BINARY=$(COLLECTOR) $(GO) test -race -count=1 -v ./test/distribution/

## e2e: the built binary against real tools (Debian's prometheus,
## prometheus-alertmanager and chromium, installed once if missing) on
## loopback, fed by chaosgen: a fault storm must make an alert appear in
## Alertmanager and calm traffic resolve it; every dashboard query must answer
## in Prometheus; the Prometheus alerting rules pass promtool's tests; the
## chaos_dashboard page, in chromium, follows the data live and reconnects
## after a restart (screenshots in build/e2e-screenshots); a steady_state
## guardrail stops a MockForge stub exactly once when a fault storm breaks
## the services' probes
SUDO         ?= $(if $(filter 0,$(shell id -u)),,sudo)
ALERTMANAGER ?= prometheus-alertmanager
PROMETHEUS   ?= prometheus
PROMTOOL     ?= promtool
CHROMIUM     ?= chromium
E2E_PACKAGES := prometheus prometheus-alertmanager chromium
CHAOSGEN     := $(CURDIR)/build/chaosgen
CHAOSDEMO    := $(CURDIR)/build/chaosdemo
E2E_TIMEOUT  ?= 15m
e2e: build
	@missing=""; for c in $(ALERTMANAGER) $(PROMETHEUS) $(PROMTOOL) $(CHROMIUM); do command -v $$c >/dev/null || missing=yes; done; \
	if [ -n "$$missing" ]; then $(SUDO) apt-get update && $(SUDO) apt-get install -y --no-install-recommends $(E2E_PACKAGES); fi
	$(GO) build -o $(CHAOSGEN) ./cmd/chaosgen
	$(GO) build -o $(CHAOSDEMO) ./cmd/chaosdemo
	am=$$(command -v $(ALERTMANAGER)) && prom=$$(command -v $(PROMETHEUS)) && promtool=$$(command -v $(PROMTOOL)) && \
		chromium=$$(command -v $(CHROMIUM)) || \
		{ echo "e2e: $(ALERTMANAGER), $(PROMETHEUS), $(PROMTOOL) or $(CHROMIUM) not on PATH" >&2; exit 1; }; \
	mkdir -p build/e2e-screenshots; \
	OTELCOL_CHAOS_BINARY=$(COLLECTOR) ALERTMANAGER_BINARY=$$am PROMETHEUS_BINARY=$$prom PROMTOOL=$$promtool CHAOSGEN=$(CHAOSGEN) CHAOSDEMO=$(CHAOSDEMO) \
	CHROMIUM_BINARY=$$chromium DASHBOARD_SCREENSHOTS=$(CURDIR)/build/e2e-screenshots \
		$(GO) test -count=1 -v -timeout $(E2E_TIMEOUT) -skip '^Test(Fleet|Soak)$$' ./test/e2e/ && \
	CHROMIUM=$$chromium DASHBOARD_SCREENSHOTS=$(CURDIR)/build/e2e-screenshots/page \
		$(GO) test -tags browser -count=1 -v -run Browser ./extension/chaosdashboardextension/internal/web/

## e2e-fleet: on loopback, a real etcd (embedded, in a child process), two
## gateways and three agents of the built binary and a reference collector,
## driven by chaosgen: merged buckets equal the reference's, one notification
## per transition with the leader's term, the leader killed (-9) in
## group_wait, an agent and a gateway killed (-9) for 30 s
e2e-fleet: build
	$(GO) build -o $(CHAOSGEN) ./cmd/chaosgen
	OTELCOL_CHAOS_BINARY=$(COLLECTOR) CHAOSGEN=$(CHAOSGEN) \
		$(GO) test -count=1 -v -timeout $(E2E_TIMEOUT) -run '^TestFleet$$' ./test/e2e/

## soak: the whole single-node pipeline under live chaosgen load, RSS and
## CPU sampled every 10 s (not in CI): SOAK_DURATION, SOAK_RATE events/s
SOAK_DURATION ?= 10m
SOAK_RATE     ?= 5000
soak: build
	$(GO) build -o $(CHAOSGEN) ./cmd/chaosgen
	OTELCOL_CHAOS_BINARY=$(COLLECTOR) CHAOSGEN=$(CHAOSGEN) SOAK_DURATION=$(SOAK_DURATION) SOAK_RATE=$(SOAK_RATE) SOAK_PROFILES=$(CURDIR)/build \
		$(GO) test -count=1 -v -timeout 60m -run '^TestSoak$$' ./test/e2e/ | tee build/soak.txt

## bench: the benchmarks recorded in docs/performance.md
BENCH      ?= .
BENCHTIME  ?= 1s
BENCHCOUNT ?= 1
bench:
	$(GO) test -run='^$$' -bench='$(BENCH)' -benchmem -benchtime=$(BENCHTIME) -count=$(BENCHCOUNT) ./...

benchstat: $(BENCHSTAT)
	$(BENCHSTAT) $(BENCHFILES)

## bench-throughput: chaos vs stock otlp receiver, runs interleaved (this VM drifts)
THROUGHPUT_RUNS ?= 6
bench-throughput: $(BENCHSTAT)
	@mkdir -p build
	$(GO) test -c -o build/chaosreceiver.test ./receiver/chaosreceiver
	@rm -f build/throughput.txt
	@for i in $$(seq $(THROUGHPUT_RUNS)); do \
		build/chaosreceiver.test -test.run='^$$' -test.bench=ReceiverThroughput -test.benchtime=3s | tee -a build/throughput.txt; \
	done
	$(BENCHSTAT) build/throughput.txt
	@awk '{split($$1, k, "/receiver=")} /receiver=chaos-/{c[k[1]]=$$7} /receiver=otlp-/{if (k[1] in c) printf "%s run ratio chaos/otlp events per CPU-second: %.2f\n", k[1], c[k[1]]/$$7}' build/throughput.txt

## bench-failover: coordinator failover times on an embedded three-member etcd
FAILOVER_TRIALS ?= 10
FAILOVER_LEASE  ?= 3s
bench-failover:
	COORDINATOR_FAILOVER_TRIALS=$(FAILOVER_TRIALS) COORDINATOR_FAILOVER_LEASE=$(FAILOVER_LEASE) \
		$(GO) test -count=1 -run TestEtcdFailoverTimes -v ./extension/coordinatorextension/ | tee build/failover.txt

## lint: gofmt, go vet, staticcheck
lint: $(STATICCHECK)
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	$(STATICCHECK) ./...

## demo: a game day replayed in simulated time (about an hour of event time, under two
## minutes of wall time), then a summary of what the collector concluded
demo: build
	$(GO) build -o $(CHAOSGEN) ./cmd/chaosgen
	$(GO) run ./cmd/chaosdemo -collector $(COLLECTOR) -chaosgen $(CHAOSGEN) -config $(CONFIG) -log build/demo-collector.log

clean:
	rm -rf build
