# Tapedeck. `make demo` runs the demo, `make test` runs every test; both install what they need.
SHELL := /bin/bash
.DEFAULT_GOAL := help
WASM := target/wasm32-unknown-unknown/release/tapedeck.wasm
BINDGEN := target/wasm-bindgen
PORT ?= 8000
# The collector's own release profile (Cargo.toml: the SDK's release profile is for wasm size).
COLLECTOR := target/collector/tapedeck-collector
export CHROMEDRIVER := /usr/bin/chromedriver
export WASM_BINDGEN_TEST_WEBDRIVER_JSON := $(CURDIR)/webdriver.json
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER := wasm-bindgen-test-runner
# The runner's 20 s default counts browser start-up; a loaded 2-core CI machine needs more.
export WASM_BINDGEN_TEST_TIMEOUT := 120

.PHONY: help setup setup-test build build-collector size demo test test-host test-browser test-types test-e2e lint bench

help:
	@echo "make demo   build the SDK and the collector; serve the demo on http://127.0.0.1:$(PORT)/www/"
	@echo "            and the recorded sessions on http://127.0.0.1:$(PORT)/www/viewer.html"
	@echo "make test   run every test (host, browser, types, end to end)"
	@echo "make build  build pkg/dist (ES module, classic script, wasm) and print sizes"
	@echo "make size   print raw / gzip -9 / brotli sizes of what a page downloads"
	@echo "make bench  Tapedeck vs rrweb's recorder in headless Chromium (BENCH_RUNS=n, BENCH_QUICK=1; see BENCHMARKS.md)"

setup:
	@tools/setup.sh build

setup-test:
	@tools/setup.sh test

build: setup
	@# The wasm's shadow stack: 256 KB, not Rust's default 1 MB. Linear memory starts at the stack
	@# size plus data and never shrinks, so every page paid the megabyte; nothing recurses on page
	@# data, and the deepest use measured (gzip in the wire path) is about 64 KB. The stack sits
	@# below the data, so an overflow traps instead of overwriting the heap.
	cargo rustc --target wasm32-unknown-unknown --release --lib -- -C link-arg=-zstack-size=262144
	@# --encode-into always: no TextEncoder.encodeInto polyfill (every browser that runs the
	@# wasm has encodeInto: Chrome 74, Safari 14.1, Firefox 66).
	wasm-bindgen --target web --encode-into always --out-dir $(BINDGEN) --out-name core $(WASM)
	mkdir -p pkg/dist
	@# Panics trap at once instead of formatting a message nobody sees (tools/wasm-panics.mjs);
	@# core_bg.wasm keeps its Rust names for the bench's profiles.
	node tools/wasm-panics.mjs $(BINDGEN)/core_bg.wasm $(BINDGEN)/core_trap.wasm
	@# Functions ordered by name compress better (similar code side by side); the custom
	@# sections left are read by tools only. --low-memory-unused lets `load(p + c)` fold c into
	@# the load's offset: it only differs when p + c wraps past 4 GB to below 1 KB, and the low
	@# 1 KB is the far end of the stack (it grows down from 256 KB), never reached (-0.5 KB brotli).
	@# --flatten --rereloop first rebuilds each function's control flow from scratch, which
	@# -Oz then shrinks further (-0.6 KB brotli; the snapshot bench shows no change in CPU).
	@# --gufa-optimizing (whole-program flow analysis: constants and unreachable paths through
	@# calls and the function table) finds a little more after that (-0.15 KB).
	node_modules/.bin/wasm-opt --flatten --rereloop -Oz --converge --gufa-optimizing -Oz \
	  --reorder-functions-by-name --low-memory-unused \
	  --strip-producers --strip-target-features --enable-bulk-memory --enable-sign-ext \
	  --enable-nontrapping-float-to-int --enable-reference-types --enable-multivalue \
	  $(BINDGEN)/core_trap.wasm -o $(BINDGEN)/core_opt.wasm
	node tools/bundle.mjs
	@$(MAKE) --no-print-directory size

size:
	@node tools/size.mjs

build-collector:
	cargo build --profile collector -p tapedeck-collector

demo: build build-collector
	@echo "Demo:   http://127.0.0.1:$(PORT)/www/"
	@echo "Viewer: http://127.0.0.1:$(PORT)/www/viewer.html"
	$(COLLECTOR) --host 127.0.0.1 --port $(PORT) --static $(CURDIR) --data-dir $(CURDIR)/.tapedeck-data

test: setup-test build build-collector
	@start=$$(date +%s); \
	$(MAKE) --no-print-directory lint test-host test-browser test-types test-e2e && \
	echo "make test: all layers passed in $$(( $$(date +%s) - start ))s (after the build)"

test-host:
	cargo test --workspace

test-browser:
	tools/browser-tests.sh

test-types:
	node_modules/.bin/tsc -p tests/types/tsconfig.json

test-e2e:
	node --test --test-concurrency=1 tests/e2e/

# Not part of `make test`: it takes minutes and its numbers are goals, not pass/fail.
bench: setup-test build
	node bench/run.mjs

lint:
	cargo fmt --all --check
	cargo clippy --workspace --all-targets -- -D warnings
	cargo clippy --target wasm32-unknown-unknown --all-targets -- -D warnings
	@# One JS module for all helpers (see tools/browser-tests.sh for why).
	@! grep -rn 'inline_js' src/ || { echo 'lint: use src/web/glue.js, not inline_js'; exit 1; }
