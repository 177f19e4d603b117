#!/usr/bin/env bash
# Fuzzes Sluice's parsers of untrusted input with cargo-fuzz (libFuzzer), each target for a
# bounded time:
#
#   ./scripts/fuzz.sh [seconds-per-target] [target...]
#
# Targets (fuzz/fuzz_targets/): sse_parser, usage_extraction, request_bodies, router_detectors.
# scripts/test.sh runs every target briefly (FUZZ_SECONDS, 20 s by default) as part of the test
# suite; the longer run documented in docs/reliability.md is
#
#   FUZZ_PROFILE=release ./scripts/fuzz.sh 600
#
# which builds optimised and with AddressSanitizer (slower to build, many more runs per second).
# The default profile is an unoptimised build without a sanitizer: it builds in about half the
# time, which is what a short run in CI needs (the code under test has no `unsafe`).
#
# Needs the nightly toolchain (shipped with the image) and cargo-fuzz (installed here if
# missing). Memory per input is capped by libFuzzer's -rss_limit_mb; a crash, a leak past the
# cap, or a failed assertion stops the run with the reproducer under fuzz/artifacts/<target>/
# and a non-zero exit. Corpora grow under fuzz/corpus/<target>/ (not committed), seeded from
# fuzz/seeds/<target>/.
set -euo pipefail
cd "$(dirname "$0")/.."

SECONDS_PER_TARGET="${1:-${FUZZ_SECONDS:-20}}"
shift || true
TARGETS=("$@")
if [ ${#TARGETS[@]} -eq 0 ]; then TARGETS=(sse_parser usage_extraction request_bodies router_detectors); fi
RSS_LIMIT_MB="${FUZZ_RSS_LIMIT_MB:-2048}"
CARGO_FUZZ_VERSION=0.13.2

log() { printf '\n==> %s\n' "$*" >&2; }

if ! rustup toolchain list 2>/dev/null | grep -q '^nightly'; then
  echo "fuzz: the nightly toolchain is missing (rustup toolchain install nightly)" >&2
  exit 1
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
  log "installing cargo-fuzz $CARGO_FUZZ_VERSION"
  cargo install cargo-fuzz --version "$CARGO_FUZZ_VERSION" --locked
fi

case "${FUZZ_PROFILE:-dev}" in
  dev) BUILD=(--dev -s none) ;;
  release) BUILD=(-O -s address) ;;
  *) echo "FUZZ_PROFILE must be dev or release" >&2; exit 1 ;;
esac

cd fuzz
log "building fuzz targets (${FUZZ_PROFILE:-dev})"
started=$(date +%s)
cargo +nightly fuzz build "${BUILD[@]}"
log "fuzz build took $(( $(date +%s) - started )) s"

for target in "${TARGETS[@]}"; do
  mkdir -p "corpus/$target"
  cp -n "seeds/$target/"* "corpus/$target/" 2>/dev/null || true
  log "fuzzing $target for ${SECONDS_PER_TARGET} s"
  status=0
  cargo +nightly fuzz run "${BUILD[@]}" "$target" "corpus/$target" -- \
    -max_total_time="$SECONDS_PER_TARGET" -rss_limit_mb="$RSS_LIMIT_MB" -max_len=65536 -timeout=10 -print_final_stats=1 \
    >"run-$target.log" 2>&1 || status=$?
  # libFuzzer's progress lines stay in the log; the summary and any failure are shown.
  grep -E '^(Done|stat::number_of_executed_units|stat::peak_rss_mb)|panicked|ERROR|SUMMARY|Test unit written' "run-$target.log" || true
  if [ "$status" -ne 0 ]; then
    tail -n 40 "run-$target.log" >&2
    echo "fuzz: $target failed; reproducer in fuzz/artifacts/$target/" >&2
    exit 1
  fi
done
log "fuzzing passed: ${#TARGETS[@]} targets x ${SECONDS_PER_TARGET} s"
