#!/usr/bin/env bash
# The whole test suite, from a fresh clone on a fresh machine:
#
#   ./scripts/test.sh
#
# 1. Installs what is missing (PostgreSQL server and client, Redis server, via apt-get). Nothing
#    needs to be running: the suite starts its own private instances.
# 2. Starts a private PostgreSQL on a free loopback port in a temporary directory (trust auth,
#    no fsync), so the suite never depends on — or disturbs — a database already on the machine.
#    Set TEST_DATABASE_URL to use an existing server instead.
# 3. Builds offline against the committed query metadata (.sqlx/), runs clippy with warnings as
#    errors, and runs every test of the workspace.
# 4. Stops the private PostgreSQL and removes it, whatever happened.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '\n==> %s\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    echo "need root (or sudo) to run: $*" >&2; return 1; fi
}

pg_bin_dir() {
  local dir
  for dir in $(dirname "$(command -v initdb 2>/dev/null || echo /nonexistent/x)") $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ] && [ -x "$dir/pg_dump" ]; then echo "$dir"; return 0; fi
  done
  return 1
}

# --- 1. tools -----------------------------------------------------------------------------
if ! command -v cargo >/dev/null; then
  echo "cargo not found: install the Rust toolchain (https://rustup.rs) first" >&2
  exit 1
fi
missing=()
pg_bin_dir >/dev/null || missing+=(postgresql postgresql-client)
# Redis is not used by this milestone's tests; it is installed so the quota store's tests (which
# start private redis-server instances) find it on a machine that has only PostgreSQL.
command -v redis-server >/dev/null || missing+=(redis-server)
if [ ${#missing[@]} -gt 0 ]; then
  log "installing ${missing[*]} (apt-get)"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
PG_BIN=$(pg_bin_dir)
export PATH="$PG_BIN:$PATH"

# --- 2. a private PostgreSQL ------------------------------------------------------------------
PG_DIR=""
cleanup() {
  if [ -n "$PG_DIR" ] && [ -d "$PG_DIR" ]; then
    run_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate -w stop >/dev/null 2>&1 || true
    rm -rf "$PG_DIR"
  fi
}
trap cleanup EXIT INT TERM

# PostgreSQL refuses to run as root; then the cluster belongs to the `postgres` account.
run_pg() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

free_port() {
  local port
  for _ in $(seq 1 50); do
    port=$((20000 + RANDOM % 30000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return 0; fi
  done
  return 1
}

if [ -z "${TEST_DATABASE_URL:-}" ]; then
  log "starting a private PostgreSQL for the tests"
  PG_DIR=$(mktemp -d /tmp/sluice-test-pg.XXXXXX)
  chmod 755 "$PG_DIR"
  if [ "$(id -u)" -eq 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
    chown postgres "$PG_DIR"
  fi
  PG_PORT=$(free_port)
  run_pg "$PG_BIN/initdb" -D "$PG_DIR/data" -U postgres --auth=trust --encoding=UTF8 --no-locale --no-sync >/dev/null
  run_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 start \
    -o "-p $PG_PORT -c listen_addresses=127.0.0.1 -c unix_socket_directories=$PG_DIR -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" >/dev/null
  export TEST_DATABASE_URL="postgres://postgres@127.0.0.1:$PG_PORT/postgres"
fi

# The official OpenAI and Anthropic SDKs, for the compatibility tests (crates/sluice/tests/cli/sdk.rs).
if [ ! -x target/sdk-venv/bin/python ] || ! cmp -s tests/sdk/requirements.txt target/sdk-venv/requirements.txt; then
  log "installing the Python SDKs into target/sdk-venv"
  command -v python3 >/dev/null || as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3 python3-venv >/dev/null
  rm -rf target/sdk-venv
  python3 -m venv target/sdk-venv || { as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null && python3 -m venv target/sdk-venv; }
  target/sdk-venv/bin/pip install -q --disable-pip-version-check -r tests/sdk/requirements.txt
  cp tests/sdk/requirements.txt target/sdk-venv/requirements.txt
fi

# --- 3. build, lint, test ---------------------------------------------------------------------
# Queries are checked against the committed .sqlx/ metadata, not a live database.
export SQLX_OFFLINE=true
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

log "clippy (warnings are errors)"
cargo clippy --workspace --all-targets --locked -- -D warnings

log "tests"
cargo test --workspace --locked --no-fail-fast

log "all tests passed"
