#!/usr/bin/env bash
# Runs the wasm-bindgen browser tests (tests/browser*.rs) in headless Chromium, one file at a
# time, each cut after HANG_SECONDS (a file takes under 15 s). A hang is a failure.
#
# Why the recorder's JS lives in one module (src/web/glue.js, no `inline_js`): the test
# runner's HTTP server (wasm-bindgen-test-runner 0.2.130) sometimes resets one of several
# snippet requests that Chromium makes in parallel; the module graph then never loads and the
# page shows "Loading scripts..." until chromedriver gives up. With one snippet file there is
# nothing to fetch in parallel. `make lint` refuses `inline_js` for that reason.
set -uo pipefail
cd "$(dirname "$0")/.."
status=0
HANG_SECONDS=${HANG_SECONDS:-120}
cargo test --target wasm32-unknown-unknown --no-run -q 2>&1 | grep -v '^\s*$' || true
for file in tests/browser*.rs; do
  name=$(basename "$file" .rs)
  out=$(timeout --kill-after=10 "$HANG_SECONDS" cargo test --target wasm32-unknown-unknown --test "$name" 2>&1)
  code=$?
  grep -E "^test |^test result|panicked|FAIL|failures:" <<<"$out" || true
  if [ $code -eq 124 ] || [ $code -eq 137 ]; then
    echo "browser-tests: $name did not finish within ${HANG_SECONDS} s"
    pkill -f "wasm-bindgen-test-runner.*$name" || true
  fi
  if [ $code -ne 0 ]; then
    echo "$out" | tail -60
    status=1
  fi
done
exit $status
