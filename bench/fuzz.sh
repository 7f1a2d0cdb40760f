#!/bin/sh
# Bounded fuzzing of the vCard and CSV readers and the WHEN parser on stable Rust (not in CI).
# Usage: bench/fuzz.sh [SECONDS_PER_TARGET]   (default 60; FUZZ_SEED=N replays a run)
# Panicking inputs are saved under target/tmp/fuzz-findings/.
set -eu
cd "$(dirname "$0")/.."
FUZZ_SECONDS="${1:-60}" exec cargo test --release --test runner -- fuzz_readers:: --ignored --nocapture --test-threads 1
