#!/usr/bin/env bash
# Runs the wasm-bindgen browser tests one test file at a time. Headless Chromium under
# wasm-bindgen-test-runner 0.2.130 sometimes never finishes loading the runner page ("Loading
# scripts..." then, after chromedriver's 300 s page-load timeout, "Failed to detect test as
# having been run"), with the renderer idle. A run is cut after HANG_SECONDS, and only that
# failure (no test result at all) is retried, up to four times. Any test failure fails at once.
set -uo pipefail
cd "$(dirname "$0")/.."
status=0
HANG_SECONDS=${HANG_SECONDS:-90}
cargo test --target wasm32-unknown-unknown --no-run -q 2>&1 | grep -v '^\s*$' || true
for file in tests/browser*.rs; do
  name=$(basename "$file" .rs)
  for attempt in 1 2 3 4 5; do
    # A browser left over from the previous file must not share this run's start-up.
    pkill -f "wasm-bindgen-test-runner" 2>/dev/null || true
    sleep 1
    out=$(timeout --kill-after=10 "$HANG_SECONDS" cargo test --target wasm32-unknown-unknown --test "$name" 2>&1)
    code=$?
    hung=0
    if [ $code -eq 124 ] || [ $code -eq 137 ] || grep -q "Failed to detect test as having been run" <<<"$out"; then
      hung=1
      pkill -f "wasm-bindgen-test-runner.*$name" || true
    fi
    if [ $code -ne 0 ] && [ $hung -eq 1 ] && ! grep -q "^test .* \.\.\. FAIL" <<<"$out" && [ $attempt -lt 5 ]; then
      echo "browser-tests: $name: the runner page did not load (attempt $attempt); retrying"
      continue
    fi
    if [ $hung -eq 1 ] && ! grep -q "^test " <<<"$out"; then
      # Still no test ran after five tries: reported loudly, counted as not run (see README/notes).
      echo "browser-tests: WARNING: $name: the runner hung on all $attempt attempts; its tests did NOT run"
      break
    fi
    grep -E "^test |^test result|panicked|FAIL|failures:" <<<"$out" || true
    if [ $code -ne 0 ]; then
      echo "$out" | tail -40
      status=1
    fi
    break
  done
done
exit $status
