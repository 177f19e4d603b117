#!/usr/bin/env bash
# The gateway benchmark (not part of the test suite: it wants a quiet machine):
#
#   ./bench/run.sh            # RATE=1000 BENCH_SECONDS=10 CONCURRENCY=32 by default
#
# Builds release binaries, starts a private PostgreSQL and Redis, the mock upstream
# (sluice-mock-upstream, recording off) and one `sluice gateway` with Redis quotas, the ledger and
# rate limits and budgets on key, team and org. The gateway is pinned to CPU 0; the load
# generator and the mock share CPU 1. A bare proxy (`sluice-bench bare-proxy`: the gateway's HTTP
# server and client with nothing else) is also pinned to CPU 0 and measured in the same run, as
# the floor the gateway's own cost is read against. sluice-bench then measures the gateway against the mock
# called directly, in the same run, and prints a Markdown table (also saved to
# bench/results/latest.md).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib.sh
. scripts/lib.sh

RATE=${RATE:-1000}
SECONDS_PER_PHASE=${BENCH_SECONDS:-10}
CONCURRENCY=${CONCURRENCY:-32}

ensure_services_installed
command -v taskset >/dev/null || apt_install util-linux
log "building release binaries"
cargo build --release --locked -p sluice -p sluice-mock-upstream -p sluice-bench
BIN=target/release

log "starting PostgreSQL, Redis and the mock upstream"
start_private_postgres
start_private_redis
DATABASE_URL=$(printf '%s' "$PRIVATE_PG_URL" | sed 's#/postgres$#/sluice_bench#')
psql "$PRIVATE_PG_URL" -qX -c "create database sluice_bench" >/dev/null
export DATABASE_URL
MOCK_PORT=$(free_port)
taskset -c 1 "$BIN/sluice-mock-upstream" --port "$MOCK_PORT" --no-record >/dev/null &
PRIVATE_PIDS+=($!)
DATA_DIR=$(mktemp -d /tmp/sluice-bench.XXXXXX)
chmod 755 "$DATA_DIR"

"$BIN/sluice" migrate --data-dir "$DATA_DIR" 2>/dev/null
KEY=$("$BIN/sluice-bench" setup --upstream "http://127.0.0.1:$MOCK_PORT/v1")

log "starting the gateway on CPU 0"
GW_PORT=$(free_port)
REDIS_URL="$PRIVATE_REDIS_URL" SLUICE_LOG_FORMAT=json RUST_LOG=warn \
  taskset -c 0 "$BIN/sluice" gateway --gateway-addr "127.0.0.1:$GW_PORT" --data-dir "$DATA_DIR" 2>"$DATA_DIR/gateway.log" &
GW_PID=$!
PRIVATE_PIDS+=("$GW_PID")
for _ in $(seq 1 200); do
  curl -sf "http://127.0.0.1:$GW_PORT/readyz" >/dev/null 2>&1 && break
  sleep 0.05
done

log "starting the bare proxy (same HTTP stack, no features) on CPU 0"
BARE_PORT=$(free_port)
taskset -c 0 "$BIN/sluice-bench" bare-proxy --listen "127.0.0.1:$BARE_PORT" --upstream "http://127.0.0.1:$MOCK_PORT/v1" &
BARE_PID=$!
PRIVATE_PIDS+=("$BARE_PID")
for _ in $(seq 1 200); do
  curl -s -o /dev/null "http://127.0.0.1:$BARE_PORT/" && break
  sleep 0.05
done

if [ -n "${PROFILE:-}" ]; then
  # Samples the gateway's stacks for the whole run (software clock; no hardware counters needed).
  perf record -F 499 -g -p "$GW_PID" -o bench/results/perf.data >/dev/null 2>&1 &
  PERF_PID=$!
fi
log "measuring (${SECONDS_PER_PHASE}s per phase)"
mkdir -p bench/results
{
  echo "Sluice gateway benchmark, $(date -u +%Y-%m-%d), $(nproc) CPUs ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'))"
  echo
  taskset -c 1 "$BIN/sluice-bench" run --gateway "http://127.0.0.1:$GW_PORT/v1" --direct "http://127.0.0.1:$MOCK_PORT/v1" \
    --key "$KEY" --gateway-pid "$GW_PID" --bare "http://127.0.0.1:$BARE_PORT/v1" --bare-pid "$BARE_PID" --rate "$RATE" --seconds "$SECONDS_PER_PHASE" --concurrency "$CONCURRENCY"
} | tee bench/results/latest.md
if [ -n "${PERF_PID:-}" ]; then
  kill -INT "$PERF_PID" 2>/dev/null || true
  wait "$PERF_PID" 2>/dev/null || true
fi
rm -rf "$DATA_DIR"
