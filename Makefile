# govpulse: everyday commands. `make` alone lists them.
# Setup that is not Go modules (embedded ClickHouse engine, ECharts, chromium) is scripts/deps.sh.

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
MAKEFLAGS += --no-print-directory

GO      ?= go
BIN     ?= bin/govpulse
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS ?= -X main.version=$(VERSION)
# Local data dir for `make run`; GOVPULSE_DATA (or DATA=...) overrides it.
DATA    ?= $(or $(GOVPULSE_DATA),./data)
# Extra arguments for `make run`, e.g. make run RUN_ARGS='--addr :9090'
RUN_ARGS ?=
# libchdb.so for tests and benchmarks: the caller's GOVPULSE_CHDB_LIB if set, else the per-user cache
# path that scripts/deps.sh fills (evaluated lazily, only by the targets that use it).
CHDB_LIB = $(or $(GOVPULSE_CHDB_LIB),$(shell scripts/deps.sh chdb-path))

.PHONY: help deps deps-run build run test fuzz bench soak golden fmt vet clean

help: ## list the targets
	@echo "usage: make <target>"
	@echo
	@grep -hE '^[a-zA-Z0-9_-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{ printf "  %-8s %s\n", $$1, $$2 }'

deps: ## fetch everything: libchdb (embedded ClickHouse), web packages (ECharts), chromium
	scripts/deps.sh all

deps-run: ## fetch what `make run` needs (libchdb + web packages, no chromium)
	scripts/deps.sh chdb web

build: ## build bin/govpulse
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN) ./cmd/govpulse

run: deps-run build ## serve on the embedded engine with a year of simulated data streaming live (DATA=./data, RUN_ARGS=...)
	./$(BIN) serve --demo --data "$(DATA)" $(RUN_ARGS)

# Fuzz targets run briefly in `make test` (their seed corpora also run in the plain test pass);
# `make fuzz FUZZTIME=10m` runs each longer.
FUZZTIME ?= 3s
FUZZ_TARGETS := FuzzParseNDJSON FuzzParseCSV FuzzParseMappedCSV FuzzJSONDecoder FuzzLoadMapping FuzzMaskPII FuzzScoreSentiment FuzzTokenizeText
# Targets of ./assistant/ (FuzzQuerySpec runs on the embedded engine).
FUZZ_ASSISTANT := FuzzParseQuestion FuzzGuard FuzzQuerySpec
# Targets of ./models/: the period parser (and the dashboard's from/to pair), the holiday calendar.
FUZZ_MODELS := FuzzParsePeriod FuzzParseFromTo FuzzParseCalendar

test: ## fetch deps, then go vet, all tests, and a brief run of every fuzz target (CI=true is passed through)
	scripts/deps.sh all
	CI="$${CI:-}" $(GO) vet ./...
	CI="$${CI:-}" GOVPULSE_CHDB_LIB="$(CHDB_LIB)" $(GO) test -count=1 -timeout 30m ./...
	@$(MAKE) fuzz

fuzz: ## run every fuzz target for FUZZTIME (default 3s)
	@GO="$(GO)" scripts/fuzz.sh $(FUZZTIME) ./pipeline/ $(FUZZ_TARGETS)
	@GO="$(GO)" CI="$${CI:-}" GOVPULSE_CHDB_LIB="$(CHDB_LIB)" scripts/fuzz.sh $(FUZZTIME) ./assistant/ $(FUZZ_ASSISTANT)
	@GO="$(GO)" scripts/fuzz.sh $(FUZZTIME) ./models/ $(FUZZ_MODELS)

# The overview benchmark (bench/): loads BENCH_SCALE × a year of simulated Ho Chi Minh City into
# BENCH_DATA once (reused by later runs with the same settings), then times every overview panel
# against base-table SQL. DESIGN §7's 50M dossiers is BENCH_SCALE=42 (~10 GB of disk, hours to load
# on 2 cores); the default loads 7.3M dossiers, 1.1M petitions and 3M posts (1.3 GB; 25 min on a
# busy 2-core machine).
BENCH_SCALE ?= 6
BENCH_DAYS  ?= 365
BENCH_DATA  ?= ./bench-data
BENCH_ARGS  ?=

bench: deps build ## load simulated data and time the overview panels vs base-table SQL (BENCH_SCALE=6, BENCH_DATA=./bench-data), then run every Go benchmark once
	GOVPULSE_CHDB_LIB="$(CHDB_LIB)" $(GO) run ./bench -bin $(BIN) -data "$(BENCH_DATA)" -scale $(BENCH_SCALE) -days $(BENCH_DAYS) $(BENCH_ARGS)
	CI="$${CI:-}" GOVPULSE_CHDB_LIB="$(CHDB_LIB)" $(GO) test -run '^$$' -bench . -benchtime 1x -timeout 120m ./...

# The soak test (bench/load): a fresh `govpulse serve --demo` on a temporary data dir, SOAK_USERS
# dashboard users and SOAK_RATE ingested records a second for SOAK_DURATION; prints a row every 10 s
# (req/s, p50/p99, errors, ingest, RSS and Go heap), then p50/p99 per route class, acknowledged vs
# stored records and the memory growth after the 2-minute warm-up.
SOAK_DURATION ?= 10m
SOAK_USERS    ?= 50
SOAK_RATE     ?= 200
SOAK_ARGS     ?=

soak: deps-run build ## 10 min of ingest (200 records/s) + 50 dashboard users on a fresh serve --demo: latency, errors, acked vs stored, memory over time
	GOVPULSE_CHDB_LIB="$(CHDB_LIB)" $(GO) run ./bench/load -serve $(BIN) -users $(SOAK_USERS) -ingest-rate $(SOAK_RATE) -duration $(SOAK_DURATION) $(SOAK_ARGS)

# Only packages whose tests declare the -update flag get it: a test binary without the flag would
# stop with "flag provided but not defined".
GOLDEN_RE   := flag\.Bool(Var)?\([^)]*"update"
GOLDEN_PKGS = $(shell grep -rlE --include='*_test.go' '$(GOLDEN_RE)' . 2>/dev/null | xargs -r -n1 dirname | sort -u)

golden: ## rewrite golden files (tests that define -update)
	scripts/deps.sh chdb
	@if [ -z "$(strip $(GOLDEN_PKGS))" ]; then echo "golden: no test declares an -update flag"; else \
		echo 'GOVPULSE_CHDB_LIB="$(CHDB_LIB)" $(GO) test -count=1 $(GOLDEN_PKGS) -run Golden -update'; \
		GOVPULSE_CHDB_LIB="$(CHDB_LIB)" $(GO) test -count=1 $(GOLDEN_PKGS) -run Golden -update; fi

fmt: ## gofmt -s every Go file
	@files="$$(git ls-files --cached --others --exclude-standard -- '*.go')"; \
		if [ -n "$$files" ]; then gofmt -s -l -w $$files; fi

vet: ## go vet ./...
	$(GO) vet ./...

clean: ## remove build output (bin/); never touches data dirs or caches
	rm -rf bin/
